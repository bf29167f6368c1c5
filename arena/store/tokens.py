"""API tokens (stored only as sha256 hex) and the shared counter of failed sign-in attempts.

A token's secret is never stored: ``find`` looks a presented token up by its hash and then
compares the hashes with ``hmac.compare_digest``. The failure counter lives in SQLite so every
gunicorn worker sees the same count. Times are passed in; the store never reads the clock.
"""

from __future__ import annotations

import hashlib
import hmac

import sqlite_utils

from arena.errors import NotFound
from arena.store.db import fetch_dicts, require_transaction, storable_int

ROLES = ("admin", "organizer", "department", "unit", "judge")

_COLUMNS = "id, name, role, contest, unit, department, created_at, created_by, expires_at, revoked_at, owner"


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create(
    db: sqlite_utils.Database, *, token: str, name: str, role: str, contest: str | None, unit: str | None,
    created_by: str, now: str, expires_at: str | None = None, owner: int | None = None,
    department: str | None = None,
) -> int:
    """Store a token's hash with its role, scope and owning account (None: made before accounts,
    or by ``arena token create`` without --owner); returns its id."""
    require_transaction(db)
    cursor = db.conn.execute(
        "INSERT INTO tokens (name, role, contest, unit, department, sha256, created_at, created_by, expires_at, owner)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (name, role, contest, unit, department, token_sha256(token), now, created_by, expires_at, owner),
    )
    return int(cursor.lastrowid)


def find(db: sqlite_utils.Database, token: str) -> dict | None:
    """The token's row (any state: the caller checks revoked_at and expires_at), or None."""
    digest = token_sha256(token)
    rows = fetch_dicts(db, f"SELECT {_COLUMNS}, sha256 FROM tokens WHERE sha256 = ?", (digest,))
    if not rows or not hmac.compare_digest(rows[0].pop("sha256"), digest):
        return None
    return rows[0]


def get(db: sqlite_utils.Database, token_id: int) -> dict:
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM tokens WHERE id = ?", (token_id,)) if storable_int(token_id) else []
    if not rows:
        raise NotFound(f"no token {token_id}")
    return rows[0]


def list_tokens(db: sqlite_utils.Database, owner: int | None = None) -> list[dict]:
    """Every token (or every token of account ``owner``), oldest first, without any hash."""
    if owner is not None:
        return fetch_dicts(db, f"SELECT {_COLUMNS} FROM tokens WHERE owner = ? ORDER BY id", (owner,))
    return fetch_dicts(db, f"SELECT {_COLUMNS} FROM tokens ORDER BY id")


def revoke(db: sqlite_utils.Database, token_id: int, *, now: str) -> bool:
    """Mark the token revoked; False when it was revoked already. NotFound if there is none."""
    require_transaction(db)
    row = get(db, token_id)
    if row["revoked_at"] is not None:
        return False
    db.conn.execute("UPDATE tokens SET revoked_at = ? WHERE id = ?", (now, token_id))
    return True


def failures(db: sqlite_utils.Database, client: str, minute: int) -> int:
    """Failed attempts of ``client`` within ``minute`` (whole minutes since the epoch)."""
    row = db.conn.execute("SELECT count FROM auth_failures WHERE client = ? AND minute = ?",
                          (client, minute)).fetchone()
    return int(row[0]) if row else 0


def record_failure(db: sqlite_utils.Database, client: str, minute: int) -> int:
    """Count one more failure of ``client`` in ``minute``; returns the new count."""
    require_transaction(db)
    db.conn.execute("DELETE FROM auth_failures WHERE minute < ?", (minute - 1,))
    row = db.conn.execute(
        "INSERT INTO auth_failures (client, minute, count) VALUES (?, ?, 1)"
        " ON CONFLICT (client, minute) DO UPDATE SET count = count + 1 RETURNING count",
        (client, minute),
    ).fetchone()
    return int(row[0])


def revoke_owned(db: sqlite_utils.Database, owner: int, *, now: str) -> int:
    """Revoke every live token of account ``owner``; returns how many."""
    require_transaction(db)
    cursor = db.conn.execute("UPDATE tokens SET revoked_at = ? WHERE owner = ? AND revoked_at IS NULL", (now, owner))
    return cursor.rowcount
