"""Checking result rows against a contest before anything is stored (RULES.md, "Words").

A row (unit, key, period, value) is accepted when the unit is listed (by its code, or by a name
exactly one unit has), the key is an indicator or adjustment id (or a name exactly one of them
has), the period is a month of the season (or a week of the weekly dispatch, for one of its
indicators), the value is a finite number with |value| <= 1e12, an adjustment's value is a
count c >= 0, and no earlier row has the same (unit, key, period).
Every problem of every row is reported in one ValidationFailed.

Speed: the happy path is set lookups and float checks (no regex, no exception); the helpers
that explain a refusal (result_problems.py) run only for rows that fail.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, NamedTuple

from arena.engine.result_problems import MAX_ABS, MIN_ABS, Context, check_value, show_number
from arena.engine.rules.model import Contest
from arena.errors import ValidationFailed

MAX_DETAILS = 1000  # beyond this the answer would be too big to read or send


class ResultRow(NamedTuple):
    """One checked row; the first four fields are what the store saves."""

    unit: str
    key: str
    period: str
    value: float
    row: int


def check_rows(contest: Contest, raw_rows: Iterable[Any], *, max_details: int = MAX_DETAILS) -> list[ResultRow]:
    """Check every raw row (attributes row, unit, key, period, value); raise on any problem.

    The error counts every bad row and problem and lists the first ``max_details`` in row
    order (a million wrong rows would otherwise make a reply of hundreds of megabytes)."""
    with paused_gc():
        out, listed, count, bad_rows = _check(Context(contest), raw_rows, max_details)
    if bad_rows:
        if count > len(listed):
            more = f"另有 {count - len(listed)} 处问题未列出"
            listed.append({"row": None, "field": None, "message": more})
        raise ValidationFailed(f"{bad_rows} 行成绩数据有误", listed)
    return out


@contextmanager
def paused_gc() -> Iterator[None]:
    """A million small tuples would trigger the cyclic collector hundreds of times for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _usable(value: float) -> bool:
    """0, or a size from MIN_ABS to MAX_ABS (False for nan and infinities)."""
    return MIN_ABS <= abs(value) <= MAX_ABS or value == 0


Cell = tuple[int, str, str, str, bool]  # row, unit, key, period, and whether the row was clean


def _check(ctx: Context, raw_rows: Iterable[Any], limit: int) -> tuple[list[ResultRow], list[dict], int, int]:
    """(good rows, the first ``limit`` problems, how many problems, how many bad rows)."""
    units, keys, months, counts = ctx.plain_units, ctx.plain_keys, ctx.months, ctx.counts
    low, high = MIN_ABS, MAX_ABS
    seen: dict[tuple[str, str, str], int] = {}
    out: list[ResultRow] = []
    append, new = out.append, tuple.__new__
    partial: list[Cell] = []  # rows with problems whose unit, key and period are valid
    listed: list[dict[str, Any]] = []
    found: list[tuple[str | None, str]] = []
    count = bad_rows = 0
    for raw in raw_rows:
        row, unit, key, period, value = raw.row, raw.unit, raw.key, raw.period, raw.value
        if type(unit) is not str or unit not in units:
            unit = ctx.code("unit", unit, found, getattr(raw, "coded", False))
        if type(key) is not str or key not in keys:
            key = ctx.code("key", key, found, getattr(raw, "coded", False))
        if type(period) is not str or period not in months:
            period = ctx.period(period, found)
            if period is not None and key is not None and period not in months:  # a week
                ctx.week_key(key, found)
        if type(value) is float and _usable(value):
            pass
        elif type(value) is str and value.isascii() and "_" not in value:
            try:
                value = float(value)
            except ValueError:
                value = check_value(raw.value, found)
            else:
                if not (low <= abs(value) <= high or value == 0):  # _usable, inlined: once per row
                    value = check_value(value, found)
        else:
            value = check_value(value, found)
        if key in counts and value is not None and (value < 0 or not value.is_integer()):
            found.append(("value", f"{key} 是次数：应填 0 或正整数，不能是 {show_number(value)}"))
        if not found:
            seen[(unit, key, period)] = row
            append(new(ResultRow, (unit, key, period, value, row)))
            continue
        bad_rows += 1
        count += len(found)
        if len(listed) < limit:
            listed.extend({"row": row, "field": field, "message": message} for field, message in found)
        found = []
        if unit is not None and key is not None and period is not None:
            seen[(unit, key, period)] = row
            partial.append((row, unit, key, period, False))
    if len(seen) < len(out) + len(partial):  # some (unit, key, period) came twice
        repeats = _repeats([(r.row, r.unit, r.key, r.period, True) for r in out] + partial)
        bad_rows += sum(clean for _, _, clean in repeats)
        count += len(repeats)
        listed += [{"row": row, "field": None, "message": message} for row, message, _ in repeats[:limit]]
        listed.sort(key=lambda p: p["row"])  # stable: a row's own problems keep their order
    return out, listed[:limit], count, bad_rows


def _repeats(cells: list[Cell]) -> list[tuple[int, str, bool]]:
    """(row, message, row was clean) for each row repeating an earlier row's cell, in row order."""
    first: dict[tuple[str, str, str], int] = {}
    repeats = []
    for index, (row, unit, key, period, clean) in sorted(enumerate(cells), key=lambda c: c[1][0]):
        earlier = first.setdefault((unit, key, period), index)
        if earlier != index:
            message = f"与第 {cells[earlier][0]} 行重复：单位 {unit}、指标 {key}、期间 {period} 都相同"
            repeats.append((row, message, clean))
    return repeats
