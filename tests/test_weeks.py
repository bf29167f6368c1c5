"""The weekly dispatch (周调度, RULES.md "Weekly dispatch"): ISO weeks as periods, the week's
target t = T * p(w), ratio, lag and light, each computed by hand beside it; rows for weeks
checked on the way in; when a week falls due.

p(w) linear = (days of the year up to the week's Sunday) / (days of the year); 2026 has 365
days and 53 ISO weeks (1 January 2026 is a Thursday): 2026-W01 runs 2025-12-29 to 2026-01-04,
2026-W14 2026-03-30 to 2026-04-05 (day 31 + 28 + 31 + 5 = 95), 2026-W53 2026-12-28 to
2027-01-03 (past the year's end: the whole year, p = 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest

from arena.engine.calendar import due_at, due_periods
from arena.engine.dispatch import week_progress
from arena.engine.periods import PeriodError, parse_period, periods_containing
from arena.engine.results import check_rows
from arena.engine.rules.model import Lights, Weekly
from arena.engine.sheet import score, sheet_months
from arena.errors import BadRequest, NotFound, ValidationFailed
from builders import adjustment, contest, indicator, unit_row

LIST = (0.05, 0.12, 0.2, 0.28, 0.36, 0.5, 0.58, 0.66, 0.75, 0.83, 0.91, 1.0)
LINEAR_A = indicator("a", "completion", target=365, progress="linear")
LIST_B = indicator("b", "completion", target=120, progress=LIST)
RANKED = indicator("c", "rank")  # no target: never on the dispatch
WEEKLY = Weekly(indicators=("a", "b"))


def dispatch(**fields: Any):
    fields.setdefault("weekly", WEEKLY)
    return contest([LINEAR_A, LIST_B, RANKED], **fields)


def cell(sheet: dict, unit: str, ind: str) -> dict | None:
    return unit_row(sheet, unit)["indicators"][ind]


# ---- periods ----

@pytest.mark.parametrize("text, monday, sunday, month, previous", [
    ("2026-W01", "2025-12-29", "2026-01-04", "2026-01", "2025-W52"),
    ("2026-W14", "2026-03-30", "2026-04-05", "2026-04", "2026-W13"),
    ("2026-W53", "2026-12-28", "2027-01-03", "2026-12", "2026-W52"),
    ("2021-W01", "2021-01-04", "2021-01-10", "2021-01", "2020-W53"),
])
def test_iso_weeks(text, monday, sunday, month, previous):
    from arena.engine.periods import week_day
    p = parse_period(text)
    assert (p.kind, str(p)) == ("week", text)
    assert (week_day(p, 1).isoformat(), week_day(p, 7).isoformat()) == (monday, sunday)
    assert p.months == (month,)  # the month holding the week's Thursday
    assert str(p.previous()) == previous
    assert periods_containing(text) == (p,)  # a week stands apart from months


@pytest.mark.parametrize("text, says", [
    ("2025-W53", "2025 has 52 ISO weeks"),
    ("2026-W54", "not a period"),
    ("2026-W00", "not a period"),
    ("2026-W1", "not a period"),
    ("2026-w14", "not a period"),
    ("0000-W01", "0001 to 9998"),
])
def test_bad_weeks_say_why(text, says):
    with pytest.raises(PeriodError, match=says):
        parse_period(text)


# ---- targets, ratio, lag, light ----

def test_linear_progress_counts_days_to_sunday_across_the_years_ends():
    assert week_progress(LINEAR_A, parse_period("2026-W01")) == 4 / 365
    assert week_progress(LINEAR_A, parse_period("2026-W14")) == 95 / 365
    assert week_progress(LINEAR_A, parse_period("2026-W53")) == 1.0
    assert week_progress(LINEAR_A, parse_period("2024-W52")) == 364 / 366  # leap year, Sunday 29 December


def test_list_progress_takes_the_month_of_the_thursday():
    assert week_progress(LIST_B, parse_period("2026-W01")) == 0.05  # Monday in 2025, Thursday 1 January
    assert week_progress(LIST_B, parse_period("2026-W05")) == 0.05  # Thursday 29 January
    assert week_progress(LIST_B, parse_period("2026-W14")) == 0.28  # Monday in March, Thursday 2 April
    assert week_progress(LIST_B, parse_period("2026-W53")) == 1.0  # Sunday in 2027, Thursday 31 December
    assert week_progress(indicator("n", "completion", target=5), parse_period("2026-W14")) == 1.0  # none


def test_first_week_of_2026():
    # a: t = 365 * 4/365 = 4; u1 4 -> r 1, lag 0, green; u2 3 -> r 0.75, lag 100 * (4 - 3)/365 = 0.27, red
    # b: t = 120 * 0.05 = 6; u1 6.6 -> r 1.1, lag 100 * (0.05 - 6.6/120) = -0.5, green
    sheet = score(dispatch(), "2026-W01", {"2026-W01": {"u1": {"a": 4, "b": 6.6}, "u2": {"a": 3}}})
    assert cell(sheet, "u1", "a") == {"value": 4, "target": 4.0, "ratio": 1.0, "lag": 0.0, "light": "green",
                                      "missing": False}
    assert cell(sheet, "u2", "a") == {"value": 3, "target": 4.0, "ratio": 0.75, "lag": 0.27, "light": "red",
                                      "missing": False}
    assert cell(sheet, "u1", "b") == {"value": 6.6, "target": 6.0, "ratio": 1.1, "lag": -0.5, "light": "green",
                                      "missing": False}
    assert cell(sheet, "u3", "a") == {"value": None, "target": 4.0, "ratio": None, "lag": None, "light": "red",
                                      "missing": True}
    assert sheet["week"] == {"from": "2025-12-29", "to": "2026-01-04", "month": "2026-01"}
    assert [(i["id"], i["progress"]) for i in sheet["indicators"]] == [("a", 0.011), ("b", 0.05)]  # 4/365


def test_last_week_of_2026_runs_into_2027():
    # a: p = 1, t = 365; u1 370 -> r 370/365 = 1.013698.. -> 1.0137, lag 100 * (1 - 370/365) = -1.37
    # b: p = 1.0 (December), t = 120; u2 108 -> r 0.9, yellow; lag 100 * (1 - 0.9) = 10
    sheet = score(dispatch(), "2026-W53", {"2026-W53": {"u1": {"a": 370}, "u2": {"b": 108}}})
    assert cell(sheet, "u1", "a") == {"value": 370, "target": 365.0, "ratio": 1.0137, "lag": -1.37,
                                      "light": "green", "missing": False}
    assert cell(sheet, "u2", "b") == {"value": 108, "target": 120.0, "ratio": 0.9, "lag": 10.0,
                                      "light": "yellow", "missing": False}
    assert sheet["week"] == {"from": "2026-12-28", "to": "2027-01-03", "month": "2026-12"}


def test_lights_by_lag_and_a_lower_indicator():
    # a by lag: W14 p = 95/365; u1 80 -> lag 100 * (95 - 80)/365 = 4.1096 -> 4.11, yellow (green 0, yellow 10)
    # c lower, T 0.5, none: t 0.5; u1 0.4 -> r 0.5/0.4 = 1.25, lag 100 * (0.4/0.5 - 1) = -20
    lag_a = indicator("a", "completion", target=365, progress="linear", lights=Lights("lag", 0.0, 10.0))
    low = indicator("c", "completion", target=0.5, better="lower")
    c = contest([lag_a, low], weekly=Weekly(indicators=("a", "c")))
    sheet = score(c, "2026-W14", {"2026-W14": {"u1": {"a": 80, "c": 0.4}, "u2": {"a": 100}}})
    assert cell(sheet, "u1", "a") == {"value": 80, "target": 95.0, "ratio": 0.8421, "lag": 4.11, "light": "yellow",
                                      "missing": False}
    assert cell(sheet, "u2", "a")["lag"] == -1.37 and cell(sheet, "u2", "a")["light"] == "green"  # 100 * -5/365
    assert cell(sheet, "u1", "c") == {"value": 0.4, "target": 0.5, "ratio": 1.25, "lag": -20.0, "light": "green",
                                      "missing": False}


def test_a_table_not_a_contest():
    c = dispatch(units={"g": ["u1", "u2"], "h": ["v1"]}, exempt={"u2": ["b"]})
    sheet = score(c, "2026-W14", {"2026-W14": {"u2": {"a": 1}, "u1": {"a": 2}}})
    assert sheet["kind"] == "week"
    assert [(g["id"], [u["unit"] for u in g["units"]]) for g in sheet["groups"]] == [("g", ["u1", "u2"]),
                                                                                      ("h", ["v1"])]
    row = unit_row(sheet, "u2")
    assert list(row) == ["unit", "name", "indicators"]  # no points, total, rank, flags or board
    assert list(row["indicators"]) == ["a", "b"]  # the dispatch's indicators only (c has no target)
    assert row["indicators"]["b"] is None  # exempt
    assert "points" not in row["indicators"]["a"]


def test_a_week_without_rows_outside_the_season_or_without_weekly():
    with pytest.raises(NotFound):
        score(dispatch(), "2026-W14", {"2026-W13": {"u1": {"a": 1}}})
    with pytest.raises(BadRequest, match="outside the season"):
        score(dispatch(), "2027-W01", {"2027-W01": {"u1": {"a": 1}}})
    with pytest.raises(BadRequest, match="no weekly dispatch"):
        score(dispatch(weekly=None), "2026-W14", {"2026-W14": {"u1": {"a": 1}}})


def test_a_week_reads_its_own_rows_alone():
    assert sheet_months(dispatch(), "2026-W14", {"2026-03", "2026-04", "2026-W14"}) == ("2026-W14",)
    assert sheet_months(dispatch(), "2026-W14", {"2026-04"}) == ()
    assert "2026-W14" not in sheet_months(dispatch(), "2026-04", {"2026-03", "2026-04", "2026-W14"})


# ---- rows for weeks ----

@dataclass
class Raw:
    row: int
    unit: Any
    key: Any
    period: Any
    value: Any


def problems(c, *rows) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        check_rows(c, [Raw(i + 2, *r) for i, r in enumerate(rows)])
    return [d["message"] for d in caught.value.details]


def test_week_rows_are_accepted_for_the_dispatch_indicators():
    got = check_rows(dispatch(), [Raw(2, "u1", "a", "2026-W14", 12.5), Raw(3, "u1", "a", "2026-04", 30.0),
                                  Raw(4, "u2", "b", "2026-W01", 1.0)])
    assert [(r.unit, r.key, r.period, r.value) for r in got] == [
        ("u1", "a", "2026-W14", 12.5), ("u1", "a", "2026-04", 30.0), ("u2", "b", "2026-W01", 1.0)]


def test_bad_week_rows_say_why():
    c = dispatch(adjustments=[adjustment("award", 1)])
    said = problems(c, ("u1", "a", "2025-W53", 1), ("u1", "c", "2026-W14", 1), ("u1", "award", "2026-W14", 1),
                    ("u1", "a", "2027-W01", 1), ("u1", "a", "2026-W1", 1))
    assert "不是存在的 ISO 周" in said[0] and "2025 has 52 ISO weeks" in said[0]
    assert said[1] == "指标 c 不在周调度中：按周只报送周调度的指标（a、b）"
    assert said[2] == "指标 award 不在周调度中：按周只报送周调度的指标（a、b）"
    assert said[3] == "期间 2027-W01（2027-01-04 至 2027-01-10）不在本赛季（2026-01 至 2026-12）内"
    assert "如 2026-W14" in said[4]
    assert problems(dispatch(weekly=None), ("u1", "a", "2026-W14", 1)) == [
        "期间 2026-W14 是周：本擂台赛未设周调度（规则中没有 weekly），成绩按月报送（YYYY-MM）"]


# ---- when a week falls due ----

def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_a_week_is_due_on_its_next_monday_in_the_contests_zone():
    c = dispatch()
    assert due_at(c, "2026-W14").isoformat() == "2026-04-06T09:00:00+08:00"
    assert due_at(c, "2026-W53").isoformat() == "2027-01-04T09:00:00+08:00"
    later = dispatch(weekly=Weekly(indicators=("a",), weekday=3, at="17:30"))
    assert due_at(later, "2026-W01").isoformat() == "2026-01-07T17:30:00+08:00"


def test_due_weeks_with_rows_only_oldest_first():
    c = dispatch()
    scored = {"2026-03", "2026-W13", "2026-W14", "2026-W15"}
    due = [str(p) for p in due_periods(c, utc("2026-04-13T01:00:00"), scored)]  # Monday 13 April 09:00 in Shanghai
    assert due == ["2026-W13", "2026-W14", "2026-03", "2026-W15"]
    assert [str(p) for p in due_periods(c, utc("2026-04-13T00:59:00"), scored)] == ["2026-W13", "2026-W14", "2026-03"]
    assert [str(p) for p in due_periods(dispatch(weekly=None), utc("2026-04-13T01:00:00"), scored)] == ["2026-03"]


# ---- the weekly block of a rule file ----

def rules_with(weekly: str) -> str:
    from helpers import SMALL_RULES

    return SMALL_RULES + weekly


def test_the_weekly_block_defaults_to_every_indicator_with_a_target():
    from arena.engine.rules import load_rules

    c = load_rules(rules_with("weekly: {}\n"))
    assert c.weekly == Weekly(indicators=("inv",), weekday=1, at="09:00")
    c = load_rules(rules_with('weekly: {publish: {weekday: 3, at: "17:30"}, indicators: [inv]}\n'))
    assert (c.weekly.weekday, c.weekly.at, [i.id for i in c.weekly_indicators]) == (3, "17:30", ["inv"])
    assert load_rules(rules_with("")).weekly is None


@pytest.mark.parametrize("weekly, path, says", [
    ("weekly: {publish: {weekday: 8}}\n", "weekly.publish.weekday", "from 1 (Monday) to 7 (Sunday)"),
    ('weekly: {publish: {at: "25:00"}}\n', "weekly.publish.at", ""),
    ("weekly: {indicators: [gdp]}\n", "weekly.indicators[0]", "gdp has no target"),
    ("weekly: {indicators: [nope]}\n", "weekly.indicators[0]", "nope is not an indicator id"),
    ("weekly: {indicators: []}\n", "weekly.indicators", "at least one"),
    ("weekly: {when: monday}\n", "weekly.when", "unknown key"),
])
def test_a_bad_weekly_block_names_its_path(weekly, path, says):
    from arena.engine.rules import RulesError, load_rules

    with pytest.raises(RulesError) as caught:
        load_rules(rules_with(weekly))
    found = {d["path"]: d["message"] for d in caught.value.details}
    assert path in found and says in found[path], found


def test_weekly_without_any_target_is_refused():
    from arena.engine.rules import RulesError, load_rules

    text = rules_with("weekly: {}\n").replace("method: completion, target: 120, progress: linear", "method: rank")
    with pytest.raises(RulesError) as caught:
        load_rules(text)
    assert [d["path"] for d in caught.value.details] == ["weekly"]
