"""Result rows (unit, key, period, value) and the history of every value they replaced.

Imports are set-based: the batch goes into a temporary table with one executemany, then a few
statements count, archive and upsert it. A query per row would not reach 1,000,000 rows
in seconds. A batch whose months hold no row yet (a new month's first import) has nothing to
count, archive or update: it goes straight into results with one executemany.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

import sqlite_utils

from arena.engine.periods import PeriodError, parse_period
from arena.engine.results import result_columns
from arena.errors import BadRequest, ValidationFailed
from arena.store.contests import require_contest
from arena.store.db import fetch_dicts, require_transaction

Results = dict[str, dict[str, dict[str, float]]]  # month -> unit -> key -> value

# The batch lands in a table keyed like results (files list their rows mostly in that order,
# so the inserts append), so every later join walks both tables in the same order instead of
# seeking at random; the key refuses a repeated (unit, key, period).
_INCOMING = """CREATE TEMP TABLE incoming (
    period TEXT NOT NULL, unit TEXT NOT NULL, key TEXT NOT NULL, value REAL NOT NULL,
    PRIMARY KEY (period, unit, key)
) WITHOUT ROWID"""

_MATCH = """FROM temp.incoming i JOIN results r
    ON r.contest = ? AND r.period = i.period AND r.unit = i.unit AND r.key = i.key"""

# Who stored a result row and when is its batch's: join this to results r for b.stored_by, b.stored_at.
STAMP_JOIN = "JOIN result_batches b ON b.contest = r.contest AND b.batch = r.batch"

_ARCHIVE = f"""INSERT INTO results_history (contest, unit, key, period, value, stored_by, stored_at,
        batch, replaced_by, replaced_at, replaced_batch)
    SELECT r.contest, r.unit, r.key, r.period, r.value, b.stored_by, b.stored_at, r.batch, ?, ?, ?
    {_MATCH} {STAMP_JOIN}
    WHERE r.value IS NOT i.value"""

# "WHERE true" lets SQLite tell the SELECT from the ON CONFLICT clause.
_UPSERT = """INSERT INTO results (contest, unit, key, period, value, batch)
    SELECT ?, unit, key, period, value, ? FROM temp.incoming WHERE true
    ON CONFLICT (contest, period, unit, key) DO UPDATE SET value = excluded.value, batch = excluded.batch
    WHERE results.value IS NOT excluded.value"""

_STAMPED = f"SELECT r.unit, r.key, r.period, r.value, b.stored_by, b.stored_at FROM results r {STAMP_JOIN} WHERE r.contest = ?"


def upsert_results(
    db: sqlite_utils.Database, contest_id: str, rows: Iterable[Sequence[Any]], *, actor: str, now: str
) -> dict[str, int]:
    """Store rows (unit, key, period, value, ...): new ones inserted, changed ones updated with
    the old value moved to results_history, equal ones left alone (not even re-stamped).
    A call that inserts or updates anything is the contest's next batch."""
    require_transaction(db)
    require_contest(db, contest_id)
    conn = db.conn
    columns = result_columns(rows)  # zip of columns builds each row's tuple in C, not in Python
    if columns[0] and not _any_stored(conn, contest_id, set(columns[2])):
        return _insert_new(db, contest_id, columns, actor=actor, now=now)
    for statement in ("DROP TABLE IF EXISTS temp.incoming", _INCOMING):
        conn.execute(statement)
    try:
        total = conn.executemany(
            "INSERT INTO temp.incoming (unit, key, period, value) VALUES (?, ?, ?, ?)", zip(*columns)
        ).rowcount
    except sqlite3.IntegrityError as exc:
        _refuse_repeats(exc)
    counting = f"SELECT count(*), coalesce(sum(r.value IS NOT i.value), 0) {_MATCH}"
    matched, changed = conn.execute(counting, (contest_id,)).fetchone()
    if changed or total > matched:
        batch = current_batch(db, contest_id) + 1
        conn.execute("INSERT INTO result_batches (contest, batch, stored_by, stored_at) VALUES (?, ?, ?, ?)",
                     (contest_id, batch, actor, now))
        if changed:
            conn.execute(_ARCHIVE, (actor, now, batch, contest_id))
        conn.execute(_UPSERT, (contest_id, batch))
    conn.execute("DROP TABLE temp.incoming")
    return {"inserted": total - matched, "updated": changed, "unchanged": matched - changed}


class RepeatedCell(ValidationFailed):
    """A batch holding some (unit, key, period) twice, refused by the table's key."""


def _refuse_repeats(exc: sqlite3.IntegrityError) -> None:
    """A repeated (unit, key, period) is the caller's mistake; any other constraint's failure
    (a value that is not a number) is raised as it is."""
    if "UNIQUE" in str(exc):
        raise RepeatedCell("the same (unit, key, period) appears twice in one batch") from exc
    raise exc


def _any_stored(conn: sqlite3.Connection, contest_id: str, months: set[str]) -> bool:
    wanted = sorted(months)
    sql = f"SELECT 1 FROM results WHERE contest = ? AND period IN ({', '.join('?' * len(wanted))}) LIMIT 1"
    return conn.execute(sql, (contest_id, *wanted)).fetchone() is not None


def _insert_new(db: sqlite_utils.Database, contest_id: str, columns: tuple[Sequence[Any], ...], *, actor: str,
                now: str) -> dict[str, int]:
    """upsert_results of rows (as columns) none of whose months holds a row: every row is new, one batch."""
    batch = current_batch(db, contest_id) + 1
    conn = db.conn
    conn.execute("INSERT INTO result_batches (contest, batch, stored_by, stored_at) VALUES (?, ?, ?, ?)",
                 (contest_id, batch, actor, now))
    try:
        conn.executemany(
            "INSERT INTO results (contest, unit, key, period, value, batch) VALUES (?, ?, ?, ?, ?, ?)",
            zip(repeat(contest_id), *columns, repeat(batch)),
        )
    except sqlite3.IntegrityError as exc:
        _refuse_repeats(exc)
    return {"inserted": len(columns[0]), "updated": 0, "unchanged": 0}


def current_batch(db: sqlite_utils.Database, contest_id: str) -> int:
    """The number of the contest's latest batch of changes; 0 before any result is stored."""
    found = db.conn.execute("SELECT max(batch) FROM result_batches WHERE contest = ?", (contest_id,)).fetchone()[0]
    return int(found or 0)


def scored_months(
    db: sqlite_utils.Database, contest_id: str, units: Iterable[str] | None = None, keys: Iterable[str] | None = None
) -> tuple[str, ...]:
    """Every month with at least one result row, in order (one key seek per month, no scan).

    With ``units`` and ``keys``: only rows of those units for those keys count, as the engine
    counts them (rows the rules in force no longer know do not make a month scored).
    """
    months: list[str] = []
    sql = "SELECT min(period) FROM results WHERE contest = ? AND period > ?"
    while (month := db.conn.execute(sql, (contest_id, months[-1] if months else "")).fetchone()[0]) is not None:
        months.append(month)
    if units is None or keys is None:
        return tuple(months)
    known = ("SELECT 1 FROM results WHERE contest = ? AND period = ?"
             " AND unit IN (SELECT value FROM json_each(?)) AND key IN (SELECT value FROM json_each(?)) LIMIT 1")
    unit_list, key_list = json.dumps(sorted(units)), json.dumps(sorted(keys))
    return tuple(m for m in months if db.conn.execute(known, (contest_id, m, unit_list, key_list)).fetchone())


def load_results(db: sqlite_utils.Database, contest_id: str, months: Iterable[str] | None = None) -> Results:
    """{month: {unit: {key: value}}} for ``months`` (every month if None); months without rows are absent."""
    require_contest(db, contest_id)
    sql, params = _in_months("SELECT period, unit, key, value FROM results WHERE contest = ?", contest_id, months)
    return _nest(db.conn.execute(sql + " ORDER BY period, unit, key", params))


def load_results_as_of(
    db: sqlite_utils.Database, contest_id: str, months: Iterable[str] | None, batch: int
) -> Results:
    """``load_results`` as the results stood right after ``batch``: a cell holds the value whose
    batch <= ``batch`` and that no batch <= ``batch`` replaced."""
    require_contest(db, contest_id)
    wanted = None if months is None else list(months)
    current, params = _in_months("SELECT period, unit, key, value FROM results WHERE contest = ?", contest_id, wanted)
    earlier, more = _in_months(
        "SELECT period, unit, key, value FROM results_history WHERE contest = ?", contest_id, wanted
    )
    sql = f"{current} AND batch <= ? UNION ALL {earlier} AND batch <= ? AND replaced_batch > ? ORDER BY 1, 2, 3"
    return _nest(db.conn.execute(sql, [*params, batch, *more, batch, batch]))


def _in_months(sql: str, contest_id: str, months: Iterable[str] | None) -> tuple[str, list[Any]]:
    if months is None:
        return sql, [contest_id]
    wanted = list(months)
    return sql + f" AND period IN ({', '.join('?' * len(wanted))})", [contest_id, *wanted]


def _nest(rows: Iterable[tuple[str, str, str, float]]) -> Results:
    """Rows ordered by period, unit, key -> {period: {unit: {key: value}}}, each dict found once."""
    out: Results = {}
    current_period, current_unit = None, None
    by_unit: dict[str, dict[str, float]] = {}
    by_key: dict[str, float] = {}
    for period, unit, key, value in rows:
        if period != current_period:
            current_period, current_unit = period, None
            by_unit = out[period] = {}
        if unit != current_unit:
            current_unit = unit
            by_key = by_unit[unit] = {}
        by_key[key] = value
    return out


def list_results(
    db: sqlite_utils.Database, contest_id: str, period: str | None = None, unit: str | None = None
) -> list[dict]:
    """Rows (unit, key, period, value, stored_by, stored_at) ordered by period, unit, key.

    ``period`` may be a month or any longer period: its months are listed; a week: its own rows.
    """
    require_contest(db, contest_id)
    sql = _STAMPED
    params: list[Any] = [contest_id]
    if period is not None:
        try:
            wanted = parse_period(period)
        except PeriodError as exc:
            raise BadRequest("invalid period", [{"field": "period", "message": str(exc)}]) from exc
        months: tuple[str, ...] = (str(wanted),) if wanted.kind == "week" else wanted.months
    elif unit is not None:
        # Name every stored period so the (contest, period, unit) key prefix is used, not a scan
        # (one key seek per period; weeks sort among the months, so no range of months will do).
        months = scored_months(db, contest_id)
    if period is not None or unit is not None:
        sql += f" AND r.period IN ({', '.join('?' * len(months))})"
        params += months
    if unit is not None:
        sql += " AND r.unit = ?"
        params.append(unit)
    return fetch_dicts(db, sql + " ORDER BY r.period, r.unit, r.key", params)


def result_history(db: sqlite_utils.Database, contest_id: str, unit: str, key: str, period: str) -> list[dict]:
    """Every earlier value of one cell, oldest first: value, stored_by, stored_at, replaced_by, replaced_at."""
    require_contest(db, contest_id)
    return fetch_dicts(
        db,
        "SELECT value, stored_by, stored_at, replaced_by, replaced_at FROM results_history"
        " WHERE contest = ? AND unit = ? AND key = ? AND period = ? ORDER BY id",
        (contest_id, unit, key, period),
    )


def last_batches(db: sqlite_utils.Database, contest_id: str, months: Iterable[str]) -> dict[str, int]:
    """month -> the newest batch that stored a value of it. A replaced value's history row has
    an older batch than the row that replaced it, so the results table alone answers."""
    wanted = sorted(set(months))
    if not wanted:
        return {}
    sql = (f"SELECT period, max(batch) FROM results WHERE contest = ? AND period IN ({', '.join('?' * len(wanted))})"
           " GROUP BY period")
    return {period: int(batch) for period, batch in db.conn.execute(sql, [contest_id, *wanted])}


def batch_times(db: sqlite_utils.Database, contest_id: str, after: int) -> dict[int, str]:
    """batch -> when it was stored, for every batch after ``after``."""
    rows = db.conn.execute("SELECT batch, stored_at FROM result_batches WHERE contest = ? AND batch > ?",
                           (contest_id, after))
    return {int(b): at for b, at in rows}
