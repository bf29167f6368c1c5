"""When each period falls due for publishing, in the contest's time zone.

Month M is due on ``publish.monthly.day`` of month M+1 at ``publish.monthly.at``; quarter Q on
``publish.quarterly.day`` of the month after it ends. A half-year and the year are due with the
quarter that closes them (Q2, Q4). ISO week W is due on ``weekly.publish.weekday`` of the
week after it at ``weekly.publish.at`` (RULES.md "Weekly dispatch"). Pure: "now" is always passed in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from arena.engine.periods import Period, parse_period, week_day
from arena.engine.rules.model import Contest, Schedule

KIND_ORDER = {"month": 0, "quarter": 1, "half": 2, "year": 3, "week": 4}


def _moment(year: int, month: int, schedule: Schedule, tz: ZoneInfo) -> datetime:
    """``schedule``'s day and time in the month after (year, month)."""
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    hour, minute = (int(part) for part in schedule.at.split(":"))
    return datetime(year, month, schedule.day, hour, minute, tzinfo=tz)


def due_at(contest: Contest, period: Period | str) -> datetime:
    """The moment ``period`` falls due, as an aware datetime in the contest's zone."""
    period = parse_period(period) if isinstance(period, str) else period
    tz = ZoneInfo(contest.timezone)
    if period.kind == "week":
        weekly = contest.weekly
        weekday, at = (weekly.weekday, weekly.at) if weekly else (1, "09:00")
        day = week_day(period, 7) + timedelta(days=weekday)
        hour, minute = (int(part) for part in at.split(":"))
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    last = int(period.months[-1][5:7])
    schedule = contest.publish.monthly if period.kind == "month" else contest.publish.quarterly
    return _moment(period.year, last, schedule, tz)


def season_periods(contest: Contest) -> list[Period]:
    """Every month, quarter, half and year that has at least one month in the season."""
    months = set(contest.months)
    seen: dict[str, Period] = {}
    for month in contest.months:
        y, m = int(month[:4]), int(month[5:7])
        for period in (Period(y, "month", m), Period(y, "quarter", (m - 1) // 3 + 1),
                       Period(y, "half", (m - 1) // 6 + 1), Period(y, "year", 1)):
            if any(x in months for x in period.months):
                seen.setdefault(str(period), period)
    return list(seen.values())


def due_periods(contest: Contest, now: datetime, scored: set[str] | frozenset[str]) -> list[Period]:
    """Periods due at ``now`` with at least one scored month, oldest due first.

    Ties in due time go month, quarter, half, year, week, so a quarter follows its last month.
    ``scored`` may hold weeks too (the periods with rows): a week of the dispatch is due once
    its publish moment has come.
    """
    due = [
        p for p in season_periods(contest)
        if due_at(contest, p) <= now and any(m in scored for m in p.months)
    ] + [w for w in dispatched_weeks(contest, scored) if due_at(contest, w) <= now]
    return sorted(due, key=lambda p: (due_at(contest, p), KIND_ORDER[p.kind], p.months[0]))


def dispatched_weeks(contest: Contest, scored: set[str] | frozenset[str]) -> list[Period]:
    """The weeks of the dispatch among the periods with rows whose Thursday lies in the season
    (none without a ``weekly`` block)."""
    if contest.weekly is None:
        return []
    months = set(contest.months)
    weeks = [parse_period(p) for p in scored if "W" in p]
    return [w for w in weeks if w.months[0] in months]


def local_moment(contest: Contest, moment: datetime) -> datetime:
    """``moment`` (aware) expressed in the contest's zone."""
    return moment.astimezone(ZoneInfo(contest.timezone))
