"""Checking result rows against a contest before anything is stored (RULES.md, "Words").

A row (unit, key, period, value) is accepted when the unit is listed (by its code, or by a name
exactly one unit has), the key is an indicator or adjustment id (or a name exactly one of them
has), the period is a month of the season (or a week of the weekly dispatch, for one of its
indicators), the value is a finite number with |value| <= 1e12, an adjustment's value is a
count c >= 0, and no earlier row has the same (unit, key, period).
Every problem of every row is reported in one ValidationFailed.

Speed: a reader's batch held as columns (RawColumns: a big CSV file) is checked a column at a
time with set and map operations, at C speed, and stays columns (CheckedRows); rows one by one
take set lookups and float checks (no regex, no exception). The helpers that explain a refusal
(result_problems.py) run only for rows that fail: a batch of columns with any problem is
checked again row by row, which says what is wrong where.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from contextlib import contextmanager
from itertools import compress
from typing import Any, Iterable, Iterator, NamedTuple

import numpy as np

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


class Raw(NamedTuple):
    """One raw row of a RawColumns batch, as the row-by-row check reads it."""

    row: int
    unit: Any
    key: Any
    period: Any
    value: Any


class _Columns(Sequence):
    """Rows held as columns, one sequence per field of the row type ``_row``, named by
    ``__slots__`` in its order: a million rows without a million row objects, made into rows
    only for whoever reads them one by one."""

    __slots__: tuple[str, ...] = ()
    _row: Any

    def __init__(self, *columns: Sequence[Any]):
        for name, column in zip(self.__slots__, columns, strict=True):
            setattr(self, name, column)

    def __len__(self) -> int:
        return len(getattr(self, self.__slots__[0]))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(self)[i]
        return self._row._make(getattr(self, name)[i] for name in self.__slots__)

    def __iter__(self) -> Iterator:
        return map(self._row._make, zip(*(getattr(self, name) for name in self.__slots__)))


class RawColumns(_Columns):
    """A reader's rows before any check: ``lines`` numbers them as a person sees them; the
    cells are the strings read. Read one by one, they are Raw rows."""

    __slots__ = ("lines", "units", "keys", "periods", "values")
    _row = Raw


class CheckedRows(_Columns):
    """Checked rows; read one by one, they are ResultRows; ``result_columns`` hands the store
    the columns."""

    __slots__ = ("units", "keys", "periods", "values", "lines")
    _row = ResultRow

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (list, CheckedRows)) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


def result_columns(rows: Iterable[Sequence[Any]]) -> tuple[Sequence, Sequence, Sequence, Sequence]:
    """(units, keys, periods, values) of rows (unit, key, period, value, ...) or CheckedRows."""
    if isinstance(rows, CheckedRows):
        return rows.units, rows.keys, rows.periods, rows.values
    columns = tuple(zip(*rows))
    return (columns[0], columns[1], columns[2], columns[3]) if columns else ((), (), (), ())


def check_rows(contest: Contest, raw_rows: Iterable[Any], *, max_details: int = MAX_DETAILS,
               repeats: bool = True) -> list[ResultRow] | CheckedRows:
    """Check every raw row (attributes row, unit, key, period, value); raise on any problem.

    The error counts every bad row and problem and lists the first ``max_details`` in row
    order (a million wrong rows would otherwise make a reply of hundreds of megabytes).
    ``repeats=False`` lets a batch of columns through without looking for a repeated (unit,
    key, period): for a caller whose store refuses one by the table's key, and which then
    checks again with ``repeats=True`` to say which rows repeat (services.import_results)."""
    ctx = Context(contest)
    if isinstance(raw_rows, RawColumns) and (checked := _check_columns(ctx, raw_rows, repeats)) is not None:
        return checked
    with paused_gc():
        out, listed, count, bad_rows = _check(ctx, raw_rows, max_details)
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


def _check_columns(ctx: Context, raw: RawColumns, repeats: bool) -> CheckedRows | None:
    """The batch checked a column at a time, or None when any row may be wrong: the row-by-row
    check then finds and explains each problem. Accepts exactly what ``_check`` accepts."""
    units = _codes(ctx, "unit", raw.units, ctx.plain_units)
    keys = _codes(ctx, "key", raw.keys, ctx.plain_keys)
    if units is None or keys is None or not ctx.months.issuperset(raw.periods):
        return None  # weeks, too, take the row-by-row way: a week's rows are a few thousand
    values = _numbers(raw.values)
    if values is None:
        return None
    counts = ctx.counts
    if counts.intersection(keys):  # an adjustment's value is a count c >= 0
        tallies = compress(values, map(counts.__contains__, keys))
        if not all(v >= 0 and v.is_integer() for v in tallies):
            return None
    if repeats and _repeats_a_cell(ctx, units, keys, raw.periods):
        return None
    return CheckedRows(units, keys, raw.periods, values, raw.lines)


def _repeats_a_cell(ctx: Context, units: Sequence[str], keys: Sequence[str], periods: Sequence[str]) -> bool:
    """Whether some (unit, key, period) comes twice: each cell numbered as one integer, the
    numbers sorted by numpy (a set of a million tuples takes twice as long)."""
    cells = None
    for column, codes in ((units, ctx.unit_codes), (keys, ctx.keys), (periods, ctx.months)):
        number = {code: i for i, code in enumerate(codes)}  # every cell is one of them by now
        numbers = np.fromiter(map(number.__getitem__, column), dtype=np.int64, count=len(column))
        cells = numbers if cells is None else cells * len(number) + numbers  # units x keys x months: far below 2**63
    cells.sort()
    return bool((cells[1:] == cells[:-1]).any())


def _codes(ctx: Context, field: str, cells: Sequence[Any], plain: frozenset[str]) -> Sequence[str] | None:
    """The column as codes, each distinct cell resolved once (a unit's name becomes its code)."""
    distinct = set(cells)
    if not all(type(c) is str for c in distinct):
        return None
    if distinct <= plain:
        return cells
    found: list = []
    code = {c: c if c in plain else ctx.code(field, c, found) for c in distinct}
    return None if found else list(map(code.__getitem__, cells))


def _numbers(cells: Sequence[Any]) -> list[float] | None:
    """The column as floats when every cell is a plain decimal in range, else None."""
    try:
        text = "".join(cells)
    except TypeError:  # a cell that is not text
        return None
    if not text.isascii() or "_" in text:  # float() itself takes "1_000" and full-width "１２"
        return None
    try:
        values = list(map(float, cells))
    except ValueError:
        return None
    if not values:
        return None
    sizes = np.abs(np.fromiter(values, dtype=np.float64, count=len(values)))
    if np.isnan(sizes).any() or sizes.max() > MAX_ABS:
        return None
    nonzero = sizes[sizes != 0]
    if nonzero.size and nonzero.min() < MIN_ABS:
        return None
    return values


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
