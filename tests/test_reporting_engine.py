"""engine.reporting by hand: the window of a month, lateness at the due day's end in the
contest's zone, the reminder days, and who is expected to report."""

from datetime import date, datetime, timezone

import pytest

from arena.engine import reporting
from arena.engine.rules import load_rules
from reminder_kit import CYCLE_RULES, sh

CONTEST = load_rules(CYCLE_RULES)


def test_march_is_reported_from_april_1_to_april_5():
    assert reporting.window(CONTEST, "2026-03") == (date(2026, 4, 1), date(2026, 4, 5))
    assert reporting.opens_at(CONTEST, "2026-03") == sh("2026-04-01 00:00")


def test_december_is_reported_in_january_of_the_next_year():
    assert reporting.window(CONTEST, "2026-12") == (date(2027, 1, 1), date(2027, 1, 5))


@pytest.mark.parametrize("moment, late", [
    (sh("2026-04-05 23:59:59"), False),  # the last second of the due day
    (sh("2026-04-06 00:00"), True),  # midnight after it
    (datetime(2026, 4, 5, 15, 59, 59, tzinfo=timezone.utc), False),  # 23:59:59 in Shanghai
    (datetime(2026, 4, 5, 16, 0, tzinfo=timezone.utc), True),  # 00:00 on the 6th in Shanghai
])
def test_late_from_the_end_of_the_due_day_in_shanghai(moment, late):
    assert reporting.due_end(CONTEST, "2026-03") == sh("2026-04-06 00:00")
    assert reporting.is_late(CONTEST, "2026-03", moment) is late


def test_reminder_days_earliest_first():
    # remind: [2, 0] with due 5: the 3rd (two days before), then the 5th (the due day)
    assert reporting.reminder_days(CONTEST, "2026-03") == ((2, date(2026, 4, 3)), (0, date(2026, 4, 5)))


def test_expected_reporters_departments_then_units_and_an_exempt_unit_is_none():
    found = reporting.expected_reporters(CONTEST)
    assert [(r.id, r.name, r.keys, r.units) for r in found] == [
        ("dept:tjj", "市统计局", ("gdp",), ("A", "B", "C")),
        ("dept:swj", "市商务局", ("trade",), ("A", "B", "C")),
        ("unit:A", "甲县", ("sat",), ("A",)),
        ("unit:B", "乙县", ("sat",), ("B",)),
        # C is exempt from sat, its only unit-reported indicator: it reports nothing
    ]


def test_a_contest_without_departments_or_unit_indicators_expects_nobody():
    from helpers import SMALL_RULES

    assert reporting.expected_reporters(load_rules(SMALL_RULES)) == ()
