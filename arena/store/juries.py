"""Juries of showcase contests: the jury row, its judges, their scores (the sheets), the tally.

A jury's criteria, presentation order and tally are JSON text; scores are one row per judge,
unit and criterion, written as the judge goes. Times are passed in; the store never reads the
clock. The rules of who may write what are the service's (arena.services.juries).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

from arena.errors import NotFound
from arena.store.db import fetch_dicts, require_transaction, storable_int

_COLUMNS = ("id, contest, indicator, period, criteria, trim, order_seed, presentation, status, opened_by, opened_at,"
            " closed_by, closed_at, tally")


def _decoded(row: dict) -> dict:
    for key in ("criteria", "presentation", "tally"):
        row[key] = None if row[key] is None else json.loads(row[key])
    return row


def create(db: sqlite_utils.Database, *, contest: str, indicator: str, period: str, criteria: list[dict],
           trim: int, order_seed: int, presentation: list[str], judges: list[str], opened_by: str,
           now: str) -> int:
    require_transaction(db)
    cursor = db.conn.execute(
        "INSERT INTO juries (contest, indicator, period, criteria, trim, order_seed, presentation, opened_by,"
        " opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (contest, indicator, period, json.dumps(criteria, ensure_ascii=False), trim, order_seed,
         json.dumps(presentation), opened_by, now))
    jury = int(cursor.lastrowid)
    db.conn.executemany("INSERT INTO jury_judges (jury, username, position) VALUES (?, ?, ?)",
                        [(jury, name, k) for k, name in enumerate(judges)])
    return jury


def find(db: sqlite_utils.Database, contest: str, indicator: str, period: str) -> dict | None:
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM juries WHERE contest = ? AND indicator = ? AND period = ?",
                       (contest, indicator, period))
    return _decoded(rows[0]) if rows else None


def get(db: sqlite_utils.Database, jury: int, contest: str | None = None) -> dict:
    """One jury (of ``contest`` when given); NotFound when there is none by that id."""
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM juries WHERE id = ?", (jury,)) if storable_int(jury) else []
    if not rows or (contest is not None and rows[0]["contest"] != contest):
        where = f"比赛 {contest} " if contest else ""
        raise NotFound(f"{where}没有第 {jury} 号评审")
    return _decoded(rows[0])


def listed(db: sqlite_utils.Database, contest: str, *, status: str | None = None) -> list[dict]:
    sql, params = f"SELECT {_COLUMNS} FROM juries WHERE contest = ?", [contest]
    if status is not None:
        sql, params = sql + " AND status = ?", params + [status]
    return [_decoded(r) for r in fetch_dicts(db, sql + " ORDER BY period, id", params)]


def of_judge(db: sqlite_utils.Database, username: str) -> list[dict]:
    """The juries a judge sits on, newest first."""
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM juries WHERE id IN"
                           " (SELECT jury FROM jury_judges WHERE username = ?) ORDER BY id DESC", (username,))
    return [_decoded(r) for r in rows]


def judges(db: sqlite_utils.Database, jury: int) -> list[dict]:
    """The judges in the order they were named: username, submitted_at."""
    return fetch_dicts(db, "SELECT username, submitted_at FROM jury_judges WHERE jury = ? ORDER BY position",
                       (jury,))


def set_submitted(db: sqlite_utils.Database, jury: int, username: str, at: str | None) -> None:
    require_transaction(db)
    db.conn.execute("UPDATE jury_judges SET submitted_at = ? WHERE jury = ? AND username = ?", (at, jury, username))


def save_scores(db: sqlite_utils.Database, jury: int, username: str, unit: str, scores: dict[str, float],
                now: str) -> None:
    require_transaction(db)
    db.conn.executemany(
        "INSERT INTO jury_scores (jury, username, unit, criterion, score, saved_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (jury, username, unit, criterion) DO UPDATE SET score = excluded.score,"
        " saved_at = excluded.saved_at",
        [(jury, username, unit, k, float(v), now) for k, v in scores.items()])


def scores(db: sqlite_utils.Database, jury: int, username: str | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """username -> unit -> criterion -> score (one judge's only, when ``username`` is given)."""
    sql, params = "SELECT username, unit, criterion, score FROM jury_scores WHERE jury = ?", [jury]
    if username is not None:
        sql, params = sql + " AND username = ?", params + [username]
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, unit, criterion, score in db.conn.execute(sql, params):
        out.setdefault(name, {}).setdefault(unit, {})[criterion] = score
    return out


def close(db: sqlite_utils.Database, jury: int, *, tally: Any, closed_by: str, now: str) -> None:
    require_transaction(db)
    db.conn.execute("UPDATE juries SET status = 'closed', tally = ?, closed_by = ?, closed_at = ? WHERE id = ?",
                    (json.dumps(tally, ensure_ascii=False), closed_by, now, jury))
