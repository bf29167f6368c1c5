"""RULES.md, sentence by sentence, where the other engine tests left a sentence unpinned or
pinned it only through hand-built Contest objects: each case loads a small rule file with
load_rules (so the loader's defaults are the ones scored), scores it, and checks a figure
computed by hand in the comment beside it. Case ids name the sentence they check."""

from __future__ import annotations

import pytest

import scalar_path
from arena.engine.rules import RulesError, load_rules
from arena.engine.sheet import score
from builders import column, unit_row

HEAD = """\
version: 1
contest: {id: t, name: 测试, season: {start: 2026-01, end: 2026-12}}
groups: {g: 甲组, h: 乙组}
units:
  - {code: u1, name: 一, group: g}
  - {code: u2, name: 二, group: g}
  - {code: u3, name: 三, group: g}
"""
H_UNITS = """\
  - {code: v1, name: 四, group: h}
  - {code: v2, name: 五, group: h}
  - {code: v3, name: 六, group: h}
"""
ONE_GROUP = HEAD.replace(", h: 乙组", "")


def rules(body: str, head: str = ONE_GROUP) -> str:
    return head + body


def cell(unit: str, ind: str, field: str):
    return lambda sheet: unit_row(sheet, unit)["indicators"][ind][field]


def field(name: str):
    return lambda sheet: column(sheet, name)


def flagged(flag: str):
    return lambda sheet: {u for u, fs in column(sheet, "flags").items() if flag in fs}


def rows(**units):
    """unit -> {"a": x} (a dict is the row itself)."""
    return {u: v if isinstance(v, dict) else {"a": v} for u, v in units.items()}


VALUE_A = "  - {id: a, name: 甲, weight: 100, method: formula, expr: value}\n"
VETO = "adjustments:\n  - {id: veto, name: 否决, veto: true}\n"

# (id, rule file, results, period, what to read from the sheet, expected)
SHEET_CASES = [
    # "Progress p(m): `none` gives 1" (and none is the default): t = 120 * 1 = 120 in March;
    # u1 60 / 120 = 0.5 -> 10 * 0.5 = 5; u2 120 / 120 = 1 -> 10; u3 missing -> 0
    ("progress_none_gives_1_by_default",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, method: completion, target: 120}\n"),
     {"2026-03": rows(u1=60, u2=120)}, "2026-03", field("total"), {"u1": 5.0, "u2": 10.0, "u3": 0.0}),
    ("progress_none_target_shown_is_T",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, method: completion, target: 120}\n"),
     {"2026-03": rows(u1=60, u2=120)}, "2026-03", cell("u1", "a", "target"), 120.0),
    # "a list gives its k(m)-th entry", non-decreasing with a plateau: April is the 4th entry 0.25;
    # t = 80 * 0.25 = 20; u1 10 / 20 = 0.5 -> 5; u2 30 / 20 = 1.5 -> 10 (cap 1.0)
    ("progress_list_kth_entry_with_plateau",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, method: completion, target: 80,\n"
           "     progress: [0, 0, 0.25, 0.25, 0.5, 0.5, 0.5, 0.75, 0.75, 0.75, 0.9, 1]}\n"),
     {"2026-04": rows(u1=10, u2=30)}, "2026-04", field("total"), {"u1": 5.0, "u2": 10.0, "u3": 0.0}),
    # "r = cap where x <= 0" (better: lower, cap 1.2): u1 0 -> r 1.2 -> 12; u2 -1 -> 12;
    # u3 40 -> r = 50 / 40 = 1.25 -> 12.5, clamped to 10 * 1.2 = 12
    ("lower_ratio_is_cap_where_x_le_0",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, better: lower, cap: 1.2, method: completion,"
           " target: 50}\n"),
     {"2026-01": rows(u1=0, u2=-1, u3=40)}, "2026-01", field("total"), {"u1": 12.0, "u2": 12.0, "u3": 12.0}),
    # "ratio is shown as computed (not clamped by cap)": u3 50 / 40 = 1.25 shown, x <= 0 shows cap 1.2
    ("ratio_shown_unclamped",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, better: lower, cap: 1.2, method: completion,"
           " target: 50}\n"),
     {"2026-01": rows(u1=0, u2=-1, u3=40)}, "2026-01",
     lambda s: [unit_row(s, u)["indicators"]["a"]["ratio"] for u in ("u1", "u2", "u3")], [1.2, 1.2, 1.25]),
    # efficacy "base: default 0.6": lo 2, hi 10; u1 10 * 0.6 = 6; u2 10 * (0.6 + 0.4 * 2 / 8) = 7; u3 10
    ("efficacy_base_defaults_to_0_6",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, method: efficacy}\n"),
     {"2026-01": rows(u1=2, u2=4, u3=10)}, "2026-01", field("total"), {"u1": 6.0, "u2": 7.0, "u3": 10.0}),
    # bands "of: value (default)", "otherwise: default 0" (a target present, so of: ratio would differ):
    # u1 12 >= 10 -> 10; u2 7 >= 5 -> 6; u3 1 meets none -> 0
    ("bands_of_value_and_otherwise_0_by_default",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, method: bands, target: 100,\n"
           "     bands: [{at_least: 10, points: 10}, {at_least: 5, points: 6}]}\n"),
     {"2026-01": rows(u1=12, u2=7, u3=1)}, "2026-01", field("total"), {"u1": 10.0, "u2": 6.0, "u3": 0.0}),
    # bands "at_most for lower", first met in the order written: u1 0.5 <= 1 -> 10; u2 3 <= 3 -> 6;
    # u3 4 meets none -> otherwise 2
    ("bands_at_most_for_lower",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, better: lower, method: bands, otherwise: 2,\n"
           "     bands: [{at_most: 1, points: 10}, {at_most: 3, points: 6}]}\n"),
     {"2026-01": rows(u1=0.5, u2=3, u3=4)}, "2026-01", field("total"), {"u1": 10.0, "u2": 6.0, "u3": 2.0}),
    # bands "of: ratio" for lower, r = t / x at 4 decimals against at_most: u1 50 / 55 = 0.90909 ->
    # 0.9091: not <= 0.9, <= 1.0 -> 8; u2 50 / 40 = 1.25 -> otherwise 10; u3 50 / 60 = 0.8333 -> 4
    ("bands_of_ratio_lower_uses_at_most_on_r",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, better: lower, method: bands, of: ratio,"
           " target: 50, otherwise: 10,\n     bands: [{at_most: 0.9, points: 4}, {at_most: 1.0, points: 8}]}\n"),
     {"2026-01": rows(u1=55, u2=40, u3=60)}, "2026-01", field("total"), {"u1": 8.0, "u2": 10.0, "u3": 4.0}),
    # "A band's points may not exceed weight * cap": 12 = 10 * 1.2 is allowed and scored in full
    ("band_points_up_to_weight_times_cap",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, cap: 1.2, method: bands,"
           " bands: [{at_least: 5, points: 12}]}\n"),
     {"2026-01": rows(u1=5, u2=4)}, "2026-01", field("total"), {"u1": 12.0, "u2": 0.0, "u3": 0.0}),
    # rank "n = units ranked": u3 is exempt (its 100 does not compete) -> n = 2; u1 5 rank 1 -> 10;
    # u2 3 rank 2 -> 10 - 1 * 10 / 1 = 0 (had u3 competed: u1 rank 2 of 3 -> 5); u3 null on a, and
    # flagged missing for b, which it did not report
    ("rank_n_leaves_exempt_units_out",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, method: rank}\n"
           "  - {id: b, name: 乙, weight: 10, method: formula, expr: value}\nexempt: {u3: [a]}\n"),
     {"2026-01": rows(u1=5, u2=3, u3=100)}, "2026-01",
     lambda s: ({u: unit_row(s, u)["indicators"]["a"] and unit_row(s, u)["indicators"]["a"]["points"]
                 for u in ("u1", "u2", "u3")}, unit_row(s, "u3")["flags"]),
     ({"u1": 10.0, "u2": 0.0, "u3": None}, ["missing"])),
    # "left out of the group's values, of n, of min, max and mean": u3 missing; n 2, mean 15,
    # max 20, min 10 -> n + mean + max - min = 2 + 15 + 20 - 10 = 27 for u1 and u2; u3 0
    ("missing_left_out_of_n_min_max_mean",
     rules("indicators:\n  - {id: a, name: 甲, weight: 100, method: formula, expr: 'n + mean + max - min'}\n"),
     {"2026-01": rows(u1=10, u2=20)}, "2026-01", field("total"), {"u1": 27.0, "u2": 27.0, "u3": 0.0}),
    # "S = sum of P (scaled as above for an exempt unit) + sum of adjustment points": u1 exempt from a;
    # b 15 * (10 + 30) / 30 = 20, + award 2 = 22 (not (15 + 2) * 40 / 30 = 22.67); u2 5 + 15 = 20
    ("exempt_scaling_leaves_adjustments_unscaled",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, method: formula, expr: value}\n"
           "  - {id: b, name: 乙, weight: 30, method: formula, expr: value}\n"
           "adjustments:\n  - {id: award, name: 奖, points: 1, max: 3}\nexempt: {u1: [a]}\n"),
     {"2026-01": {"u1": {"b": 15, "award": 2}, "u2": {"a": 5, "b": 15}}}, "2026-01", field("total"),
     {"u1": 22.0, "u2": 20.0, "u3": 0.0}),
    # "Indicator points are shown unscaled; only the total scales": u1's b shows 15, not 20
    ("exempt_points_shown_unscaled",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, method: formula, expr: value}\n"
           "  - {id: b, name: 乙, weight: 30, method: formula, expr: value}\nexempt: {u1: [a]}\n"),
     {"2026-01": {"u1": {"b": 15}, "u2": {"a": 5, "b": 15}}}, "2026-01",
     lambda s: (unit_row(s, "u1")["indicators"], unit_row(s, "u1")["total"]),
     ({"a": None, "b": {"value": 15, "target": None, "ratio": None, "points": 15.0, "light": None,
                        "missing": False}}, 20.0)),
    # "Exempt scaling: the sum of the weights of the indicators that its group scores": a is h's only
    # (weight {h: 50}); in g, u1 exempt from b: c 10 * (b 30 + c 10) / 10 = 40 (a's 50 not counted)
    ("exempt_scaling_counts_the_groups_weights_only",
     rules("indicators:\n  - {id: a, name: 甲, weight: {h: 50}, method: formula, expr: value}\n"
           "  - {id: b, name: 乙, weight: 30, method: formula, expr: value}\n"
           "  - {id: c, name: 丙, weight: 10, method: formula, expr: value}\nexempt: {u1: [b]}\n",
           HEAD + H_UNITS),
     {"2026-01": {"u1": {"c": 10}, "u2": {"b": 30, "c": 10}}}, "2026-01", field("total", ),
     {"u1": 40.0, "u2": 40.0, "u3": 0.0, "v1": 0.0, "v2": 0.0, "v3": 0.0}),
    # "vetoed units rank among themselves the same way (S, then tie_break)": u1, u2 vetoed at 40 each;
    # tie_break a: u1 30 > u2 10 -> u3 (2) 1, u1 2, u2 3
    ("vetoed_rank_among_themselves_by_tie_break",
     rules("indicators:\n  - {id: a, name: 甲, weight: 50, method: formula, expr: value}\n"
           "  - {id: b, name: 乙, weight: 50, method: formula, expr: value}\n" + VETO + "tie_break: [a]\n"),
     {"2026-01": {"u1": {"a": 30, "b": 10, "veto": 1}, "u2": {"a": 10, "b": 30, "veto": 1},
                  "u3": {"a": 1, "b": 1}}}, "2026-01", field("rank"), {"u3": 1, "u1": 2, "u2": 3}),
    # "tie_break: an indicator ... not scored by its group counts as 0 points there": in h, a (g only)
    # is 0 for all; v1 b 5 + c 8 = 13 = v2 b 8 + c 5 -> a ties (0 = 0), b decides 8 > 5: v2 1, v1 2;
    # v3 1 + 1 = 2 -> 3
    ("tie_break_indicator_not_scored_by_group_counts_0",
     rules("indicators:\n  - {id: a, name: 甲, weight: {g: 10}, method: formula, expr: value}\n"
           "  - {id: b, name: 乙, weight: 10, method: formula, expr: value}\n"
           "  - {id: c, name: 丙, weight: {h: 10}, method: formula, expr: value}\ntie_break: [a, b]\n",
           HEAD + H_UNITS),
     {"2026-01": {"u1": {"a": 1}, "v1": {"b": 5, "c": 8}, "v2": {"b": 8, "c": 5}, "v3": {"b": 1, "c": 1}}},
     "2026-01", field("rank"), {"u1": 1, "u2": 2, "u3": 2, "v2": 1, "v1": 2, "v3": 3}),
    # aggregate "last (the last scored month)": Jan u1 10, u2 5, u3 1; Feb u1 silent (S = 0), u2 3,
    # u3 2 -> Q1 = Feb: u2 3 -> 1, u3 2 -> 2, u1 0 -> 3
    ("aggregate_last_is_the_last_scored_month",
     rules("indicators:\n" + VALUE_A + "aggregate: last\n"),
     {"2026-01": rows(u1=10, u2=5, u3=1), "2026-02": rows(u2=3, u3=2)}, "2026-Q1",
     lambda s: (column(s, "total"), column(s, "rank")),
     ({"u2": 3.0, "u3": 2.0, "u1": 0.0}, {"u2": 1, "u3": 2, "u1": 3})),
    # aggregate "mean (default)" over the scored months: u1 (10 + 0) / 2 = 5; u2 (5 + 3) / 2 = 4;
    # u3 (1 + 2) / 2 = 1.5
    ("aggregate_mean_by_default",
     rules("indicators:\n" + VALUE_A),
     {"2026-01": rows(u1=10, u2=5, u3=1), "2026-02": rows(u2=3, u3=2)}, "2026-Q1", field("total"),
     {"u1": 5.0, "u2": 4.0, "u3": 1.5}),
    # red flags "min_score (default 0)": count 1; u1 -5 ranks 1 but -5 < 0 -> no flag
    ("red_flag_min_score_defaults_to_0_excludes_negative",
     rules("indicators:\n" + VALUE_A + "adjustments:\n  - {id: fine, name: 扣, points: -5, min: -10}\n"
           "awards:\n  red_flags: {count: {g: 1}}\n"),
     {"2026-02": {"u1": {"fine": 1}, "u2": {"fine": 2}, "u3": {"fine": 2}}}, "2026-Q1",
     lambda s: (column(s, "total"), flagged("red_flag")(s)), ({"u1": -5.0, "u2": -10.0, "u3": -10.0}, set())),
    # ... and 0 >= 0 wins: u1 reports a 0 (S = 0), u2 and u3 -5
    ("red_flag_min_score_default_0_inclusive",
     rules("indicators:\n" + VALUE_A + "adjustments:\n  - {id: fine, name: 扣, points: -5, min: -10}\n"
           "awards:\n  red_flags: {count: {g: 1}}\n"),
     {"2026-02": {"u1": {"a": 0}, "u2": {"fine": 1}, "u3": {"fine": 1}}}, "2026-Q1", flagged("red_flag"), {"u1"}),
    # warnings: "Groups are counted by the units the rules list": u3 never reports, yet the group has 3
    # listed units; u3 S = 0 is last in Jan and Feb -> warned in Feb (with missing)
    ("warning_group_counted_by_listed_units",
     rules("indicators:\n" + VALUE_A + "awards:\n  warnings: {last_place_months: 2}\n"),
     {"2026-01": rows(u1=5, u2=3), "2026-02": rows(u1=5, u2=3)}, "2026-02", field("flags"),
     {"u1": [], "u2": [], "u3": ["missing", "warning"]}),
    # lights by lag: "A missing value is red": June p = 6 / 12 = 0.5; u1 60 / 120 = 0.5 -> lag 0 green;
    # u3 48 / 120 = 0.4 -> lag 100 * 0.1 = 10.00 <= 10 yellow; u2 missing -> red
    ("lag_missing_value_is_red",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, method: completion, target: 120, progress: linear}\n"
           "lights: {by: lag}\n"),
     {"2026-06": rows(u1=60, u3=48)}, "2026-06",
     lambda s: {u: unit_row(s, u)["indicators"]["a"]["light"] for u in ("u1", "u2", "u3")},
     {"u1": "green", "u2": "red", "u3": "yellow"}),
    # "An indicator's own lights replaces the contest's for that indicator entirely (keys it leaves out
    # take the defaults of its by)": contest green 1.2 / yellow 1.1; a's own {yellow: 0.5} -> green 1.0
    # (default, not 1.2); u1 r = 1.0 green (1.2 would say yellow); u2 0.6 yellow (1.1 would say red);
    # u3 0.4 red. b follows the contest: r 1.0 -> red (below 1.1)
    ("indicator_lights_replace_the_contests_entirely",
     rules("indicators:\n  - {id: a, name: 甲, weight: 10, method: completion, target: 100, lights: {yellow: 0.5}}\n"
           "  - {id: b, name: 乙, weight: 10, method: completion, target: 100}\n"
           "lights: {by: ratio, green: 1.2, yellow: 1.1}\n"),
     {"2026-01": {"u1": {"a": 100, "b": 100}, "u2": {"a": 60}, "u3": {"a": 40}}}, "2026-01",
     lambda s: ({u: unit_row(s, u)["indicators"]["a"]["light"] for u in ("u1", "u2", "u3")},
                unit_row(s, "u1")["indicators"]["b"]["light"]),
     ({"u1": "green", "u2": "yellow", "u3": "red"}, "red")),
    # "Ranking uses S rounded half away from zero to precision": precision 1; u1 40.24999999999999
    # -> 40.25 -> 40.3 ties u2 40.3; u3 40.24 -> 40.2 -> 3
    ("ranking_uses_rounded_S_after_9_decimals",
     rules("indicators:\n" + VALUE_A).replace("2026-12}}", "2026-12}, precision: 1}"),
     {"2026-01": rows(u1=40.24999999999999, u2=40.3, u3=40.24)}, "2026-01", field("rank"),
     {"u1": 1, "u2": 1, "u3": 3}),
    # "A unit vetoed in any of those months is vetoed for the period" (aggregate last, veto in Jan only):
    # Q1 = Feb: u1 9 best, but vetoed -> 3; u2 5 -> 1, u3 4 -> 2; no dragon for u1 (board dragon 3)
    ("vetoed_in_any_month_of_the_period",
     rules("indicators:\n" + VALUE_A + VETO + "aggregate: last\n"),
     {"2026-01": rows(u1={"a": 1, "veto": 1}, u2=1, u3=1), "2026-02": rows(u1=9, u2=5, u3=4)}, "2026-Q1",
     lambda s: (column(s, "rank"), column(s, "board")["u1"], flagged("vetoed")(s)),
     ({"u2": 1, "u3": 2, "u1": 3}, "tiger", {"u1"})),
]


@pytest.mark.parametrize("text, results, period, get, expected", [c[1:] for c in SHEET_CASES],
                         ids=[c[0] for c in SHEET_CASES])
def test_sheet_as_written(text, results, period, get, expected):
    contest = load_rules(text)
    assert get(score(contest, period, results)) == expected
    assert get(scalar_path.score(contest, period, results)) == expected  # the unit-by-unit definition too


BAD_ONE = "indicators:\n  - {{id: a, name: 甲, weight: 10, {}}}\n"

# (id, indicator fields, path, fragment of the message)
VALIDATION_CASES = [
    # "weights <= 0": a negative weight, one number or per group
    ("weight_negative", "weight_override", "indicators[0].weight", "greater than 0"),
    ("group_weight_negative", "group_weight_override", "indicators[0].weight.g", "greater than 0"),
    # "bands out of order ... at_most strictly rising": 3 then 1 falls, 3 then 3 does not rise
    ("at_most_falling", "better: lower, method: bands, bands: [{at_most: 3, points: 6}, {at_most: 1, points: 8}]",
     "indicators[0].bands[1].at_most", "above the band before (3)"),
    ("at_most_equal", "better: lower, method: bands, bands: [{at_most: 3, points: 6}, {at_most: 3, points: 8}]",
     "indicators[0].bands[1].at_most", "above the band before (3)"),
    # "Targets used by completion, by of: ratio and by ratio in formulas must be > 0"
    ("target_0_of_ratio", "method: bands, of: ratio, target: 0, bands: [{at_least: 1, points: 6}]",
     "indicators[0].target", "greater than 0"),
    ("target_0_ratio_in_formula", "method: formula, target: 0, expr: 'ratio * weight'",
     "indicators[0].target", "greater than 0"),
    ("targets_entry_negative_completion", "method: completion, target: 5, targets: {u2: -1}",
     "indicators[0].targets.u2", "greater than 0"),
    # "a progress list that is not 12 non-decreasing fractions ending in 1"
    ("progress_negative_fraction", "method: completion, target: 10, progress: [-0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]",
     "indicators[0].progress[0]", "between 0 and 1"),
    ("progress_13_entries", "method: completion, target: 10, progress: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]",
     "indicators[0].progress", "12"),
    # "A band's points may not exceed weight * cap": 12.5 > 10 * 1.2
    ("band_points_above_weight_times_cap", "cap: 1.2, method: bands, bands: [{at_least: 5, points: 12.5}]",
     "indicators[0].bands[0].points", "weight * cap (12)"),
    # formula: "At most 500 characters"; "9 ** 9 ** 9 is refused"; "a name that needs a target"
    ("formula_over_500_characters", "method: formula, expr: '" + "value " + " " * 495 + "'",
     "indicators[0].expr", "longer than 500"),
    ("formula_9_9_9", "method: formula, expr: '9 ** 9 ** 9'", "indicators[0].expr", "too large"),
    ("formula_annual_target_without_target", "method: formula, expr: 'annual_target'",
     "indicators[0].expr", "annual_target"),
]


@pytest.mark.parametrize("fields, path, fragment", [c[1:] for c in VALIDATION_CASES],
                         ids=[c[0] for c in VALIDATION_CASES])
def test_rule_file_refused_as_written(fields, path, fragment):
    text = ONE_GROUP + BAD_ONE.format(fields)
    text = text.replace("weight: 10, weight_override", "weight: -5, method: rank")
    text = text.replace("weight: 10, group_weight_override", "weight: {g: -5}, method: rank")
    with pytest.raises(RulesError) as info:
        load_rules(text)
    found = [(d["path"], d["message"]) for d in info.value.details]
    assert any(p == path and fragment in m for p, m in found), found
    assert all(d["line"] >= 1 for d in info.value.details)  # "reported with its path ... and its line"
