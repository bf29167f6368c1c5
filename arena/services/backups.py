"""``arena backup FILE`` and ``arena restore FILE``: copies of the live database, taken and put
back with SQLite's online backup API.

The backup API copies the pages under a read transaction, so the copy is one consistent
snapshot even while workers import and publish (with WAL they are never blocked by it); a file
copy of a WAL database is not (the -wal file holds the newest commits). The copy is checked
(``integrity_check``) before it is moved into place, fsynced, under a temporary name, so a
backup file is always whole. A restore checks the file the same way first, then copies it into
the live database, again by the backup API, so connections that are open see the restored
state on their next transaction instead of a file swapped under them.

Evidence files (佐证材料) live outside the database, by sha256. A backup FILE keeps the ones its
snapshot names in FILE.evidence/ (laid out as the live folder), copying only those not there
yet, each checked against its sha256 and written whole; a restore puts back, checked the same
way, those the live folder lacks, before the database is replaced. A file named by a row but
found nowhere, or damaged, is reported by its sha256: the database copy goes ahead regardless.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

from arena.errors import ArenaError
from arena.support.atomic import fsync_dir, write_atomic


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


def evidence_folder(backup_file: str | os.PathLike) -> Path:
    """Where the backup ``backup_file`` keeps its evidence files: FILE.evidence/ beside it."""
    return Path(f"{backup_file}.evidence")


def _named_evidence(conn: sqlite3.Connection) -> list[str]:
    """The sha256 of every evidence file the database's rows name (none before schema 5)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence'").fetchone() is None:
        return []
    return [row[0] for row in conn.execute("SELECT DISTINCT sha256 FROM evidence ORDER BY sha256")]


def copy_evidence(shas: list[str], source: str | os.PathLike, target: str | os.PathLike) -> dict:
    """Copy the files ``shas`` from the folder ``source`` to ``target`` where ``target`` lacks
    them, each checked against its sha256 and written whole (fsynced, renamed). Returns counts
    and the sha256 of those missing from ``source`` and of those found damaged there."""
    from arena.services.evidence import blob_path

    done: dict = {"copied": 0, "present": 0, "missing": [], "damaged": []}
    for sha in shas:
        there = blob_path(target, sha)
        if there.is_file():
            done["present"] += 1
            continue
        try:
            data = blob_path(source, sha).read_bytes()
        except FileNotFoundError:
            done["missing"].append(sha)
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            done["damaged"].append(sha)
            continue
        there.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(there, data, 0o600)
        done["copied"] += 1
    return done


def backup(database: str, target: str | os.PathLike, evidence_dir: str | os.PathLike | None = None) -> dict:
    """Copy the live ``database`` into ``target`` (replaced whole), and the evidence files it
    names from ``evidence_dir`` into ``evidence_folder(target)``; returns what was copied."""
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
            named = _named_evidence(copy)  # the files this snapshot's rows name
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
    done = {"file": str(target), "bytes": target.stat().st_size, **found, "evidence": None}
    if evidence_dir is not None:
        done["evidence"] = copy_evidence(named, evidence_dir, evidence_folder(target))
    return done


def restore(source: str | os.PathLike, database: str, busy_timeout_ms: int = 10_000,
            evidence_dir: str | os.PathLike | None = None) -> dict:
    """Replace the contents of ``database`` by the backup ``source``, after checking it whole
    and putting back into ``evidence_dir`` the evidence files it names that are not there."""
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
        evidence = None
        if evidence_dir is not None:  # first: once restored, no row may lack its file
            evidence = copy_evidence(_named_evidence(backup_conn), evidence_folder(source), evidence_dir)
        live = connect(database, busy_timeout_ms)  # WAL and the busy timeout, as every writer has
        try:
            backup_conn.backup(live.conn)  # takes the write lock; readers see the old or the new, whole
            _check(live.conn, f"the restored database {database}")
        finally:
            live.close()
    finally:
        backup_conn.close()
    return {"file": str(source), "database": database, **found, "evidence": evidence}
