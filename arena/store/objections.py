"""Objections (异议) to a month under notice (公示): one row each, open until an organizer answers.

The row names the revision objected to; an upheld answer names the revision that corrected it.
An answer is written once: ``answer`` only changes a row that is still open.
"""

from __future__ import annotations

import sqlite_utils

from arena.errors import NotFound
from arena.store.db import fetch_dicts, require_transaction, storable_int

_COLUMNS = ("id, contest, period, revision, unit, indicator, message, raised_by, raised_at, status, reply,"
            " answered_by, answered_at, answer_revision")


def add(db: sqlite_utils.Database, *, contest: str, period: str, revision: int, unit: str, indicator: str | None,
        message: str, raised_by: str, now: str) -> int:
    require_transaction(db)
    cursor = db.conn.execute(
        "INSERT INTO objections (contest, period, revision, unit, indicator, message, raised_by, raised_at, status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')",
        (contest, period, revision, unit, indicator, message, raised_by, now))
    return int(cursor.lastrowid)


def get(db: sqlite_utils.Database, contest: str, ident: int) -> dict:
    """One objection of the contest; NotFound when there is none by that id."""
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM objections WHERE contest = ? AND id = ?",
                       (contest, ident)) if storable_int(ident) else []
    if not rows:
        raise NotFound(f"比赛 {contest} 没有第 {ident} 号异议")
    return rows[0]


def listed(db: sqlite_utils.Database, contest: str, *, period: str | None = None, unit: str | None = None,
           status: str | None = None) -> list[dict]:
    """The contest's objections, oldest first, narrowed by period, unit and status when given."""
    sql, params = f"SELECT {_COLUMNS} FROM objections WHERE contest = ?", [contest]
    for column, value in (("period", period), ("unit", unit), ("status", status)):
        if value is not None:
            sql, params = sql + f" AND {column} = ?", params + [value]
    return fetch_dicts(db, sql + " ORDER BY id", params)


def open_of(db: sqlite_utils.Database, contest: str, period: str) -> list[dict]:
    return listed(db, contest, period=period, status="open")


def open_same(db: sqlite_utils.Database, contest: str, period: str, unit: str, indicator: str | None) -> dict | None:
    """The open objection of ``unit`` to the same indicator (or the whole row) of ``period``."""
    rows = fetch_dicts(
        db, f"SELECT {_COLUMNS} FROM objections WHERE contest = ? AND period = ? AND unit = ? AND status = 'open'"
            " AND indicator IS ? ORDER BY id LIMIT 1", (contest, period, unit, indicator))
    return rows[0] if rows else None


def answer(db: sqlite_utils.Database, ident: int, *, status: str, reply: str, answered_by: str, now: str,
           answer_revision: int | None) -> bool:
    """Close an open objection; False when it was answered already (nothing changed)."""
    require_transaction(db)
    cursor = db.conn.execute(
        "UPDATE objections SET status = ?, reply = ?, answered_by = ?, answered_at = ?, answer_revision = ?"
        " WHERE id = ? AND status = 'open'", (status, reply, answered_by, now, answer_revision, ident))
    return cursor.rowcount == 1
