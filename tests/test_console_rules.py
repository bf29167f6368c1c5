"""The console's rules pages: check, preview, save with a note, versions and diffs."""

from __future__ import annotations

import json

from helpers import SMALL_RULES
from console_client import ACTOR, audit_rows, dump, post, text


EDITED = SMALL_RULES.replace("weight: 60, method: rank", "weight: 10, method: rank")


def test_check_lists_every_problem_by_line(organizer):
    bad = SMALL_RULES.replace("weight: 60", "weight: zero").replace("group: county}\n  - {code: \"C\"",
                                                                       "group: nowhere}\n  - {code: \"C\"")
    answer = post(organizer, "/console/contests/small/rules", {"yaml": bad, "action": "check"})
    page = text(answer)
    assert answer.status_code == 422
    assert '<td class="num">12</td>' in page and '<td class="num">15</td>' in page  # unit B's group; gdp's weight
    assert "weight: zero" in page


def test_check_a_good_file(organizer):
    page = text(post(organizer, "/console/contests/small/rules", {"yaml": EDITED, "action": "check"}))
    assert "检查通过" in page and "weight: 10, method: rank" in page  # the edit stays in the editor


def test_preview_shows_each_units_rank_now_and_under_the_edit(app, organizer):
    # March, rules in force: A 60+40*12/30=76, B 30+40*10/30=43.33, C 0+40*8/30=10.67 -> 1, 2, 3
    # gdp weight 10: A 10+16=26, B 5+13.33=18.33, C 0+10.67=10.67 -> still 1, 2, 3.
    # To move ranks, give B more investment in March first: B inv 14 -> 30+18.67=48.67 (rank 2);
    # under the edit B 5+18.67=23.67 < A 26: no move; so make the weight 2: A 2+16=18, B 1+18.67=19.67.
    from arena import services
    from arena.http.db import get_db

    with app.app_context():
        rows = [{"unit": "B", "key": "inv", "period": "2026-03", "value": 14.0}]
        services.import_results(get_db(), "small", json.dumps(rows).encode(), fmt="json", actor="setup")
    before = dump(app)
    edited = SMALL_RULES.replace("weight: 60, method: rank", "weight: 2, method: rank")
    answer = post(organizer, "/console/contests/small/rules", {"yaml": edited, "action": "preview", "month": "2026-03"})
    page = text(answer)
    assert answer.status_code == 200
    table = page[page.index('id="preview-ranks"'):]
    a_row = table[table.index('data-unit="A"'):table.index('data-unit="C"')]
    assert 'class="moved"' in table and "名次有变化的单位：2 个" in page
    assert "<td class=\"num\">76.00</td>" in a_row and "<td class=\"num\">18.00</td>" in a_row
    assert '<span class="down">↓1</span>' in a_row and '<span class="up">↑1</span>' in table
    assert dump(app) == before  # a preview saves nothing


def test_save_needs_a_note_then_stores_a_version(app, organizer):
    before = dump(app)
    answer = post(organizer, "/console/contests/small/rules", {"yaml": EDITED, "action": "save", "note": " "})
    assert answer.status_code == 400 and "修改说明" in text(answer)
    assert dump(app) == before
    answer = post(organizer, "/console/contests/small/rules", {"yaml": EDITED, "action": "save", "note": "降低增速权重"})
    assert answer.status_code == 302
    assert "已保存为第 2 版" in text(organizer.get(answer.headers["Location"]))
    row = audit_rows(app, "rules.save")[0]
    assert (row["actor"], row["target"], row["detail"]) == (ACTOR, "rules v2", {"note": "降低增速权重"})
    same = post(organizer, "/console/contests/small/rules", {"yaml": EDITED, "action": "save", "note": "再存"})
    assert "没有保存新版本" in text(organizer.get(same.headers["Location"]))


def test_save_refuses_another_contests_file(organizer):
    other = SMALL_RULES.replace("id: small", "id: other")
    answer = post(organizer, "/console/contests/small/rules", {"yaml": other, "action": "save", "note": "x"})
    assert answer.status_code == 400 and "contest.id" in text(answer)


def test_textarea_crlf_is_saved_as_written_lines(app, organizer):
    from arena.http.db import get_db
    from arena.store import contests

    post(organizer, "/console/contests/small/rules",
         {"yaml": EDITED.replace("\n", "\r\n"), "action": "save", "note": "Windows"})
    with app.app_context():
        assert contests.get_rules(get_db(), "small")["yaml"] == EDITED


def test_versions_and_diff(organizer):
    post(organizer, "/console/contests/small/rules", {"yaml": EDITED, "action": "save", "note": "降低增速权重"})
    versions = text(organizer.get("/console/contests/small/rules/versions"))
    assert "第 2 版" in versions and "降低增速权重" in versions and "现行" in versions
    page = text(organizer.get("/console/contests/small/rules/diff?a=1&b=2"))
    assert "增加 <span class=\"added\">1</span> 行，删除 <span class=\"removed\">1</span> 行" in page
    assert '<tr class="diff-del">' in page and "- {id: gdp, name: 增速, unit: &#34;%&#34;, weight: 60" in page
    assert '<tr class="diff-add">' in page and "weight: 10, method: rank}" in page
    assert "两个版本内容相同" in text(organizer.get("/console/contests/small/rules/diff?a=2&b=2"))
    assert organizer.get("/console/contests/small/rules/diff?a=1&b=9").status_code == 404
    assert organizer.get("/console/contests/small/rules/diff?a=x&b=2").status_code == 404
    one = text(organizer.get("/console/contests/small/rules/versions/1"))
    assert "weight: 60" in one
