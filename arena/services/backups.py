"""``arena backup FILE`` and ``arena restore FILE``: copies of the live database, taken and put
back with SQLite's online backup API.

The backup API copies the pages under a read transaction, so the copy is one consistent
snapshot even while workers import and publish (with WAL they are never blocked by it); a file
copy of a WAL database is not (the -wal file holds the newest commits). The copy is checked
(``integrity_check``) before it is moved into place, fsynced, under a temporary name, so a
backup file is always whole. A restore checks the file the same way first, then copies it into
the live database, again by the backup API, so connections that are open see the restored
state on their next transaction instead of a file swapped under them.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from arena.support.atomic import fsync_dir
from arena.errors import ArenaError


def _check(conn: sqlite3.Connection, what: str) -> dict:
    """The copy's integrity and schema version; an ArenaError names what is wrong."""
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise ArenaError(f"{what} is not an SQLite database: {exc}") from None
    if problems != ["ok"]:
        raise ArenaError(f"{what} fails SQLite's integrity check: {'; '.join(problems[:5])}")
    if version < 1 or "publications" not in tables:
        raise ArenaError(f"{what} is not an Arena database (schema version {version}, no publications table)")
    return {"schema_version": version, "pages": int(conn.execute("PRAGMA page_count").fetchone()[0])}


def backup(database: str, target: str | os.PathLike) -> dict:
    """Copy the live ``database`` into ``target`` (replaced whole); returns what was copied."""
    target = Path(target)
    if target.resolve() == Path(database).resolve():
        raise ArenaError(f"{target}: that is the database itself; name another file")
    if not Path(database).is_file():
        raise ArenaError(f"no database at {database}")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        source = sqlite3.connect(f"file:{Path(database).resolve()}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(temp)
        try:
            source.backup(copy)  # every page in one step: one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")  # the backup is a single self-contained file
            found = _check(copy, "the copy")
        finally:
            copy.close()
            source.close()
        with open(temp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    return {"file": str(target), "bytes": target.stat().st_size, **found}


def restore(source: str | os.PathLike, database: str, busy_timeout_ms: int = 10_000) -> dict:
    """Replace the contents of ``database`` by the backup ``source``, after checking it whole."""
    if not Path(source).is_file():
        raise ArenaError(f"no backup at {source}")
    if Path(source).resolve() == Path(database).resolve():
        raise ArenaError(f"{source}: that is the database itself; name a backup file")
    backup_conn = sqlite3.connect(f"file:{Path(source).resolve()}?mode=ro", uri=True)
    try:
        found = _check(backup_conn, str(source))
        from arena.store.db import MIGRATIONS, connect

        if found["schema_version"] > len(MIGRATIONS):
            raise ArenaError(f"{source} has schema version {found['schema_version']}; this Arena knows "
                             f"{len(MIGRATIONS)}: restore it with the newer Arena that wrote it")
        live = connect(database, busy_timeout_ms)  # WAL and the busy timeout, as every writer has
        try:
            backup_conn.backup(live.conn)  # takes the write lock; readers see the old or the new, whole
            _check(live.conn, f"the restored database {database}")
        finally:
            live.close()
    finally:
        backup_conn.close()
    return {"file": str(source), "database": database, **found}
