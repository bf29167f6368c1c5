"""The console's contests and results pages: new contests from a rule file, uploads, the month table."""

from __future__ import annotations

import io
import json

from openpyxl import Workbook

from helpers import SMALL_RULES, month_rows
from console_client import ACTOR, SMALL_CSV, audit_rows, dump, post, text


# -- contests -----------------------------------------------------------------------------

def test_contest_list_and_overview(organizer):
    home = text(organizer.get("/console/"))
    assert "小擂台" in home and "第 1 版" in home and "尚未发布" in home
    overview = text(organizer.get("/console/contests/small"))
    assert "甲县" in overview and "2026-01、2026-02、2026-03" in overview


def test_create_contest_from_a_rule_file(app, organizer):
    fresh = SMALL_RULES.replace("id: small", "id: fresh").replace("name: 小擂台", "name: 新擂台")
    answer = post(organizer, "/console/contests", {"rules": (io.BytesIO(fresh.encode()), "fresh.yaml"),
                                                   "note": "首版"}, files=True)
    assert answer.status_code == 302 and answer.headers["Location"] == "/console/contests/fresh"
    assert "新擂台" in text(organizer.get("/console/"))
    row = audit_rows(app, "contest.create")[0]
    assert (row["contest"], row["actor"], row["detail"]) == ("fresh", ACTOR, {"note": "首版"})


def test_a_bad_rule_file_lists_every_problem_by_line_and_stores_nothing(app, organizer):
    # line 15 gets weight -5 and line 16 method "best": two problems, both listed
    bad = SMALL_RULES.replace("id: small", "id: fresh").replace("weight: 60", "weight: -5")
    bad = bad.replace("method: completion", "method: best")
    before = dump(app)
    answer = post(organizer, "/console/contests", {"rules": (io.BytesIO(bad.encode()), "fresh.yaml")}, files=True)
    page = text(answer)
    assert answer.status_code == 422 and "没有保存任何内容" in page
    assert '<td class="num">15</td>' in page and '<td class="num">16</td>' in page
    assert "indicators[0].weight" in page and "indicators[1].method" in page
    assert "weight: -5" in page  # the offending line is shown beside its problem
    assert dump(app) == before


def test_an_existing_contest_id_is_a_conflict(organizer):
    answer = post(organizer, "/console/contests", {"rules": (io.BytesIO(SMALL_RULES.encode()), "s.yaml")}, files=True)
    assert answer.status_code == 409 and "exists already" in text(answer)


# -- results ------------------------------------------------------------------------------

def test_a_file_with_a_bad_row_shows_every_bad_row_and_stores_nothing(app, organizer):
    lines = SMALL_CSV.splitlines()
    lines[3] = "B,gdp,2026-04,十二"  # CSV line 4: not a number
    lines[5] = "C,gdpp,2026-04,5"  # CSV line 6: an unknown key
    before = dump(app)
    answer = post(organizer, "/console/contests/small/results",
                  {"file": (io.BytesIO("\n".join(lines).encode()), "april.csv"), "month": "2026-04"}, files=True)
    page = text(answer)
    assert answer.status_code == 422 and "没有保存任何内容" in page and "april.csv" in page
    assert '<td class="num">4</td>\n    <td>数值</td>' in page
    assert '<td class="num">6</td>\n    <td>指标</td>' in page and "未知的指标 &#39;gdpp&#39;" in page
    assert dump(app) == before


def test_a_good_file_shows_its_counts_and_the_month_table(app, organizer):
    upload = {"file": (io.BytesIO(SMALL_CSV.encode()), "april.csv"), "month": "2026-04"}
    answer = post(organizer, "/console/contests/small/results", upload, files=True)
    assert answer.status_code == 302
    page = text(organizer.get(answer.headers["Location"]))
    assert "新增 6 条，更新 0 条，未变 0 条" in page
    assert "2026-04 各单位报送情况" in page and "共 6 条数据" in page
    again = post(organizer, "/console/contests/small/results",
                 {"file": (io.BytesIO(SMALL_CSV.encode()), "april.csv")}, files=True)
    assert "新增 0 条，更新 0 条，未变 6 条" in text(organizer.get(again.headers["Location"]))
    row = audit_rows(app, "results.import")[0]
    assert row["actor"] == ACTOR and row["detail"] == {"inserted": 6, "updated": 0, "unchanged": 0}


def test_an_excel_upload_is_read(organizer):
    book = Workbook()
    sheet = book.active
    sheet.append(["单位", "指标", "期间", "数值"])
    for r in month_rows("2026-05"):
        sheet.append([r["unit"], r["key"], r["period"], r["value"]])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    answer = post(organizer, "/console/contests/small/results", {"file": (data, "五月.xlsx")}, files=True)
    assert "新增 6 条" in text(organizer.get(answer.headers["Location"]))


def test_an_unknown_file_type_is_refused(organizer):
    answer = post(organizer, "/console/contests/small/results",
                  {"file": (io.BytesIO(b"x"), "april.xls")}, files=True)
    assert answer.status_code == 415 and ".xlsx" in text(answer)


def test_missing_exempt_and_unscored_values_are_told_apart(app, organizer):
    from arena import services
    from arena.http.db import get_db

    rules = SMALL_RULES.replace("  - {id: inv,", "  - {id: gap, name: 差距, weight: {other: 5}, method: rank}\n  - {id: inv,")
    rules = rules.replace("groups:\n  county: 区县组", "groups:\n  county: 区县组\n  other: 其他组")
    rules = rules.replace("awards:", 'exempt: {"B": [inv]}\nawards:')
    rows = [r for r in month_rows("2026-04") if not (r["unit"] == "C" and r["key"] == "inv")]
    with app.app_context():
        services.save_rules(get_db(), rules, actor="setup")
        services.import_results(get_db(), "small", json.dumps(rows).encode(), fmt="json", actor="setup")
    page = text(organizer.get("/console/contests/small/results?month=2026-04"))
    table = page[page.index('id="reported"'):]
    b_row = table[table.index('data-unit="B"'):table.index('data-unit="C"')]
    c_row = table[table.index('data-unit="C"'):]
    assert "免考核" not in b_row or "10" in b_row  # B reported inv although exempt: its value shows
    assert c_row.count("未报</span>") == 1 and "不考核" in c_row  # inv missing; gap not scored by county
    assert "未报 1 项" in page


def test_an_exempt_unit_without_a_value_shows_exempt(app, organizer):
    from arena import services
    from arena.http.db import get_db

    rules = SMALL_RULES.replace("awards:", 'exempt: {"B": [inv]}\nawards:')
    with app.app_context():
        services.save_rules(get_db(), rules, actor="setup")
    rows = [r for r in month_rows("2026-04") if not (r["unit"] == "B" and r["key"] == "inv")]
    with app.app_context():
        services.import_results(get_db(), "small", json.dumps(rows).encode(), fmt="json", actor="setup")
    page = text(organizer.get("/console/contests/small/results?month=2026-04"))
    b_row = page[page.index('data-unit="B"'):page.index('data-unit="C"')]
    assert "免考核" in b_row and "未报</span>" not in b_row and "应报指标均已报送" in page
