"""Checking result rows against a contest before anything is stored (RULES.md, "Words").

A row (unit, key, period, value) is accepted when the unit is listed, the key is an indicator
or adjustment id, the period is a month of the season, the value is a finite number with
|value| <= 1e12, an adjustment's value is a count c >= 0, and no earlier row has the same
(unit, key, period). Every problem of every row is reported in one ValidationFailed.

Speed: the happy path is set lookups and float checks (no regex, no exception); the helpers
that explain a refusal run only for rows that fail.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, NamedTuple

from arena.engine.model import Contest
from arena.engine.periods import PeriodError, parse_period
from arena.errors import ValidationFailed

MAX_ABS = 1e12  # larger figures are typing accidents, not statistics
MAX_DETAILS = 1000  # beyond this the answer would be too big to read or send
_LIST_UNITS, _LIST_KEYS = 10, 20  # name the valid codes when there are this few


class ResultRow(NamedTuple):
    """One checked row; the first four fields are what the store saves."""

    unit: str
    key: str
    period: str
    value: float
    row: int


def show_text(text: str, limit: int = 40) -> str:
    """Quote text for a message: escape control characters and lone surrogates, cut long text."""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return "'" + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in cut) + "'"


def show_number(x: float) -> str:
    return format(x, ".15g")  # 1e13 -> 10000000000000, 12.5 -> 12.5, nan -> nan


def check_rows(contest: Contest, raw_rows: Iterable[Any], *, max_details: int = MAX_DETAILS) -> list[ResultRow]:
    """Check every raw row (attributes row, unit, key, period, value); raise on any problem.

    The error counts every bad row and problem and lists the first ``max_details`` in row
    order (a million wrong rows would otherwise make a reply of hundreds of megabytes)."""
    with paused_gc():
        out, listed, count, bad_rows = _check(_Context(contest), raw_rows, max_details)
    if bad_rows:
        if count > len(listed):
            more = f"and {count - len(listed)} more problems not listed"
            listed.append({"row": None, "field": None, "message": more})
        noun = "result row is" if bad_rows == 1 else "result rows are"
        raise ValidationFailed(f"{bad_rows} {noun} invalid", listed)
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


Cell = tuple[int, str, str, str, bool]  # row, unit, key, period, and whether the row was clean


def _check(ctx: "_Context", raw_rows: Iterable[Any], limit: int) -> tuple[list[ResultRow], list[dict], int, int]:
    """(good rows, the first ``limit`` problems, how many problems, how many bad rows)."""
    units, keys, months, counts = ctx.unit_codes, ctx.keys, ctx.months, ctx.counts
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
            unit = ctx.code("unit", unit, found)
        if type(key) is not str or key not in keys:
            key = ctx.code("key", key, found)
        if type(period) is not str or period not in months:
            period = ctx.period(period, found)
        if type(value) is float and -MAX_ABS <= value <= MAX_ABS:
            pass
        elif type(value) is str and value.isascii() and "_" not in value:
            try:
                value = float(value)
            except ValueError:
                value = _number(raw.value, found)
            else:
                if not -MAX_ABS <= value <= MAX_ABS:  # also false for nan
                    value = _number(value, found)
        else:
            value = _number(value, found)
        if key in counts and value is not None and (value < 0 or not value.is_integer()):
            found.append(("value", f"{key} is a count: write a whole number 0 or more, not {show_number(value)}"))
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
            message = f"repeats row {cells[earlier][0]}: the same unit {unit}, key {key} and period {period}"
            repeats.append((row, message, clean))
    return repeats


class _Context:
    """What a contest allows, prepared once, and the helpers that explain a refusal."""

    def __init__(self, contest: Contest):
        self.contest = contest
        self.unit_codes = frozenset(u.code for u in contest.units)
        self.keys = contest.keys
        self.counts = frozenset(a.id for a in contest.adjustments)
        self.months = frozenset(contest.months)
        codes = [u.code for u in contest.units]
        # field -> (valid codes, {name: code}, the codes listed in a message when few, what a code is)
        self.known = {
            "unit": (self.unit_codes, {u.name: u.code for u in contest.units},
                     ", ".join(codes) if len(codes) <= _LIST_UNITS else None, "code"),
            "key": (self.keys, {i.name: i.id for i in (*contest.indicators, *contest.adjustments)},
                    ", ".join(sorted(self.keys)) if len(self.keys) <= _LIST_KEYS else None, "id"),
        }

    def code(self, field: str, raw: Any, found: list) -> str | None:
        """A unit or key as its code, or None with the reason: a name written for a code, a typo."""
        valid, names, listing, word = self.known[field]
        text = _code_text(field, raw, found)
        if text is None or text in valid:
            return text
        hint = ""
        if text in names:
            hint = f"; that is the name of {field} {names[text]}, write its {word}"
        elif listing:
            hint = f"; the {field}s are {listing}"
        found.append((field, f"unknown {field} {show_text(text)}{hint}"))
        return None

    def period(self, period: Any, found: list) -> str | None:
        if isinstance(period, dt.date):  # an Excel cell that turned 2026-03 into a date
            at_midnight = not isinstance(period, dt.datetime) or period.time() == dt.time()
            if period.day == 1 and at_midnight:
                period = f"{period.year:04d}-{period.month:02d}"
            else:
                found.append(("period", f"period {period.isoformat()} is a date; write the month as YYYY-MM"))
                return None
        text = _code_text("period", period, found)
        if text is None or text in self.months:
            return text
        try:
            parsed = parse_period(text)
        except PeriodError:
            found.append(("period", f"period {show_text(text)} is not a month: write it as YYYY-MM, e.g. 2026-03"))
            return None
        c = self.contest
        if parsed.kind != "month":
            found.append(("period", f"period {text} is a {parsed.kind}; results are reported per month (YYYY-MM)"))
        else:
            found.append(("period", f"period {text} is outside the season {c.season_start} to {c.season_end}"))
        return None


def _code_text(field: str, value: Any, found: list) -> str | None:
    """A unit, key or period cell as text: Excel and JSON numbers become their decimal string."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        kind = "true/false" if isinstance(value, bool) else "empty" if value is None else type(value).__name__
        found.append((field, f"{field} is empty" if value is None else f"{field} must be text, not {kind}"))
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return show_number(value)
        value = int(value)
    text = str(value).strip()
    if not text:
        found.append((field, f"{field} is empty"))
        return None
    bad = next((c for c in text if not c.isprintable()), None)
    if bad is not None:
        what = "a lone surrogate" if "\ud800" <= bad <= "\udfff" else "a control character"
        found.append((field, f"{field} {show_text(text)} contains {what} (\\u{ord(bad):04x})"))
        return None
    return text


def _number(value: Any, found: list) -> float | None:
    """Explain why a value is refused, or return it as a float when it is fine after all."""
    if value is None or (isinstance(value, str) and not value.strip()):
        found.append(("value", "value is empty"))
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        kind = "true/false" if isinstance(value, bool) else type(value).__name__
        found.append(("value", f"value must be a number, not {kind}"))
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if not text.isascii() or "_" in text:  # float() itself takes "1_000" and full-width "１２"
                raise ValueError(text)
            number = float(text)
        except ValueError:
            found.append(("value", f"value {show_text(text)} is not a decimal number (write e.g. 12.5)"))
            return None
    elif isinstance(value, int):
        if abs(value) > MAX_ABS:  # before float(), which overflows on huge ints
            shown = f"{value:.6g}" if abs(value) < 10**300 else "of over 300 digits"
            found.append(("value", f"value {shown} is absurd: its size is over {MAX_ABS:g}"))
            return None
        number = float(value)
    else:
        number = value
    if math.isfinite(number) and abs(number) <= MAX_ABS:
        return number
    why = "is not a finite number" if not math.isfinite(number) else f"is absurd: its size is over {MAX_ABS:g}"
    found.append(("value", f"value {show_number(number)} {why}"))
    return None
