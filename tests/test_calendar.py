"""When periods fall due, in the contest's time zone (issue: publishing on a schedule)."""

from datetime import datetime, timezone

import pytest

from arena.engine.calendar import due_at, due_periods
from arena.engine.rules.model import Contest, Publish, Schedule, Unit

CONTEST = Contest(
    id="c", name="c", season_start="2026-01", season_end="2026-12", groups={"g": "G"},
    units=(Unit("1", "甲", "g"),), indicators=(), timezone="Asia/Shanghai",
    publish=Publish(monthly=Schedule(1, "00:00"), quarterly=Schedule(15, "09:00")),
)
ALL = frozenset(CONTEST.months)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


@pytest.mark.parametrize("period, expected", [
    ("2026-01", "2026-02-01T00:00:00+08:00"),   # monthly day 1 at 00:00 of the next month
    ("2026-12", "2027-01-01T00:00:00+08:00"),   # December rolls into the next year
    ("2026-Q1", "2026-04-15T09:00:00+08:00"),   # quarterly day 15 after the quarter ends
    ("2026-Q4", "2027-01-15T09:00:00+08:00"),
    ("2026-H1", "2026-07-15T09:00:00+08:00"),   # a half is due with the quarter closing it
    ("2026", "2027-01-15T09:00:00+08:00"),
])
def test_due_moments(period, expected):
    assert due_at(CONTEST, period).isoformat() == expected


@pytest.mark.parametrize("now, newest_due", [
    # 16:30 UTC on Jan 31 is 00:30 on Feb 1 in Shanghai: January is due
    ("2026-01-31T16:30:00Z", "2026-01"),
    # 15:59 UTC on Jan 31 is 23:59 on Jan 31 in Shanghai: nothing yet
    ("2026-01-31T15:59:00Z", None),
    # exactly on the minute counts as due
    ("2026-01-31T16:00:00Z", "2026-01"),
    # 01:00 UTC on Apr 15 is 09:00 in Shanghai: Q1's flags are due
    ("2026-04-15T01:00:00Z", "2026-Q1"),
    ("2026-04-15T00:59:59Z", "2026-03"),
    # New Year in Shanghai while it is still Dec 31 in UTC: December is due
    ("2026-12-31T16:00:00Z", "2026-12"),
    ("2027-01-15T01:00:00Z", "2026"),
])
def test_boundaries_in_the_contests_zone(now, newest_due):
    due = due_periods(CONTEST, utc(now), ALL)
    assert (str(due[-1]) if due else None) == newest_due


def test_order_is_oldest_first_and_a_quarter_follows_its_months():
    due = [str(p) for p in due_periods(CONTEST, utc("2026-07-20T00:00:00Z"), ALL)]
    # months on the 1st of the next month; Q1 on Apr 15, so before April (due May 1)
    assert due == ["2026-01", "2026-02", "2026-03", "2026-Q1", "2026-04", "2026-05",
                   "2026-06", "2026-Q2", "2026-H1"]


def test_a_month_without_results_is_not_due():
    scored = frozenset({"2026-01", "2026-03"})
    due = [str(p) for p in due_periods(CONTEST, utc("2026-05-01T00:00:00Z"), scored)]
    assert due == ["2026-01", "2026-03", "2026-Q1"]
