"""Contests, their rule versions and their units.

Every saved rule file is a new version (1, 2, ...); the version with the highest number is
the one in force. Units are the rule file's list, replaced whenever a new version is saved.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from arena.errors import Conflict, NotFound
from arena.store.db import fetch_dicts, require_transaction, storable_int

UnitTuple = tuple[str, str, str]  # (code, name, group)


def contest_exists(db: sqlite_utils.Database, contest_id: str) -> bool:
    return db.conn.execute("SELECT 1 FROM contests WHERE id = ?", (contest_id,)).fetchone() is not None


def require_contest(db: sqlite_utils.Database, contest_id: str) -> None:
    if not contest_exists(db, contest_id):
        raise NotFound(f"no contest {contest_id!r}")


def create_contest(
    db: sqlite_utils.Database, *, contest_id: str, name: str, season_start: str, season_end: str,
    units: Iterable[UnitTuple], yaml_text: str, sha256: str, author: str, now: str, note: str | None = None,
) -> int:
    """Create the contest with its rules as version 1; Conflict if the id is taken."""
    require_transaction(db)
    if contest_exists(db, contest_id):
        raise Conflict(f"contest {contest_id!r} already exists", [{"field": "contest.id", "message": "already exists"}])
    db.conn.execute(
        "INSERT INTO contests (id, name, season_start, season_end, created_at) VALUES (?, ?, ?, ?, ?)",
        (contest_id, name, season_start, season_end, now),
    )
    _insert_version(db, contest_id, 1, yaml_text, sha256, author, now, note)
    _replace_units(db, contest_id, units)
    return 1


def save_rules(
    db: sqlite_utils.Database, *, contest_id: str, name: str, season_start: str, season_end: str,
    units: Iterable[UnitTuple], yaml_text: str, sha256: str, author: str, now: str, note: str | None = None,
) -> int:
    """Save the rules as version n+1; the same sha256 as version n returns n and writes nothing."""
    require_transaction(db)
    latest = _latest(db, contest_id)
    if latest["sha256"] == sha256:
        return int(latest["version"])
    version = int(latest["version"]) + 1
    db.conn.execute(
        "UPDATE contests SET name = ?, season_start = ?, season_end = ? WHERE id = ?",
        (name, season_start, season_end, contest_id),
    )
    _insert_version(db, contest_id, version, yaml_text, sha256, author, now, note)
    _replace_units(db, contest_id, units)
    return version


def get_rules(db: sqlite_utils.Database, contest_id: str, version: int | None = None) -> dict:
    """The rules in force (or ``version``): version, sha256, yaml, author, created_at, note."""
    if version is None:
        return _latest(db, contest_id, with_yaml=True)
    found = fetch_dicts(
        db,
        "SELECT version, sha256, yaml, author, created_at, note FROM rules_versions WHERE contest = ? AND version = ?",
        (contest_id, version),
    ) if storable_int(version) else []
    if not found:
        require_contest(db, contest_id)
        raise NotFound(f"contest {contest_id!r} has no rules version {version}")
    return found[0]


def list_versions(db: sqlite_utils.Database, contest_id: str) -> list[dict]:
    """Every version, oldest first: version, sha256, author, created_at, note (no YAML)."""
    require_contest(db, contest_id)
    return fetch_dicts(
        db,
        "SELECT version, sha256, author, created_at, note FROM rules_versions WHERE contest = ? ORDER BY version",
        (contest_id,),
    )


_CONTESTS = """
    SELECT c.id, c.name, c.season_start, c.season_end, c.created_at, v.version, v.sha256
    FROM contests c JOIN rules_versions v ON v.contest = c.id
    AND v.version = (SELECT max(version) FROM rules_versions WHERE contest = c.id)
"""


def list_contests(db: sqlite_utils.Database) -> list[dict]:
    """Every contest by id: id, name, season_start, season_end, created_at, version, sha256."""
    return fetch_dicts(db, _CONTESTS + " ORDER BY c.id")


def get_contest(db: sqlite_utils.Database, contest_id: str) -> dict:
    """One contest as ``list_contests`` shows it; NotFound if there is none."""
    found = fetch_dicts(db, _CONTESTS + " WHERE c.id = ?", (contest_id,))
    if not found:
        raise NotFound(f"no contest {contest_id!r}")
    return found[0]


def list_units(db: sqlite_utils.Database, contest_id: str) -> list[dict]:
    """The units of the rules in force, in the order written: code, name, group."""
    require_contest(db, contest_id)
    return fetch_dicts(
        db, "SELECT code, name, grp AS 'group' FROM units WHERE contest = ? ORDER BY rowid", (contest_id,)
    )


def _latest(db: sqlite_utils.Database, contest_id: str, with_yaml: bool = False) -> dict:
    columns = "version, sha256, yaml, author, created_at, note" if with_yaml else "version, sha256"
    found = fetch_dicts(
        db,
        f"SELECT {columns} FROM rules_versions WHERE contest = ? ORDER BY version DESC LIMIT 1",
        (contest_id,),
    )
    if not found:
        raise NotFound(f"no contest {contest_id!r}")
    return found[0]


def _insert_version(
    db: sqlite_utils.Database, contest_id: str, version: int, yaml_text: str, sha256: str,
    author: str, now: str, note: str | None,
) -> None:
    db.conn.execute(
        "INSERT INTO rules_versions (contest, version, sha256, yaml, author, created_at, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (contest_id, version, sha256, yaml_text, author, now, note),
    )


def _replace_units(db: sqlite_utils.Database, contest_id: str, units: Iterable[UnitTuple]) -> None:
    db.conn.execute("DELETE FROM units WHERE contest = ?", (contest_id,))
    db.conn.executemany(
        "INSERT INTO units (contest, code, name, grp) VALUES (?, ?, ?, ?)",
        [(contest_id, code, name, group) for code, name, group in units],
    )
