"""The audit trail: who did what, when, with the before and after hashes.

Append-only: triggers in the schema abort any UPDATE or DELETE of an audit row, and each row
is hash-chained to the one before it (store.audit_chain). Times are ISO strings from the
caller; the store never reads the clock.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from arena.store.audit_chain import next_link, row_sha256
from arena.store.db import fetch_dicts, require_transaction


def record(
    db: sqlite_utils.Database, *, actor: str, action: str, contest: str | None = None, target: str | None = None,
    before: str | None = None, after: str | None = None, detail: dict[str, Any] | None = None, now: str,
) -> int:
    """Append one audit row (``before``/``after`` are sha256 hex digests); returns its id."""
    require_transaction(db)
    if not action or not actor or not now:
        raise ValueError("an audit row needs an actor, an action and a time")
    text = None if detail is None else json.dumps(detail, ensure_ascii=False, sort_keys=True)
    row_id, prev = next_link(db)  # inside the caller's BEGIN IMMEDIATE: no other writer between
    row = {"id": row_id, "at": now, "actor": actor, "action": action, "contest": contest, "target": target,
           "before_sha256": before, "after_sha256": after, "detail": text}
    db.conn.execute(
        "INSERT INTO audit (id, at, actor, action, contest, target, before_sha256, after_sha256, detail,"
        " prev_sha256, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*row.values(), prev, row_sha256(prev, row)),
    )
    return row_id


def list_audit(
    db: sqlite_utils.Database, *, contest: str | None = None, action: str | None = None, limit: int = 200
) -> list[dict]:
    """The newest ``limit`` rows first, optionally for one contest and/or one action."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    where, params = [], []
    if contest is not None:
        where.append("contest = ?")
        params.append(contest)
    if action is not None:
        where.append("action = ?")
        params.append(action)
    sql = "SELECT id, at, actor, action, contest, target, before_sha256, after_sha256, detail FROM audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = fetch_dicts(db, sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
    for row in rows:
        if row["detail"] is not None:
            row["detail"] = json.loads(row["detail"])
    return rows
