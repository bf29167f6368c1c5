"""Scoring methods, one column at a time: hand-computed points (RULES.md, "Points of one
indicator"), with the arithmetic beside each case."""

from __future__ import annotations

import pytest

from arena.engine.methods import (
    METHODS, Column, ScoringError, competition_ranks, indicator_points, light, ratio,
)
from arena.engine.rules.model import Lights
from builders import indicator

PROGRESS = [0.05, 0.12, 0.2, 0.28, 0.36, 0.5, 0.58, 0.66, 0.75, 0.83, 0.91, 1.0]


def points(ind, values, month="2026-03", weight=None):
    col = Column(ind, weight if weight is not None else ind.weight["g"], month, values)
    return {u: round(p, 6) for u, p in indicator_points(col).items()}


def test_every_method_is_in_the_table_with_its_formula():
    assert set(METHODS) == {"completion", "rank", "efficacy", "bands", "formula", "jury"}
    assert all("weight" in fn.__doc__ or "x" in fn.__doc__ for fn in METHODS.values())


@pytest.mark.parametrize(
    "x, t, better, cap, expected",
    [
        pytest.param(80, 100, "higher", 1.0, 0.8, id="higher_x_over_t"),  # 80 / 100
        pytest.param(150, 100, "higher", 1.2, 1.5, id="higher_not_clamped"),  # 150 / 100, cap ignored
        pytest.param(40, 50, "lower", 1.0, 1.25, id="lower_t_over_x"),  # 50 / 40
        pytest.param(0, 50, "lower", 1.2, 1.2, id="lower_zero_is_cap"),  # x <= 0 -> cap
        pytest.param(-3, 50, "lower", 1.1, 1.1, id="lower_negative_is_cap"),  # x <= 0 -> cap
        pytest.param(5, 0, "higher", 1.0, 1.0, id="higher_zero_target_is_cap"),  # t = 0 is met -> cap
    ],
)
def test_ratio(x, t, better, cap, expected):
    assert ratio(x, t, better, cap) == pytest.approx(expected)


@pytest.mark.parametrize(
    "keys, expected",
    [
        pytest.param({"a": 1, "b": 2, "c": 2, "d": 3}, {"a": 1, "b": 2, "c": 2, "d": 4}, id="ties_share_best_rank"),
        pytest.param({"a": 5, "b": 5, "c": 5}, {"a": 1, "b": 1, "c": 1}, id="all_tied"),
        pytest.param({"z": (0, -3.0), "y": (1, -9.0)}, {"z": 1, "y": 2}, id="tuples_compare_in_order"),
        pytest.param({}, {}, id="empty"),
    ],
)
def test_competition_ranks(keys, expected):
    assert competition_ranks(keys) == expected


@pytest.mark.parametrize(
    "ind, values, month, expected",
    [
        # 10 * 80 / 100 = 8
        pytest.param(indicator(target=100), {"u1": 80}, "2026-03", {"u1": 8.0}, id="completion"),
        # 10 * 150 / 100 = 15, clamped to 10 * 1.0
        pytest.param(indicator(target=100), {"u1": 150}, "2026-03", {"u1": 10.0}, id="completion_cap_1"),
        # 10 * 1.5 = 15, clamped to 10 * 1.2 = 12
        pytest.param(indicator(target=100, cap=1.2), {"u1": 150}, "2026-03", {"u1": 12.0}, id="completion_cap_above_1"),
        # 10 * (-10 / 100) = -1, clamped to 0
        pytest.param(indicator(target=100), {"u1": -10}, "2026-03", {"u1": 0.0}, id="completion_never_below_0"),
        # lower: r = 50 / 40 = 1.25; 10 * 1.25 = 12.5 <= 10 * 1.5
        pytest.param(indicator(target=50, better="lower", cap=1.5), {"u1": 40}, "2026-03", {"u1": 12.5}, id="completion_lower"),
        # lower, x = 0: r = cap = 1.2; 10 * 1.2 = 12
        pytest.param(indicator(target=50, better="lower", cap=1.2), {"u1": 0}, "2026-03", {"u1": 12.0}, id="completion_lower_x_zero"),
        # lower: r = 50 / 100 = 0.5 -> 5
        pytest.param(indicator(target=50, better="lower"), {"u1": 100}, "2026-03", {"u1": 5.0}, id="completion_lower_missed"),
        # linear, March: t = 120 * 3/12 = 30; r = 27 / 30 = 0.9 -> 9
        pytest.param(indicator(target=120, progress="linear"), {"u1": 27}, "2026-03", {"u1": 9.0}, id="progress_linear"),
        # list, February: t = 60 * 0.12 = 7.2; r = 3.6 / 7.2 = 0.5 -> 5
        pytest.param(indicator(target=60, progress=PROGRESS), {"u1": 3.6}, "2026-02", {"u1": 5.0}, id="progress_list"),
        # none: t = T = 60 in any month; r = 30 / 60 -> 5
        pytest.param(indicator(target=60), {"u1": 30}, "2026-02", {"u1": 5.0}, id="progress_none"),
        # targets override: u1 T = 200 -> 100/200 -> 5; u2 T = 100 -> 10
        pytest.param(indicator(target=100, targets={"u1": 200}), {"u1": 100, "u2": 100}, "2026-03",
                     {"u1": 5.0, "u2": 10.0}, id="completion_per_unit_target"),
    ],
)
def test_completion(ind, values, month, expected):
    assert points(ind, values, month) == expected


def test_completion_without_a_target_for_the_unit_names_unit_and_indicator():
    ind = indicator("gdp", targets={"u1": 100})
    with pytest.raises(ScoringError, match="u2.*gdp") as caught:
        points(ind, {"u1": 50, "u2": 50})
    assert caught.value.status == 422


VALUES = {"a": 7, "b": 9, "c": 9, "d": 3}


@pytest.mark.parametrize(
    "ind, values, expected",
    [
        # higher: b, c share 1, a 3, d 4 (n = 4); 20 - (k-1) * 20 / 3
        pytest.param(indicator("r", "rank", weight=20), VALUES,
                     {"a": 6.666667, "b": 20.0, "c": 20.0, "d": 0.0}, id="higher_no_step"),
        # lower: d 1, a 2, b, c share 3; 20 - (k-1) * 20/3 -> 20, 13.333, 6.667, 6.667
        pytest.param(indicator("r", "rank", weight=20, better="lower"), VALUES,
                     {"a": 13.333333, "b": 6.666667, "c": 6.666667, "d": 20.0}, id="lower_no_step"),
        # no step, floor 5: 20 - (k-1) * 15 / 3 -> k3 = 10, k4 = 5
        pytest.param(indicator("r", "rank", weight=20, floor=5), VALUES,
                     {"a": 10.0, "b": 20.0, "c": 20.0, "d": 5.0}, id="floor_without_step"),
        # step 5: 20, 20, 20 - 2*5 = 10, 20 - 3*5 = 5
        pytest.param(indicator("r", "rank", weight=20, step=5), VALUES,
                     {"a": 10.0, "b": 20.0, "c": 20.0, "d": 5.0}, id="step"),
        # step 5, floor 8: d would get 5 -> floor 8
        pytest.param(indicator("r", "rank", weight=20, step=5, floor=8), VALUES,
                     {"a": 10.0, "b": 20.0, "c": 20.0, "d": 8.0}, id="step_with_floor"),
        # step 9: a 20 - 18 = 2, d 20 - 27 = -7 -> floor 0
        pytest.param(indicator("r", "rank", weight=20, step=9), VALUES,
                     {"a": 2.0, "b": 20.0, "c": 20.0, "d": 0.0}, id="step_never_below_zero"),
        # n = 1 gives weight
        pytest.param(indicator("r", "rank", weight=20), {"a": -4}, {"a": 20.0}, id="n_is_1"),
        # all tied: rank 1 each -> weight
        pytest.param(indicator("r", "rank", weight=20), {"a": 1, "b": 1}, {"a": 20.0, "b": 20.0}, id="all_tied"),
    ],
)
def test_rank(ind, values, expected):
    assert points(ind, values) == expected


# DOMAIN.md check values, I1 county group: 功效系数 60 + 40 (x - 4.2) / 8.3
COUNTY_I1 = {"兰山": 7.6, "罗庄": 11.2, "河东": 5.9, "郯城": 9.8, "兰陵": 6.4, "沂水": 12.5,
             "沂南": 7.1, "费县": 10.3, "平邑": 4.2, "蒙阴": 9.1, "莒南": 8.0, "临沭": 10.8}
COUNTY_I1_SCORES = {"沂水": 100.0, "罗庄": 93.7, "临沭": 91.8, "费县": 89.4, "郯城": 87.0, "蒙阴": 83.6,
                    "莒南": 78.3, "兰山": 76.4, "沂南": 74.0, "兰陵": 70.6, "河东": 68.2, "平邑": 60.0}


@pytest.mark.parametrize(
    "ind, values, expected",
    [
        # lo 2, hi 10: a 10 * 0.6 = 6; b 10 * (0.6 + 0.4 * 2/8) = 7; c 10
        pytest.param(indicator("e", "efficacy"), {"a": 2, "b": 4, "c": 10},
                     {"a": 6.0, "b": 7.0, "c": 10.0}, id="higher"),
        # lower uses hi - x: a 10 * (0.6 + 0.4 * 8/8) = 10; b 10 * (0.6 + 0.4 * 6/8) = 9; c 6
        pytest.param(indicator("e", "efficacy", better="lower"), {"a": 2, "b": 4, "c": 10},
                     {"a": 10.0, "b": 9.0, "c": 6.0}, id="lower"),
        # base 0.5: b 10 * (0.5 + 0.5 * 2/8) = 6.25
        pytest.param(indicator("e", "efficacy", base=0.5), {"a": 2, "b": 4, "c": 10},
                     {"a": 5.0, "b": 6.25, "c": 10.0}, id="base"),
        # hi = lo gives weight
        pytest.param(indicator("e", "efficacy"), {"a": 3, "b": 3}, {"a": 10.0, "b": 10.0}, id="hi_equals_lo"),
        pytest.param(indicator("e", "efficacy"), {"a": 3}, {"a": 10.0}, id="single_unit"),
        # 功能区组: 13.6, 8.7, 3.8 -> 60 + 40 * 4.9/9.8 = 80
        pytest.param(indicator("e", "efficacy", weight=100), {"沂河": 13.6, "高新": 8.7, "临港": 3.8},
                     {"沂河": 100.0, "高新": 80.0, "临港": 60.0}, id="domain_zone_group"),
    ],
)
def test_efficacy(ind, values, expected):
    assert points(ind, values) == expected


def test_efficacy_matches_domain_check_values():
    got = points(indicator("i1", "efficacy", weight=100), COUNTY_I1)
    assert {u: round(p, 1) for u, p in got.items()} == COUNTY_I1_SCORES


BANDS = [(10, 10), (5, 6), (1, 3)]


@pytest.mark.parametrize(
    "ind, values, expected",
    [
        # at_least, first band met in order: 12 >= 10 -> 10; 10 >= 10 -> 10; 7 >= 5 -> 6; 1 >= 1 -> 3; 0.5 -> otherwise 0
        pytest.param(indicator("b", "bands", bands=BANDS), {"a": 12, "b": 10, "c": 7, "d": 1, "e": 0.5},
                     {"a": 10.0, "b": 10.0, "c": 6.0, "d": 3.0, "e": 0.0}, id="value_higher"),
        # otherwise 1
        pytest.param(indicator("b", "bands", bands=BANDS, otherwise=1), {"e": 0.5}, {"e": 1.0}, id="otherwise"),
        # lower, at_most: 0.5 <= 1 -> 10; 3 <= 3 -> 6; 4 -> otherwise 2
        pytest.param(indicator("b", "bands", better="lower", bands=[(1, 10), (3, 6)], otherwise=2),
                     {"a": 0.5, "b": 3, "c": 4}, {"a": 10.0, "b": 6.0, "c": 2.0}, id="value_lower"),
        # of ratio, T 100: 89.995 / 100 = 0.89995 -> 0.9000 at 4 decimals -> meets 0.9 -> 6;
        # 89.99 -> 0.8999 -> otherwise 0; 100 -> 1.0 -> 10
        pytest.param(indicator("b", "bands", of="ratio", target=100, bands=[(1.0, 10), (0.9, 6)]),
                     {"a": 89.995, "b": 89.99, "c": 100}, {"a": 6.0, "b": 0.0, "c": 10.0}, id="ratio_rounded_4"),
        # of ratio, lower: at_most on r, thresholds rising as the loader requires:
        # T 50, x 55 -> r = t / x = 0.90909 -> 0.9091 <= 0.95 -> 10
        pytest.param(indicator("b", "bands", of="ratio", better="lower", target=50, bands=[(0.95, 10), (1.0, 6)]),
                     {"a": 55}, {"a": 10.0}, id="ratio_lower_uses_at_most"),
    ],
)
def test_bands(ind, values, expected):
    assert points(ind, values) == expected


@pytest.mark.parametrize(
    "ind, values, month, expected",
    [
        # value * 2: 3 -> 6
        pytest.param(indicator("f", "formula", expr="value * 2"), {"a": 3}, "2026-03", {"a": 6.0}, id="value"),
        # lower, T 0.5: clamp(0.5 / 0.4, 0, 1.1) * 10 = 11, within 10 * 1.1
        pytest.param(indicator("f", "formula", better="lower", target=0.5, cap=1.1,
                               expr="clamp(target / value, 0, 1.1) * weight"),
                     {"a": 0.4}, "2026-03", {"a": 11.0}, id="readme_example"),
        # result clamped to [0, weight * cap]: -5 -> 0; 99 -> 10
        pytest.param(indicator("f", "formula", expr="value"), {"a": -5, "b": 99}, "2026-03",
                     {"a": 0.0, "b": 10.0}, id="clamped"),
        # n 3, min 1, max 5, mean 3: n + min + max - mean = 6
        pytest.param(indicator("f", "formula", expr="n + min + max - mean"), {"a": 1, "b": 3, "c": 5}, "2026-03",
                     {"a": 6.0, "b": 6.0, "c": 6.0}, id="group_figures"),
        # min and max as functions when called: max(value, 2) -> 2, 3
        pytest.param(indicator("f", "formula", expr="max(value, 2) + min"), {"a": 1, "b": 3}, "2026-03",
                     {"a": 3.0, "b": 4.0}, id="min_max_functions_and_names"),
        # rank (higher): 9 ranks 1, 9 ranks 1, 7 ranks 3 -> 10 - rank
        pytest.param(indicator("f", "formula", expr="10 - rank"), {"a": 7, "b": 9, "c": 9}, "2026-03",
                     {"a": 7.0, "b": 9.0, "c": 9.0}, id="shared_rank"),
        # month k(m) = 7
        pytest.param(indicator("f", "formula", expr="month"), {"a": 1}, "2026-07", {"a": 7.0}, id="month"),
        # linear, June: T 120, t 60, r = 30 / 60 = 0.5 -> annual_target/100 + target/10 + ratio = 1.2 + 6 + 0.5
        pytest.param(indicator("f", "formula", target=120, progress="linear",
                               expr="annual_target / 100 + target / 10 + ratio"),
                     {"a": 30}, "2026-06", {"a": 7.7}, id="targets"),
        # weight of this group: 10 * 0.5
        pytest.param(indicator("f", "formula", expr="weight * 0.5"), {"a": 1}, "2026-03", {"a": 5.0}, id="weight"),
        # round half away from zero: round(2.675, 2) = 2.68
        pytest.param(indicator("f", "formula", expr="round(value, 2)"), {"a": 2.675}, "2026-03", {"a": 2.68}, id="round"),
    ],
)
def test_formula(ind, values, month, expected):
    assert points(ind, values, month) == expected


@pytest.mark.parametrize(
    "expr, values",
    [
        pytest.param("1 / (value - value)", {"u7": 3}, id="division_by_zero"),
        pytest.param("sqrt(value)", {"u7": -1}, id="sqrt_negative"),
        pytest.param("10 ** value", {"u7": 400}, id="overflow"),
    ],
)
def test_formula_failure_names_unit_and_indicator(expr, values):
    with pytest.raises(ScoringError, match=r"u7.*nhzb") as caught:
        points(indicator("nhzb", "formula", expr=expr), values)
    assert caught.value.details[0]["unit"] == "u7"
    assert caught.value.details[0]["indicator"] == "nhzb"


def test_empty_column_scores_nobody():
    assert points(indicator("r", "rank"), {}) == {}


RATIO = Lights("ratio", 1.0, 0.9)
LAG = Lights("lag", 0.0, 10.0)


@pytest.mark.parametrize(
    "lights, ind, month, x, expected",
    [
        # r = 100 / 100 = 1.0 >= 1.0 -> green
        pytest.param(RATIO, indicator(target=100), "2026-03", 100, "green", id="ratio_green_boundary"),
        # r = 0.95 -> yellow
        pytest.param(RATIO, indicator(target=100), "2026-03", 95, "yellow", id="ratio_yellow"),
        # r = 0.89995 -> 0.9000 at 4 decimals -> yellow
        pytest.param(RATIO, indicator(target=100), "2026-03", 89.995, "yellow", id="ratio_rounded_4"),
        # r = 0.8999 -> red
        pytest.param(RATIO, indicator(target=100), "2026-03", 89.99, "red", id="ratio_red"),
        # lower: r = 50 / 52 = 0.9615 -> yellow
        pytest.param(RATIO, indicator(target=50, better="lower"), "2026-03", 52, "yellow", id="ratio_lower"),
        # missing -> red
        pytest.param(RATIO, indicator(target=100), "2026-03", None, "red", id="missing_red"),
        # no target -> none
        pytest.param(RATIO, indicator("r", "rank"), "2026-03", 5, None, id="no_target"),
        # lag, linear June: p = 0.5; 60 / 120 = 0.5 -> lag 0 -> green (exactly zero)
        pytest.param(LAG, indicator(target=120, progress="linear"), "2026-06", 60, "green", id="lag_zero_green"),
        # 48 / 120 = 0.4 -> lag 100 * (0.5 - 0.4) = 10.000000000000002 -> 10.00 -> yellow
        pytest.param(LAG, indicator(target=120, progress="linear"), "2026-06", 48, "yellow", id="lag_boundary_yellow"),
        # 47.99 / 120 = 0.399917 -> lag 10.0083 -> 10.01 -> red
        pytest.param(LAG, indicator(target=120, progress="linear"), "2026-06", 47.99, "red", id="lag_red"),
        # 59 / 120 = 0.491667 -> lag 0.83 -> yellow
        pytest.param(LAG, indicator(target=120, progress="linear"), "2026-06", 59, "yellow", id="lag_yellow"),
        # lower: lag = 100 * (x / T - p) = 100 * (30/120 - 0.5) = -25 -> green
        pytest.param(LAG, indicator(target=120, progress="linear", better="lower"), "2026-06", 30, "green",
                     id="lag_lower"),
        # lower: 100 * (80/120 - 0.5) = 16.67 -> red
        pytest.param(LAG, indicator(target=120, progress="linear", better="lower"), "2026-06", 80, "red",
                     id="lag_lower_red"),
        # progress list, March: p = 0.2; 20 / 100 = 0.2 -> lag 0 -> green
        pytest.param(LAG, indicator(target=100, progress=PROGRESS), "2026-03", 20, "green", id="lag_progress_list"),
        # a rank indicator may carry target 0: lag (x / 0) means nothing -> none
        pytest.param(LAG, indicator("r", "rank", target=0), "2026-03", 20, None, id="lag_zero_target"),
        # by ratio, t = 0 for higher: r = cap = 1.0 -> green
        pytest.param(RATIO, indicator("r", "rank", target=0), "2026-03", 20, "green", id="ratio_zero_target"),
    ],
)
def test_light(lights, ind, month, x, expected):
    t = ind.period_target("u1", month)
    r = None if x is None or t is None else ratio(x, t, ind.better, ind.cap)
    assert light(lights, ind, "u1", month, x, r) == expected
