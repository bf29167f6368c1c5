"""Periods: month ``2026-03``, quarter ``2026-Q1``, half ``2026-H1``, year ``2026``, and the
ISO 8601 week ``2026-W14`` of the weekly dispatch (周调度; 2026-W01 begins on 2025-12-29).

A week's ``months`` is the one month holding its Thursday: the month ISO 8601 counts it in,
and the month whose progress its list target takes (RULES.md, "Weekly dispatch").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# [0-9] and \Z, not \d and $: "２０２６-03" and "2026-03\n" are not periods
_PATTERNS = (
    ("month", re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])\Z")),
    ("quarter", re.compile(r"([0-9]{4})-Q([1-4])\Z")),
    ("half", re.compile(r"([0-9]{4})-H([12])\Z")),
    ("year", re.compile(r"([0-9]{4})\Z")),
    ("week", re.compile(r"([0-9]{4})-W(0[1-9]|[1-4][0-9]|5[0-3])\Z")),
)
KINDS = ("month", "quarter", "half", "year", "week")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # month | quarter | half | year | week
    n: int  # month 1-12, quarter 1-4, half 1-2, year 1, week 1-53 (of the ISO year ``year``)

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.n:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.n}"
        if self.kind == "half":
            return f"{self.year:04d}-H{self.n}"
        if self.kind == "week":
            return f"{self.year:04d}-W{self.n:02d}"
        return f"{self.year:04d}"

    @property
    def months(self) -> tuple[str, ...]:
        """The calendar months this period spans, in order (a week: its Thursday's month)."""
        if self.kind == "week":
            return (week_day(self, 4).strftime("%Y-%m"),)
        span = {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.kind]
        first = (self.n - 1) * span + 1
        return tuple(f"{self.year:04d}-{m:02d}" for m in range(first, first + span))

    def previous(self) -> "Period":
        """The period of the same kind just before this one."""
        if self.kind == "week":
            return week_of(week_day(self, 1) - dt.timedelta(days=7))
        count = {"month": 12, "quarter": 4, "half": 2, "year": 1}[self.kind]
        if self.n > 1:
            return Period(self.year, self.kind, self.n - 1)
        return Period(self.year - 1, self.kind, count)


def parse_period(text: str) -> Period:
    """Parse a period's text; raise PeriodError saying what a period looks like."""
    if isinstance(text, str):
        for kind, pattern in _PATTERNS:
            match = pattern.match(text)
            if match:
                year = int(match.group(1))
                n = int(match.group(2)) if kind != "year" else 1
                if kind == "week" and not 1 <= year <= 9998:
                    raise PeriodError(f"not a week: {text!r} (an ISO week of the years 0001 to 9998)")
                if kind == "week" and n > weeks_in_year(year):
                    raise PeriodError(f"not a week: {text!r} ({year} has {weeks_in_year(year)} ISO weeks, "
                                      f"{year}-W01 to {year}-W{weeks_in_year(year)})")
                return Period(year, kind, n)
    raise PeriodError(
        f"not a period: {text!r} (write a month as 2026-03, a quarter as 2026-Q1, "
        "a half-year as 2026-H1, a year as 2026, an ISO week as 2026-W14)"
    )


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week of 28 December, which always lies in the year's last week."""
    return dt.date(year, 12, 28).isocalendar()[1]


def week_day(week: Period, weekday: int) -> dt.date:
    """The date of ``weekday`` (1 Monday .. 7 Sunday) in an ISO week."""
    return dt.date.fromisocalendar(week.year, week.n, weekday)


def week_of(day: dt.date) -> Period:
    """The ISO week holding ``day``."""
    year, n, _ = day.isocalendar()
    return Period(year, "week", n)


def month_number(month: str) -> int:
    """k(m): the calendar month number, 1 to 12, of ``YYYY-MM``."""
    return int(month[5:7])


def month_range(start: str, end: str) -> tuple[str, ...]:
    """Every month from ``start`` to ``end`` inclusive."""
    y, m = int(start[:4]), int(start[5:7])
    ey, em = int(end[:4]), int(end[5:7])
    out = []
    while (y, m) <= (ey, em):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


def periods_containing(month: str) -> tuple[Period, ...]:
    """The month itself, its quarter, its half and its year (a week: the week alone, which
    stands apart from months)."""
    if "W" in month:
        return (parse_period(month),)
    y, m = int(month[:4]), int(month[5:7])
    return (
        Period(y, "month", m),
        Period(y, "quarter", (m - 1) // 3 + 1),
        Period(y, "half", (m - 1) // 6 + 1),
        Period(y, "year", 1),
    )
