"""GET /healthz (database reachable and writable, the scheduler's last pass) and the one JSON
log line per request through ``arena.http``."""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime, timezone


def test_healthz_answers_ok_with_no_scheduler_pass_yet(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "writable": True, "scheduler_last_pass": None}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_shows_the_schedulers_last_pass_from_any_worker(app, tmp_path):
    """The pass is recorded in the database by the scheduler's process and read by the app's."""
    from arena.services import scheduler
    from arena.store.db import connect

    before = datetime.now(timezone.utc).replace(microsecond=0)
    scheduler.one_pass(lambda: connect(app.config["DATABASE"]), datetime(2026, 4, 15, 1, 0, tzinfo=timezone.utc))
    last = app.test_client().get("/healthz").get_json()["scheduler_last_pass"]
    assert datetime.fromisoformat(last) >= before  # the pass's real time, not the time it acted at


def test_healthz_is_503_when_the_database_is_read_only(app, tmp_path):
    from arena import create_app

    readonly = create_app({"DATABASE": f"file:{app.config['DATABASE']}?mode=ro", "SECRET_KEY": "t", "TESTING": True})
    response = readonly.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "ok", "writable": False, "scheduler_last_pass": None}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_writes_nothing(app):
    path = app.config["DATABASE"]
    dump = "\n".join(sqlite3.connect(path).iterdump())
    assert app.test_client().get("/healthz").status_code == 200
    assert "\n".join(sqlite3.connect(path).iterdump()) == dump


def test_healthz_counts_a_held_write_lock_as_writable(app):
    """A long import holds the lock: the probe does not wait for it, and the database is writable."""
    holder = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = app.test_client().get("/healthz")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 200 and response.get_json()["writable"] is True


def test_each_request_logs_one_json_line(app, caplog):
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="arena.http"):
        ok = client.get("/api/contests/small")
        missing = client.get("/api/contests/nope/scores/2026-01")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "arena.http"]
    assert len(lines) == 2
    first, second = lines
    assert first["method"] == "GET" and first["path"] == "/api/contests/small"
    assert first["rule"] == "/api/contests/<cid>" and second["rule"] == "/api/contests/<cid>/scores/<period>"
    assert first["status"] == ok.status_code == 200 and first["bytes"] == len(ok.data)
    assert isinstance(first["ms"], float) and first["ms"] >= 0
    assert second["status"] == missing.status_code == 404 and second["bytes"] == len(missing.data)
    assert set(first) == {"method", "rule", "path", "status", "ms", "bytes"}


def test_a_database_that_cannot_be_opened_mid_life_is_503_not_500(tmp_path):
    import shutil

    from arena import create_app

    folder = tmp_path / "data"
    app = create_app({"DATABASE": str(folder / "arena.db")})
    assert app.test_client().get("/api/contests").status_code == 200
    shutil.rmtree(folder)
    folder.write_text("a file where the database's folder was", encoding="utf-8")
    answer = app.test_client().get("/api/contests")
    assert answer.status_code == 503 and answer.get_json()["error"]["code"] == "unavailable"
    assert "cannot be opened" in answer.get_json()["error"]["message"]
