"""Result rows in, draft sheets out: import (parse, check, store, all or nothing), the rows a
period's sheet is computed from, their hashes, and the draft sheet.

Each write is one transaction holding the change and its audit row.
"""

from __future__ import annotations

import hashlib
import json

import orjson
from typing import Any

from arena.engine.periods import Period, PeriodError, parse_period
from arena.engine.results import check_rows, paused_gc, result_columns
from arena.engine.rules.model import Contest
from arena.engine.sheet import Results, score, scored_months, sheet_months
from arena.errors import BadRequest, Forbidden
from arena.ingest import parse_results
from arena.ingest.limits import XlsxLimits
from arena.services.rules import contest_rules
from arena.store import audit, results
from arena.store.db import transaction
from arena.support import clock


def import_results(db, contest_id: str, data: bytes, *, fmt: str, actor: str,
                   only_unit: str | None = None, xlsx: XlsxLimits | None = None) -> dict[str, int]:
    """Parse, check and store result rows: all of them or none. Returns the counts."""
    contest, _ = contest_rules(db, contest_id)
    with paused_gc():  # a million rows are millions of small objects and no cycles
        raw = parse_results(data, fmt, xlsx=xlsx, contest=contest.id)
        rows = check_rows(contest, raw, repeats=False)  # the results' key refuses a repeated cell
        try:
            return store_results(db, contest, rows, actor=actor, only_unit=only_unit)
        except results.RepeatedCell:  # nothing was stored: the full check says which rows repeat
            check_rows(contest, raw)
            raise


def store_results(db, contest: Contest, rows, *, actor: str, only_unit: str | None = None) -> dict[str, int]:
    if only_unit is not None:
        foreign = [r for r in rows if r.unit != only_unit]
        if foreign:
            raise Forbidden("单位只能报送本单位的成绩",
                            [{"row": r.row, "field": "unit", "message": f"{r.unit} 不是本单位"} for r in foreign[:50]])
    when = clock.iso(clock.now(contest.timezone))
    with transaction(db):
        counts = results.upsert_results(db, contest.id, rows, actor=actor, now=when)
        if counts["inserted"] or counts["updated"]:
            # The results' hash chain: each import's "after" hashes the previous state's hash
            # with this batch's rows, so the audit trail shows any import left out or altered.
            last = audit.list_audit(db, contest=contest.id, action="results.import", limit=1)
            before = last[0]["after_sha256"] if last else None
            after = hashlib.sha256(f"{before or ''}:{data_sha256(rows)}".encode()).hexdigest()
            audit.record(db, actor=actor, action="results.import", contest=contest.id,
                         target=f"batch {results.current_batch(db, contest.id)}: {len(rows)} rows",
                         before=before, after=after, detail=counts, now=when)
    return counts


def data_sha256(rows) -> str:
    """sha256 of result rows in a canonical order and form, whatever order they came in: the
    lines ``unit\tkey\tperiod\trepr(value)\n`` sorted as the tuples (unit, key, period, value) sort.

    The lines are sorted as text, which is the tuples' order (and three times faster) because
    codes, keys and periods hold no character below the tab (they are checked on the way in)
    and a (unit, key, period) appears at most once."""
    units, keys, periods, values = result_columns(rows)
    lines = [f"{u}\t{k}\t{p}\t{v!r}\n" for u, k, p, v in zip(units, keys, periods, map(float, values))]
    lines.sort()
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def sheet_inputs(db, contest: Contest, period: Period, batch: int | None = None) -> Results:
    """The rows ``period``'s sheet is computed from (``sheet_months``: the period itself and
    what its change, warnings and flags look back on), now or as they stood after ``batch``."""
    if batch is None:
        scored = results.scored_months(db, contest.id, contest.unit_by_code, contest.keys)
        return results.load_results(db, contest.id, sheet_months(contest, str(period), scored))
    if period.kind == "week":
        return results.load_results_as_of(db, contest.id, [str(period)], batch)
    upto = [m for m in contest.months if m <= period.months[-1]]
    everything = results.load_results_as_of(db, contest.id, upto, batch)
    wanted = sheet_months(contest, str(period), scored_months(contest, everything))
    return {m: rows for m, rows in everything.items() if m in wanted}


def results_sha256(data: Results) -> str:
    """The data hash a sheet records: sha256 of the results it was computed from as compact
    JSON, ``{period: {unit: {key: value}}}`` with every object's keys sorted, values as floats
    (the store holds only reals) and no period or unit without a row; for example
    ``{"2026-01":{"A":{"gdp":1.5}}}``. It is written by orjson in C: a national month's 227,488
    rows hash in a tenth of the time their ``repr`` lines took (``lines_sha256``)."""
    present = {m: kept for m, units in data.items() if (kept := {u: keys for u, keys in units.items() if keys})}
    return hashlib.sha256(orjson.dumps(present, option=orjson.OPT_SORT_KEYS)).hexdigest()


def lines_sha256(data: Results) -> str:
    """The data hash of publications made before 2026-12-04: ``data_sha256`` of the nested
    results, one ``repr`` line per row. ``recorded_sha256`` still checks them by it."""
    lines = [f"{u}\t{k}\t{m}\t{float(v)!r}\n" for m, units in data.items() for u, keys in units.items()
             for k, v in keys.items()]
    lines.sort()
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def recorded_sha256(data: Results, recorded: str | None) -> str:
    """``data``'s hash as a publication that recorded ``recorded`` would have written it: the
    current definition, or the one before it when that is what matches."""
    current = results_sha256(data)
    if current != recorded and recorded is not None and lines_sha256(data) == recorded:
        return recorded
    return current


def parse_wanted(period: str) -> Period:
    try:
        return parse_period(period)
    except PeriodError as exc:
        raise BadRequest(str(exc), [{"field": "period", "message": str(exc)}]) from None


def draft(db, contest_id: str, period: str, recorded: str | None = None) -> dict[str, Any]:
    """The sheet computed now from the rules and results in force; nothing is published.
    ``recorded``: a publication's data hash, to hash the data as it did (``recorded_sha256``)."""
    contest, rules_row = contest_rules(db, contest_id)
    wanted = parse_wanted(period)
    data = sheet_inputs(db, contest, wanted)
    sheet = score(contest, str(wanted), data)
    sheet["rules_sha256"] = rules_row["sha256"]
    sheet["data_sha256"] = recorded_sha256(data, recorded)
    return sheet


def sheet_json(sheet: dict[str, Any]) -> str:
    """The canonical JSON text of a sheet: UTF-8, Chinese unescaped, stable key order."""
    return sheet_bytes(sheet).decode()


def sheet_bytes(sheet: dict[str, Any]) -> bytes:
    """``sheet_json`` as UTF-8 bytes, as it is hashed and stored.

    orjson writes a national sheet (10 MB) in a tenth of the standard encoder's time, which was
    a fifth of publishing. Unlike ``allow_nan=False`` it would write NaN as null: the engine
    never lets one into a sheet (values, ratios and formulas are checked finite on the way)."""
    return orjson.dumps(sheet)


def legacy_sheet_json(sheet: dict[str, Any]) -> str:
    """The text the standard encoder wrote for publications stored before orjson; it differs
    only in how very small numbers are spelt (1e-05 where orjson writes 0.00001)."""
    return json.dumps(sheet, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
