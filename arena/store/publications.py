"""Publications: frozen sheets, one row per (contest, period, revision), never changed.

Triggers refuse UPDATE and DELETE, and refuse a revision that is not exactly the next one, so
two publishers racing for one period can never both write revision n.
"""

from __future__ import annotations

import sqlite_utils

from arena.engine.calendar import KIND_ORDER
from arena.engine.periods import parse_period
from arena.errors import NotFound
from arena.store.db import fetch_dicts, require_transaction, storable_int

_COLUMNS = ("contest, period, kind, revision, published_at, author, note, rules_version, rules_sha256,"
            " data_batch, data_sha256, sheet_sha256, status, notice_until")


def insert(db: sqlite_utils.Database, row: dict) -> None:
    """Write one publication; ``row`` holds every column, the sheet as canonical JSON text or
    its UTF-8 bytes, which SQLite stores as that text (Python never decodes ten megabytes to
    have them encoded again)."""
    require_transaction(db)
    names = list(row)
    marks = ", ".join("CAST(? AS TEXT)" if isinstance(row[n], bytes) else "?" for n in names)
    db.conn.execute(f"INSERT INTO publications ({', '.join(names)}) VALUES ({marks})", [row[n] for n in names])


def latest(db: sqlite_utils.Database, contest_id: str, period: str, with_sheet: bool = True) -> dict | None:
    """The newest revision of ``period``, or None when it was never published."""
    columns = _COLUMNS + (", sheet" if with_sheet else "")
    found = fetch_dicts(
        db, f"SELECT {columns} FROM publications WHERE contest = ? AND period = ? ORDER BY revision DESC LIMIT 1",
        (contest_id, period),
    )
    return found[0] if found else None


def get(db: sqlite_utils.Database, contest_id: str, period: str, revision: int | None = None) -> dict:
    """One revision (the newest unless named), with its sheet; NotFound if there is none."""
    if revision is None:
        found = latest(db, contest_id, period)
    elif not storable_int(revision):
        found = None
    else:
        rows = fetch_dicts(
            db, f"SELECT {_COLUMNS}, sheet FROM publications WHERE contest = ? AND period = ? AND revision = ?",
            (contest_id, period, revision),
        )
        found = rows[0] if rows else None
    if found is None:
        which = f"revision {revision} of " if revision is not None else ""
        raise NotFound(f"{which}{period} of contest {contest_id!r} is not published")
    return found


def head(db: sqlite_utils.Database, contest_id: str, period: str, revision: int | None = None) -> dict:
    """A revision's columns without its sheet (the newest unless named); NotFound if none."""
    sql = f"SELECT {_COLUMNS} FROM publications WHERE contest = ? AND period = ?"
    params: list = [contest_id, period]
    if revision is not None:
        sql, params = sql + " AND revision = ?", params + [revision]
    found = fetch_dicts(db, sql + " ORDER BY revision DESC LIMIT 1", params) if storable_int(revision or 0) else []
    if not found:
        which = f"revision {revision} of " if revision is not None else ""
        raise NotFound(f"{which}{period} of contest {contest_id!r} is not published")
    return found[0]


def reading_order(period: str) -> tuple:
    """Months in order, each quarter, half and year right after the month that closes it, and
    the weeks counted in a month after those."""
    p = parse_period(period)
    return (p.months[-1], KIND_ORDER[p.kind], str(p))  # weeks after their Thursday's month, in order


def newest(db: sqlite_utils.Database, contest_id: str, kind: str | None = None) -> list[dict]:
    """The newest revision of every published period (no sheets), in reading order."""
    sql = (f"SELECT {_COLUMNS} FROM publications AS p WHERE contest = ? AND revision ="
           " (SELECT max(revision) FROM publications WHERE contest = p.contest AND period = p.period)")
    params: list = [contest_id]
    if kind is not None:
        sql, params = sql + " AND kind = ?", params + [kind]
    return sorted(fetch_dicts(db, sql, params), key=lambda row: reading_order(row["period"]))


def list_all(db: sqlite_utils.Database, contest_id: str) -> list[dict]:
    """Every publication of the contest (no sheets), in the order they were made."""
    return fetch_dicts(
        db, f"SELECT {_COLUMNS} FROM publications WHERE contest = ? ORDER BY rowid",
        (contest_id,),
    )


def published_periods(db: sqlite_utils.Database, contest_id: str) -> set[str]:
    return {r[0] for r in db.conn.execute("SELECT DISTINCT period FROM publications WHERE contest = ?", (contest_id,))}


def made_order(db: sqlite_utils.Database, contest_id: str) -> list[dict]:
    """Every publication's place in the order they were made (``seq``, the rowid) with what a
    staleness check compares: kind, time, data batch and rules hash; no sheets."""
    return fetch_dicts(
        db, "SELECT rowid AS seq, period, kind, revision, published_at, data_batch, rules_version, rules_sha256"
            " FROM publications WHERE contest = ? ORDER BY rowid", (contest_id,),
    )


def was_under_notice(db: sqlite_utils.Database, contest_id: str, period: str) -> bool:
    """True when any revision of ``period`` was published under notice (公示)."""
    return db.conn.execute("SELECT 1 FROM publications WHERE contest = ? AND period = ? AND status = 'notice' LIMIT 1",
                           (contest_id, period)).fetchone() is not None
