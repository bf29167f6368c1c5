"""Rule files refused although RULES.md does not mention the case: each decision is written
in docs/rules-decisions.md with its reason, and pinned here (the example file of
test_rules.py, one edit each, one problem at its path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.engine.rules import RulesError, load_rules
from test_rules import GOOD, replace

DECISIONS = (Path(__file__).resolve().parents[1] / "docs" / "rules-decisions.md").read_text(encoding="utf-8")
STEP = "    step: 1                     # points lost per place (rank only; optional)"
LIGHTS = "lights: {by: ratio, green: 1.0, yellow: 0.9}"


@pytest.mark.parametrize("written, edit, path, fragment", [
    ("`precision` above 6", ("precision: 2 ", "precision: 7 "), "contest.precision", "from 0 to 6"),
    ("rank `floor` at or above the weight", (STEP, "    floor: 20"), "indicators[0].floor", "below the weight (20)"),
    ("rank `floor` at or above the weight", (STEP, "    floor: 25"), "indicators[0].floor", "below the weight (20)"),
    ("`yellow` above `green`", (LIGHTS, "lights: {by: ratio, green: 0.8, yellow: 0.9}"), "lights.yellow",
     "must not exceed green (0.8)"),
    ("`yellow` below `green`", (LIGHTS, "lights: {by: lag, green: 10, yellow: 5}"), "lights.yellow",
     "must not be below green (10)"),
    ("`last_place_months: 0`", ("last_place_months: 2}", "last_place_months: 0}"),
     "awards.warnings.last_place_months", "1 or more"),
    ("adjustment with `points: 0`", ("points: 1, max: 3}", "points: 0}"), "adjustments[0].points", "must not be 0"),
    ("negative `otherwise`", ("otherwise: 0                # default 0", "otherwise: -1"),
     "indicators[3].otherwise", "0 or more"),
    ("missing `version`", ("version: 1\n", ""), "version", "is required"),
    ("(it must be 1)", ("version: 1\n", "version: 2\n"), "version", "must be 1"),
    ("`contest.name`", ("  name: 2026年度全市综合擂台赛\n", ""), "contest.name", "is required"),
])
def test_refused_with_a_written_decision(written, edit, path, fragment):
    assert written in DECISIONS  # the decision and its reason are in the docs
    with pytest.raises(RulesError) as info:
        load_rules(replace(GOOD, edit))
    [problem] = info.value.details
    assert problem["path"] == path and fragment in problem["message"]


@pytest.mark.parametrize("edit", [
    ("precision: 2 ", "precision: 6 "),                                  # 6 is the most
    (STEP, "    floor: 19.5"),                                           # just below the weight
    (LIGHTS, "lights: {by: ratio, green: 0.9, yellow: 0.9}"),            # equal thresholds: no yellow band, allowed
    ("last_place_months: 2}", "last_place_months: 1}"),
    ("otherwise: 0                # default 0", "otherwise: 0.5"),
])
def test_the_edge_just_inside_loads(edit):
    load_rules(replace(GOOD, edit))
