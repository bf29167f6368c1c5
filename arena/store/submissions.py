"""Submissions (报送) and their rows: a reporter's rows of one month, pending -> approved |
returned (with a reason). Only approved rows become results (services/submissions.py), and the
batch that stored them is kept here: a result whose batch is no department's or unit's
approved submission was stored by an organizer, and no submission may replace it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from arena.errors import NotFound
from arena.store.db import fetch_dicts, require_transaction
from arena.store.results import STAMP_JOIN

_COLUMNS = ("id, contest, period, reporter, submitted_by, submitted_at, late, status, reviewed_by, reviewed_at,"
            " reason, batch")


def add(db: sqlite_utils.Database, *, contest: str, period: str, reporter: str, submitted_by: str, now: str,
        late: bool, rows: Iterable[Sequence[Any]]) -> int:
    """A pending submission with its rows (unit, key, period, value, explanation); its id."""
    require_transaction(db)
    cursor = db.conn.execute(
        "INSERT INTO submissions (contest, period, reporter, submitted_by, submitted_at, late, status)"
        " VALUES (?, ?, ?, ?, ?, ?, 'pending')", (contest, period, reporter, submitted_by, now, int(late)))
    ident = int(cursor.lastrowid)
    db.conn.executemany(
        "INSERT INTO submission_rows (submission, unit, key, period, value, explanation) VALUES (?, ?, ?, ?, ?, ?)",
        ((ident, u, k, p, float(v), e) for u, k, p, v, e in rows))
    return ident


def review(db: sqlite_utils.Database, ident: int, *, status: str, by: str, at: str, reason: str | None = None,
           batch: int | None = None) -> bool:
    """Move a pending submission to ``status``; False when it was no longer pending."""
    require_transaction(db)
    cursor = db.conn.execute(
        "UPDATE submissions SET status = ?, reviewed_by = ?, reviewed_at = ?, reason = ?, batch = ?"
        " WHERE id = ? AND status = 'pending'", (status, by, at, reason, batch, ident))
    return cursor.rowcount == 1


def get(db: sqlite_utils.Database, contest: str, ident: int) -> dict:
    found = fetch_dicts(db, f"SELECT {_COLUMNS} FROM submissions WHERE contest = ? AND id = ?", (contest, ident))
    if not found:
        raise NotFound(f"比赛 {contest} 没有第 {ident} 号报送")
    return _shaped(found[0])


def rows_of(db: sqlite_utils.Database, ident: int) -> list[dict]:
    return fetch_dicts(db, "SELECT unit, key, period, value, explanation FROM submission_rows WHERE submission = ?"
                           " ORDER BY unit, key", (ident,))


def listing(db: sqlite_utils.Database, contest: str, *, status: str | None = None, reporter: str | None = None,
            period: str | None = None, limit: int = 500) -> list[dict]:
    """Submissions newest first, optionally of one status, reporter and month."""
    where, params = ["contest = ?"], [contest]
    for column, value in (("status", status), ("reporter", reporter), ("period", period)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = f"SELECT {_COLUMNS} FROM submissions WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?"
    return [_shaped(r) for r in fetch_dicts(db, sql, [*params, limit])]


def pending_overlapping(db: sqlite_utils.Database, contest: str, reporter: str, period: str,
                        cells: Iterable[tuple[str, str]]) -> list[int]:
    """Ids of the reporter's pending submissions of ``period`` holding any of ``cells`` (unit, key)."""
    wanted = json.dumps(sorted(set(cells)))
    sql = ("SELECT DISTINCT s.id FROM submissions s JOIN submission_rows r ON r.submission = s.id"
           " WHERE s.contest = ? AND s.reporter = ? AND s.period = ? AND s.status = 'pending'"
           " AND json_array(r.unit, r.key) IN (SELECT value FROM json_each(?)) ORDER BY s.id")
    return [int(r[0]) for r in db.conn.execute(sql, (contest, reporter, period, wanted))]


def latest_cells(db: sqlite_utils.Database, contest: str, period: str) -> dict[tuple[str, str], dict]:
    """(unit, key) -> the newest submission of ``period`` holding that cell."""
    sql = (f"SELECT r.unit, r.key, r.value, r.explanation, {', '.join('s.' + c.strip() for c in _COLUMNS.split(','))}"
           " FROM submission_rows r JOIN submissions s ON s.id = r.submission"
           " WHERE s.contest = ? AND s.period = ? ORDER BY s.id")
    return {(r["unit"], r["key"]): _shaped(r) for r in fetch_dicts(db, sql, (contest, period))}


def submitted_batches(db: sqlite_utils.Database, contest: str) -> set[int]:
    """Batches that stored a department's or a unit's approved rows (not an organizer's)."""
    sql = ("SELECT DISTINCT batch FROM submissions WHERE contest = ? AND status = 'approved'"
           " AND batch IS NOT NULL AND reporter != 'organizer'")
    return {int(r[0]) for r in db.conn.execute(sql, (contest,))}


def stored_cells(db: sqlite_utils.Database, contest: str, period: str,
                 cells: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """(unit, key) -> the stored result (value, batch, stored_by) of ``period`` for each cell asked."""
    wanted = json.dumps(sorted(set(cells)))
    sql = (f"SELECT r.unit, r.key, r.value, r.batch, b.stored_by, b.stored_at FROM results r {STAMP_JOIN}"
           " WHERE r.contest = ? AND r.period = ? AND json_array(r.unit, r.key) IN (SELECT value FROM json_each(?))")
    return {(r["unit"], r["key"]): r for r in fetch_dicts(db, sql, (contest, period, wanted))}


def _shaped(row: dict) -> dict:
    row["late"] = bool(row["late"])
    return row
