"""The outbox of reminders (催报): messages waiting to go out, and who has reported a month.

One row per message and channel. ``dedup`` is unique, so queueing the same reminder twice is a
no-op whoever does it. Times are passed in (the store never reads the clock) and kept as UTC
ISO strings, so comparing the strings compares the moments.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for hints (see users.py)
    import sqlite_utils

from arena.store.db import fetch_dicts, require_transaction

CHANNELS = ("wecom", "dingtalk", "email")
_COLUMNS = ("id, dedup, channel, recipient, subject, body, contest, period, kind, created_at, attempts,"
            " next_attempt_at, sent_at, last_error")


def utc(moment: datetime) -> str:
    """The stored form of a moment: UTC, to the second, with its offset."""
    if moment.tzinfo is None:
        raise ValueError("the outbox needs aware times")
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def queue(db: sqlite_utils.Database, *, dedup: str, channel: str, recipient: str, subject: str, body: str,
          contest: str | None, period: str | None, kind: str, now: datetime) -> bool:
    """Add a message, due now; False when one with this ``dedup`` exists (sent or not)."""
    require_transaction(db)
    cursor = db.conn.execute(
        "INSERT OR IGNORE INTO outbox (dedup, channel, recipient, subject, body, contest, period, kind, created_at,"
        " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (dedup, channel, recipient, subject, body, contest, period, kind, utc(now), utc(now)))
    return cursor.rowcount == 1


def claim_due(db: sqlite_utils.Database, now: datetime, lease_until: datetime, channels: tuple[str, ...],
              limit: int = 100) -> list[dict]:
    """The unsent messages of ``channels`` due at ``now``, oldest first, each claimed until
    ``lease_until`` (its next attempt moved there), so another scheduler passes them by."""
    require_transaction(db)
    if not channels:
        return []
    marks = ", ".join("?" * len(channels))
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?"
                           f" AND channel IN ({marks}) ORDER BY next_attempt_at, id LIMIT ?",
                       (utc(now), *channels, limit))
    db.conn.executemany("UPDATE outbox SET next_attempt_at = ? WHERE id = ?",
                        [(utc(lease_until), r["id"]) for r in rows])
    return rows


def mark_sent(db: sqlite_utils.Database, message_id: int, now: datetime, note: str | None = None) -> None:
    require_transaction(db)
    db.conn.execute("UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = ? "
                    "WHERE id = ? AND sent_at IS NULL", (utc(now), note, message_id))


def mark_failed(db: sqlite_utils.Database, message_id: int, error: str, next_attempt_at: datetime) -> int:
    """Record a failed attempt; returns the attempts made so far."""
    require_transaction(db)
    row = db.conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                          "WHERE id = ? AND sent_at IS NULL RETURNING attempts",
                          (error[:500], utc(next_attempt_at), message_id)).fetchone()
    return int(row[0]) if row else 0


def withdraw(db: sqlite_utils.Database, message_id: int) -> None:
    """Remove an unsent message that no longer applies (its reporter has reported meanwhile)."""
    require_transaction(db)
    db.conn.execute("DELETE FROM outbox WHERE id = ? AND sent_at IS NULL", (message_id,))


def get(db: sqlite_utils.Database, message_id: int) -> dict | None:
    rows = fetch_dicts(db, f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (message_id,))
    return rows[0] if rows else None


def recent(db: sqlite_utils.Database, contest: str | None = None, limit: int = 200) -> list[dict]:
    """The newest messages first (of one contest, or all)."""
    where, params = ("WHERE contest = ?", (contest,)) if contest is not None else ("", ())
    return fetch_dicts(db, f"SELECT {_COLUMNS} FROM outbox {where} ORDER BY id DESC LIMIT ?", (*params, limit))


def reported(db: sqlite_utils.Database, contest: str, period: str) -> set[str]:
    """The reporters (organizer | dept:<id> | unit:<code>) that have reported ``period``: a
    submission pending or approved; one that was returned asks for another, so it does not count."""
    return {r[0] for r in db.conn.execute(
        "SELECT DISTINCT reporter FROM submissions WHERE contest = ? AND period = ? AND status IN ('pending', 'approved')",
        (contest, period))}


def final_periods(db: sqlite_utils.Database, contest: str) -> set[str]:
    """The periods with a final publication: nobody may report them any more, so nobody is reminded."""
    return {r[0] for r in db.conn.execute(
        "SELECT DISTINCT period FROM publications WHERE contest = ? AND status = 'final'", (contest,))}
