"""Weeks through the whole service: the scheduler publishes each week of the dispatch exactly
once, across a restart and after downtime (driven clock); rows for weeks through the API and the
CLI, with a clear 4xx for a bad week; a published week's sheet, rows and board (the lag chart).

The small contest with a weekly block: inv (target 120, linear) is its one indicator with a
target, so the dispatch shows it alone. 2026-W14: p = 95/365, t = 120 * 95/365 = 31.2329;
A reports 35 -> r = 35 / 31.2329 = 1.1206, lag = 100 * (95/365 - 35/120) = -3.14, green.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from arena import services
from arena.errors import ValidationFailed
from arena.services import publishing, scheduler
from arena.store import publications
from arena.store.db import connect
from helpers import SMALL_RULES

WEEKLY_RULES = SMALL_RULES + 'weekly: {publish: {weekday: 1, at: "09:00"}}\n'
ARTIFACTS = Path(__file__).parent / "artifacts"


def week_rows(week: str, inv=(35.0, 30.0, 20.0)) -> list[dict]:
    return [{"unit": u, "key": "inv", "period": week, "value": v} for u, v in zip("ABC", inv)]


def load(db, *weeks: str) -> None:
    rows = [r for w in weeks for r in week_rows(w)]
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")


def drive_to(driven_clock, text: str) -> None:
    driven_clock.tick(datetime.fromisoformat(text).timestamp() - driven_clock.moment)


def start(path: str):
    """A scheduler process as `arena scheduler` builds it, paused, its first tick run by hand."""
    from apscheduler.schedulers.background import BackgroundScheduler

    sched = scheduler.build(lambda: connect(path), tick_seconds=60, kind=BackgroundScheduler)
    sched.start(paused=True)
    return sched


def test_weeks_publish_exactly_once_across_a_scheduler_restart(db, driven_clock):
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    services.save_rules(db, WEEKLY_RULES, actor="t")
    drive_to(driven_clock, "2026-04-13T10:00:00+08:00")  # W14 (due 6 April) and W15 (due 13 April 09:00)
    load(db, "2026-W14", "2026-W15", "2026-W16")  # W16 runs to 19 April: not due yet
    first = start(path)
    try:
        first.get_job("tick").func()
        jobs = {j.id: j for j in first.get_jobs()}
        first.get_job("tick").func()  # a second pass at the same moment publishes nothing
    finally:
        first.shutdown(wait=False)
    assert [p["period"] for p in publications.list_all(db, "small")] == ["2026-W14", "2026-W15"]
    weekly = jobs["small:weekly"].trigger
    fire = weekly.get_next_fire_time(None, datetime(2026, 4, 14, tzinfo=timezone.utc))
    assert fire.isoformat() == "2026-04-20T09:00:00+08:00"  # the next Monday, in the contest's zone

    # down for three weeks: W16, W17 and W18 fell due meanwhile (W18 on Monday 4 May)
    drive_to(driven_clock, "2026-05-05T08:00:00+08:00")
    load(db, "2026-W17", "2026-W18", "2026-W19")
    second = start(path)
    try:
        second.get_job("tick").func()
        second.get_job("tick").func()
    finally:
        second.shutdown(wait=False)
    made = publications.list_all(db, "small")
    assert [(p["period"], p["revision"]) for p in made] == [
        ("2026-W14", 1), ("2026-W15", 1), ("2026-W16", 1), ("2026-W17", 1), ("2026-W18", 1)]
    assert made[2]["published_at"] == "2026-05-05T08:00:00+08:00"  # caught up at the restart
    assert publishing.publish_due(db, datetime(2026, 5, 5, tzinfo=timezone.utc)) == []


def test_weeks_never_touch_months(db):
    services.save_rules(db, WEEKLY_RULES, actor="t")
    load(db, "2026-W14")
    assert publishing.publish_due(db, datetime(2026, 5, 20, tzinfo=timezone.utc))[0]["period"] == "2026-W14"
    assert [p["period"] for p in publications.list_all(db, "small")] == ["2026-W14"]  # no month is scored
    with pytest.raises(Exception, match="no scored month"):
        services.draft(db, "small", "2026-04")


@pytest.fixture
def weekly_api(tmp_path, monkeypatch):
    """An app on the weekly small contest, with an organizer token."""
    from arena.http.app import create_app
    from arena.services import tokens

    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path / "instance"))
    path = str(tmp_path / "arena.db")
    app = create_app({"DATABASE": path, "TESTING": True})
    db = connect(path)
    services.save_rules(db, WEEKLY_RULES, actor="t")
    token, _ = tokens.issue(db, name="organizer", actor="t", role="organizer")
    db.close()
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def test_week_results_draft_publication_and_board_through_the_api(weekly_api):
    client, auth = weekly_api
    posted = client.post("/api/contests/small/results", json=week_rows("2026-W14"), headers=auth)
    assert posted.status_code == 200 and posted.get_json() == {"inserted": 3, "updated": 0, "unchanged": 0}
    draft = client.get("/api/contests/small/draft/2026-W14", headers=auth)
    assert draft.status_code == 200
    sheet = draft.get_json()
    assert sheet["kind"] == "week" and sheet["week"] == {"from": "2026-03-30", "to": "2026-04-05", "month": "2026-04"}
    a = sheet["groups"][0]["units"][0]
    assert (a["unit"], a["name"]) == ("A", "甲县")
    assert a["indicators"] == {"inv": {"value": 35.0, "target": 31.2329, "ratio": 1.1206, "lag": -3.14,
                                       "light": "green", "missing": False}}
    assert "甲县" in draft.get_data(as_text=True)  # Chinese unescaped
    made = client.post("/api/contests/small/publications", json={"period": "2026-W14"}, headers=auth)
    assert made.status_code == 201, made.get_data(as_text=True)
    scores = client.get("/api/contests/small/scores/2026-W14")
    assert scores.status_code == 200 and json.loads(scores.get_data())["groups"] == sheet["groups"]
    one = client.get("/api/contests/small/scores/2026-W14/A")
    assert one.status_code == 200 and one.get_json()["row"]["indicators"]["inv"]["lag"] == -3.14
    standing = client.get("/api/contests/small/standing?unit=A", headers=auth)
    assert standing.status_code == 200 and [h["kind"] for h in standing.get_json()["history"]] == ["week"]
    assert standing.get_json()["latest"] is None  # a week ranks no one
    rows = client.get("/api/contests/small/results?period=2026-W14", headers=auth).get_json()
    assert [(r["unit"], r["period"], r["value"]) for r in rows] == [("A", "2026-W14", 35.0), ("B", "2026-W14", 30.0),
                                                                    ("C", "2026-W14", 20.0)]
    mine = client.get("/api/contests/small/results?unit=A", headers=auth).get_json()
    assert [r["period"] for r in mine] == ["2026-W14"]
    board = client.get("/api/contests/small/boards/2026-W14.png")
    assert board.status_code == 200 and board.data[:8] == b"\x89PNG\r\n\x1a\n"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "week-2026-W14-board.png").write_bytes(board.data)
    assert client.get("/api/contests/small/boards/2026-W14.png?size=screen").status_code == 200
    for path in ("/api/contests/small/scores/2026-W14.xlsx", "/api/contests/small/notices/2026-W14.docx"):
        refused = client.get(path)
        assert refused.status_code == 404 and "周调度" in refused.get_json()["error"]["message"], path


@pytest.mark.parametrize("period, says", [
    ("2025-W53", "2025 has 52 ISO weeks"),
    ("2027-W01", "不在本赛季"),
    ("2026-W1", "如 2026-W14"),
])
def test_a_bad_week_row_is_a_422_naming_it_and_stores_nothing(weekly_api, period, says):
    client, auth = weekly_api
    answer = client.post("/api/contests/small/results", json=week_rows("2026-W14")[:1] + week_rows(period)[:1],
                         headers=auth)
    assert answer.status_code == 422  # as for any bad row (ValidationFailed)
    details = answer.get_json()["error"]["details"]
    assert [(d["row"], d["field"]) for d in details] == [(2, "period")] and says in details[0]["message"]
    assert client.get("/api/contests/small/results?period=2026-W14", headers=auth).get_json() == []


def test_an_adjustment_or_a_week_without_weekly_is_refused(weekly_api, tmp_path):
    client, auth = weekly_api
    answer = client.post("/api/contests/small/results", json=[{"unit": "A", "key": "gdp", "period": "2026-W14",
                                                               "value": 1}], headers=auth)
    assert answer.status_code == 422 and "不在周调度中" in answer.get_json()["error"]["details"][0]["message"]
    assert client.get("/api/contests/small/draft/2025-W53", headers=auth).status_code == 400
    assert client.get("/api/contests/small/scores/2026-W54").status_code == 404
    assert client.get("/api/contests/small/draft/2026-W20", headers=auth).status_code == 404  # no rows


def test_the_cli_scores_and_publishes_a_week(cli, tmp_path):
    (tmp_path / "rules.yaml").write_text(WEEKLY_RULES, encoding="utf-8")
    (tmp_path / "w.json").write_text(json.dumps(week_rows("2026-W01")), encoding="utf-8")
    assert cli("contest", "load", tmp_path / "rules.yaml")[0] == 0
    assert cli("results", "import", tmp_path / "w.json", "--contest", "small")[0] == 0
    code, out, _ = cli("score", "small", "2026-W01", "--json")
    # 2026-W01: p = 4/365, t = 120 * 4/365 = 1.3151; A 35: lag = 100 * (4/365 - 35/120) = -28.07
    cell = json.loads(out)["groups"][0]["units"][0]["indicators"]["inv"]
    assert code == 0 and (cell["target"], cell["lag"]) == (1.3151, -28.07)
    code, out, _ = cli("score", "small", "2026-W01")
    assert code == 0 and "2025-12-29 至 2026-01-04" in out and "35/1.3151" in out and "-28.07 绿" in out
    assert "inv=投资 时间进度 1.1%" in out
    code, out, err = cli("score", "small", "2025-W53")
    assert code != 0 and "2025 has 52 ISO weeks" in err
    assert cli("publish", "small", "2026-W01")[0] == 0
    code, _, err = cli("board", "small", "2026-W01", "-o", tmp_path / "w01.png")
    assert code == 0 and (tmp_path / "w01.png").read_bytes()[:4] == b"\x89PNG"


def test_a_corrected_week_is_stale_until_republished_and_months_stay_fresh(db):
    from arena.services import staleness

    services.save_rules(db, WEEKLY_RULES, actor="t")
    services.import_results(db, "small", json.dumps([{"unit": u, "key": "inv", "period": "2026-03", "value": 9.0}
                                                     for u in "ABC"]).encode(), fmt="json", actor="t")
    load(db, "2026-W14")
    when = datetime(2026, 4, 20, 1, 0, tzinfo=timezone.utc)
    assert [p["period"] for p in publishing.publish_due(db, when)] == ["2026-W14", "2026-03", "2026-Q1"]
    changed = [{"unit": "A", "key": "inv", "period": "2026-W14", "value": 36.0}]
    services.import_results(db, "small", json.dumps(changed).encode(), fmt="json", actor="t")
    stale = staleness.stale_map(db, "small")
    assert stale[("2026-03", 1)] is None and stale[("2026-Q1", 1)] is None
    assert "2026年第14周的成绩数据" in stale[("2026-W14", 1)]["message"]
    assert publishing.verify(db, "small", "2026-W14")["ok"] is True  # recomputed from its own batch
    row, created = publishing.publish(db, "small", "2026-W14", actor="t", note="甲县更正", now=when)
    assert created and row["revision"] == 2 and staleness.stale_map(db, "small")[("2026-W14", 2)] is None


def test_a_department_submits_a_week_of_what_it_reports(db, driven_clock):
    """The demo's 市商务局 (swj) reports zsyz: its week is a submission like a month's, reviewed,
    late once the week is due (Monday 6 July 09:00 for 2026-W27), refused once published."""
    from arena.errors import Forbidden
    from arena.services import demo, submissions

    services.save_rules(db, Path(demo.DEMO_RULES).read_text(encoding="utf-8"), actor="t")
    rows = [{"unit": "371302", "key": "zsyz", "period": "2026-W27", "value": 61.5}]
    drive_to(driven_clock, "2026-07-06T08:59:00+08:00")
    made = submissions.submit(db, "linyi-2026", json.dumps(rows).encode(), "json", reporter="dept:swj", actor="swj")
    assert made["status"] == "pending"
    assert submissions.list_submissions(db, "linyi-2026", reporter="dept:swj")[0]["late"] in (0, False)
    submissions.approve(db, "linyi-2026", made["id"], actor="organizer")
    assert services.draft(db, "linyi-2026", "2026-W27")["groups"][0]["units"][0]["indicators"]["zsyz"]["value"] == 61.5
    drive_to(driven_clock, "2026-07-06T09:00:00+08:00")
    late = submissions.submit(db, "linyi-2026", json.dumps([dict(rows[0], value=62.0)]).encode(), "json",
                              reporter="dept:swj", actor="swj")
    assert [s["late"] for s in submissions.list_submissions(db, "linyi-2026", reporter="dept:swj")
            if s["id"] == late["id"]] in ([1], [True])
    publishing.publish(db, "linyi-2026", "2026-W27", actor="t")
    with pytest.raises(Forbidden):
        submissions.submit(db, "linyi-2026", json.dumps(rows).encode(), "json", reporter="dept:swj", actor="swj")
    wrong = [{"unit": "371302", "key": "gyzjz", "period": "2026-W27", "value": 1.0}]  # not on the dispatch
    with pytest.raises(ValidationFailed):
        submissions.submit(db, "linyi-2026", json.dumps(wrong).encode(), "json", reporter="dept:tjj", actor="tjj")
