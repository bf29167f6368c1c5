"""The audit trail as a whole: verify its hash chain, export it as JSON Lines, purge old rows.

A purge removes only the oldest rows, all older than the cutoff, and only when the cutoff is
at least AUDIT_KEEP_DAYS ago; it records the first kept row and the link it holds in its own
(chained) audit row, so ``verify`` starts there and the chain stays checkable. The chain has
no secret: it shows edits made with a database tool, not an attacker who rewrites every later
row; ``verify`` prints the newest row's sha256, to note down elsewhere now and then.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import IO, Any

from arena.support import clock
from arena.errors import ValidationFailed
from arena.store import audit, audit_chain
from arena.store.db import fetch_dicts, transaction


def verify(db) -> dict[str, Any]:
    first = db.conn.execute("SELECT id, prev_sha256 FROM audit ORDER BY id LIMIT 1").fetchone()
    start = audit_chain.GENESIS
    if first is not None and first[1] != audit_chain.GENESIS:
        for row in audit.list_audit(db, action="audit.purge", limit=1_000_000):
            if row["detail"] and row["detail"].get("first_kept") == first[0]:
                start = row["detail"]["first_kept_prev"]
                break
    result = audit_chain.verify(db, start)
    head = db.conn.execute("SELECT id, sha256 FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    result["head"] = {"id": head[0], "sha256": head[1]} if head else None
    return result


def parse_day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{field}: 日期须写成 2026-01-31 的形式（收到 {text!r}）",
                               [{"field": field, "message": "not a date"}]) from None


def export(db, out: IO[str], since: date | None = None) -> int:
    """Write every row at or after ``since`` (UTC midnight), oldest first, one JSON object a line."""
    count = 0
    cutoff = None if since is None else datetime(since.year, since.month, since.day, tzinfo=timezone.utc)
    cursor = db.conn.execute("SELECT id, at, actor, action, contest, target, before_sha256, after_sha256, detail,"
                             " prev_sha256, sha256 FROM audit ORDER BY id")
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values))
        if cutoff is not None and _moment(row["at"]) < cutoff:
            continue
        row["detail"] = None if row["detail"] is None else json.loads(row["detail"])
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def purge(db, before: date, *, keep_days: int, actor: str) -> int:
    """Delete the oldest rows older than ``before``; refused when ``before`` is within keep_days."""
    today = clock.now("UTC").date()
    if before > today - timedelta(days=keep_days):
        raise ValidationFailed(
            f"审计记录至少保留 {keep_days} 天（ARENA_AUDIT_KEEP_DAYS）：--before 不能晚于 "
            f"{today - timedelta(days=keep_days)}，没有删除任何记录",
            [{"field": "before", "message": f"younger than {keep_days} days"}])
    cutoff = datetime(before.year, before.month, before.day, tzinfo=timezone.utc)
    with transaction(db):
        through = None
        for row in fetch_dicts(db, "SELECT id, at FROM audit ORDER BY id"):
            if _moment(row["at"]) >= cutoff:
                break
            through = row["id"]
        if through is None:
            return 0
        kept = db.conn.execute("SELECT id, prev_sha256 FROM audit WHERE id > ? ORDER BY id LIMIT 1",
                               (through,)).fetchone()
        removed = db.conn.execute("SELECT count(*) FROM audit WHERE id <= ?", (through,)).fetchone()[0]
        db.conn.execute("DROP TRIGGER audit_no_delete")
        db.conn.execute("DELETE FROM audit WHERE id <= ?", (through,))
        db.conn.execute(audit_chain.TRIGGERS[1])
        detail = {"before": before.isoformat(), "removed": removed, "through_id": through,
                  "first_kept": kept[0] if kept else through + 1,
                  # nothing kept: the purge row comes first and links to GENESIS (next_link finds no row)
                  "first_kept_prev": kept[1] if kept else audit_chain.GENESIS}
        audit.record(db, actor=actor, action="audit.purge", detail=detail, now=clock.iso(clock.now("UTC")))
    return removed


def _moment(at: str) -> datetime:
    moment = datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
