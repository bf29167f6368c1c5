"""The scheduler's heartbeat: the time of its last pass, in the database, so that any web
worker (``GET /healthz``) can tell a load balancer whether publishing is still running.

One row, replaced by each pass. The table is created on first write (IF NOT EXISTS) rather than
by a migration: it holds no data worth migrating, and a database the scheduler never ran on
simply has no pass to report.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from arena.store.db import transaction

SCHEMA = """CREATE TABLE IF NOT EXISTS scheduler_heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_pass TEXT NOT NULL
)"""


def record_pass(db, when: datetime) -> None:
    with transaction(db):
        db.conn.execute(SCHEMA)
        db.conn.execute("INSERT INTO scheduler_heartbeat (id, last_pass) VALUES (1, ?) "
                        "ON CONFLICT (id) DO UPDATE SET last_pass = excluded.last_pass", (when.isoformat(),))


def last_pass(db) -> str | None:
    try:
        row = db.conn.execute("SELECT last_pass FROM scheduler_heartbeat WHERE id = 1").fetchone()
    except sqlite3.OperationalError:  # no such table: the scheduler never ran on this database
        return None
    return row[0] if row else None
