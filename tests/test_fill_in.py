"""The fill-in workbook (填报表): who gets which rows and columns, what it keeps hidden, that it
validates and protects its cells, and that a filled one imports back (API.md "Reporting and review")."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from helpers import SMALL_RULES, month_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# 市统计局 reports 增速 and 投资 for every unit, except C is exempt from 投资; 市商务局 reports 外贸,
# which only A and B score (C is exempt); units report nothing; one adjustment, a count
RULES = (SMALL_RULES
         .replace("groups:\n", "departments: {tjj: 市统计局, swj: 市商务局}\ngroups:\n")
         .replace("method: rank}", "method: rank, reported_by: tjj}")
         .replace("progress: linear}", "progress: linear, reported_by: tjj}\n"
                  "  - {id: wm, name: 外贸, unit: 亿美元, weight: 10, method: rank, reported_by: swj}\n"
                  "adjustments:\n  - {id: award, name: 获省级以上表彰, points: 1, max: 3}\n"
                  "exempt: {C: [wm, inv]}"))
SELF_REPORT = SMALL_RULES.replace("  precision: 2\n", "  precision: 2\n  self_report: true\n")


@pytest.fixture
def site(tmp_path):
    """An app with both contests, February stored for small-dept, and a token for each caller."""
    from arena import create_app, services
    from arena.http.db import get_db
    from arena.services import tokens

    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "TESTING": True})
    found = {}
    with app.app_context():
        db = get_db()
        services.save_rules(db, RULES.replace("id: small", "id: dept"), actor="t")
        services.save_rules(db, SELF_REPORT, actor="t")
        rows = month_rows("2026-02") + [{"unit": "A", "key": "wm", "period": "2026-02", "value": 3.5}]
        services.import_results(db, "dept", json.dumps(rows).encode(), fmt="json", actor="t")
        for name, kw in {"organizer": dict(role="organizer"),
                         "tjj": dict(role="department", department="tjj", contest="dept"),
                         "swj": dict(role="department", department="swj", contest="dept"),
                         "unit_b": dict(role="unit", unit="B", contest="small"),
                         "unit_b_dept": dict(role="unit", unit="B", contest="dept")}.items():
            found[name] = tokens.issue(db, name=name, actor="t", **kw)[0]
    client = app.test_client()

    def get(cid, period, who):
        return client.get(f"/api/contests/{cid}/template/{period}.xlsx", headers={"Authorization": f"Bearer {found[who]}"})

    def post(cid, body, who="organizer"):
        return client.post(f"/api/contests/{cid}/results", data=body,
                           headers={"Authorization": f"Bearer {found[who]}", "Content-Type": XLSX})

    return app, get, post


def sheet_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == XLSX and response.headers["Cache-Control"] == "private, no-store"
    return load_workbook(io.BytesIO(response.data)).worksheets[0]


def grid(ws, first_row=4):
    """The header row and the unit rows, as values."""
    return [list(r) for r in ws.iter_rows(min_row=first_row, values_only=True)]


def test_the_organizers_workbook_has_every_unit_and_every_indicator_and_adjustment(site):
    _, get, _ = site
    ws = sheet_of(get("dept", "2026-03", "organizer"))
    assert ws["A1"].value == "arena-template/1" and ws["A2"].value == "2026-03" and ws["A3"].value == "dept"
    assert ws["B1"].value == "小擂台 2026年3月数据填报表"  # the title row names the contest and month
    assert [c.value for c in ws[3]][2:] == ["gdp", "inv", "wm", "award"]  # the hidden row of keys
    assert grid(ws) == [["单位代码", "单位", "增速（%）", "投资（亿元）", "外贸（亿美元）", "获省级以上表彰（次）"],
                        ["A", "甲县", None, None, None, None],
                        ["B", "乙县", None, None, None, None],
                        ["C", "丙县", None, None, None, None]]
    assert ws.column_dimensions["A"].hidden and ws.row_dimensions[3].hidden
    assert ws.freeze_panes == "C5"


def test_values_are_validated_headers_locked_and_value_cells_open(site):
    _, get, _ = site
    ws = sheet_of(get("dept", "2026-03", "organizer"))
    rules = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    decimal = rules["C5:C7 D5:D6 E5:E6"]  # C is exempt from 投资 and 外贸: no cell there
    assert (decimal.type, decimal.operator, decimal.showErrorMessage) == ("decimal", "between", True)
    assert "请填写数字" in decimal.error and decimal.allow_blank
    assert rules["F5:F7"].type == "whole"  # an adjustment is a count
    assert ws.protection.sheet
    assert ws["B5"].protection.locked and ws["C4"].protection.locked and ws["A5"].protection.locked
    assert not ws["C5"].protection.locked and not ws["F7"].protection.locked
    assert ws["D7"].protection.locked and ws["D7"].fill.start_color.rgb.endswith("E5E7EB")  # exempt: grey, shut
    assert ws.column_dimensions["B"].width >= 10


def test_a_department_sees_its_own_indicators_for_the_units_that_score_them_prefilled(site):
    _, get, _ = site
    tjj = sheet_of(get("dept", "2026-02", "tjj"))
    # a reporter's workbook goes in as a submission: it ends with 说明, one per row
    assert grid(tjj) == [["单位代码", "单位", "增速（%）", "投资（亿元）", "说明"],
                         ["A", "甲县", 7, 12, None], ["B", "乙县", 6, 10, None], ["C", "丙县", 5, None, None]]
    assert "填报：市统计局" in tjj["B2"].value  # C: exempt from inv
    swj = sheet_of(get("dept", "2026-02", "swj"))
    assert grid(swj) == [["单位代码", "单位", "外贸（亿美元）", "说明"], ["A", "甲县", 3.5, None], ["B", "乙县", None, None]]
    assert swj["D3"].value == "#explanation" and not swj["D5"].protection.locked


def test_a_unit_sees_its_own_row(site):
    _, get, _ = site
    ws = sheet_of(get("small", "2026-04", "unit_b"))
    assert grid(ws) == [["单位代码", "单位", "增速（%）", "投资（亿元）", "说明"], ["B", "乙县", None, None, None]]


def test_filled_workbook_imports_back_and_its_rows_are_stored(site):
    app, get, post = site
    response = get("dept", "2026-03", "organizer")
    book = load_workbook(io.BytesIO(response.data))
    ws = book.worksheets[0]
    ws["C5"], ws["D5"], ws["C6"], ws["E6"], ws["F7"] = 7.5, "12", 6.25, 2, 1  # C7 etc. stay empty
    ws["B5"] = "甲县（改名）"  # names are only shown: the hidden code says which unit
    buf = io.BytesIO()
    book.save(buf)
    answer = post("dept", buf.getvalue())
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json() == {"inserted": 5, "updated": 0, "unchanged": 0}
    from arena.http.db import get_db
    from arena.store import results

    with app.app_context():
        stored = {(r["unit"], r["key"]): r["value"] for r in results.list_results(get_db(), "dept", "2026-03")}
    assert stored == {("A", "gdp"): 7.5, ("A", "inv"): 12.0, ("B", "gdp"): 6.25, ("B", "wm"): 2.0,
                      ("C", "award"): 1.0}


def test_an_unchanged_prefilled_workbook_imports_back_unchanged(site):
    _, get, post = site
    answer = post("dept", get("dept", "2026-02", "organizer").data)
    # 7 rows stored; C's 投资 is exempt, so its cell is shut and empty and the other 6 come back
    assert answer.status_code == 200 and answer.get_json() == {"inserted": 0, "updated": 0, "unchanged": 6}


def test_an_empty_workbook_imports_back_as_no_rows(site):
    _, get, post = site
    answer = post("small", get("small", "2026-05", "organizer").data)
    assert answer.status_code == 200 and answer.get_json() == {"inserted": 0, "updated": 0, "unchanged": 0}


def test_a_unit_posts_its_own_filled_row(site):
    _, get, post = site
    book = load_workbook(io.BytesIO(get("small", "2026-04", "unit_b").data))
    book.worksheets[0]["C5"] = 5.5
    buf = io.BytesIO()
    book.save(buf)
    answer = post("small", buf.getvalue(), "unit_b")
    assert answer.status_code == 200 and answer.get_json()["inserted"] == 1


def test_a_bad_cell_is_refused_naming_its_row_and_nothing_is_stored(site):
    _, get, post = site
    book = load_workbook(io.BytesIO(get("dept", "2026-03", "organizer").data))
    ws = book.worksheets[0]
    ws["C5"], ws["C6"] = 1.0, "七"  # validation lives in Excel; a file made elsewhere still gets checked
    buf = io.BytesIO()
    book.save(buf)
    answer = post("dept", buf.getvalue())
    assert answer.status_code == 422
    assert [(d["row"], d["field"]) for d in answer.get_json()["error"]["details"]] == [(6, "value")]
    assert post("dept", get("dept", "2026-03", "organizer").data).get_json()["inserted"] == 0  # C5 was not kept


def test_another_contests_workbook_is_refused(site):
    _, get, post = site
    answer = post("dept", get("small", "2026-03", "organizer").data)
    assert answer.status_code == 422
    assert "这是比赛 'small' 的填报表，不能导入比赛 dept" in answer.get_json()["error"]["message"]


@pytest.mark.parametrize("period", ["2026-Q1", "2026", "2027-01", "2026-13", "march"])
def test_a_period_that_is_not_a_month_of_the_season_is_422(site, period):
    _, get, _ = site
    answer = get("dept", period, "organizer")
    assert answer.status_code == 422 and "不是本赛季的月份" in answer.get_json()["error"]["message"]


def test_an_unknown_contest_is_404_and_a_caller_reporting_nothing_is_403(site):
    _, get, _ = site
    assert get("nope", "2026-03", "organizer").status_code == 404
    answer = get("dept", "2026-03", "unit_b_dept")  # units report nothing in this contest
    assert answer.status_code == 403 and "没有要报送的指标" in answer.get_json()["error"]["message"]
    assert get("small", "2026-03", "tjj").status_code == 403  # a department token is scoped to its contest


def test_parse_results_reads_the_template_into_coded_rows_skipping_empty_cells():
    from arena.engine.reporting import reporter_of_template
    from arena.engine.rules import load_rules
    from arena.ingest import parse_results
    from arena.render.template import fill_in_workbook

    contest = load_rules(RULES)
    body = fill_in_workbook(contest, "2026-06", reporter_of_template(contest, "dept:tjj"), {("B", "inv"): 9.0})
    rows = parse_results(body, "xlsx", contest="small")
    assert [(r.row, r.unit, r.key, r.period, r.value, r.coded) for r in rows] == [(6, "B", "inv", "2026-06", 9.0, True)]
    book = load_workbook(io.BytesIO(body))
    book.worksheets[0]["C5"] = 0.125
    book.worksheets[0]["C5"].number_format = "0.0%"  # "12.5%" typed into Excel
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(Exception) as info:
        parse_results(buf.getvalue(), "xlsx")
    assert info.value.status == 400 and "C5 是百分比格式，显示 12.5%" in info.value.details[0]["message"]
