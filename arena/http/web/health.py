"""``GET /healthz`` for load balancers: is the database there and writable, and when did the
scheduler last pass. 200 when writable, 503 when not; never cached.

Writability is tried, not guessed: a write transaction that sets user_version to itself and is
rolled back, so nothing reaches the file, but a read-only file, folder or mount is refused by
SQLite itself. A write lock held by another writer (a long import) counts as writable: that
writer is writing, and the probe does not wait for it beyond PROBE_WAIT_MS.
"""

from __future__ import annotations

import sqlite3

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)
PROBE_WAIT_MS = 500


def _probe(conn: sqlite3.Connection) -> tuple[bool, bool]:
    """(reachable, writable)."""
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error:
        return False, False
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return True, "locked" in str(exc) or "busy" in str(exc)
    try:
        conn.execute(f"PRAGMA user_version = {version}")
        return True, True
    except sqlite3.Error:
        return True, False
    finally:
        conn.execute("ROLLBACK")


@bp.get("/healthz")
def healthz():
    from arena.store import heartbeat
    from arena.store.db import connect

    try:
        db = connect(current_app.config["DATABASE"], PROBE_WAIT_MS)
    except Exception:  # noqa: BLE001  (an unreachable database is the answer, not an error)
        db = None
    try:
        reachable, writable = _probe(db.conn) if db else (False, False)
        last = heartbeat.last_pass(db) if reachable else None
    finally:
        if db is not None:
            db.close()
    body = {"database": "ok" if reachable else "unreachable", "writable": writable, "scheduler_last_pass": last}
    response = jsonify(body)
    response.status_code = 200 if writable else 503
    response.headers["Cache-Control"] = "no-store"
    return response
