"""Keeping the write-ahead log bounded.

The WAL grows by every page a transaction changes and ordinary checkpoints only reuse it,
never shrink it: a million-row import would leave a WAL as large as the data for good, on
every backup and every copy. ``journal_size_limit`` truncates it back whenever it is reset;
a commit that changed many rows checkpoints with TRUNCATE at once, so it is reset now.
"""

from __future__ import annotations

import sqlite3

JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024  # bytes kept after a reset
LARGE_WRITE_ROWS = 10_000  # rows changed by one commit that make it checkpoint at once
CHECKPOINT_WAIT_MS = 2_000  # how long that checkpoint waits for readers on older snapshots


def limit_journal(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA journal_size_limit = {int(JOURNAL_SIZE_LIMIT)}").fetchall()


def after_commit(conn: sqlite3.Connection, rows_changed: int) -> None:
    if rows_changed >= LARGE_WRITE_ROWS and not conn.in_transaction:
        checkpoint(conn)


def checkpoint(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """Copy the WAL into the database and truncate it; returns SQLite's (busy, log, checkpointed).

    A reader still on an older snapshot makes it give up after CHECKPOINT_WAIT_MS (busy = 1)
    rather than hold up the writer that just committed: a later reset truncates the WAL then."""
    waited = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute(f"PRAGMA busy_timeout = {min(waited, CHECKPOINT_WAIT_MS)}")
    try:
        busy, log, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy, log, done
    finally:
        conn.execute(f"PRAGMA busy_timeout = {waited}")
