"""Red flags, yellow flags, warnings and the board (RULES.md, "Red flags, warnings, lights,
board" and "Fine points"): first each rule on ranks given by hand, then on whole sheets."""

from __future__ import annotations

import pytest

from arena.engine.awards import (
    board_sides, bottom_ranks, combine, red_flag_units, standing, warned_units, yellow_flag_units,
)
from arena.engine.rules.model import Board
from arena.engine.sheet import score
from builders import adjustment, column, contest, flag_rule, indicator, unit_row

R5 = {"a": 1, "b": 2, "c": 2, "d": 4, "e": 5}


@pytest.mark.parametrize(
    "ranks, expected",
    [
        # 1 + units ranked after: a 1 + 4, b and c 1 + 2 (d, e), d 1 + 1, e 1
        pytest.param(R5, {"a": 5, "b": 3, "c": 3, "d": 2, "e": 1}, id="shared_ranks"),
        pytest.param({"a": 1, "b": 1}, {"a": 1, "b": 1}, id="all_tied_are_last"),
        pytest.param({"a": 1}, {"a": 1}, id="alone"),
    ],
)
def test_bottom_ranks(ranks, expected):
    assert bottom_ranks(ranks) == expected


@pytest.mark.parametrize(
    "ranks, vetoed, board, expected",
    [
        # dragon rank <= 1: a; tiger bottom <= 1: e
        pytest.param(R5, set(), (1, 1), {"a": "dragon", "b": None, "c": None, "d": None, "e": "tiger"}, id="one_each"),
        # dragon rank <= 2: a, b, c (tie at the line); tiger bottom <= 2: d (2), e (1)
        pytest.param(R5, set(), (2, 2), {"a": "dragon", "b": "dragon", "c": "dragon", "d": "tiger", "e": "tiger"},
                     id="ties_at_dragon_line"),
        # tiger bottom <= 3: b, c (3) share the place, plus d, e
        pytest.param(R5, set(), (1, 3), {"a": "dragon", "b": "tiger", "c": "tiger", "d": "tiger", "e": "tiger"},
                     id="ties_at_tiger_line"),
        # 3 units, 3 and 3: all dragons, no tiger (a dragon is never a tiger)
        pytest.param({"a": 1, "b": 2, "c": 3}, set(), (3, 3), {"a": "dragon", "b": "dragon", "c": "dragon"},
                     id="dragon_first"),
        # all vetoed: no dragon; tiger bottom <= 1: b
        pytest.param({"a": 1, "b": 2}, {"a", "b"}, (1, 1), {"a": None, "b": "tiger"}, id="vetoed_never_dragon"),
        # vetoed c ranked 3 of 3 with dragon 3: tiger instead (bottom 1)
        pytest.param({"a": 1, "b": 2, "c": 3}, {"c"}, (3, 1), {"a": "dragon", "b": "dragon", "c": "tiger"},
                     id="vetoed_goes_tiger"),
        pytest.param(R5, set(), (0, 0), dict.fromkeys(R5), id="empty_board"),
    ],
)
def test_board_sides(ranks, vetoed, board, expected):
    assert board_sides(ranks, vetoed, Board(*board)) == expected


TOTALS = {"a": 90.0, "b": 80.0, "c": 80.0, "d": 59.99, "e": 10.0}


@pytest.mark.parametrize(
    "rule, vetoed, expected",
    [
        pytest.param(flag_rule(g=1), set(), {"a"}, id="best_place"),
        # count 2: a 1, b and c share 2 -> all three
        pytest.param(flag_rule(g=2), set(), {"a", "b", "c"}, id="ties_at_last_place_all_win"),
        # count 4, min_score 60: d 59.99 < 60
        pytest.param(flag_rule(60, g=4), set(), {"a", "b", "c"}, id="min_score"),
        # min_score 80: b, c at exactly 80 qualify
        pytest.param(flag_rule(80, g=5), set(), {"a", "b", "c"}, id="min_score_inclusive"),
        # vetoed never wins
        pytest.param(flag_rule(g=5), {"e"}, {"a", "b", "c", "d"}, id="vetoed_excluded"),
        pytest.param(flag_rule(h=3), set(), set(), id="group_not_in_count"),
        pytest.param(None, set(), set(), id="no_rule"),
    ],
)
def test_red_flag_units(rule, vetoed, expected):
    assert red_flag_units("g", R5, TOTALS, vetoed, rule) == expected


@pytest.mark.parametrize(
    "ranks, rule, red, expected",
    [
        pytest.param(R5, flag_rule(g=1), set(), {"e"}, id="worst_place"),
        # count 3: bottom ranks e 1, d 2, b and c 3
        pytest.param(R5, flag_rule(g=3), set(), {"b", "c", "d", "e"}, id="ties_at_last_qualifying_place"),
        # 2 units, count 2: a has the red flag -> only b
        pytest.param({"a": 1, "b": 2}, flag_rule(g=2), {"a"}, {"b"}, id="never_on_red_flag"),
        pytest.param(R5, flag_rule(h=1), set(), set(), id="group_not_in_count"),
        pytest.param(R5, None, set(), set(), id="no_rule"),
    ],
)
def test_yellow_flag_units(ranks, rule, red, expected):
    assert yellow_flag_units("g", ranks, rule, red) == expected


L3 = {"a": 1, "b": 2, "c": 3}


@pytest.mark.parametrize(
    "history, size, months, expected",
    [
        pytest.param([L3, L3], 3, 2, {"c"}, id="last_twice"),
        # last only in the latest month
        pytest.param([{"a": 1, "b": 3, "c": 2}, L3], 3, 2, set(), id="not_every_month"),
        # the window is the last N months: older months do not matter
        pytest.param([{"a": 3, "b": 1, "c": 2}, L3, L3], 3, 2, {"c"}, id="window"),
        # ties at last: b and c share 2 in both months
        pytest.param([{"a": 1, "b": 2, "c": 2}] * 2, 3, 2, {"b", "c"}, id="shared_last_counts"),
        pytest.param([L3], 3, 2, set(), id="fewer_months_than_n"),
        pytest.param([L3, L3], 2, 2, set(), id="group_under_3"),
        pytest.param([L3, L3], 3, None, set(), id="no_warnings"),
        pytest.param([L3], 3, 1, {"c"}, id="one_month"),
    ],
)
def test_warned_units(history, size, months, expected):
    assert warned_units(history, size, months) == expected


@pytest.mark.parametrize(
    "aggregate, expected",
    [
        # months: {a 1, b 4}, {a 3, b 5}
        pytest.param("mean", {"a": 2.0, "b": 4.5}, id="mean"),
        pytest.param("sum", {"a": 4.0, "b": 9.0}, id="sum"),
        pytest.param("last", {"a": 3.0, "b": 5.0}, id="last"),
    ],
)
def test_combine(aggregate, expected):
    assert combine([{"a": 1.0, "b": 4.0}, {"a": 3.0, "b": 5.0}], aggregate) == expected


def test_standing_orders_vetoed_last_then_total_then_tie_keys():
    # g: a 50 vetoed, b 40, c 40 (tie key 3 vs 1), d 40.004 -> shows 40.0, tie key 3
    st = standing({"g": ["a", "b", "c", "d"], "h": ["e"]},
                  {"a": 50.0, "b": 40.0, "c": 40.0, "d": 40.004, "e": 1.0}, {"a"}, 2,
                  {"a": (0.0,), "b": (3.0,), "c": (1.0,), "d": (3.0,), "e": (0.0,)})
    assert st.ranks == {"b": 1, "d": 1, "c": 3, "a": 4, "e": 1}
    assert st.shown["d"] == 40.0


VALUE = indicator("a", "formula", weight=100, expr="value")
VETO = adjustment("major", veto=True)


def month(**values):
    return {u: v if isinstance(v, dict) else {"a": v} for u, v in values.items()}


def flags(sheet):
    return column(sheet, "flags")


def test_quarter_sheet_red_and_yellow_flags():
    # Q1 mean of Jan, Feb: u1 (90 + 70) / 2 = 80, u2 80, u3 (50 + 70) / 2 = 60, u4 59.99, u5 10 vetoed
    c = contest([VALUE], units={"g": ["u1", "u2", "u3", "u4", "u5"]}, adjustments=[VETO],
                red_flags=flag_rule(60, g=3), yellow_flags=flag_rule(g=2))
    results = {
        "2026-01": month(u1=90, u2=80, u3=50, u4=59.99, u5={"a": 10, "major": 1}),
        "2026-02": month(u1=70, u2=80, u3=70, u4=59.99, u5=10),
    }
    q1 = score(c, "2026-Q1", results)
    # ranks: u1 1, u2 1, u3 3, u4 4, u5 5 (vetoed). red: rank <= 3 and >= 60 -> u1, u2, u3
    # yellow: bottom <= 2 -> u5 (1), u4 (2)
    assert column(q1, "rank") == {"u1": 1, "u2": 1, "u3": 3, "u4": 4, "u5": 5}
    assert flags(q1) == {"u1": ["red_flag"], "u2": ["red_flag"], "u3": ["red_flag"], "u4": ["yellow_flag"],
                         "u5": ["vetoed", "yellow_flag"]}
    # month sheets carry no red or yellow flags
    assert flags(score(c, "2026-02", results)) == dict.fromkeys(["u1", "u2", "u3", "u4", "u5"], [])


@pytest.mark.parametrize(
    "count, values, expected",
    [
        # count 1: u1 and u2 tied at 70 share rank 1, both win; u3 last -> yellow
        pytest.param(1, dict(u1=70, u2=70, u3=40), {"u1": ["red_flag"], "u2": ["red_flag"], "u3": ["yellow_flag"]},
                     id="ties_all_win"),
        # count 3: u3 ranks 3 but 40 < min_score 50 -> no red flag, so it can take the yellow one
        pytest.param(3, dict(u1=70, u2=60, u3=40), {"u1": ["red_flag"], "u2": ["red_flag"], "u3": ["yellow_flag"]},
                     id="min_score_excludes"),
        # min_score compares the shown total: 49.996 shows 50.0 -> wins
        pytest.param(1, dict(u1=49.996, u2=10, u3=5), {"u1": ["red_flag"], "u2": [], "u3": ["yellow_flag"]},
                     id="min_score_on_shown_total"),
        # 49.994 shows 49.99 < 50 -> nobody wins
        pytest.param(1, dict(u1=49.994, u2=10, u3=5), {"u1": [], "u2": [], "u3": ["yellow_flag"]},
                     id="below_min_score"),
    ],
)
def test_red_flags_on_quarter_sheet(count, values, expected):
    c = contest([VALUE], red_flags=flag_rule(50, g=count), yellow_flags=flag_rule(g=1))
    assert flags(score(c, "2026-Q2", {"2026-05": month(**values)})) == expected


def test_yellow_flag_never_on_a_red_flag_unit():
    # two units, red count 1, yellow count 2: u1 red, u2 yellow only
    c = contest([VALUE], units={"g": ["u1", "u2"]}, red_flags=flag_rule(g=1), yellow_flags=flag_rule(g=2))
    assert flags(score(c, "2026-Q1", {"2026-01": month(u1=2, u2=1)})) == {"u1": ["red_flag"], "u2": ["yellow_flag"]}


def test_half_and_year_count_red_flags_of_their_quarters():
    # Q1 (Jan): u2 wins; Q2 (Apr): u1 wins; Q3 (Jul): u1 wins; Q4 unscored
    c = contest([VALUE], red_flags=flag_rule(g=1))
    results = {"2026-01": month(u1=1, u2=3, u3=2), "2026-04": month(u1=3, u2=2, u3=1),
               "2026-07": month(u1=5, u2=4, u3=1)}
    assert column(score(c, "2026-H1", results), "red_flags") == {"u1": 1, "u2": 1, "u3": 0}
    assert column(score(c, "2026-H2", results), "red_flags") == {"u1": 1, "u2": 0, "u3": 0}
    assert column(score(c, "2026", results), "red_flags") == {"u1": 2, "u2": 1, "u3": 0}
    # half and year sheets show no red_flag flag themselves
    assert all(f == [] for f in flags(score(c, "2026", results)).values())


def test_no_red_flags_without_a_rule():
    c = contest([VALUE])
    assert column(score(c, "2026", {"2026-01": month(u1=1, u2=3, u3=2)}), "red_flags") == {"u1": 0, "u2": 0, "u3": 0}


WARN = dict(last_place_months=2, adjustments=[VETO])


@pytest.mark.parametrize(
    "results, period, warned",
    [
        # u3 last in Jan and Feb -> warning in Feb
        pytest.param({"2026-01": month(u1=3, u2=2, u3=1), "2026-02": month(u1=3, u2=2, u3=1)}, "2026-02", {"u3"},
                     id="last_two_months"),
        # Jan is the only scored month: fewer than N -> none
        pytest.param({"2026-01": month(u1=3, u2=2, u3=1)}, "2026-01", set(), id="fewer_than_n_months"),
        # last in Jan and Mar, Feb unscored: the last 2 scored months -> warned
        pytest.param({"2026-01": month(u1=3, u2=2, u3=1), "2026-03": month(u1=3, u2=2, u3=1)}, "2026-03", {"u3"},
                     id="unscored_months_skipped"),
        # Jan last, Feb not -> none
        pytest.param({"2026-01": month(u1=3, u2=2, u3=1), "2026-02": month(u1=3, u2=1, u3=2)}, "2026-02", set(),
                     id="not_last_every_month"),
        # ties at last: u2 and u3 share last both months
        pytest.param({"2026-01": month(u1=3, u2=1, u3=1), "2026-02": month(u1=3, u2=1, u3=1)}, "2026-02",
                     {"u2", "u3"}, id="shared_last"),
        # u1 vetoed in Feb with the best score: last in Feb; last in Jan by score -> warned
        pytest.param({"2026-01": month(u1=1, u2=2, u3=3), "2026-02": month(u1={"a": 9, "major": 1}, u2=2, u3=3)},
                     "2026-02", {"u1"}, id="vetoed_counts_as_last"),
        # a later month does not warn an earlier sheet
        pytest.param({"2026-01": month(u1=3, u2=2, u3=1), "2026-02": month(u1=3, u2=2, u3=1)}, "2026-01", set(),
                     id="up_to_this_month"),
    ],
)
def test_warnings_on_month_sheets(results, period, warned):
    sheet = score(contest([VALUE], **WARN), period, results)
    assert {u for u, f in flags(sheet).items() if "warning" in f} == warned


def test_warning_needs_a_listed_group_of_three():
    # group of 2: never warned, even last twice
    c = contest([VALUE], units={"g": ["u1", "u2"]}, **WARN)
    sheet = score(c, "2026-02", {"2026-01": month(u1=2, u2=1), "2026-02": month(u1=2, u2=1)})
    assert flags(sheet) == {"u1": [], "u2": []}


def test_flags_order_on_month_sheet():
    # u3: missing (no rows in Feb), last twice -> warning, vetoed by an adjustment row
    c = contest([VALUE], **WARN)
    sheet = score(c, "2026-02", {"2026-01": month(u1=3, u2=2, u3=1), "2026-02": month(u1=3, u2=2, u3={"major": 1})})
    assert unit_row(sheet, "u3")["flags"] == ["missing", "warning", "vetoed"]


@pytest.mark.parametrize(
    "period",
    ["2026-01", "2026-Q1"],
)
def test_board_on_sheets(period):
    # 6 units: 50, 40, 40, 20, 10, and u1 vetoed with 99: ranks u2 1, u3 2, u4 2, u5 4, u6 5, u1 6
    # dragon 2: u2, u3, u4 (tie); tiger 2: u1 (bottom 1), u6 (bottom 2)
    c = contest([VALUE], units={"g": ["u1", "u2", "u3", "u4", "u5", "u6"]}, adjustments=[VETO], board=(2, 2))
    rows = month(u1={"a": 99, "major": 1}, u2=50, u3=40, u4=40, u5=20, u6=10)
    sheet = score(c, period, {"2026-01": rows})
    assert column(sheet, "board") == {"u2": "dragon", "u3": "dragon", "u4": "dragon", "u5": None,
                                      "u6": "tiger", "u1": "tiger"}
