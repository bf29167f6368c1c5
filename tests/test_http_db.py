"""A worker thread keeps its database connection from one request to the next, and never one
a request failed in or left inside a transaction."""

import sqlite3
import threading

import pytest

from arena.http import db as http_db
from arena.store import db as store_db


@pytest.fixture
def probe(app):
    """The app with routes that use the connection (one reads, one leaves a write transaction
    open, one fails); ``probe.seen`` lists the connection each request had."""
    app.seen = []

    def used():
        app.seen.append(http_db.get_db())
        return app.seen[-1]

    @app.get("/_test/read")
    def read():
        return {"schema": used().conn.execute("PRAGMA user_version").fetchone()[0]}

    @app.get("/_test/begin")
    def begin():
        used().conn.execute("BEGIN IMMEDIATE")
        return {"begun": True}

    @app.get("/_test/fail")
    def fail():
        used()
        raise RuntimeError("a bug in a view")

    return app


def closed(db) -> bool:
    try:
        db.conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def test_requests_in_one_thread_share_one_connection(probe):
    client = probe.test_client()
    for _ in range(3):
        assert client.get("/_test/read").status_code == 200
    assert client.get("/api/contests").status_code == 200
    assert client.get("/_test/read").status_code == 200
    assert len({id(db) for db in probe.seen}) == 1 and not closed(probe.seen[0])


def test_a_transaction_left_open_is_rolled_back_and_its_connection_closed(probe, tmp_path):
    client = probe.test_client()
    assert client.get("/_test/begin").status_code == 200
    other = sqlite3.connect(tmp_path / "arena.db", timeout=0)
    other.execute("BEGIN IMMEDIATE")  # the write lock is free again
    other.rollback()
    other.close()
    assert closed(probe.seen[0])
    assert client.get("/_test/read").status_code == 200
    assert probe.seen[1] is not probe.seen[0]


def test_a_failed_request_does_not_hand_its_connection_on(probe):
    probe.config["PROPAGATE_EXCEPTIONS"] = False
    client = probe.test_client()
    assert client.get("/_test/fail").status_code == 500
    assert closed(probe.seen[0])
    assert client.get("/_test/read").status_code == 200
    assert probe.seen[1] is not probe.seen[0]


def test_each_thread_has_its_own_and_a_nested_context_opens_another(probe):
    client = probe.test_client()
    assert client.get("/_test/read").status_code == 200
    answers = []
    worker = threading.Thread(target=lambda: answers.append(probe.test_client().get("/_test/read").status_code))
    worker.start()
    worker.join()
    assert answers == [200] and probe.seen[1] is not probe.seen[0]
    with probe.app_context():
        outer = http_db.get_db()
        assert outer is probe.seen[0]  # this thread's, kept
        with probe.app_context():
            assert http_db.get_db() is not outer  # the kept one is in use
    assert client.get("/_test/read").status_code == 200


def test_another_database_setting_gets_a_connection_to_it(probe, tmp_path):
    client = probe.test_client()
    assert client.get("/_test/read").status_code == 200
    other = tmp_path / "other.db"
    setup = store_db.connect(str(other))
    store_db.migrate(setup)
    setup.close()
    probe.config["DATABASE"] = str(other)
    assert client.get("/_test/read").status_code == 200
    assert probe.seen[1].conn.execute("PRAGMA database_list").fetchone()[2] == str(other)
    assert closed(probe.seen[0])


def test_a_database_file_replaced_under_a_kept_connection_is_opened_afresh(probe, tmp_path):
    client = probe.test_client()
    assert client.get("/_test/read").status_code == 200
    live = tmp_path / "arena.db"
    copy = tmp_path / "copy.db"
    setup = store_db.connect(str(copy))
    store_db.migrate(setup)
    setup.conn.execute("PRAGMA user_version = 99")
    setup.close()
    for leftover in tmp_path.glob("arena.db-*"):
        leftover.unlink()
    copy.replace(live)
    assert client.get("/_test/read").get_json() == {"schema": 99}
    assert closed(probe.seen[0]) and probe.seen[1] is not probe.seen[0]


def test_a_kept_connection_holds_no_snapshot_between_requests(probe, tmp_path):
    # a read left open would pin the WAL: no checkpoint could complete while the worker idles
    client = probe.test_client()
    for path in ("/_test/read", "/api/contests", "/api/contests/small", "/contests/small"):
        client.get(path)
    other = sqlite3.connect(tmp_path / "arena.db", timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("PRAGMA user_version = 7")
        other.execute("COMMIT")
        busy, _, _ = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        other.close()
    assert busy == 0 and not closed(probe.seen[0])
    assert (tmp_path / "arena.db-wal").stat().st_size == 0
