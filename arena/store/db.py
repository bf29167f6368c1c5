"""The SQLite connection, its PRAGMAs, the transaction wrapper and the versioned migrations.

The connection is opened with ``isolation_level=None`` so the sqlite3 driver never opens or
commits a transaction behind our back: every write runs inside ``transaction(db)``, which
starts with ``BEGIN IMMEDIATE`` (take the write lock first, so two writers never deadlock on
an upgrade from a read lock).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from arena.errors import Busy, ConfigError
from arena.store import wal


def _import_sqlite_utils():
    """sqlite_utils imports pandas and numpy whenever they are installed, only to map their
    types in ``table.insert``, which Arena never calls (it writes through ``db.conn``); hiding
    them for that one import spares every command that does not score half a second."""
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import_module raises ImportError
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return sqlite_utils


sqlite_utils = _import_sqlite_utils()

Migration = Callable[[sqlite_utils.Database], None] | Sequence[str]


# Version 1. Results carry no foreign key to units: units are replaced when rules are saved,
# and a unit dropped from the rules must not take its stored (maybe published) figures along.
# results is WITHOUT ROWID, keyed by period first: scoring reads one contest's months.
# Every import that changes something is a numbered batch; a value records the batch that
# stored it (and, once replaced, the batch that replaced it), so the results as they stood
# after any batch can be read back and a publication recomputed.
# audit.contest has no foreign key either: the trail must accept any row it is given.
V1: tuple[str, ...] = (
    """CREATE TABLE contests (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        season_start TEXT NOT NULL,
        season_end TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE rules_versions (
        contest TEXT NOT NULL REFERENCES contests(id),
        version INTEGER NOT NULL CHECK (version >= 1),
        sha256 TEXT NOT NULL,
        yaml TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (contest, version)
    )""",
    """CREATE TABLE units (
        contest TEXT NOT NULL REFERENCES contests(id),
        code TEXT NOT NULL,
        name TEXT NOT NULL,
        grp TEXT NOT NULL,
        PRIMARY KEY (contest, code)
    )""",
    """CREATE TABLE result_batches (
        contest TEXT NOT NULL REFERENCES contests(id),
        batch INTEGER NOT NULL CHECK (batch >= 1),
        stored_by TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        PRIMARY KEY (contest, batch)
    )""",
    """CREATE TABLE results (
        contest TEXT NOT NULL REFERENCES contests(id),
        unit TEXT NOT NULL,
        key TEXT NOT NULL,
        period TEXT NOT NULL,
        value REAL NOT NULL CHECK (typeof(value) = 'real'),
        stored_by TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        batch INTEGER NOT NULL,
        PRIMARY KEY (contest, period, unit, key),
        FOREIGN KEY (contest, batch) REFERENCES result_batches (contest, batch)
    ) WITHOUT ROWID""",
    """CREATE TABLE results_history (
        id INTEGER PRIMARY KEY,
        contest TEXT NOT NULL REFERENCES contests(id),
        unit TEXT NOT NULL,
        key TEXT NOT NULL,
        period TEXT NOT NULL,
        value REAL NOT NULL,
        stored_by TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        batch INTEGER NOT NULL,
        replaced_by TEXT NOT NULL,
        replaced_at TEXT NOT NULL,
        replaced_batch INTEGER NOT NULL,
        FOREIGN KEY (contest, batch) REFERENCES result_batches (contest, batch),
        FOREIGN KEY (contest, replaced_batch) REFERENCES result_batches (contest, batch)
    )""",
    "CREATE INDEX results_history_by_cell ON results_history (contest, period, unit, key, id)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        contest TEXT,
        target TEXT,
        before_sha256 TEXT,
        after_sha256 TEXT,
        detail TEXT CHECK (detail IS NULL OR json_valid(detail))
    )""",
    "CREATE INDEX audit_by_contest ON audit (contest, id)",
    "CREATE INDEX audit_by_action ON audit (action, id)",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
)



def _v1(db: sqlite_utils.Database) -> None:
    from arena.store import publications  # it owns its table's schema; imported late: it imports us

    for statement in (*V1, *publications.SCHEMA):
        db.conn.execute(statement)


def _v2_tokens(db: sqlite_utils.Database) -> None:
    from arena.store import tokens  # API tokens and the failed-attempt counter

    for statement in tokens.SCHEMA:
        db.conn.execute(statement)


# Append only: a released migration is never edited; a change is a new entry.
MIGRATIONS: tuple[Migration, ...] = (_v1, _v2_tokens)


def connect(path: str, busy_timeout_ms: int = 10000) -> sqlite_utils.Database:
    """Open ``path`` (creating its folder) with WAL, synchronous=FULL, busy_timeout, foreign keys."""
    path = os.fspath(path)
    in_memory = path == ":memory:" or path.startswith("file:")
    try:
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None, uri=path.startswith("file:"))
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(f"DATABASE: cannot open {path}: {exc}",
                          [{"field": "DATABASE", "message": str(exc)}]) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if not in_memory:
            conn.execute("PRAGMA journal_mode = WAL").fetchall()
            wal.limit_journal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # execute_plugins=False: no third-party code runs on our connection
        return sqlite_utils.Database(conn, execute_plugins=False)
    except sqlite3.DatabaseError as exc:  # a folder, a file that is not SQLite, a read-only place
        conn.close()
        raise ConfigError(f"DATABASE: cannot use {path}: {exc}",
                          [{"field": "DATABASE", "message": str(exc)}]) from None
    except BaseException:
        conn.close()
        raise


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE; COMMIT on success, ROLLBACK on any exception.

    Nested use becomes a SAVEPOINT, so a service may call another service's transaction.
    """
    conn = db.conn
    if conn.in_transaction:
        name = f"arena_{secrets.token_hex(8)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:  # a RAISE(ROLLBACK) may already have ended it
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    changes = conn.total_changes
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:  # busy_timeout passed while another write held the lock
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise Busy("the database is busy with another write (a large import, say): nothing was changed; "
                   "try again in a few seconds") from None
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    wal.after_commit(conn, conn.total_changes - changes)



def require_transaction(db: sqlite_utils.Database) -> None:
    """Store writes refuse to run outside ``transaction(db)`` (survives ``python -O``, unlike assert)."""
    if not db.conn.in_transaction:
        raise RuntimeError("store writes must run inside arena.store.transaction(db)")


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every migration newer than PRAGMA user_version, each in its own transaction.

    The version is re-read after taking the write lock, so two processes starting at once
    apply each migration exactly once. Returns the schema version reached.
    """
    for number, step in enumerate(MIGRATIONS, start=1):
        if schema_version(db) >= number:
            continue
        with transaction(db):
            if schema_version(db) >= number:
                continue
            if callable(step):
                step(db)
            else:
                for statement in step:
                    db.conn.execute(statement)
            db.conn.execute(f"PRAGMA user_version = {number}")
    return schema_version(db)


def storable_int(n: int) -> bool:
    """True when SQLite can hold ``n`` (a 64-bit INTEGER): a larger number names no stored row,
    and binding it would raise OverflowError."""
    return -(2**63) <= n < 2**63


def fetch_dicts(db: sqlite_utils.Database, sql: str, params: Sequence = ()) -> list[dict]:
    """Run a read and return its rows as dicts (plain cursor: no savepoint per read)."""
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]
