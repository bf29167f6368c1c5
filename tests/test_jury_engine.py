"""The jury method (RULES.md "Showcase contests: the jury"): totals, the trimmed mean with
ties, P = weight * x / sum of max, the rule file's checks, and a jury value scoring like any
other (an exempt unit too). Every figure is computed by hand in the comment beside it."""

from __future__ import annotations

import pytest

from arena.engine.jury import JuryError, draw_order, judge_total, score_problems, trimmed_mean
from arena.engine.rules import RulesError, load_rules
from arena.engine.rules.model import Criterion
from arena.engine.sheet import score
from builders import unit_row

CRITERIA = (Criterion("cx", "创新性", 40), Criterion("sx", "实效性", 60))

RULES = """\
version: 1
contest: {id: zs, name: 展示擂台赛, season: {start: 2026-01, end: 2026-12}}
groups: {g: 区县组}
units:
  - {code: u1, name: 一, group: g}
  - {code: u2, name: 二, group: g}
  - {code: u3, name: 三, group: g}
indicators:
  - id: xczs
    name: 现场展示
    weight: 30
    method: jury
    criteria:
      - {id: cx, name: 创新性, max: 40}
      - {id: sx, name: 实效性, max: 60}
    trim: 1
  - {id: gdp, name: 增速, weight: 70, method: rank}
"""


def test_a_judges_total_is_the_sum_of_its_criteria():
    assert judge_total(CRITERIA, {"cx": 31.5, "sx": 48}) == 79.5  # 31.5 + 48


def test_trim_0_is_the_plain_mean():
    tally = trimmed_mean({"a": 80, "b": 70, "c": 90}, 0)
    assert tally.x == 80.0  # (80 + 70 + 90) / 3
    assert tally.dropped == frozenset()


def test_trim_1_drops_the_highest_and_the_lowest():
    tally = trimmed_mean({"a": 80, "b": 70, "c": 90, "d": 85, "e": 60}, 1)
    assert (tally.dropped_low, tally.dropped_high) == (("e",), ("c",))  # 60 and 90 go
    assert tally.x == pytest.approx(235 / 3)  # (80 + 70 + 85) / 3 = 78.333...


def test_trim_2_drops_two_at_each_end():
    totals = {"a": 50, "b": 95, "c": 70, "d": 88, "e": 61, "f": 77, "g": 90}
    tally = trimmed_mean(totals, 2)
    assert set(tally.dropped_low) == {"a", "e"} and set(tally.dropped_high) == {"b", "g"}  # 50, 61; 95, 90
    assert tally.x == pytest.approx(235 / 3)  # (70 + 88 + 77) / 3


def test_equal_totals_are_dropped_one_by_one_by_judge_and_the_mean_is_the_same():
    # totals 80, 80, 80, 70, 70: the highest is one of the three 80s, the lowest one of the 70s;
    # ordered by (total, judge): d70 e70 a80 b80 c80 -> d is dropped low, c high
    tally = trimmed_mean({"a": 80, "b": 80, "c": 80, "d": 70, "e": 70}, 1)
    assert (tally.dropped_low, tally.dropped_high) == (("d",), ("c",))
    assert tally.x == pytest.approx(230 / 3)  # (70 + 80 + 80) / 3 = 76.666...
    renamed = trimmed_mean({"z": 80, "y": 80, "x": 80, "w": 70, "v": 70}, 1)
    assert renamed.x == tally.x  # whichever equal total goes, the mean is the same


def test_every_total_equal():
    tally = trimmed_mean({"a": 66, "b": 66, "c": 66}, 1)
    assert tally.x == 66.0 and len(tally.dropped) == 2


@pytest.mark.parametrize("count, trim", [(2, 1), (4, 2), (0, 0)])
def test_a_jury_needs_more_than_2_trim_sheets(count, trim):
    with pytest.raises(JuryError, match=f"more than {2 * trim}"):
        trimmed_mean({f"j{k}": 50 for k in range(count)}, trim)


def test_score_problems_name_each_bad_score():
    problems = score_problems(CRITERIA, {"cx": 41, "sx": -1, "zz": 3})
    messages = {p["field"]: p["message"] for p in problems}
    assert set(messages) == {"scores.cx", "scores.sx", "scores.zz"}
    assert "0 to 40" in messages["scores.cx"] and "0 to 60" in messages["scores.sx"]
    assert score_problems(CRITERIA, {"cx": True, "sx": 60})[0]["field"] == "scores.cx"  # a boolean is no score
    assert score_problems(CRITERIA, {"cx": 40}, complete=False) == []  # a sheet filled as it goes
    assert score_problems(CRITERIA, {"cx": 40})[0]["field"] == "scores.sx"  # left out, when complete
    assert score_problems(CRITERIA, {"cx": 0, "sx": 60}) == []  # both ends are allowed


def test_the_draw_is_a_permutation_reproducible_from_its_seed():
    units = [f"u{k}" for k in range(15)]
    first = draw_order(units, 20260315)
    assert sorted(first) == sorted(units)
    assert draw_order(list(reversed(units)), 20260315) == first  # the seed alone decides
    assert draw_order(units, 20260316) != first
    assert draw_order(units, 7) == draw_order(units, 7)


def test_the_rule_file_loads_its_criteria_and_trim():
    ind = load_rules(RULES).indicators[0]
    assert ind.method == "jury" and ind.trim == 1
    assert ind.criteria == CRITERIA


def test_a_jury_value_scores_weight_times_x_over_the_sum_of_max():
    contest = load_rules(RULES)
    results = {"2026-03": {"u1": {"xczs": 78.5, "gdp": 1}, "u2": {"xczs": 100, "gdp": 2},
                           "u3": {"xczs": 0, "gdp": 3}}}
    sheet = score(contest, "2026-03", results)
    # 30 * 78.5 / (40 + 60) = 23.55; 30 * 100 / 100 = 30; 0
    assert unit_row(sheet, "u1")["indicators"]["xczs"]["points"] == 23.55
    assert unit_row(sheet, "u2")["indicators"]["xczs"]["points"] == 30.0
    assert unit_row(sheet, "u3")["indicators"]["xczs"]["points"] == 0.0
    # gdp ranks (higher better): u3 1st 70, u2 2nd 70 - 70 / 2 = 35, u1 3rd 0
    # totals: u1 23.55 + 0 = 23.55; u2 30 + 35 = 65; u3 0 + 70 = 70
    assert unit_row(sheet, "u1")["total"] == 23.55
    assert unit_row(sheet, "u2")["total"] == 65.0
    assert unit_row(sheet, "u3")["total"] == 70.0


def test_a_unit_exempt_from_the_jury_is_not_scored_on_it_and_its_total_scales():
    contest = load_rules(RULES + 'exempt: {"u3": [xczs]}\n')
    results = {"2026-03": {"u1": {"xczs": 50, "gdp": 1}, "u2": {"xczs": 80, "gdp": 2}, "u3": {"gdp": 3}}}
    sheet = score(contest, "2026-03", results)
    assert unit_row(sheet, "u3")["indicators"]["xczs"] is None
    assert "missing" not in unit_row(sheet, "u3")["flags"]
    # gdp: u3 3rd of 3 -> 0; u2 2nd -> 35; jury u2: 30 * 80 / 100 = 24 -> 59
    assert unit_row(sheet, "u2")["total"] == 59.0
    sheet = score(load_rules(RULES), "2026-03", results)  # not exempt: no jury value is missing
    assert unit_row(sheet, "u3")["indicators"]["xczs"]["missing"] is True
    assert "missing" in unit_row(sheet, "u3")["flags"]


def test_exempt_scaling_with_a_jury():
    contest = load_rules(RULES + 'exempt: {"u3": [xczs]}\n')
    sheet = score(contest, "2026-03", {"2026-03": {"u1": {"xczs": 50, "gdp": 3}, "u2": {"xczs": 80, "gdp": 2},
                                                   "u3": {"gdp": 5}}})
    # u3 ranks 1st on gdp: 70 points, assessed on 70 of 100: 70 * 100 / 70 = 100
    assert unit_row(sheet, "u3")["total"] == 100.0


@pytest.mark.parametrize("change, path, words", [
    ("    trim: 1\n", "indicators[0].trim", "from 0 to 10"),
    ("    criteria:\n      - {id: cx, name: 创新性, max: 40}\n      - {id: sx, name: 实效性, max: 60}\n",
     "indicators[0].criteria", "needs criteria"),
    ("      - {id: sx, name: 实效性, max: 60}\n", "indicators[0].criteria[1].id", "listed twice"),
    ("      - {id: sx, name: 实效性, max: 60}\n", "indicators[0].criteria[1].max", "greater than 0"),
    ("    trim: 1\n", "indicators[0].better", "better when higher"),
    ("    trim: 1\n", "indicators[0].target", "does not apply"),
    ("    trim: 1\n", "indicators[0].reported_by", "closes"),
])
def test_bad_jury_rules_are_refused_with_their_path(change, path, words):
    bad = {
        "indicators[0].trim": "    trim: -1\n",
        "indicators[0].criteria": "",
        "indicators[0].criteria[1].id": "      - {id: cx, name: 实效性, max: 60}\n",
        "indicators[0].criteria[1].max": "      - {id: sx, name: 实效性, max: 0}\n",
        "indicators[0].better": "    trim: 1\n    better: lower\n",
        "indicators[0].target": "    trim: 1\n    target: 80\n",
        "indicators[0].reported_by": "    trim: 1\n    reported_by: unit\n",
    }[path]
    with pytest.raises(RulesError) as caught:
        load_rules(RULES.replace(change, bad))
    found = {d["path"]: d["message"] for d in caught.value.details}
    assert path in found and words in found[path], found


def test_criteria_belong_to_the_jury_method():
    with pytest.raises(RulesError) as caught:
        load_rules(RULES.replace("method: rank}", "method: rank, trim: 1}"))
    assert any(d["path"] == "indicators[1].trim" and "belongs to method jury" in d["message"]
               for d in caught.value.details)


def test_the_fast_path_scores_a_jury_as_the_definition_does():
    import scalar_path

    contest = load_rules(RULES)
    results = {"2026-03": {"u1": {"xczs": 78.3333333333, "gdp": 1}, "u2": {"xczs": 99.99, "gdp": 2},
                           "u3": {"xczs": 12.125, "gdp": 3}}}
    assert score(contest, "2026-03", results) == scalar_path.score(contest, "2026-03", results)


def test_a_score_too_large_for_a_float_is_a_problem_not_a_crash():
    assert score_problems(CRITERIA, {"cx": 10 ** 400, "sx": 1})[0]["field"] == "scores.cx"
