"""The SQLite connection, its PRAGMAs, the transaction wrapper and ``migrate``, which applies
the schema's numbered migrations (migrations.py owns the schema).

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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from arena.errors import ArenaError, Busy, ConfigError, InsufficientStorage, ReadOnly
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

from arena.store.migrations import MIGRATIONS  # noqa: E402  (after sqlite_utils, as above)


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
            raise storage_error(exc) or exc from None
        raise Busy("the database is busy with another write (a large import, say): nothing was changed; "
                   "try again in a few seconds") from None
    try:
        yield db
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:  # a full disk shows at a write or at COMMIT
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        mapped = storage_error(exc)
        if mapped is None:
            raise
        raise mapped from None
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    wal.after_commit(conn, conn.total_changes - changes)



# SQLite's primary result codes (sqlite3.h) of the errors a person can fix on the host
_FULL, _READONLY, _IOERR, _CANTOPEN = 13, 8, 10, 14


def storage_error(exc: sqlite3.Error) -> ArenaError | None:
    """The ArenaError for a database that is full or cannot be written, else None (a bug)."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc)
    if code == _FULL or "database or disk is full" in text:
        return InsufficientStorage(f"the disk holding the database is full ({text}): nothing was changed; "
                                   "free space on the server, then try again")
    if code in (_READONLY, _CANTOPEN, _IOERR) or "readonly database" in text or "unable to open" in text:
        return ReadOnly(f"the database cannot be written ({text}): nothing was changed; "
                        "check the database file, its folder and its disk on the server")
    return None


def check_writable(db: sqlite_utils.Database) -> None:
    """Take the write lock and write the header, then roll back: a read-only or full database
    raises ReadOnly or InsufficientStorage now, not at the first request that writes."""
    conn = db.conn
    pages, limit = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "max_page_count"))
    if pages >= limit:
        raise InsufficientStorage(f"the database is full: {pages} pages of at most {limit}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"PRAGMA user_version = {schema_version(db)}")
    except sqlite3.OperationalError as exc:
        raise storage_error(exc) or exc from None
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


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
