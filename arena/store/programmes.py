"""Programmes (全年列榜单): their file's versions and their frozen sheets, never changed."""

from __future__ import annotations

import sqlite_utils

from arena.errors import NotFound
from arena.store.db import fetch_dicts, require_transaction, storable_int

_HEAD = ("programme, period, revision, published_at, author, note, rules_version, rules_sha256, sources,"
         " sheet_sha256")


def exists(db: sqlite_utils.Database, pid: str) -> bool:
    return db.conn.execute("SELECT 1 FROM programmes WHERE id = ?", (pid,)).fetchone() is not None


def latest_version(db: sqlite_utils.Database, pid: str) -> dict:
    """The version in force: version, sha256, yaml, author, created_at, note; NotFound if none."""
    found = fetch_dicts(db, "SELECT version, sha256, yaml, author, created_at, note FROM programme_versions"
                            " WHERE programme = ? ORDER BY version DESC LIMIT 1", (pid,))
    if not found:
        raise NotFound(f"no programme {pid!r}")
    return found[0]


def save(db: sqlite_utils.Database, *, pid: str, name: str, year: int, yaml_text: str, sha256: str,
         author: str, now: str, note: str | None = None) -> tuple[int, bool]:
    """Store the file as the next version (the first creates the programme); the same sha256 as
    the version in force stores nothing. Returns (version, changed)."""
    require_transaction(db)
    if not exists(db, pid):
        db.conn.execute("INSERT INTO programmes (id, name, year, created_at) VALUES (?, ?, ?, ?)",
                        (pid, name, year, now))
        version = 1
    else:
        current = latest_version(db, pid)
        if current["sha256"] == sha256:
            return int(current["version"]), False
        version = int(current["version"]) + 1
        db.conn.execute("UPDATE programmes SET name = ?, year = ? WHERE id = ?", (name, year, pid))
    db.conn.execute("INSERT INTO programme_versions (programme, version, sha256, yaml, author, created_at, note)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", (pid, version, sha256, yaml_text, author, now, note))
    return version, True


def list_programmes(db: sqlite_utils.Database) -> list[dict]:
    return fetch_dicts(db, "SELECT id, name, year, created_at FROM programmes ORDER BY id")


def insert(db: sqlite_utils.Database, row: dict) -> None:
    require_transaction(db)
    names = list(row)
    db.conn.execute(f"INSERT INTO programme_publications ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                    [row[n] for n in names])


def latest(db: sqlite_utils.Database, pid: str, period: str, with_sheet: bool = True) -> dict | None:
    columns = _HEAD + (", sheet" if with_sheet else "")
    found = fetch_dicts(db, f"SELECT {columns} FROM programme_publications WHERE programme = ? AND period = ?"
                            " ORDER BY revision DESC LIMIT 1", (pid, period))
    return found[0] if found else None


def get(db: sqlite_utils.Database, pid: str, period: str, revision: int | None = None) -> dict:
    """One revision (the newest unless named), with its sheet; NotFound if there is none."""
    if revision is None:
        found = latest(db, pid, period)
    else:
        rows = fetch_dicts(db, f"SELECT {_HEAD}, sheet FROM programme_publications WHERE programme = ? AND period = ?"
                               " AND revision = ?", (pid, period, revision)) if storable_int(revision) else []
        found = rows[0] if rows else None
    if found is None:
        which = f"revision {revision} of " if revision is not None else ""
        raise NotFound(f"{which}{period} of programme {pid!r} is not published")
    return found


def list_all(db: sqlite_utils.Database, pid: str) -> list[dict]:
    return fetch_dicts(db, f"SELECT {_HEAD} FROM programme_publications WHERE programme = ? ORDER BY rowid", (pid,))
