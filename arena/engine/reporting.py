"""Who reports what, and when (RULES.md "Who reports what, and when"): pure, no clock.

A reporter is named by one string, the same in the store, the outbox and the API:
``organizer``, ``dept:<department id>`` or ``unit:<unit code>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from arena.engine.calendar import due_at
from arena.engine.rules.model import Contest

ORGANIZER = "organizer"


@dataclass(frozen=True)
class Reporter:
    id: str  # organizer | dept:<id> | unit:<code>
    name: str
    keys: tuple[str, ...]  # the indicator ids it reports (the organizer: adjustments too)
    units: tuple[str, ...]  # the unit codes it reports them for


def department_reporter(department: str) -> str:
    return f"dept:{department}"


def unit_reporter(code: str) -> str:
    return f"unit:{code}"


def scorers(contest: Contest, key: str) -> tuple[str, ...]:
    """Codes of the units that score indicator ``key``: in a group with a weight, not exempt."""
    indicator = next(i for i in contest.indicators if i.id == key)
    return tuple(u.code for u in contest.units
                 if u.group in indicator.weight and key not in contest.exempt.get(u.code, ()))


def expected_reporters(contest: Contest) -> tuple[Reporter, ...]:
    """Everyone who must report a month, besides the organizer: each department with an
    indicator, then each unit that scores an indicator ``reported_by: unit``, in the file's order."""
    found = []
    for dept, name in contest.departments.items():
        keys = contest.keys_reported_by(dept)
        if keys:
            units = tuple(dict.fromkeys(c for k in keys for c in scorers(contest, k)))
            found.append(Reporter(department_reporter(dept), name, keys, units))
    unit_keys = contest.keys_reported_by("unit")
    for unit in contest.units:
        keys = tuple(k for k in unit_keys if unit.code in scorers(contest, k))
        if keys:
            found.append(Reporter(unit_reporter(unit.code), unit.name, keys, (unit.code,)))
    return tuple(found)


def reporter_of_template(contest: Contest, who: str) -> Reporter | None:
    """What ``who`` (organizer, dept:<id> or unit:<code>) fills in on the fill-in workbook: the
    organizer every indicator and adjustment for every unit; a department or a unit what it
    reports (as expected_reporters). None when it reports nothing here."""
    if who == ORGANIZER:
        keys = tuple(i.id for i in contest.indicators) + tuple(a.id for a in contest.adjustments)
        return Reporter(ORGANIZER, "组织方", keys, tuple(u.code for u in contest.units))
    return next((r for r in expected_reporters(contest) if r.id == who), None)


def fills(contest: Contest, unit: str, key: str) -> bool:
    """Whether ``unit`` has a value for ``key``: every unit for an adjustment, a scorer for an indicator."""
    if any(a.id == key for a in contest.adjustments):
        return True
    return unit in scorers(contest, key)


def _next_month(month: str) -> tuple[int, int]:
    year, number = map(int, month.split("-"))
    return (year + 1, 1) if number == 12 else (year, number + 1)


def window(contest: Contest, month: str) -> tuple[date, date]:
    """(first day, last day on time) of reporting ``month``: days of month M+1."""
    year, number = _next_month(month)
    return date(year, number, contest.reporting.opens), date(year, number, contest.reporting.due)


def opens_at(contest: Contest, month: str) -> datetime:
    """The moment reporting ``month`` opens, in the contest's time zone."""
    return datetime.combine(window(contest, month)[0], time(0, 0), ZoneInfo(contest.timezone))


def due_end(contest: Contest, month: str) -> datetime:
    """The end of the due day (midnight after it): a submission at or after it is late."""
    due = window(contest, month)[1]
    return datetime.combine(due + timedelta(days=1), time(0, 0), ZoneInfo(contest.timezone))


def is_late(contest: Contest, month: str, moment: datetime) -> bool:
    """Late after the due day; a week of the dispatch (周调度) once it is due for publishing."""
    if month[5:6] == "W":
        return moment >= due_at(contest, month)
    return moment >= due_end(contest, month)


def reminder_days(contest: Contest, month: str) -> tuple[tuple[int, date], ...]:
    """(days before due, the day) of each reminder of ``month``, earliest first."""
    due = window(contest, month)[1]
    return tuple(sorted(((d, due - timedelta(days=d)) for d in contest.reporting.remind), key=lambda x: x[1]))
