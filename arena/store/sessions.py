"""Server-side sign-in sessions: the cookie holds a random id, this table only its sha256.

A session is live while ``ended`` is NULL; ending one records when and why (signout, idle,
cap, replaced, disabled, password). Times are epoch seconds from the caller.
"""

from __future__ import annotations

import hashlib

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for hints: importing sqlite_utils here would load it before db.py hides pandas
    import sqlite_utils

from arena.store.db import fetch_dicts, require_transaction


_COLUMNS = "id, user_id, created, last_seen, ended, ended_why, client"


def sid_sha256(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8", "surrogatepass")).hexdigest()


def create(db: sqlite_utils.Database, *, sid: str, user_id: int, now: float, client: str | None) -> int:
    require_transaction(db)
    cursor = db.conn.execute(
        "INSERT INTO sessions (sid_sha256, user_id, created, last_seen, client) VALUES (?, ?, ?, ?, ?)",
        (sid_sha256(sid), user_id, now, now, client))
    return int(cursor.lastrowid)


def find(db: sqlite_utils.Database, sid: str) -> dict | None:
    # looked up by an index on the hash: the hash of a guess reveals nothing of a real id
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM sessions WHERE sid_sha256 = ?", (sid_sha256(sid),))
    return rows[0] if rows else None


def live_of(db: sqlite_utils.Database, user_id: int) -> list[dict]:
    return fetch_dicts(db, f"SELECT {_COLUMNS} FROM sessions WHERE user_id = ? AND ended IS NULL ORDER BY id",
                       (user_id,))


def touch(db: sqlite_utils.Database, session_id: int, now: float) -> None:
    require_transaction(db)
    db.conn.execute("UPDATE sessions SET last_seen = ? WHERE id = ? AND ended IS NULL", (now, session_id))


def end(db: sqlite_utils.Database, session_id: int, *, now: float, why: str) -> bool:
    """End a live session; False when it had ended already."""
    require_transaction(db)
    cursor = db.conn.execute("UPDATE sessions SET ended = ?, ended_why = ? WHERE id = ? AND ended IS NULL",
                             (now, why, session_id))
    return cursor.rowcount == 1
