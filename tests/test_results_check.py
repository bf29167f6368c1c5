"""check_rows: result rows checked against a contest (RULES.md "Words": unknown id, unit,
month outside the season, non-finite value; "Adjustments": a count c >= 0)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from arena.engine.model import Adjustment, Contest, Indicator, Unit
from arena.engine.results import ResultRow, check_rows
from arena.errors import ValidationFailed

CONTEST = Contest(
    id="linyi-2026",
    name="2026年度全市综合擂台赛",
    season_start="2026-01",
    season_end="2026-06",
    groups={"county": "区县组", "zone": "功能区组"},
    units=(
        Unit("371302", "兰山区", "county"),
        Unit("371311", "罗庄区", "county"),
        Unit("371371", "临沂高新区", "zone"),
    ),
    indicators=(
        Indicator("gdzctz", "固定资产投资", {"county": 25.0, "zone": 25.0}, "completion", target=120.0),
        Indicator("gyzjz", "规上工业增加值增速", {"county": 20.0, "zone": 20.0}, "rank"),
    ),
    adjustments=(
        Adjustment("award", "获省级以上表彰", points=1.0, max=3.0),
        Adjustment("accident", "较大安全生产事故", points=-5.0, min=-10.0),
    ),
)

MANY_UNITS = Contest(
    id="big", name="big", season_start="2026-01", season_end="2026-12", groups={"g": "g"},
    units=tuple(Unit(f"{370000 + i}", f"单位{i}", "g") for i in range(11)),
    indicators=(Indicator("gyzjz", "增速", {"g": 10.0}, "rank"),),
)


@dataclass
class Raw:
    row: int
    unit: Any
    key: Any
    period: Any
    value: Any


GOOD = ("371302", "gdzctz", "2026-03", "41")


@pytest.mark.parametrize(
    "unit, key, period, value, expected",
    [
        # CSV text as read: "41" parses as the decimal 41.0
        ("371302", "gdzctz", "2026-03", "41", ("371302", "gdzctz", "2026-03", 41.0)),
        # an Excel/JSON integer unit code becomes its decimal string
        (371302, "gdzctz", "2026-03", 41, ("371302", "gdzctz", "2026-03", 41.0)),
        # Excel stores numbers as floats: 371302.0 -> "371302"
        (371302.0, "gyzjz", "2026-01", 7.2, ("371302", "gyzjz", "2026-01", 7.2)),
        # spaces around every cell are trimmed, " 12.5 " -> 12.5
        (" 371311 ", " gdzctz ", " 2026-06 ", " 12.5 ", ("371311", "gdzctz", "2026-06", 12.5)),
        # Excel turned "2026-03" into the date 2026-03-01 00:00 -> month 2026-03
        ("371302", "gdzctz", dt.datetime(2026, 3, 1), "1", ("371302", "gdzctz", "2026-03", 1.0)),
        ("371302", "gdzctz", dt.date(2026, 2, 1), "1", ("371302", "gdzctz", "2026-02", 1.0)),
        # growth rates may be negative; exponent notation is a decimal number: 1e3 = 1000
        ("371371", "gyzjz", "2026-04", "-3.5", ("371371", "gyzjz", "2026-04", -3.5)),
        ("371371", "gyzjz", "2026-04", "1e3", ("371371", "gyzjz", "2026-04", 1000.0)),
        # the absurdity bound is inclusive: |1e12| <= 1e12
        ("371371", "gyzjz", "2026-04", -1e12, ("371371", "gyzjz", "2026-04", -1e12)),
        # a reported zero is a value, not missing
        ("371371", "gyzjz", "2026-05", "0", ("371371", "gyzjz", "2026-05", 0.0)),
        # adjustment counts: whole numbers >= 0, "2" -> 2.0, 3.0 -> 3.0, 0 -> 0.0
        ("371302", "award", "2026-01", "2", ("371302", "award", "2026-01", 2.0)),
        ("371302", "award", "2026-01", 3.0, ("371302", "award", "2026-01", 3.0)),
        ("371302", "accident", "2026-01", 0, ("371302", "accident", "2026-01", 0.0)),
    ],
    ids=["csv_text", "int_unit", "float_unit", "trimmed", "excel_datetime", "date", "negative",
         "exponent", "bound_inclusive", "zero", "count_text", "count_float", "count_zero"],
)
def test_good_rows_are_normalized(unit, key, period, value, expected):
    (checked,) = check_rows(CONTEST, [Raw(7, unit, key, period, value)])
    assert tuple(checked) == (*expected, 7)
    assert type(checked.value) is float and isinstance(checked, ResultRow)


@pytest.mark.parametrize(
    "unit, key, period, value, field, fragment",
    [
        # units: 3 listed, so the message names them all
        ("999999", *GOOD[1:], "unit", "unknown unit '999999'; the units are 371302, 371311, 371371"),
        ("兰山区", *GOOD[1:], "unit", "that is the name of unit 371302, write its code"),
        (None, *GOOD[1:], "unit", "unit is empty"),
        ("  ", *GOOD[1:], "unit", "unit is empty"),
        (True, *GOOD[1:], "unit", "unit must be text, not true/false"),
        (["371302"], *GOOD[1:], "unit", "unit must be text, not list"),
        ("3713\x0702", *GOOD[1:], "unit", "contains a control character (\\u0007)"),
        ("37\ud80013", *GOOD[1:], "unit", "contains a lone surrogate (\\ud800)"),
        (371302.5, *GOOD[1:], "unit", "unknown unit '371302.5'"),
        # keys: 4 known ids, listed sorted
        ("371302", "foo", "2026-03", "1", "key", "unknown key 'foo'; the keys are accident, award, gdzctz, gyzjz"),
        ("371302", "固定资产投资", "2026-03", "1", "key", "that is the name of key gdzctz, write its id"),
        ("371302", "gd\x00zctz", "2026-03", "1", "key", "contains a control character (\\u0000)"),
        ("371302", None, "2026-03", "1", "key", "key is empty"),
        # periods: malformed, not a month, outside the season 2026-01..2026-06
        ("371302", "gdzctz", "2026-13", "1", "period", "period '2026-13' is not a month: write it as YYYY-MM"),
        ("371302", "gdzctz", "2026/01", "1", "period", "period '2026/01' is not a month"),
        ("371302", "gdzctz", "2026-1", "1", "period", "period '2026-1' is not a month"),
        ("371302", "gdzctz", "2026-Q1", "1", "period", "period 2026-Q1 is a quarter; results are reported per month"),
        ("371302", "gdzctz", "2026-H1", "1", "period", "is a half"),
        ("371302", "gdzctz", 2026, "1", "period", "period 2026 is a year"),
        ("371302", "gdzctz", "2026-07", "1", "period", "period 2026-07 is outside the season 2026-01 to 2026-06"),
        ("371302", "gdzctz", "2025-12", "1", "period", "outside the season 2026-01 to 2026-06"),
        ("371302", "gdzctz", dt.datetime(2026, 3, 15), "1", "period", "period 2026-03-15T00:00:00 is a date"),
        ("371302", "gdzctz", dt.datetime(2026, 3, 1, 8, 30), "1", "period", "is a date; write the month as YYYY-MM"),
        ("371302", "gdzctz", None, "1", "period", "period is empty"),
        # values
        (*GOOD[:3], "", "value", "value is empty"),
        (*GOOD[:3], None, "value", "value is empty"),
        (*GOOD[:3], "abc", "value", "value 'abc' is not a decimal number"),
        (*GOOD[:3], "12,5", "value", "value '12,5' is not a decimal number"),
        (*GOOD[:3], "1_000", "value", "value '1_000' is not a decimal number"),
        (*GOOD[:3], "１２", "value", "value '１２' is not a decimal number"),
        (*GOOD[:3], "12.5%", "value", "is not a decimal number"),
        (*GOOD[:3], True, "value", "value must be a number, not true/false"),
        (*GOOD[:3], [1], "value", "value must be a number, not list"),
        (*GOOD[:3], float("nan"), "value", "value nan is not a finite number"),
        (*GOOD[:3], float("-inf"), "value", "value -inf is not a finite number"),
        (*GOOD[:3], "NaN", "value", "is not a finite number"),
        (*GOOD[:3], "Infinity", "value", "is not a finite number"),
        (*GOOD[:3], "1e999", "value", "value inf is not a finite number"),
        # |1e13| > 1e12, |-2e12| > 1e12, 10**20 > 1e12, and a 401-digit int never reaches float()
        (*GOOD[:3], 1e13, "value", "value 10000000000000 is absurd: its size is over 1e+12"),
        (*GOOD[:3], "-2e12", "value", "is absurd"),
        (*GOOD[:3], 10**20, "value", "value 1e+20 is absurd"),
        (*GOOD[:3], 10**400, "value", "is absurd"),
        # adjustment counts: c >= 0 and whole
        ("371302", "award", "2026-03", "-1", "value", "award is a count: write a whole number 0 or more, not -1"),
        ("371302", "accident", "2026-03", 1.5, "value", "accident is a count: write a whole number 0 or more, not 1.5"),
        ("371302", "award", "2026-03", "2.5", "value", "not 2.5"),
    ],
)
def test_bad_row_names_row_field_and_problem(unit, key, period, value, field, fragment):
    with pytest.raises(ValidationFailed) as info:
        check_rows(CONTEST, [Raw(2, "371311", "gyzjz", "2026-01", "1"), Raw(17, unit, key, period, value)])
    error = info.value
    assert error.status == 422 and error.code == "validation_failed"
    assert error.message == "1 result row is invalid"
    assert [(d["row"], d["field"]) for d in error.details] == [(17, field)]
    assert fragment in error.details[0]["message"]


def test_many_units_are_not_listed():
    with pytest.raises(ValidationFailed) as info:
        check_rows(MANY_UNITS, [Raw(2, "999", "gyzjz", "2026-01", 1.0)])
    assert info.value.details[0]["message"] == "unknown unit '999'"


def test_every_problem_comes_in_one_error():
    rows = [
        Raw(2, *GOOD),
        Raw(3, "999999", "gdzctz", "2026-03", "x"),  # two problems, one row
        Raw(4, "371311", "gdzctz", "2026-03", "5"),
        Raw(5, "371311", "nope", "2026-13", "5"),  # two problems, one row
        Raw(6, "371371", "award", "2026-02", "-2"),
    ]
    with pytest.raises(ValidationFailed) as info:
        check_rows(CONTEST, rows)
    assert info.value.message == "3 result rows are invalid"
    assert [(d["row"], d["field"]) for d in info.value.details] == [
        (3, "unit"), (3, "value"), (5, "key"), (5, "period"), (6, "value"),
    ]


@pytest.mark.parametrize(
    "rows, expected",
    [
        # row 5 repeats row 2 exactly
        ([Raw(2, *GOOD), Raw(3, "371311", *GOOD[1:]), Raw(5, *GOOD)], [(5, "repeats row 2")]),
        # 371302 (an Excel number) and "371302" are the same unit
        ([Raw(2, 371302, *GOOD[1:]), Raw(9, *GOOD)], [(9, "repeats row 2: the same unit 371302, key gdzctz and period 2026-03")]),
        # a month written as a date repeats the month written as text
        ([Raw(2, *GOOD), Raw(4, "371302", "gdzctz", dt.date(2026, 3, 1), "2")], [(4, "repeats row 2")]),
        # row 2's value is bad, and row 3 still repeats its cell: both rows are reported
        ([Raw(2, "371302", "gdzctz", "2026-03", ""), Raw(3, *GOOD)], [(2, "value is empty"), (3, "repeats row 2")]),
        # three copies: rows 6 and 8 both repeat row 4
        ([Raw(4, *GOOD), Raw(6, *GOOD), Raw(8, *GOOD)], [(6, "repeats row 4"), (8, "repeats row 4")]),
    ],
    ids=["exact", "int_unit", "date_period", "after_bad_value", "three_copies"],
)
def test_repeated_cells_name_the_first_row(rows, expected):
    with pytest.raises(ValidationFailed) as info:
        check_rows(CONTEST, rows)
    assert info.value.message == f"{len(expected)} result row{'s are' if len(expected) > 1 else ' is'} invalid"
    assert [d["row"] for d in info.value.details] == [row for row, _ in expected]
    for detail, (_, fragment) in zip(info.value.details, expected):
        assert fragment in detail["message"]


def test_same_cell_in_other_periods_units_or_keys_is_fine():
    rows = [Raw(2, *GOOD), Raw(3, "371311", *GOOD[1:]), Raw(4, "371302", "gyzjz", *GOOD[2:]),
            Raw(5, "371302", "gdzctz", "2026-04", "41")]
    assert [r.row for r in check_rows(CONTEST, rows)] == [2, 3, 4, 5]


def test_details_are_capped_but_every_row_is_counted():
    rows = [Raw(n, "nope", "gdzctz", "2026-03", "1") for n in range(2, 7)]  # 5 bad rows
    with pytest.raises(ValidationFailed) as info:
        check_rows(CONTEST, rows, max_details=3)
    assert info.value.message == "5 result rows are invalid"
    assert [d["row"] for d in info.value.details] == [2, 3, 4, None]
    assert info.value.details[-1]["message"] == "and 2 more problems not listed"


def test_no_rows_is_no_error():
    assert check_rows(CONTEST, []) == []


def test_messages_never_carry_raw_control_characters():
    with pytest.raises(ValidationFailed) as info:
        check_rows(CONTEST, [Raw(2, "\x1b[31m\ud83d", "gdzctz", "2026-03", "1")])
    message = info.value.details[0]["message"]
    assert "\x1b" not in message and "\ud83d" not in message
    message.encode("utf-8")  # a lone surrogate would make the JSON body unencodable
