"""The console's drafts, publishing and corrections, the audit log, and what every page shares."""

from __future__ import annotations

import json

import pytest

from helpers import SMALL_RULES
from console_client import ACTOR, audit_rows, dump, post, text


def test_draft_sheet_of_a_month_and_a_quarter(organizer):
    page = text(organizer.get("/console/contests/small/draft?period=2026-03"))
    # March: A 60 + 40*12/30 = 76.00, rank 1; B 30 + 13.33 = 43.33; C 0 + 10.67 = 10.67
    assert "2026-03 尚未发布" in page and "76.00" in page and "43.33" in page and "10.67" in page
    quarter = text(organizer.get("/console/contests/small/draft?period=2026-Q1"))
    assert "红旗" in quarter and "黄旗" in quarter
    assert "还没有成绩数据" in text(organizer.get("/console/contests/small/draft?period=2026-07"))


def test_publish_then_correct_with_a_note(app, organizer):
    from arena import services
    from arena.http.db import get_db

    answer = post(organizer, "/console/contests/small/publications", {"period": "2026-03", "action": "publish"})
    assert answer.status_code == 302
    page = text(organizer.get(answer.headers["Location"]))
    assert "已发布 2026-03 第 1 版" in page and "与第 1 版相同，无需更正" in page
    again = post(organizer, "/console/contests/small/publications", {"period": "2026-03", "action": "correct",
                                                                     "note": "重复点击"})
    assert "没有变化，仍为第 1 版" in text(organizer.get(again.headers["Location"]))
    with app.app_context():
        rows = [{"unit": "C", "key": "gdp", "period": "2026-03", "value": 9.0}]
        services.import_results(get_db(), "small", json.dumps(rows).encode(), fmt="json", actor="setup")
    assert "规则或数据已有改动" in text(organizer.get("/console/contests/small/draft?period=2026-03"))
    before = dump(app)
    refused = post(organizer, "/console/contests/small/publications", {"period": "2026-03", "action": "correct"})
    assert refused.status_code == 422 and "更正说明" in text(refused) and dump(app) == before
    done = post(organizer, "/console/contests/small/publications",
                {"period": "2026-03", "action": "correct", "note": "丙县增速数据更正"})
    assert "已发布 2026-03 第 2 版" in text(organizer.get(done.headers["Location"]))
    listing = text(organizer.get("/console/contests/small/publications"))
    assert "第 1 版" in listing and "第 2 版" in listing and "丙县增速数据更正" in listing
    assert "/contests/small/2026-03" in listing
    row = audit_rows(app, "publication.correct")[0]
    assert (row["actor"], row["target"], row["detail"]) == (ACTOR, "2026-03 r2", {"note": "丙县增速数据更正"})


def test_publishing_a_period_without_results_stores_nothing(app, organizer):
    before = dump(app)
    answer = post(organizer, "/console/contests/small/publications", {"period": "2026-08", "action": "publish"})
    assert answer.status_code == 404 and "发布没有完成" in text(answer) and dump(app) == before


# -- audit --------------------------------------------------------------------------------

def test_audit_log_filters_by_contest_and_action(app, organizer):
    from arena import services
    from arena.http.db import get_db

    with app.app_context():
        services.save_rules(get_db(), SMALL_RULES.replace("id: small", "id: other"), actor="setup")
    everything = text(organizer.get("/console/audit"))
    assert everything.count('data-action="contest.create"') == 2 and 'data-action="results.import"' in everything
    one = text(organizer.get("/console/audit?contest=other"))
    assert one.count("<tr data-action") == 1 and "新建比赛" in one
    imports = text(organizer.get("/console/audit?action=results.import"))
    assert imports.count("<tr data-action") == 1 and 'data-action="results.import"' in imports
    assert "没有符合条件的记录" in text(organizer.get("/console/audit?contest=other&action=results.import"))


@pytest.mark.parametrize("path", [
    "/console/", "/console/contests/small", "/console/contests/small/results", "/console/contests/small/rules",
    "/console/contests/small/rules/versions", "/console/contests/small/rules/diff?a=1&b=1",
    "/console/contests/small/rules/versions/1", "/console/contests/small/draft",
    "/console/contests/small/publications", "/console/audit",
])
def test_every_page_is_chinese_self_contained_and_never_cached(organizer, path):
    answer = organizer.get(path)
    page = text(answer)
    assert answer.status_code == 200 and '<html lang="zh-CN">' in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert answer.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]


def test_unknown_contest_is_a_chinese_404_page(organizer):
    answer = organizer.get("/console/contests/nope/draft")
    assert answer.status_code == 404 and "找不到" in text(answer) and answer.mimetype == "text/html"


@pytest.mark.parametrize("period", ["2027-01", "", "2026-13", "Q1"])
def test_publishing_a_period_outside_the_season_publishes_nothing(app, organizer, period):
    before = dump(app)
    refused = post(organizer, "/console/contests/small/publications", {"period": period, "action": "publish"})
    assert refused.status_code == 422 and "只能发布本赛季的期间，什么也没有发布" in text(refused)
    assert dump(app) == before


def test_a_note_with_a_control_character_is_refused_and_nothing_published(app, organizer):
    before = dump(app)
    refused = post(organizer, "/console/contests/small/publications",
                   {"period": "2026-03", "action": "publish", "note": "更正\x1b"})
    assert refused.status_code == 422 and "control character" in text(refused)
    assert dump(app) == before


def test_a_rules_change_that_changes_no_score_needs_no_correction(app, organizer):
    """A comment added to the rules makes new hashes but the same sheet: the draft page says so,
    as publishing does (it would make no new revision)."""
    from arena import services
    from arena.http.db import get_db

    post(organizer, "/console/contests/small/publications", {"period": "2026-03", "action": "publish"})
    with app.app_context():
        services.save_rules(get_db(), SMALL_RULES + "# 增加注释\n", actor="setup")
    page = text(organizer.get("/console/contests/small/draft?period=2026-03"))
    assert "规则或数据有改动，但成绩单内容没有变化，无需更正" in page and "flash-error" not in page
    again = post(organizer, "/console/contests/small/publications",
                 {"period": "2026-03", "action": "correct", "note": "核对"})
    assert "没有变化，仍为第 1 版" in text(organizer.get(again.headers["Location"]))
