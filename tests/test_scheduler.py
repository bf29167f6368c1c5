"""The scheduler's passes: everything due and unpublished, oldest first, exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from arena import services
from arena.cli import main
from arena.services import publishing, scheduler
from arena.store import publications
from arena.store.db import connect
from helpers import SMALL_RULES, month_rows


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def load_months(db, months):
    rows = [r for m in months for r in month_rows(m)]
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")


def test_down_for_three_months_one_pass_catches_up_in_order(db):
    services.save_rules(db, SMALL_RULES, actor="t")
    load_months(db, ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"])
    # Down from Feb 1 to May 20 (Shanghai): Jan..Apr and Q1 fell due meanwhile
    done = publishing.publish_due(db, at("2026-05-20T00:00:00+08:00"))
    assert [p["period"] for p in done] == ["2026-01", "2026-02", "2026-03", "2026-Q1", "2026-04"]
    assert all(p["revision"] == 1 for p in done)
    assert publishing.publish_due(db, at("2026-05-20T00:00:00+08:00")) == []
    assert len(publications.list_all(db, "small")) == 5


def test_a_pass_never_republishes_even_when_the_data_changed(db):
    services.save_rules(db, SMALL_RULES, actor="t")
    load_months(db, ["2026-01"])
    assert [p["period"] for p in publishing.publish_due(db, at("2026-02-10T01:00:00Z"))] == ["2026-01"]
    changed = [{"unit": "C", "key": "gdp", "period": "2026-01", "value": 99.0}]
    services.import_results(db, "small", json.dumps(changed).encode(), fmt="json", actor="t")
    assert publishing.publish_due(db, at("2026-03-01T00:00:00Z")) == []  # a correction is made by hand


def test_a_month_without_results_is_not_published(db):
    services.save_rules(db, SMALL_RULES, actor="t")
    load_months(db, ["2026-01", "2026-03"])
    done = publishing.publish_due(db, at("2026-04-20T00:00:00Z"))
    assert [p["period"] for p in done] == ["2026-01", "2026-03", "2026-Q1"]


def test_cli_once_with_now_uses_the_contests_zone(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ARENA_DATABASE", str(tmp_path / "a.db"))
    (tmp_path / "rules.yaml").write_text(SMALL_RULES.replace('day: 10, at: "09:00"', 'day: 1, at: "00:00"'), encoding="utf-8")
    (tmp_path / "jan.json").write_text(json.dumps(month_rows("2026-01")), encoding="utf-8")
    assert main(["contest", "load", str(tmp_path / "rules.yaml")]) == 0
    assert main(["results", "import", str(tmp_path / "jan.json"), "--contest", "small"]) == 0
    capsys.readouterr()
    # 15:59 UTC on Jan 31 is still January in Shanghai
    assert main(["scheduler", "--once", "--now", "2026-01-31T15:59:00Z"]) == 0
    assert "nothing due" in capsys.readouterr().out
    # 16:30 UTC on Jan 31 is 00:30 on Feb 1 in Shanghai: January is due
    assert main(["scheduler", "--once", "--now", "2026-01-31T16:30:00Z"]) == 0
    assert "published small 2026-01 revision 1" in capsys.readouterr().out
    assert main(["scheduler", "--once", "--now", "2026-01-31T16:30:00Z"]) == 0
    assert "nothing due" in capsys.readouterr().out


def test_cli_refuses_a_now_without_offset(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ARENA_DATABASE", str(tmp_path / "a.db"))
    assert main(["scheduler", "--once", "--now", "2026-01-31T16:30:00"]) == 1
    assert "offset" in capsys.readouterr().err


def test_the_apscheduler_jobs_follow_each_contests_publish_block(db, tmp_path):
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    services.save_rules(db, SMALL_RULES, actor="t")
    from apscheduler.schedulers.background import BackgroundScheduler

    sched = scheduler.build(lambda: connect(path), tick_seconds=60, kind=BackgroundScheduler)
    sched.start(paused=True)  # the same jobs as the blocking one, inspectable from this thread
    try:
        sched.get_job("tick").func()  # what the first tick does: set the cron jobs, then one pass
        jobs = {j.id: j for j in sched.get_jobs()}
    finally:
        sched.shutdown(wait=False)
    assert set(jobs) == {"tick", "small:monthly", "small:quarterly"}
    monthly = jobs["small:monthly"].trigger
    assert str(monthly.timezone) == "Asia/Shanghai"
    fire = monthly.get_next_fire_time(None, at("2026-03-05T00:00:00Z"))
    assert fire.isoformat() == "2026-03-10T09:00:00+08:00"
    assert jobs["small:monthly"].coalesce is True and jobs["small:monthly"].misfire_grace_time is None


@pytest.mark.slow
def test_two_processes_publishing_at_once_make_one_revision(tmp_path):
    path = str(tmp_path / "arena.db")
    from arena.store.db import migrate

    setup = connect(path)
    migrate(setup)
    services.save_rules(setup, SMALL_RULES, actor="t")
    load_months(setup, ["2026-01"])
    setup.close()
    env = dict(os.environ, ARENA_DATABASE=path)
    code = ("import threading; from arena.cli import main; "
            "ts=[threading.Thread(target=main, args=(['publish','small','2026-01'],)) for _ in range(4)]; "
            "[t.start() for t in ts]; [t.join() for t in ts]")
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert all(err == "" for _, err in outputs), outputs
    text = "".join(out for out, _ in outputs)
    assert text.count("2026-01 published as revision 1") == 1 and text.count("unchanged") == 7
    check = connect(path)
    assert [p["revision"] for p in publications.list_all(check, "small")] == [1]


def test_a_contest_that_cannot_be_scored_stops_only_itself(db):
    """aaa's formula divides by zero in January (RULES.md: an error at scoring time); small,
    listed after it, is published all the same, and aaa's February waits behind its January."""
    broken = SMALL_RULES.replace("id: small", "id: aaa").replace(
        '{id: gdp, name: 增速, unit: "%", weight: 60, method: rank}',
        '{id: gdp, name: 增速, unit: "%", weight: 60, method: formula, expr: "weight * 7 / value"}')
    services.save_rules(db, broken, actor="t")
    services.save_rules(db, SMALL_RULES, actor="t")
    load_months(db, ["2026-01", "2026-02"])
    rows = [dict(r, value=0.0) if r["unit"] == "A" and r["key"] == "gdp" and r["period"] == "2026-01" else r
            for m in ("2026-01", "2026-02") for r in month_rows(m)]
    services.import_results(db, "aaa", json.dumps(rows).encode(), fmt="json", actor="t")
    failures = []
    done = publishing.publish_due(db, at("2026-03-20T00:00:00Z"),
                                  failed=lambda cid, period, error: failures.append((cid, period, str(error))))
    assert [(p["contest"], p["period"]) for p in done] == [("small", "2026-01"), ("small", "2026-02")]
    assert [(cid, period) for cid, period, _ in failures] == [("aaa", "2026-01")]
    assert "division by zero" in failures[0][2]
    assert publications.published_periods(db, "aaa") == set()


def test_scheduler_once_reports_a_failed_contest_and_exits_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ARENA_DATABASE", str(tmp_path / "arena.db"))
    db = connect(str(tmp_path / "arena.db"))
    from arena.store.db import migrate

    migrate(db)
    broken = SMALL_RULES.replace("id: small", "id: aaa").replace(
        '{id: gdp, name: 增速, unit: "%", weight: 60, method: rank}',
        '{id: gdp, name: 增速, unit: "%", weight: 60, method: formula, expr: "weight * 7 / value"}')
    services.save_rules(db, broken, actor="t")
    services.save_rules(db, SMALL_RULES, actor="t")
    load_months(db, ["2026-01"])
    rows = [dict(r, value=0.0) if r["key"] == "gdp" else r for r in month_rows("2026-01")]
    services.import_results(db, "aaa", json.dumps(rows).encode(), fmt="json", actor="t")
    db.close()
    assert main(["scheduler", "--once", "--now", "2026-02-20T00:00:00Z"]) == 1
    out, err = capsys.readouterr()
    assert "published small 2026-01 revision 1" in out
    assert "arena: cannot publish aaa 2026-01:" in err and "Traceback" not in err
