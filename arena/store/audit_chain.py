"""The audit trail's hash chain: each row holds the sha256 of the row before it and of itself.

A row's sha256 covers its id and every stored field, and the previous row's sha256, so an
edited row no longer matches its hash, and a removed or inserted row breaks the link of the
row after it. The link is read and the row written inside one BEGIN IMMEDIATE transaction
(``audit.record`` requires one), so two writers can never fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterator

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for hints: importing sqlite_utils here would load it before db.py hides pandas
    import sqlite_utils

GENESIS = "0" * 64  # the prev_sha256 of the first row ever written
FIELDS = ("id", "at", "actor", "action", "contest", "target", "before_sha256", "after_sha256", "detail")
TRIGGERS = (
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
)


def row_sha256(prev: str, row: dict[str, Any]) -> str:
    payload = json.dumps([prev, *(row[f] for f in FIELDS)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def next_link(db: sqlite_utils.Database) -> tuple[int, str]:
    """(the id the next row gets, the sha256 it links to). Ids are never reused, as AUTOINCREMENT."""
    last = db.conn.execute("SELECT id, sha256 FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    seq = db.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    next_id = max(last[0] if last else 0, seq[0] if seq else 0) + 1
    return next_id, (last[1] if last else GENESIS)


def add_chain(db: sqlite_utils.Database) -> None:
    """The migration: add the two columns and chain every existing row, oldest first."""
    db.conn.execute("DROP TRIGGER audit_no_update")
    db.conn.execute("DROP TRIGGER audit_no_delete")
    db.conn.execute("ALTER TABLE audit ADD COLUMN prev_sha256 TEXT")
    db.conn.execute("ALTER TABLE audit ADD COLUMN sha256 TEXT")
    prev = GENESIS
    for row in list(_rows(db)):
        digest = row_sha256(prev, row)
        db.conn.execute("UPDATE audit SET prev_sha256 = ?, sha256 = ? WHERE id = ?", (prev, digest, row["id"]))
        prev = digest
    for statement in TRIGGERS:
        db.conn.execute(statement)


def verify(db: sqlite_utils.Database, start_prev: str = GENESIS) -> dict[str, Any]:
    """Walk the chain from the first row. ``start_prev`` is what the first remaining row must
    link to (GENESIS, or the link a purge recorded). Returns {"ok", "rows", "problem"}: the
    problem names the first row changed, removed or inserted."""
    prev, prev_id, count = start_prev, None, 0
    for row in _rows(db):
        count += 1
        if row["sha256"] is None or row_sha256(row["prev_sha256"] or "", row) != row["sha256"]:
            kind = "inserted" if row["sha256"] is None else "changed"
            return _failed(count, row["id"], kind,
                           f"审计第 {row['id']} 行的内容与其哈希不符：该行被改动或被插入（不是本系统写入的）")
        if row["prev_sha256"] != prev:
            if prev_id is not None and row["id"] > prev_id + 1:
                message = f"审计第 {prev_id} 行与第 {row['id']} 行之间的行被删除（链接断开）"
                return _failed(count, row["id"], "removed", message)
            where = "第一行之前有行被删除" if prev_id is None else f"第 {prev_id} 行之后有行被删除或插入"
            return _failed(count, row["id"], "removed_or_inserted",
                           f"审计第 {row['id']} 行的前一行哈希不符：{where}")
        prev, prev_id = row["sha256"], row["id"]
    return {"ok": True, "rows": count, "problem": None}


def _failed(count: int, row_id: int, kind: str, message: str) -> dict[str, Any]:
    return {"ok": False, "rows": count, "problem": {"id": row_id, "kind": kind, "message": message}}


def _rows(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    columns = ", ".join(FIELDS)
    cursor = db.conn.execute(f"SELECT {columns}, prev_sha256, sha256 FROM audit ORDER BY id")
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values))
