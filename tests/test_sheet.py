"""Month, quarter, half and year sheets: totals, rounding, ties, veto, exemption, change,
aggregation (RULES.md), each case computed by hand beside it.

Most cases use indicator "a" with the formula ``value`` (weight 100), so a unit's points
are what it reports and totals are easy to set.
"""

from __future__ import annotations

import pytest

from arena.engine.rules.model import Lights
from arena.engine.sheet import ScoringError, score, scored_months
from arena.errors import BadRequest, NotFound
from builders import adjustment, column, contest, indicator, unit_row

VALUE = indicator("a", "formula", weight=100, expr="value")
FOUR = {"g": ["u1", "u2", "u3", "u4"]}


def month(**values):
    """Rows of one month: unit -> {"a": value} (a dict value is taken as the row itself)."""
    return {u: v if isinstance(v, dict) else {"a": v} for u, v in values.items()}


def test_sheet_shape_and_order():
    c = contest([VALUE, indicator("b", "rank", weight=10)], units={"h": ["v1"], "g": ["u2", "u1"]})
    sheet = score(c, "2026-03", {"2026-03": month(u1=5, u2=7, v1=1)})
    assert list(sheet) == ["contest", "period", "kind", "revision", "published_at", "note", "status",
                           "notice_until", "rules_sha256", "data_sha256", "groups"]
    assert (sheet["contest"], sheet["period"], sheet["kind"]) == ("test", "2026-03", "month")
    assert [sheet[k] for k in ("revision", "published_at", "note", "rules_sha256", "data_sha256")] == [None] * 5
    assert [(g["id"], g["name"]) for g in sheet["groups"]] == [("h", "G-h"), ("g", "G-g")]
    row = sheet["groups"][1]["units"][0]
    assert list(row) == ["unit", "name", "rank", "total", "change", "flags", "indicators", "adjustments", "board"]
    assert (row["unit"], row["name"]) == ("u2", "name-u2")
    assert list(row["indicators"]) == ["a", "b"]
    assert list(row["indicators"]["a"]) == ["value", "target", "ratio", "points", "light", "missing"]


@pytest.mark.parametrize(
    "x, precision, total",
    [
        pytest.param(40.24999999999999, 2, 40.25, id="noise_40_25"),  # 9 decimals first: 40.25
        pytest.param(40.24999999999999, 1, 40.3, id="noise_40_3"),  # 40.25 -> half up -> 40.3
        pytest.param(2.675, 2, 2.68, id="x_xx5_up"),  # float 2.67499999... is 2.675 -> 2.68
        pytest.param(1.005, 2, 1.01, id="one_oh_oh_five"),  # 1.00499999... -> 1.005 -> 1.01
        pytest.param(2.5, 0, 3.0, id="precision_0"),  # half away from zero
        pytest.param(2.674, 2, 2.67, id="down"),
    ],
)
def test_total_rounds_half_up_after_removing_noise(x, precision, total):
    sheet = score(contest([VALUE], precision=precision), "2026-01", {"2026-01": month(u1=x)})
    assert unit_row(sheet, "u1")["total"] == total
    assert unit_row(sheet, "u1")["indicators"]["a"]["points"] == total


@pytest.mark.parametrize(
    "values, ranks",
    [
        # 10 > 6 = 6 > 3: 1, 2, 2, 4
        pytest.param(dict(u1=10, u2=6, u3=6, u4=3), {"u1": 1, "u2": 2, "u3": 2, "u4": 4}, id="ties_share_best_rank"),
        # 10.004 and 10.001 both show 10.0 at precision 2: tied
        pytest.param(dict(u1=10.001, u2=10.004, u3=5, u4=5), {"u1": 1, "u2": 1, "u3": 3, "u4": 3},
                     id="ranking_compares_rounded_totals"),
        # 10.005 -> 10.01 beats 10.004 -> 10.0
        pytest.param(dict(u1=10.004, u2=10.005, u3=0, u4=0), {"u2": 1, "u1": 2, "u3": 3, "u4": 3},
                     id="rounding_decides"),
    ],
)
def test_ranks_within_group(values, ranks):
    sheet = score(contest([VALUE], units=FOUR), "2026-01", {"2026-01": month(**values)})
    assert column(sheet, "rank") == ranks
    # units in rank order, then by code
    assert [r["unit"] for r in sheet["groups"][0]["units"]] == sorted(ranks, key=lambda u: (ranks[u], u))


A50 = indicator("a", "formula", weight=50, expr="value")
B50 = indicator("b", "formula", weight=50, expr="value")


@pytest.mark.parametrize(
    "tie_break, rows, exempt, ranks",
    [
        # u1 30 + 10 = 40, u2 10 + 30 = 40: no tie_break -> shared
        pytest.param((), dict(u1={"a": 30, "b": 10}, u2={"a": 10, "b": 30}), {}, {"u1": 1, "u2": 1}, id="no_tie_break"),
        # tie_break a: 30 > 10 -> u1 first
        pytest.param(("a",), dict(u1={"a": 30, "b": 10}, u2={"a": 10, "b": 30}), {}, {"u1": 1, "u2": 2}, id="tie_break_a"),
        # tie_break b: 30 > 10 -> u2 first
        pytest.param(("b",), dict(u1={"a": 30, "b": 10}, u2={"a": 10, "b": 30}), {}, {"u2": 1, "u1": 2}, id="tie_break_b"),
        # a 30.001 vs 30.004 both show 30.0, then b 9.999 vs 9.996 both show 10.0: still tied
        pytest.param(("a", "b"), dict(u1={"a": 30.001, "b": 9.999}, u2={"a": 30.004, "b": 9.996}), {},
                     {"u1": 1, "u2": 1}, id="tie_break_uses_shown_points"),
        # a equal, b decides: 20 + 20 vs 25 + 15 -> a 20 = 25? no: a 20 < 25 -> u2 first on a
        pytest.param(("a", "b"), dict(u1={"a": 20, "b": 20}, u2={"a": 25, "b": 15}), {}, {"u2": 1, "u1": 2},
                     id="first_listed_decides"),
        # u1 exempt from a: b 20 scaled 20 * 100/50 = 40; u2 10 + 30 = 40; tie_break a: u1 counts 0 < 10
        pytest.param(("a",), dict(u1={"b": 20}, u2={"a": 10, "b": 30}), {"u1": ["a"]}, {"u2": 1, "u1": 2},
                     id="exempt_counts_zero_in_tie_break"),
    ],
)
def test_tie_break(tie_break, rows, exempt, ranks):
    c = contest([A50, B50], units={"g": ["u1", "u2"]}, tie_break=tie_break, exempt=exempt)
    sheet = score(c, "2026-01", {"2026-01": rows})
    assert column(sheet, "total") == {"u1": 40.0, "u2": 40.0}
    assert column(sheet, "rank") == ranks


ADJ = [adjustment("award", 1, max=3), adjustment("accident", -5, min=-10), adjustment("bonus", 2),
       adjustment("major", veto=True)]


@pytest.mark.parametrize(
    "row, total, shown",
    [
        # award 5 * 1 = 5 -> max 3; accident 3 * -5 = -15 -> min -10; 50 + 3 - 10 = 43
        pytest.param({"a": 50, "award": 5, "accident": 3}, 43.0, {"award": 3.0, "accident": -10.0}, id="capped"),
        # award 2; accident 0 -> 0 (a row, shown); 50 + 2 = 52
        pytest.param({"a": 50, "award": 2, "accident": 0}, 52.0, {"award": 2.0, "accident": 0.0}, id="within_caps"),
        # no cap: bonus 4 * 2 = 8 -> 58
        pytest.param({"a": 50, "bonus": 4}, 58.0, {"bonus": 8.0}, id="uncapped"),
        # no rows -> nothing shown; veto item never shown
        pytest.param({"a": 50, "major": 0}, 50.0, {}, id="no_rows_veto_hidden"),
        # 1 * -5 = -5 -> 45
        pytest.param({"a": 50, "accident": 1}, 45.0, {"accident": -5.0}, id="deduction"),
    ],
)
def test_adjustments(row, total, shown):
    sheet = score(contest([VALUE], adjustments=ADJ), "2026-01", {"2026-01": {"u1": row}})
    assert unit_row(sheet, "u1")["total"] == total
    assert unit_row(sheet, "u1")["adjustments"] == shown


@pytest.mark.parametrize(
    "rows, ranks, vetoed",
    [
        # u1 100 and u4 90 vetoed: u3 70 -> 1, u2 50 -> 2, then u1 3, u4 4 (among themselves by S)
        pytest.param(dict(u1={"a": 100, "major": 1}, u2=50, u3=70, u4={"a": 90, "major": 2}),
                     {"u3": 1, "u2": 2, "u1": 3, "u4": 4}, {"u1", "u4"}, id="veto_ranks_last"),
        # c = 0 does not veto
        pytest.param(dict(u1={"a": 100, "major": 0}, u2=50, u3=70, u4=90),
                     {"u1": 1, "u4": 2, "u3": 3, "u2": 4}, set(), id="zero_count_no_veto"),
        # two vetoed units tied at 80: share rank 3
        pytest.param(dict(u1={"a": 80, "major": 1}, u2=50, u3=70, u4={"a": 80, "major": 1}),
                     {"u3": 1, "u2": 2, "u1": 3, "u4": 3}, {"u1", "u4"}, id="vetoed_tie_among_themselves"),
    ],
)
def test_veto(rows, ranks, vetoed):
    sheet = score(contest([VALUE], units=FOUR, adjustments=ADJ), "2026-01", {"2026-01": month(**rows)})
    assert column(sheet, "rank") == ranks
    assert {u for u, f in column(sheet, "flags").items() if "vetoed" in f} == vetoed
    assert unit_row(sheet, "u1")["total"] == rows["u1"]["a"]  # its score stays as computed and shown


A10 = indicator("a", "formula", weight=10, expr="value")
B30 = indicator("b", "formula", weight=30, expr="value")


@pytest.mark.parametrize(
    "exempt, rows, totals, a_cells",
    [
        # u1 exempt from a (its reported 10 ignored): b 15 * (10 + 30) / 30 = 20; u2 5 + 15 = 20
        pytest.param({"u1": ["a"]}, dict(u1={"a": 10, "b": 15}, u2={"a": 5, "b": 15}),
                     {"u1": 20.0, "u2": 20.0}, {"u1": None, "u2": 5.0}, id="exempt_scaled_up"),
        # u1 exempt from a, b missing: 0, scaled 0
        pytest.param({"u1": ["a"]}, dict(u1={"a": 10}, u2={"a": 5, "b": 15}),
                     {"u1": 0.0, "u2": 20.0}, {"u1": None, "u2": 5.0}, id="exempt_and_missing"),
        # u1 exempt from everything: only adjustments count (award 2 -> max 3 -> 2)
        pytest.param({"u1": ["a", "b"]}, dict(u1={"a": 10, "b": 30, "award": 2}, u2={"a": 5, "b": 15}),
                     {"u1": 2.0, "u2": 20.0}, {"u1": None, "u2": 5.0}, id="exempt_from_all"),
        # not exempt: a reported 0 is a value: 0 + 15
        pytest.param({}, dict(u1={"a": 0, "b": 15}, u2={"a": 5, "b": 15}),
                     {"u1": 15.0, "u2": 20.0}, {"u1": 0.0, "u2": 5.0}, id="zero_is_a_value"),
    ],
)
def test_exempt(exempt, rows, totals, a_cells):
    c = contest([A10, B30], units={"g": ["u1", "u2"]}, exempt=exempt, adjustments=ADJ)
    sheet = score(c, "2026-01", {"2026-01": rows})
    assert column(sheet, "total") == totals
    assert {u: i["a"] and i["a"]["points"] for u, i in column(sheet, "indicators").items()} == a_cells


def test_exempt_unit_is_not_flagged_missing_and_not_in_group_values():
    # efficacy over u1 0, u2 10 (u3 exempt, its 100 ignored): u1 10 * 0.6 = 6, u2 10
    c = contest([indicator("e", "efficacy")], exempt={"u3": ["e"]})
    sheet = score(c, "2026-01", {"2026-01": {"u1": {"e": 0}, "u2": {"e": 10}, "u3": {"e": 100}}})
    assert column(sheet, "total") == {"u1": 6.0, "u2": 10.0, "u3": 0.0}
    assert column(sheet, "flags") == {"u1": [], "u2": [], "u3": []}


@pytest.mark.parametrize(
    "ind, rows, totals, missing",
    [
        # efficacy, u3 missing: lo 0 hi 10 over u1, u2 -> u1 6, u2 10; u3 0 and missing
        pytest.param(indicator("e", "efficacy"), dict(u1={"e": 0}, u2={"e": 10}),
                     {"u1": 6.0, "u2": 10.0, "u3": 0.0}, {"u3"}, id="missing_out_of_min_max"),
        # rank, u3 missing: n = 2 -> u1 10, u2 10 - 1 * 10 / 1 = 0
        pytest.param(indicator("r", "rank"), dict(u1={"r": 5}, u2={"r": 3}),
                     {"u1": 10.0, "u2": 0.0, "u3": 0.0}, {"u3"}, id="missing_out_of_n"),
        # reported zero is a value: rank 0 < 3 < 5 -> 10, 5, 0
        pytest.param(indicator("r", "rank"), dict(u1={"r": 5}, u2={"r": 3}, u3={"r": 0}),
                     {"u1": 10.0, "u2": 5.0, "u3": 0.0}, set(), id="zero_is_ranked"),
        # u3 has no rows at all but an adjustment: every indicator missing, S = 0 + 1
        pytest.param(indicator("r", "rank"), dict(u1={"r": 5}, u2={"r": 3}, u3={"award": 1}),
                     {"u1": 10.0, "u2": 0.0, "u3": 1.0}, {"u3"}, id="adjustment_only_row"),
    ],
)
def test_missing(ind, rows, totals, missing):
    sheet = score(contest([ind], adjustments=ADJ), "2026-01", {"2026-01": rows})
    assert column(sheet, "total") == totals
    assert {u for u, f in column(sheet, "flags").items() if "missing" in f} == missing
    for u in missing:
        assert unit_row(sheet, u)["indicators"][ind.id] == {
            "value": None, "target": None, "ratio": None, "points": 0.0, "light": None, "missing": True}


def test_per_group_weights_and_null_for_a_group_not_scoring():
    # a: g only (10); b: g 10, h 20. v1 scores only b: 15 (no scaling: h's full weight is 20)
    a = indicator("a", "formula", weight={"g": 10}, expr="value")
    b = indicator("b", "formula", weight={"g": 10, "h": 20}, expr="value")
    c = contest([a, b], units={"g": ["u1"], "h": ["v1"]})
    sheet = score(c, "2026-01", {"2026-01": {"u1": {"a": 4, "b": 30}, "v1": {"a": 9, "b": 15}}})
    # u1: 4 + min(30, 10) = 14; v1: b 15 <= 20
    assert column(sheet, "total") == {"u1": 14.0, "v1": 15.0}
    assert unit_row(sheet, "v1")["indicators"]["a"] is None
    assert unit_row(sheet, "v1")["flags"] == []
    assert column(sheet, "rank") == {"u1": 1, "v1": 1}  # ranks are within groups


def test_cells_show_target_ratio_and_light():
    # linear, January: t = 100 / 12 = 8.3333; x 10 -> r 1.2 -> points 10 * 1.2 = 12 (cap 1.2); green
    # u2: x 8 -> r 0.96 -> 9.6, yellow; u3 missing: red, target still shown
    c = contest([indicator("a", target=100, progress="linear", cap=1.2)])
    sheet = score(c, "2026-01", {"2026-01": {"u1": {"a": 10}, "u2": {"a": 8}}})
    cells = {u: i["a"] for u, i in column(sheet, "indicators").items()}
    assert cells["u1"] == {"value": 10, "target": 8.3333, "ratio": 1.2, "points": 12.0, "light": "green", "missing": False}
    assert cells["u2"] == {"value": 8, "target": 8.3333, "ratio": 0.96, "points": 9.6, "light": "yellow", "missing": False}
    assert cells["u3"] == {"value": None, "target": 8.3333, "ratio": None, "points": 0.0, "light": "red", "missing": True}


def test_ratio_shown_unclamped_and_lights_by_lag_with_indicator_override():
    # contest by lag; a uses it: June p = 0.5, 30 / 120 = 0.25 -> lag 25 -> red
    # b has its own lights by ratio (defaults 1.0 / 0.9): r = 30 / 60 = 0.5 -> red; 150 / 60 = 2.5 green
    a = indicator("a", target=120, progress="linear")
    b = indicator("b", target=120, progress="linear", cap=1.5, lights=Lights.defaults("ratio"))
    c = contest([a, b], lights=Lights.defaults("lag"))
    sheet = score(c, "2026-06", {"2026-06": {"u1": {"a": 30, "b": 30}, "u2": {"a": 60, "b": 150}}})
    u1, u2 = unit_row(sheet, "u1")["indicators"], unit_row(sheet, "u2")["indicators"]
    assert (u1["a"]["light"], u1["b"]["light"]) == ("red", "red")
    assert (u2["a"]["light"], u2["b"]["light"], u2["b"]["ratio"]) == ("green", "green", 2.5)
    assert u2["b"]["points"] == 15.0  # 10 * 2.5 clamped to 10 * 1.5


def test_change_against_previous_scored_month():
    # Jan: 30, 20, 10 -> 1, 2, 3. Feb unscored. Mar: 10, 20, 30 -> 3, 2, 1; change = before - now
    results = {"2026-01": month(u1=30, u2=20, u3=10), "2026-03": month(u1=10, u2=20, u3=30)}
    c = contest([VALUE])
    assert column(score(c, "2026-01", results), "change") == {"u1": None, "u2": None, "u3": None}
    assert column(score(c, "2026-03", results), "change") == {"u1": -2, "u2": 0, "u3": 2}
    with pytest.raises(NotFound):
        score(c, "2026-02", results)


@pytest.mark.parametrize(
    "aggregate, totals, ranks",
    [
        # Jan 30, 20, 10; Feb 10, 40, 10 (Mar unscored)
        # mean: 20, 30, 10 -> u2 1, u1 2, u3 3
        pytest.param("mean", {"u1": 20.0, "u2": 30.0, "u3": 10.0}, {"u2": 1, "u1": 2, "u3": 3}, id="mean"),
        # sum: 40, 60, 20
        pytest.param("sum", {"u1": 40.0, "u2": 60.0, "u3": 20.0}, {"u2": 1, "u1": 2, "u3": 3}, id="sum"),
        # last (Feb): 10, 40, 10 -> u1 and u3 share 2 (no tie_break on longer periods)
        pytest.param("last", {"u1": 10.0, "u2": 40.0, "u3": 10.0}, {"u2": 1, "u1": 2, "u3": 2}, id="last"),
    ],
)
@pytest.mark.parametrize("period", ["2026-Q1", "2026-H1", "2026"])
def test_longer_periods_aggregate(aggregate, totals, ranks, period):
    results = {"2026-01": month(u1=30, u2=20, u3=10), "2026-02": month(u1=10, u2=40, u3=10)}
    sheet = score(contest([VALUE], aggregate=aggregate, tie_break=["a"]), period, results)
    assert sheet["kind"] == {"2026-Q1": "quarter", "2026-H1": "half", "2026": "year"}[period]
    assert column(sheet, "total") == totals
    assert column(sheet, "rank") == ranks
    # indicators: the mean of the month points: u1 (30 + 10) / 2 = 20
    assert unit_row(sheet, "u1")["indicators"] == {"a": 20.0}
    assert unit_row(sheet, "u1")["adjustments"] == {}
    assert ("red_flags" in unit_row(sheet, "u1")) == (period != "2026-Q1")


def test_longer_period_means_unrounded_scores():
    # Jan 0.005, Feb 0.004: mean 0.0045 -> 0.0 (the mean of shown totals, 0.01 and 0.0, would give 0.01)
    results = {"2026-01": month(u1=0.005), "2026-02": month(u1=0.004)}
    assert unit_row(score(contest([VALUE]), "2026-Q1", results), "u1")["total"] == 0.0


def test_longer_period_veto_exempt_missing_and_change():
    # Jan: u1 vetoed (50), u2 20, u3 missing 0. Apr: u1 10, u2 20, u3 30. u3 exempt from b.
    b = indicator("b", "formula", weight=10, expr="value")
    c = contest([VALUE, b], adjustments=ADJ, exempt={"u3": ["b"]})
    results = {"2026-01": {"u1": {"a": 50, "major": 1}, "u2": {"a": 20}},
               "2026-04": month(u1=10, u2=20, u3=30)}
    q1 = score(c, "2026-Q1", results)
    # Q1: u2 20 -> 1, u3 0 -> 2, u1 vetoed -> 3; no previous quarter scored -> change null
    assert column(q1, "rank") == {"u2": 1, "u3": 2, "u1": 3}
    assert column(q1, "flags") == {"u2": [], "u3": [], "u1": ["vetoed"]}  # no "missing" on longer sheets
    assert column(q1, "change") == {"u1": None, "u2": None, "u3": None}
    assert unit_row(q1, "u3")["indicators"] == {"a": 0.0, "b": None}
    q2 = score(c, "2026-Q2", results)
    # Q2: u3 30 * (100 + 10) / 100 = 33 (exempt from b) -> 1, u2 20 -> 2, u1 10 -> 3;
    # change: u2 1 - 2 = -1, u3 2 - 1 = 1, u1 3 - 3 = 0
    assert column(q2, "change") == {"u3": 1, "u2": -1, "u1": 0}
    # H1 mean over Jan and Apr: u1 (50 + 10) / 2 = 30 but vetoed; u2 20; u3 (0 + 33) / 2 = 16.5
    h1 = score(c, "2026-H1", results)
    assert column(h1, "total") == {"u1": 30.0, "u2": 20.0, "u3": 16.5}
    assert column(h1, "rank") == {"u2": 1, "u3": 2, "u1": 3}


def test_change_of_a_quarter_across_a_season_boundary():
    # season 2025-10 .. 2026-03: 2025-Q4 then 2026-Q1
    c = contest([VALUE], season=("2025-10", "2026-03"))
    results = {"2025-11": month(u1=1, u2=2, u3=3), "2026-02": month(u1=3, u2=2, u3=1)}
    assert column(score(c, "2026-Q1", results), "change") == {"u1": 2, "u2": 0, "u3": -2}
    assert column(score(c, "2026-02", results), "change") == {"u1": 2, "u2": 0, "u3": -2}


@pytest.mark.parametrize(
    "period, error, words",
    [
        pytest.param("2027-01", BadRequest, "2026-01 to 2026-12", id="month_outside_season"),
        pytest.param("2025", BadRequest, "season", id="year_outside_season"),
        pytest.param("2026-13", BadRequest, "period", id="not_a_period"),
        pytest.param("2026-05", NotFound, "2026-05", id="month_not_scored"),
        pytest.param("2026-Q3", NotFound, "2026-Q3", id="quarter_not_scored"),
    ],
)
def test_period_errors(period, error, words):
    with pytest.raises(error, match=words):
        score(contest([VALUE]), period, {"2026-01": month(u1=1)})


def test_formula_error_names_unit_and_indicator():
    c = contest([indicator("nhzb", "formula", expr="1 / value")])
    with pytest.raises(ScoringError, match="u2.*nhzb"):
        score(c, "2026-01", {"2026-01": {"u1": {"nhzb": 1}, "u2": {"nhzb": 0}}})


def test_a_formula_error_lists_every_unit_and_names_the_month_it_reads():
    """February's sheet reads January (for change): January's u1 and u3 fail, and say so."""
    c = contest([indicator("nhzb", "formula", expr="1 / value")])
    results = {"2026-01": {"u1": {"nhzb": 0}, "u2": {"nhzb": 2}, "u3": {"nhzb": 0}},
               "2026-02": {"u1": {"nhzb": 1}, "u2": {"nhzb": 2}, "u3": {"nhzb": 4}}}
    with pytest.raises(ScoringError) as caught:
        score(c, "2026-02", results)
    assert str(caught.value).startswith("cannot score unit u1 on indicator nhzb in 2026-01: the formula failed")
    assert "(and 1 more units)" in str(caught.value)
    assert [(d["unit"], d["period"]) for d in caught.value.details] == [("u1", "2026-01"), ("u3", "2026-01")]


@pytest.mark.parametrize(
    "results, months",
    [
        pytest.param({}, (), id="none"),
        # an adjustment row alone makes a month scored; months come back in season order
        pytest.param({"2026-03": {"u1": {"award": 1}}, "2026-01": {"u2": {"a": 1}}}, ("2026-01", "2026-03"),
                     id="adjustment_alone_counts"),
        # outside the season, unknown unit, unknown key, empty rows: not scored
        pytest.param({"2027-01": {"u1": {"a": 1}}, "2026-02": {"zz": {"a": 1}}, "2026-04": {"u1": {"zz": 1}},
                      "2026-05": {"u1": {}}}, (), id="rows_the_rules_do_not_know"),
    ],
)
def test_scored_months(results, months):
    assert scored_months(contest([VALUE], adjustments=ADJ), results) == months


def test_results_may_hold_any_months():
    # rows of a later month change nothing in an earlier sheet
    c = contest([VALUE])
    early = {"2026-01": month(u1=1, u2=2, u3=3)}
    assert score(c, "2026-01", early) == score(c, "2026-01", {**early, "2026-02": month(u1=9, u2=1, u3=1)})


def test_one_indicators_column_keeps_a_missing_value_as_none():
    """itemgetter of one key gives the value itself: a missing row must read None, not (None,)."""
    from arena.engine.month import _table

    assert _table([{"a": 1.0}, {}], ["a"]) == [(1.0, None)]
    assert _table([{"a": 1.0, "b": 2.0}, {"b": 3.0}], ["a", "b"]) == [(1.0, None), (2.0, 3.0)]
