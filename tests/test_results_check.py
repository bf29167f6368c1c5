"""check_rows: result rows checked against a contest (RULES.md "Words": unknown id, unit,
month outside the season, non-finite value; "Adjustments": a count c >= 0)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from arena.engine.results import ResultRow, check_rows
from arena.engine.rules.model import Adjustment, Contest, Indicator, Unit
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
        # names for codes: exactly one unit is called 兰山区, one indicator 固定资产投资, one adjustment
        ("兰山区", "gdzctz", "2026-03", "41", ("371302", "gdzctz", "2026-03", 41.0)),
        (" 兰山区 ", "固定资产投资", "2026-03", "41", ("371302", "gdzctz", "2026-03", 41.0)),
        ("临沂高新区", "较大安全生产事故", "2026-02", "1", ("371371", "accident", "2026-02", 1.0)),
    ],
    ids=["csv_text", "int_unit", "float_unit", "trimmed", "excel_datetime", "date", "negative",
         "exponent", "bound_inclusive", "zero", "count_text", "count_float", "count_zero",
         "unit_name", "trimmed_names", "adjustment_name"],
)
def test_good_rows_are_normalized(unit, key, period, value, expected):
    (checked,) = check_rows(CONTEST, [Raw(7, unit, key, period, value)])
    assert tuple(checked) == (*expected, 7)
    assert type(checked.value) is float and isinstance(checked, ResultRow)


@pytest.mark.parametrize(
    "unit, key, period, value, field, fragment",
    [
        # units: 3 listed, so the message names them all
        ("999999", *GOOD[1:], "unit", "未知的单位 '999999'；可填的单位代码有 371302、371311、371371"),
        (None, *GOOD[1:], "unit", "单位为空"),
        ("  ", *GOOD[1:], "unit", "单位为空"),
        (True, *GOOD[1:], "unit", "单位应为文字，不能是 true/false"),
        (["371302"], *GOOD[1:], "unit", "单位应为文字，不能是 list"),
        ("3713\x0702", *GOOD[1:], "unit", "含有控制字符（\\u0007）"),
        ("37\ud80013", *GOOD[1:], "unit", "含有孤立的代理码位（\\ud800）"),
        (371302.5, *GOOD[1:], "unit", "未知的单位 '371302.5'"),
        # keys: 4 known ids, listed sorted
        ("371302", "foo", "2026-03", "1", "key", "未知的指标 'foo'；可填的指标标识有 accident、award、gdzctz、gyzjz"),
        ("371302", "gd\x00zctz", "2026-03", "1", "key", "含有控制字符（\\u0000）"),
        ("371302", None, "2026-03", "1", "key", "指标为空"),
        # periods: malformed, not a month, outside the season 2026-01..2026-06
        ("371302", "gdzctz", "2026-13", "1", "period", "期间 '2026-13' 不是月份：请写作 YYYY-MM"),
        ("371302", "gdzctz", "2026/01", "1", "period", "期间 '2026/01' 不是月份"),
        ("371302", "gdzctz", "2026-1", "1", "period", "期间 '2026-1' 不是月份"),
        ("371302", "gdzctz", "2026-Q1", "1", "period", "期间 2026-Q1 是季度：成绩按月报送"),
        ("371302", "gdzctz", "2026-H1", "1", "period", "是半年"),
        ("371302", "gdzctz", 2026, "1", "period", "期间 2026 是年度"),
        ("371302", "gdzctz", "2026-07", "1", "period", "期间 2026-07 不在本赛季（2026-01 至 2026-06）内"),
        ("371302", "gdzctz", "2025-12", "1", "period", "不在本赛季（2026-01 至 2026-06）内"),
        ("371302", "gdzctz", dt.datetime(2026, 3, 15), "1", "period", "期间 2026-03-15T00:00:00 是日期"),
        ("371302", "gdzctz", dt.datetime(2026, 3, 1, 8, 30), "1", "period", "是日期：请按月份写作 YYYY-MM"),
        ("371302", "gdzctz", None, "1", "period", "期间为空"),
        # values
        (*GOOD[:3], "", "value", "数值为空"),
        (*GOOD[:3], None, "value", "数值为空"),
        (*GOOD[:3], "abc", "value", "数值 'abc' 不是十进制数字"),
        (*GOOD[:3], "12,5", "value", "数值 '12,5' 不是十进制数字"),
        (*GOOD[:3], "1_000", "value", "数值 '1_000' 不是十进制数字"),
        (*GOOD[:3], "１２", "value", "数值 '１２' 不是十进制数字"),
        (*GOOD[:3], "12.5%", "value", "不是十进制数字"),
        (*GOOD[:3], True, "value", "数值应为数字，不能是 true/false"),
        (*GOOD[:3], [1], "value", "数值应为数字，不能是 list"),
        (*GOOD[:3], float("nan"), "value", "数值 nan 不是有限数"),
        (*GOOD[:3], float("-inf"), "value", "数值 -inf 不是有限数"),
        (*GOOD[:3], "NaN", "value", "不是有限数"),
        (*GOOD[:3], "Infinity", "value", "不是有限数"),
        (*GOOD[:3], "1e999", "value", "数值 inf 不是有限数"),
        # |1e13| > 1e12, |-2e12| > 1e12, 10**20 > 1e12, and a 401-digit int never reaches float()
        (*GOOD[:3], 1e13, "value", "数值 10000000000000 不合理：绝对值超过 1e+12"),
        (*GOOD[:3], "-2e12", "value", "不合理"),
        (*GOOD[:3], 10**20, "value", "数值 1e+20 不合理"),
        (*GOOD[:3], 10**400, "value", "不合理"),
        (*GOOD[:3], "1e-320", "value", "过小：非零数值的绝对值不能小于 1e-12"),
        (*GOOD[:3], -1e-13, "value", "过小"),
        # adjustment counts: c >= 0 and whole
        ("371302", "award", "2026-03", "-1", "value", "award 是次数：应填 0 或正整数，不能是 -1"),
        ("371302", "accident", "2026-03", 1.5, "value", "accident 是次数：应填 0 或正整数，不能是 1.5"),
        ("371302", "award", "2026-03", "2.5", "value", "不能是 2.5"),
    ],
)
def test_bad_row_names_row_field_and_problem(unit, key, period, value, field, fragment):
    with pytest.raises(ValidationFailed) as info:
        check_rows(CONTEST, [Raw(2, "371311", "gyzjz", "2026-01", "1"), Raw(17, unit, key, period, value)])
    error = info.value
    assert error.status == 422 and error.code == "validation_failed"
    assert error.message == "1 行成绩数据有误"
    assert [(d["row"], d["field"]) for d in error.details] == [(17, field)]
    assert fragment in error.details[0]["message"]


# 371399 shares the name 兰山区 with 371302; unit "371311" is also the name of 371398;
# indicator xz is called 固定资产投资, as gdzctz is
SHARED = Contest(
    id="shared", name="shared", season_start="2026-01", season_end="2026-12", groups={"g": "g"},
    units=(Unit("371302", "兰山区", "g"), Unit("371399", "兰山区", "g"), Unit("371311", "罗庄区", "g"),
           Unit("371398", "371311", "g")),
    indicators=(Indicator("gdzctz", "固定资产投资", {"g": 25.0}, "completion", target=120.0),
                Indicator("xz", "固定资产投资", {"g": 25.0}, "rank"),
                Indicator("gyzjz", "规上工业增加值增速", {"g": 20.0}, "rank")),
)


@pytest.mark.parametrize("unit, key, field, message", [
    ("兰山区", "gyzjz", "unit", "单位 '兰山区' 不明确：可能是单位 371302（兰山区）、371399（兰山区）；请填写其代码"),
    ("371311", "gyzjz", "unit", "单位 '371311' 不明确：可能是单位 371311（罗庄区）、371398（371311）；请填写其代码"),
    ("371302", "固定资产投资", "key", "指标 '固定资产投资' 不明确：可能是指标 gdzctz（固定资产投资）、xz（固定资产投资）；请填写其标识"),
], ids=["two_units_one_name", "a_code_is_another_units_name", "two_indicators_one_name"])
def test_an_ambiguous_name_is_refused_naming_the_candidates(unit, key, field, message):
    with pytest.raises(ValidationFailed) as info:
        check_rows(SHARED, [Raw(4, unit, key, "2026-03", "1")])
    assert [(d["row"], d["field"], d["message"]) for d in info.value.details] == [(4, field, message)]


def test_a_name_and_the_code_of_the_same_cell_repeat_each_other():
    with pytest.raises(ValidationFailed) as info:
        check_rows(CONTEST, [Raw(2, *GOOD), Raw(3, "兰山区", "固定资产投资", "2026-03", "5")])
    assert [(d["row"], d["message"]) for d in info.value.details] == [
        (3, "与第 2 行重复：单位 371302、指标 gdzctz、期间 2026-03 都相同")]


def test_a_row_marked_coded_reads_a_clashing_code_as_the_code():
    """The fill-in workbook's hidden cells hold codes for certain: 371311 is 罗庄区's code there."""
    raw = Raw(5, "371311", "gyzjz", "2026-03", "1")
    raw.coded = True
    assert [r.unit for r in check_rows(SHARED, [raw])] == ["371311"]


def test_many_units_are_not_listed():
    with pytest.raises(ValidationFailed) as info:
        check_rows(MANY_UNITS, [Raw(2, "999", "gyzjz", "2026-01", 1.0)])
    assert info.value.details[0]["message"] == "未知的单位 '999'"


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
    assert info.value.message == "3 行成绩数据有误"
    assert [(d["row"], d["field"]) for d in info.value.details] == [
        (3, "unit"), (3, "value"), (5, "key"), (5, "period"), (6, "value"),
    ]


@pytest.mark.parametrize(
    "rows, expected",
    [
        # row 5 repeats row 2 exactly
        ([Raw(2, *GOOD), Raw(3, "371311", *GOOD[1:]), Raw(5, *GOOD)], [(5, "与第 2 行重复")]),
        # 371302 (an Excel number) and "371302" are the same unit
        ([Raw(2, 371302, *GOOD[1:]), Raw(9, *GOOD)], [(9, "与第 2 行重复：单位 371302、指标 gdzctz、期间 2026-03 都相同")]),
        # a month written as a date repeats the month written as text
        ([Raw(2, *GOOD), Raw(4, "371302", "gdzctz", dt.date(2026, 3, 1), "2")], [(4, "与第 2 行重复")]),
        # row 2's value is bad, and row 3 still repeats its cell: both rows are reported
        ([Raw(2, "371302", "gdzctz", "2026-03", ""), Raw(3, *GOOD)], [(2, "数值为空"), (3, "与第 2 行重复")]),
        # three copies: rows 6 and 8 both repeat row 4
        ([Raw(4, *GOOD), Raw(6, *GOOD), Raw(8, *GOOD)], [(6, "与第 4 行重复"), (8, "与第 4 行重复")]),
    ],
    ids=["exact", "int_unit", "date_period", "after_bad_value", "three_copies"],
)
def test_repeated_cells_name_the_first_row(rows, expected):
    with pytest.raises(ValidationFailed) as info:
        check_rows(CONTEST, rows)
    assert info.value.message == f"{len(expected)} 行成绩数据有误"
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
    assert info.value.message == "5 行成绩数据有误"
    assert [d["row"] for d in info.value.details] == [2, 3, 4, None]
    assert info.value.details[-1]["message"] == "另有 2 处问题未列出"


def test_no_rows_is_no_error():
    assert check_rows(CONTEST, []) == []


def test_messages_never_carry_raw_control_characters():
    with pytest.raises(ValidationFailed) as info:
        check_rows(CONTEST, [Raw(2, "\x1b[31m\ud83d", "gdzctz", "2026-03", "1")])
    message = info.value.details[0]["message"]
    assert "\x1b" not in message and "\ud83d" not in message
    message.encode("utf-8")  # a lone surrogate would make the JSON body unencodable
