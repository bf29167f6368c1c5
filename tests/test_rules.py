"""The rules loader: RULES.md's example loads to the model, and each mistake is reported with
its path, its line and a message that says how to fix it, all problems at once."""

import math

import pytest

from arena.engine.rules import model
from arena.engine.rules import RulesError, load_rules, rules_sha256
from arena.errors import ValidationFailed

# RULES.md's complete example, verbatim: the line numbers in the tables below count from here.
GOOD = """\
version: 1
contest:
  id: linyi-2026                # slug: [a-z0-9-], unique
  name: 2026年度全市综合擂台赛
  season: {start: 2026-01, end: 2026-12}   # months that are scored
  timezone: Asia/Shanghai       # default; all schedules and timestamps use it
  precision: 2                  # decimals shown and used for ranking (default 2)
  self_report: false            # may a unit's token submit its own results? (default false)

groups:                         # units are ranked only against their own group
  county: 区县组
  zone: 功能区组

units:
  - {code: "371302", name: 兰山区, group: county}
  - {code: "371311", name: 罗庄区, group: county}
  - {code: "371371", name: 临沂高新区, group: zone}

indicators:
  - id: gyzjz                   # [a-z][a-z0-9_]*, unique among indicators and adjustments
    name: 规上工业增加值增速
    unit: "%"
    weight: 20                  # full points of this indicator
    better: higher              # higher (default) | lower
    method: rank
    step: 1                     # points lost per place (rank only; optional)
  - id: gdzctz
    name: 固定资产投资
    unit: 亿元
    weight: 25
    method: completion
    target: 120                 # annual target for every unit ...
    targets: {"371302": 180}    # ... overridden per unit code
    progress: linear            # none (default) | linear | [12 cumulative fractions]
    cap: 1.2                    # points may reach weight * cap (default 1.0)
  - id: jgtz
    name: 工业技改投资增速
    unit: "%"
    weight: {county: 15, zone: 10}   # a weight per group (分类赋权) or one number
    method: efficacy
    base: 0.6                   # default 0.6
  - id: xzqy
    name: 新增规上工业企业
    unit: 家
    weight: 10
    method: bands
    of: value                   # value (default) | ratio
    bands:
      - {at_least: 10, points: 10}
      - {at_least: 5,  points: 6}
      - {at_least: 1,  points: 3}
    otherwise: 0                # default 0
  - id: nhzb
    name: 单位工业增加值能耗
    unit: 吨标准煤/万元
    weight: 10
    better: lower
    method: formula
    target: 0.5
    cap: 1.1
    expr: "clamp(target / value, 0, 1.1) * weight"
  - id: zsyz
    name: 招商引资到位资金
    unit: 亿元
    weight: 20
    method: completion
    target: 60
    progress: [0.05, 0.12, 0.2, 0.28, 0.36, 0.5, 0.58, 0.66, 0.75, 0.83, 0.91, 1.0]

adjustments:                    # reported as counts, in the same results table
  - {id: award, name: 获省级以上表彰, points: 1, max: 3}
  - {id: accident, name: 较大安全生产事故, points: -5, min: -10}
  - {id: major_accident, name: 重大安全生产事故, veto: true}

exempt: {"371371": [xzqy]}       # 免考核: a unit not assessed on some indicators
tie_break: [gyzjz, gdzctz]      # indicator ids, compared by their points, in order
aggregate: mean                 # how quarter, half-year and year scores combine months: mean | sum | last
lights: {by: ratio, green: 1.0, yellow: 0.9}   # or {by: lag, green: 0, yellow: 10}

awards:
  red_flags: {count: {county: 3, zone: 1}, min_score: 60}   # 流动红旗, each quarter, best places
  yellow_flags: {count: {county: 1}}                         # 黄旗, each quarter, worst places
  warnings: {last_place_months: 2}                           # 约谈 after N months last in group

board: {dragon: 3, tiger: 3}    # 龙榜 top N and 虎榜 bottom N of each group

publish:                        # when the scheduler publishes, in the contest's time zone
  monthly: {day: 10, at: "09:00"}     # month M is published on day 10 of month M+1
  quarterly: {day: 15, at: "09:00"}   # quarter Q's red flags on day 15 after it ends
"""


def replace(text: str, *edits: tuple[str, str]) -> str:
    """Apply edits (old, new), each old text found exactly once."""
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def problems(text: str | bytes) -> list[dict]:
    with pytest.raises(RulesError) as info:
        load_rules(text)
    return info.value.details


def indicator(contest: model.Contest, ident: str) -> model.Indicator:
    return next(i for i in contest.indicators if i.id == ident)


# -- the example loads -------------------------------------------------------------------------

EXAMPLE = load_rules(GOOD)

MODEL_CASES = [
    ("contest", lambda c: (c.id, c.name), ("linyi-2026", "2026年度全市综合擂台赛")),
    ("season", lambda c: (c.season_start, c.season_end, len(c.months)), ("2026-01", "2026-12", 12)),  # Jan..Dec
    ("contest_settings", lambda c: (c.timezone, c.precision, c.self_report, c.aggregate),
     ("Asia/Shanghai", 2, False, "mean")),
    ("groups_in_order", lambda c: list(c.groups.items()), [("county", "区县组"), ("zone", "功能区组")]),
    ("units", lambda c: [(u.code, u.name, u.group) for u in c.units],
     [("371302", "兰山区", "county"), ("371311", "罗庄区", "county"), ("371371", "临沂高新区", "zone")]),
    ("indicators_in_order", lambda c: [i.id for i in c.indicators],
     ["gyzjz", "gdzctz", "jgtz", "xzqy", "nhzb", "zsyz"]),
    ("one_weight_for_every_group", lambda c: dict(indicator(c, "gyzjz").weight), {"county": 20.0, "zone": 20.0}),
    ("weight_per_group", lambda c: dict(indicator(c, "jgtz").weight), {"county": 15.0, "zone": 10.0}),
    ("rank_step_and_floor", lambda c: (indicator(c, "gyzjz").step, indicator(c, "gyzjz").floor), (1.0, 0.0)),
    ("better_and_method", lambda c: [(i.better, i.method) for i in c.indicators][3:5],
     [("higher", "bands"), ("lower", "formula")]),
    # T(371302) is its targets entry 180; T(371311) is target 120
    ("target_override", lambda c: (indicator(c, "gdzctz").annual_target("371302"),
                                   indicator(c, "gdzctz").annual_target("371311")), (180.0, 120.0)),
    ("linear_progress", lambda c: indicator(c, "gdzctz").period_target("371311", "2026-03"), 30.0),  # 120 * 3/12
    ("listed_progress", lambda c: indicator(c, "zsyz").period_target("371302", "2026-06"), 30.0),  # 60 * 0.5
    ("no_progress", lambda c: indicator(c, "nhzb").period_target("371302", "2026-02"), 0.5),  # 0.5 * 1
    ("cap", lambda c: (indicator(c, "gdzctz").cap, indicator(c, "nhzb").cap, indicator(c, "gyzjz").cap),
     (1.2, 1.1, 1.0)),
    ("efficacy_base", lambda c: indicator(c, "jgtz").base, 0.6),
    ("bands_in_order", lambda c: (indicator(c, "xzqy").bands, indicator(c, "xzqy").otherwise, indicator(c, "xzqy").of),
     ((model.Band(10, 10), model.Band(5, 6), model.Band(1, 3)), 0.0, "value")),
    # clamp(0.5 / 0.4, 0, 1.1) * 10 = clamp(1.25, 0, 1.1) * 10 = 11
    ("formula_compiled", lambda c: indicator(c, "nhzb").formula.evaluate({"target": 0.5, "value": 0.4, "weight": 10}),
     11.0),
    ("only_formulas_compiled", lambda c: [i.formula is None for i in c.indicators], [True] * 4 + [False, True]),
    ("adjustments", lambda c: [(a.id, a.points, a.max, a.min, a.veto) for a in c.adjustments],
     [("award", 1.0, 3.0, None, False), ("accident", -5.0, None, -10.0, False),
      ("major_accident", 0.0, None, None, True)]),
    ("keys", lambda c: len(c.keys), 9),  # 6 indicators + 3 adjustments
    ("exempt", lambda c: dict(c.exempt), {"371371": frozenset({"xzqy"})}),
    ("tie_break", lambda c: c.tie_break, ("gyzjz", "gdzctz")),
    ("lights", lambda c: (c.lights, c.lights_for(indicator(c, "gdzctz"))), (model.Lights("ratio", 1.0, 0.9),) * 2),
    ("red_flags", lambda c: (dict(c.awards.red_flags.count), c.awards.red_flags.min_score),
     ({"county": 3, "zone": 1}, 60.0)),
    ("yellow_flags", lambda c: (dict(c.awards.yellow_flags.count), c.awards.yellow_flags.min_score),
     ({"county": 1}, 0.0)),
    ("warnings", lambda c: c.awards.last_place_months, 2),
    ("board", lambda c: c.board, model.Board(3, 3)),
    ("publish", lambda c: c.publish, model.Publish(model.Schedule(10, "09:00"), model.Schedule(15, "09:00"))),
]


@pytest.mark.parametrize("get, expected", [c[1:] for c in MODEL_CASES], ids=[c[0] for c in MODEL_CASES])
def test_example_loads_to_the_model(get, expected):
    assert get(EXAMPLE) == expected


def test_bytes_load_like_text():
    assert load_rules(GOOD.encode("utf-8")) == EXAMPLE
    assert load_rules(b"\xef\xbb\xbf" + GOOD.encode("utf-8")) == EXAMPLE  # a UTF-8 BOM is dropped


MINIMAL = """\
version: 1
contest: {id: mini, name: 小赛, season: {start: 2026-01, end: 2026-06}}
groups: {g: 组}
units: [{code: A1, name: 甲, group: g}]
indicators:
  - {id: a, name: 指标, weight: 5, method: rank}
"""

DEFAULT_CASES = [
    ("contest", lambda c: (c.timezone, c.precision, c.self_report, c.aggregate), ("Asia/Shanghai", 2, False, "mean")),
    ("lists", lambda c: (c.adjustments, dict(c.exempt), c.tie_break), ((), {}, ())),
    ("lights", lambda c: c.lights, model.Lights("ratio", 1.0, 0.9)),
    ("awards", lambda c: c.awards, model.Awards(None, None, None)),
    ("board", lambda c: c.board, model.Board(3, 3)),
    ("publish", lambda c: c.publish, model.Publish(model.Schedule(10, "09:00"), model.Schedule(15, "09:00"))),
    ("indicator", lambda c: (c.indicators[0].better, c.indicators[0].cap, c.indicators[0].step, c.indicators[0].floor,
                             c.indicators[0].unit, c.indicators[0].lights, c.indicators[0].has_target),
     ("higher", 1.0, None, 0.0, "", None, False)),
    ("progress", lambda c: c.indicators[0].progress, model.NO_PROGRESS),
    ("months", lambda c: c.months, ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")),
]


@pytest.mark.parametrize("get, expected", [c[1:] for c in DEFAULT_CASES], ids=[c[0] for c in DEFAULT_CASES])
def test_keys_left_out_take_their_defaults(get, expected):
    assert get(load_rules(MINIMAL)) == expected


# Each case: edits of the example that keep it valid, and what the model then holds.
BUILD_CASES = [
    ("indicator_lights_take_the_defaults_of_their_by", [("    cap: 1.2 ", "    lights: {by: lag}\n    cap: 1.2 ")],
     lambda c: indicator(c, "gdzctz").lights, model.Lights("lag", 0.0, 10.0)),
    ("indicator_lights_replace_the_contests", [("    cap: 1.2 ", "    lights: {by: lag, yellow: 20}\n    cap: 1.2 ")],
     lambda c: c.lights_for(indicator(c, "gdzctz")), model.Lights("lag", 0.0, 20.0)),
    ("contest_lights_by_lag", [("lights: {by: ratio, green: 1.0, yellow: 0.9}", "lights: {by: lag, green: 5}")],
     lambda c: c.lights, model.Lights("lag", 5.0, 10.0)),
    ("progress_none", [("progress: linear", "progress: none")],
     lambda c: indicator(c, "gdzctz").progress, model.NO_PROGRESS),
    ("at_most_bands_rise_for_better_lower",
     [("    of: value ", "    better: lower\n    of: value "), ("at_least: 10,", "at_most: 1,"),
      ("at_least: 5,", "at_most: 5,"), ("at_least: 1,", "at_most: 10,")],
     lambda c: indicator(c, "xzqy").bands, (model.Band(1, 10), model.Band(5, 6), model.Band(10, 3))),
    ("bands_of_ratio_with_a_target", [("of: value", "of: ratio\n    target: 12")],
     lambda c: (indicator(c, "xzqy").of, indicator(c, "xzqy").target), ("ratio", 12.0)),
    ("formula_names_kept", [('expr: "clamp(target / value, 0, 1.1) * weight"', 'expr: "ratio * weight"')],
     lambda c: indicator(c, "nhzb").formula.names, frozenset({"ratio", "weight"})),
    ("one_schedule_key", [('monthly: {day: 10, at: "09:00"}', "monthly: {day: 12}")],
     lambda c: c.publish.monthly, model.Schedule(12, "09:00")),
    ("other_schedule_key", [('quarterly: {day: 15, at: "09:00"}', 'quarterly: {at: "18:30"}')],
     lambda c: c.publish.quarterly, model.Schedule(15, "18:30")),
    ("board_one_side", [("board: {dragon: 3, tiger: 3}", "board: {dragon: 5}")], lambda c: c.board, model.Board(5, 3)),
    ("fractional_weight", [("weight: 20  ", "weight: 12.5")], lambda c: dict(indicator(c, "gyzjz").weight),
     {"county": 12.5, "zone": 12.5}),
    ("rank_floor", [("step: 1 ", "floor: 2.5")], lambda c: indicator(c, "gyzjz").floor, 2.5),
    ("uncapped_adjustment", [("points: 1, max: 3", "points: 0.5")],
     lambda c: (c.adjustments[0].points, c.adjustments[0].max), (0.5, None)),
    ("weight_map_leaves_a_group_out", [("{county: 15, zone: 10}", "{county: 15}")],
     lambda c: dict(indicator(c, "jgtz").weight), {"county": 15.0}),
    ("quoted_codes_stay_text", [('{code: "371302"', '{code: "0440100"'), ('{"371302": 180}', '{"0440100": 180}')],
     lambda c: (c.units[0].code, dict(indicator(c, "gdzctz").targets)), ("0440100", {"0440100": 180.0})),
]


@pytest.mark.parametrize("edits, get, expected", [c[1:] for c in BUILD_CASES], ids=[c[0] for c in BUILD_CASES])
def test_valid_variants_build_the_model(edits, get, expected):
    assert get(load_rules(replace(GOOD, *edits))) == expected


# -- one mistake each ---------------------------------------------------------------------------

# (id, old text, new text, path, line, fragment of the message). The line is the example's line of
# the edited text; a missing key points at its parent's line.
BAD_CASES = [
    ("version_not_1", "version: 1", "version: 2", "version", 1, "must be 1"),
    ("version_bool", "version: 1", "version: true", "version", 1, "whole number"),
    ("version_missing", "version: 1\n", "", "version", 1, "is required"),  # parent: the root, now at line 1
    ("unknown_top_key", "aggregate: mean ", "aggregat: mean ", "aggregat", 77, "unknown key"),
    ("contest_not_mapping", "contest:\n  id: linyi-2026", "contest: 5\nx:\n  id: linyi-2026", "contest", 2,
     "must be a mapping"),
    ("contest_name_missing", "  name: 2026年度全市综合擂台赛\n", "", "contest.name", 2, "is required"),  # contest: line 2
    ("contest_name_null", "name: 2026年度全市综合擂台赛", "name:", "contest.name", 4, "has no value"),
    ("contest_name_blank", "name: 2026年度全市综合擂台赛", 'name: "  "', "contest.name", 4, "must not be empty"),
    ("contest_name_tab", "name: 2026年度全市综合擂台赛", 'name: "a\\tb"', "contest.name", 4, "control character"),
    ("contest_id_slug", "id: linyi-2026 ", "id: Linyi_2026 ", "contest.id", 3, "not a valid contest id"),
    ("contest_id_too_long", "id: linyi-2026 ", "id: " + "a" * 65 + " ", "contest.id", 3, "at most 64"),
    ("contest_id_newline", "id: linyi-2026 ", 'id: "linyi-2026\\n" ', "contest.id", 3, "not a valid contest id"),
    ("season_fullwidth_digits", "start: 2026-01,", "start: ２０２６-01,", "contest.season.start", 5, "YYYY-MM"),
    ("season_missing", "  season: {start: 2026-01, end: 2026-12}", "", "contest.season", 2, "is required"),
    ("season_end_before_start", "end: 2026-12", "end: 2025-12", "contest.season.end", 5, "must not be before start"),
    ("season_as_date", "start: 2026-01,", "start: 2026-01-01,", "contest.season.start", 5, "the date 2026-01-01"),
    ("season_as_int", "end: 2026-12", "end: 202612", "contest.season.end", 5, "YYYY-MM"),
    ("season_month_13", "end: 2026-12", "end: 2026-13", "contest.season.end", 5, "YYYY-MM"),
    ("season_unknown_key", "end: 2026-12}", "end: 2026-12, middle: 2026-06}", "contest.season.middle", 5,
     "unknown key"),
    ("timezone_unknown", "timezone: Asia/Shanghai", "timezone: Mars/Olympus", "contest.timezone", 6, "IANA"),
    ("timezone_path", "timezone: Asia/Shanghai", "timezone: ../../etc/passwd", "contest.timezone", 6, "IANA"),
    ("precision_too_high", "precision: 2 ", "precision: 7 ", "contest.precision", 7, "from 0 to 6"),
    ("precision_float", "precision: 2 ", "precision: 2.0 ", "contest.precision", 7, "whole number"),
    ("self_report_text", "self_report: false", 'self_report: "no"', "contest.self_report", 8, "true or false"),
    ("self_report_number", "self_report: false", "self_report: 0", "contest.self_report", 8, "true or false"),
    ("groups_empty", "groups:                         # units are ranked only against their own group\n"
     "  county: 区县组\n  zone: 功能区组\n", "groups: {}\n", "groups", 10, "must not be empty"),
    ("group_id_pattern", "  zone: 功能区组", '  zone: 功能区组\n  "市 直": 市直组', 'groups["市 直"]', 13,
     "not a valid id"),
    ("group_name_blank", "zone: 功能区组", 'zone: ""', "groups.zone", 12, "must not be empty"),
    ("group_unquoted_no", "  zone: 功能区组", "  zone: 功能区组\n  no: 其他组", "groups.no", 13,
     'group id no must be quoted: YAML reads it as the boolean false, not as text; write "no"'),
    ("units_not_list", "units:\n", "units: 7\nxunits:\n", "units", 14, "must be a list"),
    ("unit_code_duplicate", '{code: "371311"', '{code: "371302"', "units[1].code", 16, "listed twice"),
    ("unit_code_octal", '{code: "371311"', "{code: 0440100", "units[1].code", 16,
     'unit code 0440100 must be quoted: YAML reads it as the number 147520, not as text; write "0440100"'),
    ("unit_code_int", '{code: "371311"', "{code: 371311", "units[1].code", 16,
     'unit code 371311 must be quoted: YAML reads it as the number 371311, not as text; write "371311"'),
    ("unit_code_spaces", '{code: "371311"', '{code: "37 13"', "units[1].code", 16, "not a valid unit code"),
    ("unit_code_newline", '{code: "371311"', '{code: "371311\\n"', "units[1].code", 16, "not a valid unit code"),
    ("unit_group_unknown", "罗庄区, group: county}", "罗庄区, group: city}", "units[1].group", 16,
     "group city is not one of the groups (county, zone)"),
    ("unit_group_unquoted_no", "罗庄区, group: county}", "罗庄区, group: no}", "units[1].group", 16,
     'group id no must be quoted'),
    ("unit_group_missing", "罗庄区, group: county}", "罗庄区}", "units[1].group", 16, "is required"),
    ("unit_name_empty", "name: 罗庄区,", 'name: "",', "units[1].name", 16, "must not be empty"),
    ("indicators_empty", "indicators:\n", "indicators: []\nxindicators:\n", "indicators", 19, "must not be empty"),
    ("indicator_not_mapping", "  - id: zsyz", "  - 7\n  - id: zsyz", "indicators[5]", 62, "must be a mapping"),
    ("indicator_id_duplicate", "- id: jgtz", "- id: gyzjz", "indicators[2].id", 36, "id gyzjz is used twice"),
    ("id_shared_with_adjustment", "- id: jgtz", "- id: award", "adjustments[0].id", 71, "id award is used twice"),
    ("indicator_id_pattern", "- id: jgtz", "- id: 9jgtz", "indicators[2].id", 36, "not a valid id"),
    ("indicator_unit_tab", "unit: 家", 'unit: "家\\t"', "indicators[3].unit", 44, "control character (U+0009)"),
    ("indicator_unknown_key", "    unit: 家", "    unit: 家\n    colour: red", "indicators[3].colour", 45,
     "unknown key"),
    ("weight_zero", "weight: 20  ", "weight: 0   ", "indicators[0].weight", 23, "greater than 0"),
    ("weight_bool", "weight: 20  ", "weight: true", "indicators[0].weight", 23, "greater than 0"),
    ("weight_text", "weight: 20  ", 'weight: "20"', "indicators[0].weight", 23, "must be a number"),
    ("weight_nan", "weight: 20  ", "weight: .nan", "indicators[0].weight", 23, "must be a number"),
    ("weight_inf", "weight: 20  ", "weight: .inf", "indicators[0].weight", 23, "must be a finite number"),
    ("weight_huge", "weight: 20  ", "weight: 1.0e+13", "indicators[0].weight", 23, "must be at most 1e+12 in size"),
    ("weight_tiny", "weight: 20  ", "weight: 1.0e-300", "indicators[0].weight", 23, "must be 0 or at least 1e-12"),
    ("weight_missing", "    weight: 20  ", "   ", "indicators[0].weight", 20, "is required"),  # the item: line 20
    ("group_weight_zero", "{county: 15, zone: 10}", "{county: 15, zone: 0}", "indicators[2].weight.zone", 39,
     "greater than 0"),
    ("group_weight_unknown_group", "{county: 15, zone: 10}", "{county: 15, city: 10}",
     "indicators[2].weight.city", 39, "group city is not one of the groups"),
    ("group_weight_unquoted_key", "{county: 15, zone: 10}", "{county: 15, no: 10}", "indicators[2].weight.no", 39,
     "group id no must be quoted"),
    ("group_weights_empty", "{county: 15, zone: 10}", "{}", "indicators[2].weight", 39, "must not be empty"),
    ("better_unknown", "better: higher ", "better: up ", "indicators[0].better", 24, "higher, lower"),
    ("method_unknown", "method: rank", "method: ranking", "indicators[0].method", 25, "completion, rank"),
    ("method_missing", "    method: rank\n", "", "indicators[0].method", 20, "is required"),
    ("step_zero", "step: 1 ", "step: 0 ", "indicators[0].step", 26, "greater than 0"),
    ("floor_not_below_weight", "step: 1 ", "floor: 20", "indicators[0].floor", 26, "below the weight (20)"),
    ("floor_negative", "step: 1 ", "floor: -1", "indicators[0].floor", 26, "0 or more"),
    ("bands_on_rank", "step: 1 ", "bands: [{at_least: 1, points: 1}]", "indicators[0].bands", 26,
     "bands belongs to method bands; this indicator's method is rank"),
    ("expr_on_rank", "step: 1 ", 'expr: "value"', "indicators[0].expr", 26, "expr belongs to method formula"),
    ("step_on_completion", "    cap: 1.2 ", "    step: 1\n    cap: 1.2 ", "indicators[1].step", 35,
     "step belongs to method rank"),
    ("base_on_bands", "    otherwise: 0 ", "    base: 0.5\n    otherwise: 0 ", "indicators[3].base", 52,
     "base belongs to method efficacy"),
    ("target_zero", "target: 120 ", "target: 0   ", "indicators[1].target", 32, "greater than 0"),
    ("target_tiny", "target: 120 ", "target: 1.0e-300", "indicators[1].target", 32, "must be 0 or at least 1e-12"),
    ("target_huge", "target: 120 ", "target: 1.0e+300", "indicators[1].target", 32, "must be at most 1e+12"),
    ("target_negative", "target: 60", "target: -60", "indicators[5].target", 67, "greater than 0"),
    ("targets_zero", '{"371302": 180}', '{"371302": 0}', "indicators[1].targets.371302", 33, "greater than 0"),
    ("targets_unknown_unit", '{"371302": 180}', '{"371302": 180, "999": 1}', "indicators[1].targets.999", 33,
     "unit 999 is not listed in units"),
    ("targets_unquoted_int", '{"371302": 180}', "{371302: 180}", "indicators[1].targets.371302", 33,
     "unit code 371302 must be quoted"),
    ("targets_unquoted_octal", '{"371302": 180}', "{0440100: 180}", "indicators[1].targets.0440100", 33,
     "reads it as the number 147520"),
    # no target, and targets only for 371302: the other two units score it
    ("completion_without_target_for_some_units", "    target: 120                 # annual target for every unit ...\n",
     "", "indicators[1].targets", 32, "none for 371311, 371371"),
    ("completion_without_any_target", "    target: 60\n", "", "indicators[5].target", 62,
     "needs a target for every unit that scores it; none for 371302, 371311, 371371"),
    ("progress_unknown_word", "progress: linear", "progress: quadratic", "indicators[1].progress", 34,
     "12 cumulative fractions"),
    ("progress_too_short", "progress: linear", "progress: [0.5, 1]", "indicators[1].progress", 34, "12"),
    ("progress_falls", "[0.05, 0.12,", "[0.05, 0.02,", "indicators[5].progress[1]", 68, "below the month before"),
    ("progress_ends_below_1", "0.91, 1.0]", "0.91, 0.99]", "indicators[5].progress[11]", 68, "must be 1"),
    ("progress_above_1", "[0.05, 0.12,", "[0.05, 1.2,", "indicators[5].progress[1]", 68, "between 0 and 1"),
    ("progress_without_target", "step: 1 ", "progress: linear", "indicators[0].progress", 26, "needs a target"),
    ("lights_without_target", "step: 1 ", "lights: {by: lag}", "indicators[0].lights", 26, "needs a target"),
    ("cap_zero", "cap: 1.2 ", "cap: 0   ", "indicators[1].cap", 35, "must be 1 or more"),
    ("cap_below_1", "cap: 1.1", "cap: 0.2", "indicators[4].cap", 60, "(1.2 is 120%)"),
    ("base_above_1", "base: 0.6 ", "base: 1.5 ", "indicators[2].base", 41, "between 0 and 1"),
    ("of_unknown", "of: value", "of: vale", "indicators[3].of", 47, "value, ratio"),
    # of: ratio divides by a target that xzqy does not have
    ("of_ratio_without_target", "of: value", "of: ratio", "indicators[3].target", 42, "needs a target"),
    ("band_wrong_direction_key", "{at_least: 5,  points: 6}", "{at_most: 5,  points: 6}",
     "indicators[3].bands[1].at_most", 50, "better: higher, so its bands use at_least"),
    ("band_without_threshold", "{at_least: 5,  points: 6}", "{points: 6}", "indicators[3].bands[1].at_least", 50,
     "each band needs at_least"),
    ("bands_not_falling", "at_least: 5,", "at_least: 10,", "indicators[3].bands[1].at_least", 50,
     "below the band before (10)"),
    ("band_points_above_weight", "points: 6}", "points: 11}", "indicators[3].bands[1].points", 50,
     "must not exceed weight * cap (10)"),
    # weight {county: 8, zone: 9}: the first band's 10 points exceed county's 8 * 1.0; 6 and 3 do not
    ("band_points_above_a_groups_weight", "    weight: 10\n    method: bands",
     "    weight: {county: 8, zone: 9}\n    method: bands", "indicators[3].bands[0].points", 49, "(8)"),
    ("band_points_negative", "points: 6}", "points: -1}", "indicators[3].bands[1].points", 50, "0 or more"),
    ("band_points_missing", "{at_least: 5,  points: 6}", "{at_least: 5}", "indicators[3].bands[1].points", 50,
     "is required"),
    ("band_unknown_key", "points: 6}", "points: 6, x: 1}", "indicators[3].bands[1].x", 50, "unknown key"),
    ("bands_empty", "    bands:\n      - {at_least: 10, points: 10}\n      - {at_least: 5,  points: 6}\n"
     "      - {at_least: 1,  points: 3}\n", "    bands: []\n", "indicators[3].bands", 48, "at least one band"),
    ("bands_missing", "    bands:\n      - {at_least: 10, points: 10}\n      - {at_least: 5,  points: 6}\n"
     "      - {at_least: 1,  points: 3}\n", "", "indicators[3].bands", 42, "method bands needs bands"),
    ("otherwise_above_weight", "otherwise: 0 ", "otherwise: 11", "indicators[3].otherwise", 52, "weight * cap (10)"),
    ("expr_missing", '    expr: "clamp(target / value, 0, 1.1) * weight"\n', "", "indicators[4].expr", 53,
     "method formula needs expr"),
    ("expr_import", '"clamp(target / value, 0, 1.1) * weight"', "\"__import__('os')\"", "indicators[4].expr", 61,
     "unknown function"),
    ("expr_huge_constant", '"clamp(target / value, 0, 1.1) * weight"', '"9 ** 9 ** 9"', "indicators[4].expr", 61,
     "too large"),
    ("expr_target_without_target", "    target: 0.5\n", "", "indicators[4].expr", 60, "target"),
    ("expr_ratio_without_all_targets", "    target: 0.5\n", '    targets: {"371302": 0.5}\n', "indicators[4].targets",
     59, "none for 371311, 371371"),
    ("expr_not_text", '"clamp(target / value, 0, 1.1) * weight"', "12", "indicators[4].expr", 61, "must be quoted"),
    ("adjustment_points_zero", "points: 1, max: 3", "points: 0", "adjustments[0].points", 71, "must not be 0"),
    ("adjustment_max_with_negative", "points: 1, max: 3", "points: -1, max: 3", "adjustments[0].max", 71,
     "caps positive points only"),
    ("adjustment_min_positive", "min: -10", "min: 10", "adjustments[1].min", 72, "floors negative points only"),
    ("adjustment_points_missing", ", points: 1, max: 3", "", "adjustments[0].points", 71, "or set veto: true"),
    ("veto_with_points", "veto: true}", "veto: true, points: -3}", "adjustments[2].points", 73,
     "a veto item carries no points"),
    ("veto_false_without_points", "veto: true}", "veto: false}", "adjustments[2].points", 73, "is required"),
    ("veto_not_bool", "veto: true}", "veto: yes please}", "adjustments[2].veto", 73, "true or false"),
    ("exempt_unknown_unit", 'exempt: {"371371"', 'exempt: {"999"', "exempt.999", 75, "unit 999 is not listed"),
    ("exempt_unquoted_code", 'exempt: {"371371"', "exempt: {371371", "exempt.371371", 75,
     "unit code 371371 must be quoted"),
    ("exempt_adjustment", "[xzqy]}", "[xzqy, award]}", "exempt.371371[1]", 75, "award is not an indicator id"),
    ("exempt_from_everything", "[xzqy]}", "[gyzjz, gdzctz, jgtz, xzqy, nhzb, zsyz]}", "exempt.371371", 75,
     "exempt from every indicator its group scores"),
    ("tie_break_unknown", "[gyzjz, gdzctz]", "[gyzjz, nope]", "tie_break[1]", 76, "nope is not an indicator id"),
    ("tie_break_twice", "[gyzjz, gdzctz]", "[gyzjz, gyzjz]", "tie_break[1]", 76, "listed twice"),
    ("tie_break_not_list", "[gyzjz, gdzctz]", "gyzjz", "tie_break", 76, "must be a list"),
    ("aggregate_unknown", "aggregate: mean", "aggregate: median", "aggregate", 77, "mean, sum, last"),
    ("lights_ratio_order", "green: 1.0, yellow: 0.9", "green: 0.8, yellow: 0.9", "lights.yellow", 78,
     "must not exceed green (0.8)"),
    ("lights_lag_order", "{by: ratio, green: 1.0, yellow: 0.9}", "{by: lag, green: 20}", "lights.yellow", 78,
     "must not be below green (20)"),  # yellow defaults to 10 for lag
    ("lights_by_unknown", "{by: ratio, green: 1.0, yellow: 0.9}", "{by: speed}", "lights.by", 78, "ratio, lag"),
    ("flag_count_negative", "{county: 3, zone: 1}", "{county: 3, zone: -1}", "awards.red_flags.count.zone", 81,
     "0 or more"),
    ("flag_count_unknown_group", "{county: 3, zone: 1}", "{county: 3, city: 1}", "awards.red_flags.count.city", 81,
     "group city is not one of the groups"),
    ("flag_count_unquoted_group", "{county: 3, zone: 1}", "{county: 3, no: 1}", "awards.red_flags.count.no", 81,
     "group id no must be quoted"),
    ("flag_count_missing", "{count: {county: 3, zone: 1}, min_score: 60}", "{min_score: 60}",
     "awards.red_flags.count", 81, "is required"),
    ("yellow_flags_min_score", "{count: {county: 1}}", "{count: {county: 1}, min_score: 3}",
     "awards.yellow_flags.min_score", 82, "unknown key"),
    ("warnings_zero", "{last_place_months: 2}", "{last_place_months: 0}", "awards.warnings.last_place_months", 83,
     "1 or more"),
    ("board_fraction", "{dragon: 3,", "{dragon: 3.5,", "board.dragon", 85, "whole number"),
    ("board_negative", "tiger: 3}", "tiger: -1}", "board.tiger", 85, "0 or more"),
    ("publish_day_29", '{day: 10, at: "09:00"}', '{day: 29, at: "09:00"}', "publish.monthly.day", 88, "1 to 28"),
    ("publish_time_unquoted", '{day: 10, at: "09:00"}', "{day: 10, at: 10:30}", "publish.monthly.at", 88,
     'at 10:30 must be quoted: YAML reads it as the number 630'),  # YAML 1.1 base 60: 10 * 60 + 30
    ("publish_time_invalid", '{day: 15, at: "09:00"}', '{day: 15, at: "25:00"}', "publish.quarterly.at", 89, "HH:MM"),
    ("duplicate_key", "    cap: 1.1\n", "    cap: 1.1\n    cap: 1.3\n", "indicators[4].cap", 61, "written twice"),
]


@pytest.mark.parametrize("old, new, path, line, fragment", [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_one_mistake_is_reported_with_path_and_line(old, new, path, line, fragment):
    details = problems(replace(GOOD, (old, new)))
    assert [(d["path"], d["line"]) for d in details if fragment in d["message"]] == [(path, line)], details
    assert len(details) <= 2, details  # the mistake itself, and at most its "unknown key" twin


def test_every_problem_is_reported_at_once_sorted_by_line():
    text = replace(GOOD, ("version: 1", "version: 3"), ("{code: \"371311\"", "{code: 0440100"),
                   ("points: 6}", "points: 60}"), ("aggregate: mean", "aggregate: median"),
                   ("{by: ratio, green: 1.0, yellow: 0.9}", "{by: ratio, green: 1.0, yellow: 0.9, blue: 2}"))
    details = problems(text)
    assert [(d["path"], d["line"]) for d in details] == [
        ("version", 1), ("units[1].code", 16), ("indicators[3].bands[1].points", 50), ("aggregate", 77),
        ("lights.blue", 78)]
    with pytest.raises(RulesError) as info:
        load_rules(text)
    assert info.value.message == "the rule file has 5 problems"
    assert all(set(d) == {"path", "line", "message"} for d in info.value.details)


def test_the_error_is_a_422_validation_failure():
    with pytest.raises(RulesError) as info:
        load_rules(replace(GOOD, ("version: 1", "version: 2")))
    error = info.value
    assert isinstance(error, ValidationFailed)
    assert (error.status, error.code, error.message) == (422, "validation_failed", "the rule file has 1 problem")
    assert error.to_dict() == {"error": {"code": "validation_failed", "message": "the rule file has 1 problem",
                                         "details": [{"path": "version", "line": 1, "message": "must be 1"}]}}


@pytest.mark.parametrize("text, expected", [
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),  # FIPS 180-2's "abc"
    (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),  # sha256 of nothing
])
def test_rules_sha256_is_sha256_of_the_utf8_bytes(text, expected):
    assert rules_sha256(text) == expected


def test_rules_sha256_is_stable_and_sensitive():
    assert rules_sha256(GOOD) == rules_sha256(GOOD.encode("utf-8")) == rules_sha256(GOOD)
    assert rules_sha256(GOOD) != rules_sha256(GOOD + " ")
    assert rules_sha256("兰山区") == rules_sha256("兰山区".encode("utf-8"))
    assert len(rules_sha256(GOOD)) == 64 and not math.isnan(int(rules_sha256(GOOD), 16))
