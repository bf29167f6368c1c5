"""Accounts (users), failed sign-ins and account locks: the tables and their reads and writes.

A password is stored only as its Argon2id hash; a TOTP secret is stored as it is, because
checking a code needs it. Usernames are compared without case. Times of failures and locks
are epoch seconds (they are only compared); the rest are ISO strings from the caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for hints: importing sqlite_utils here would load it before db.py hides pandas
    import sqlite_utils

from arena.errors import NotFound
from arena.store.db import fetch_dicts, require_transaction

ROLES = ("admin", "organizer", "department", "unit", "judge")


_COLUMNS = ("id, username, name, role, contest, unit, department, must_change, totp_secret, totp_pending,"
            " totp_last_step, created_at, created_by, password_changed_at, disabled_at, email")
_SETTABLE = {"name", "password_hash", "must_change", "totp_secret", "totp_pending", "totp_last_step",
             "password_changed_at", "disabled_at", "email"}


def create(db: sqlite_utils.Database, *, username: str, name: str, role: str, contest: str | None,
           unit: str | None, department: str | None, password_hash: str, created_by: str, now: str) -> int:
    require_transaction(db)
    cursor = db.conn.execute(
        "INSERT INTO users (username, name, role, contest, unit, department, password_hash, created_at, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (username, name, role, contest, unit, department, password_hash, now, created_by))
    return int(cursor.lastrowid)


def find(db: sqlite_utils.Database, username: str) -> dict | None:
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM users WHERE username = ?", (username,))
    return rows[0] if rows else None


def get(db: sqlite_utils.Database, user_id: int) -> dict:
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,))
    if not rows:
        raise NotFound(f"没有编号为 {user_id} 的账号")
    return rows[0]


def password_hash(db: sqlite_utils.Database, user_id: int) -> str:
    return db.conn.execute("SELECT password_hash FROM users WHERE id = ?", (user_id,)).fetchone()[0]


def list_users(db: sqlite_utils.Database) -> list[dict]:
    return fetch_dicts(db, f"SELECT {_COLUMNS} FROM users ORDER BY id")


def update(db: sqlite_utils.Database, user_id: int, **values) -> None:
    require_transaction(db)
    unknown = set(values) - _SETTABLE
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.conn.execute(f"UPDATE users SET {assignments} WHERE id = ?", (*values.values(), user_id))


def failures_since(db: sqlite_utils.Database, username: str, since: float) -> int:
    row = db.conn.execute("SELECT count(*) FROM signin_failures WHERE username = ? AND at > ?",
                          (username, since)).fetchone()
    return int(row[0])


def record_failure(db: sqlite_utils.Database, username: str, at: float, client: str | None) -> None:
    require_transaction(db)
    db.conn.execute("DELETE FROM signin_failures WHERE at < ?", (at - 3600,))
    db.conn.execute("INSERT INTO signin_failures (username, at, client) VALUES (?, ?, ?)", (username, at, client))


def clear_failures(db: sqlite_utils.Database, username: str) -> None:
    require_transaction(db)
    db.conn.execute("DELETE FROM signin_failures WHERE username = ?", (username,))


def locked_until(db: sqlite_utils.Database, username: str) -> float | None:
    row = db.conn.execute("SELECT until FROM signin_locks WHERE username = ?", (username,)).fetchone()
    return float(row[0]) if row else None


def lock(db: sqlite_utils.Database, username: str, until: float) -> None:
    require_transaction(db)
    db.conn.execute("INSERT INTO signin_locks (username, until) VALUES (?, ?)"
                    " ON CONFLICT (username) DO UPDATE SET until = excluded.until", (username, until))


def active_emails(db: sqlite_utils.Database, *, contest: str, role: str, department: str | None = None,
                  unit: str | None = None) -> list[str]:
    """The e-mail addresses of the live accounts of one reporter of ``contest``: role department
    with that department, or role unit with that unit code; accounts without one are left out."""
    column, value = ("department", department) if role == "department" else ("unit", unit)
    rows = db.conn.execute(
        f"SELECT DISTINCT email FROM users WHERE role = ? AND contest = ? AND {column} = ? AND disabled_at IS NULL"
        " AND email IS NOT NULL AND email != '' ORDER BY email", (role, contest, value))
    return [r[0] for r in rows]
