"""Programmes (the year's list across contests) and their frozen sheets."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from arena.errors import NotFound

COLUMNS = ("programme", "period", "revision", "published_at", "author", "note", "programme_sha256", "inputs",
           "sheet_sha256")


def save(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    """Insert or replace the programme's file (its id, name, year, text and hash)."""
    db.conn.execute(
        "INSERT INTO programmes (id, name, year, text, sha256, saved_at, saved_by) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, year = excluded.year, text = excluded.text,"
        " sha256 = excluded.sha256, saved_at = excluded.saved_at, saved_by = excluded.saved_by",
        [row[k] for k in ("id", "name", "year", "text", "sha256", "saved_at", "saved_by")])


def get(db: sqlite_utils.Database, pid: str) -> dict[str, Any]:
    found = list(db.query("SELECT * FROM programmes WHERE id = ?", [pid]))
    if not found:
        raise NotFound(f"programme {pid!r} does not exist")
    return found[0]


def list_all(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT id, name, year, sha256, saved_at FROM programmes ORDER BY id"))


def insert_publication(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    db.table("programme_publications").insert(row)


def latest(db: sqlite_utils.Database, pid: str, period: str, with_sheet: bool = True) -> dict[str, Any] | None:
    cols = ", ".join(COLUMNS + (("sheet",) if with_sheet else ()))
    found = list(db.query(f"SELECT {cols} FROM programme_publications WHERE programme = ? AND period = ?"
                          " ORDER BY revision DESC LIMIT 1", [pid, period]))
    return found[0] if found else None


def revision(db: sqlite_utils.Database, pid: str, period: str, number: int | None = None) -> dict[str, Any]:
    """One revision with its sheet (the newest without ``number``); NotFound if there is none."""
    if number is None:
        row = latest(db, pid, period)
    else:
        found = list(db.query("SELECT * FROM programme_publications WHERE programme = ? AND period = ? AND revision = ?",
                              [pid, period, number]))
        row = found[0] if found else None
    if row is None:
        raise NotFound(f"programme {pid!r} has no published list for {period}"
                       + (f" revision {number}" if number is not None else ""))
    return row


def revisions(db: sqlite_utils.Database, pid: str, period: str) -> list[dict[str, Any]]:
    cols = ", ".join(COLUMNS)
    return list(db.query(f"SELECT {cols} FROM programme_publications WHERE programme = ? AND period = ?"
                         " ORDER BY revision", [pid, period]))
