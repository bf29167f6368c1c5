"""Evidence rows (佐证材料): a file's name, type, size and sha256, attached to one submission or
one objection. The bytes live outside the database, by sha256 (services/evidence.py)."""

from __future__ import annotations

import sqlite_utils

from arena.errors import NotFound
from arena.store.db import fetch_dicts, require_transaction

_COLUMNS = "id, contest, submission, objection, name, media_type, size, sha256, stored_by, stored_at"


def add(db: sqlite_utils.Database, *, contest: str, name: str, media_type: str, size: int, sha256: str,
        stored_by: str, now: str, submission: int | None = None, objection: int | None = None) -> int:
    require_transaction(db)
    cursor = db.conn.execute(
        "INSERT INTO evidence (contest, submission, objection, name, media_type, size, sha256, stored_by, stored_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (contest, submission, objection, name, media_type, size, sha256, stored_by, now))
    return int(cursor.lastrowid)


def of_submission(db: sqlite_utils.Database, submission: int) -> list[dict]:
    return fetch_dicts(db, f"SELECT {_COLUMNS} FROM evidence WHERE submission = ? ORDER BY id", (submission,))


def of_objection(db: sqlite_utils.Database, objection: int) -> list[dict]:
    return fetch_dicts(db, f"SELECT {_COLUMNS} FROM evidence WHERE objection = ? ORDER BY id", (objection,))


def named(db: sqlite_utils.Database, *, name: str, submission: int | None = None,
          objection: int | None = None) -> dict:
    column, owner = ("submission", submission) if submission is not None else ("objection", objection)
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM evidence WHERE {column} = ? AND name = ?", (owner, name))
    if not rows:
        raise NotFound(f"没有名为 {name!r} 的佐证材料")
    return rows[0]
