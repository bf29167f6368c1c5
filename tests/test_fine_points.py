"""RULES.md "Fine points" that change scores, hand-computed, in both scoring paths: the
definition (methods.py, unit by unit; tests/scalar_path.py for whole sheets) and the fast path
(columns.py + vformula.py over numpy columns; engine.sheet.score)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import scalar_path
from arena.engine import columns
from arena.engine.formula import compile_formula
from arena.engine.methods import Column, indicator_points
from arena.engine.rules.model import Board
from arena.engine.sheet import score
from arena.engine.vformula import evaluate_column
from builders import column, contest, indicator

PROGRESS_28 = [0.05, 0.12, 0.2, 0.28, 0.36, 0.5, 0.58, 0.66, 0.75, 0.83, 0.91, 1.0]  # April: 0.28


def both_paths(ind, values: dict[str, float], month: str = "2026-03", weight: float = 10.0):
    """Points by methods.py and by columns.py for the same column; they must agree."""
    slow = indicator_points(Column(ind, weight, month, values))
    annual = np.array([ind.targets.get(u, ind.target) if (ind.target or ind.targets) else np.nan
                       for u in values], dtype=float)
    fast = columns.points(columns.VecColumn(ind, weight, month, np.array(list(values.values()), dtype=float),
                                            annual))
    assert fast is not None, "the column fell back to the unit-by-unit path"
    assert dict(zip(values, fast.tolist())) == slow
    return {u: round(p, 6) for u, p in slow.items()}


# -- comparisons in a formula see both sides rounded to 9 decimals -----------------------------

def test_value_at_the_mean_compares_equal_to_it():
    # mean = fsum(28.8, 24, 26.4) / 3 = 79.2 / 3 = 26.400000000000002 in floats; 26.4 >= it
    # only once both are rounded to 9 decimals: 26.4 >= 26.4 holds -> 10; 24 < 26.4 -> 0
    assert math.fsum([28.8, 24, 26.4]) / 3 > 26.4  # the float noise the rule is about
    ind = indicator("f", "formula", expr="weight if value >= mean else 0")
    assert both_paths(ind, {"a": 28.8, "b": 24.0, "c": 26.4}) == {"a": 10.0, "b": 0.0, "c": 10.0}


def test_ratio_shown_as_one_meets_one():
    # T 100, April's progress 0.28: t = 100 * 0.28 = 28.000000000000004, x 28:
    # r = 28 / 28.000000000000004 = 0.9999999999999999, shown as 1.0 -> ratio >= 1 holds -> 10
    assert 28 / (100 * 0.28) < 1
    ind = indicator("f", "formula", target=100, progress=PROGRESS_28, expr="weight if ratio >= 1 else weight / 2")
    # the second unit: 27 / 28.000000000000004 = 0.964... < 1 -> 10 / 2 = 5
    assert both_paths(ind, {"a": 28.0, "b": 27.0}, month="2026-04") == {"a": 10.0, "b": 5.0}


@pytest.mark.parametrize("expr, expected", [
    ("value == mean", 1.0),      # 26.4 == 26.400000000000002 after rounding
    ("value != mean", 0.0),
    ("value < mean", 0.0),       # not below it
    ("mean <= value", 1.0),
    ("mean > value", 0.0),
    ("0 < value <= mean", 1.0),  # a chained comparison rounds each pair
    ("0.1 + 0.2 == 0.3", 1.0),   # 0.30000000000000004 == 0.3 (constant, folded at compile)
    ("value > 26.4000000004", 0.0),  # 26.4 vs 26.4 at 9 decimals (26.4000000004 -> 26.4)
    ("value > 26.399999999", 1.0),   # differs in the 9th decimal: compared as written
])
def test_every_comparison_rounds_both_sides(expr, expected):
    names = {"value": 26.4, "mean": math.fsum([28.8, 24, 26.4]) / 3}
    f = compile_formula(expr, has_target=False)
    assert f.evaluate(names) == expected
    col = evaluate_column(f, {"value": np.array([26.4, 26.4]), "mean": names["mean"]}, 2)
    assert col is not None and col.tolist() == [expected, expected]


def test_sheets_of_both_paths_agree_on_the_mean_comparison():
    # one group of three; the formula gives 10 to units at or above the mean (28.8 and 26.4)
    c = contest([indicator("f", "formula", expr="weight if value >= mean else 0")], units={"g": ["a", "b", "c"]})
    results = {"2026-03": {"a": {"f": 28.8}, "b": {"f": 24.0}, "c": {"f": 26.4}}}
    fast, slow = score(c, "2026-03", results), scalar_path.score(c, "2026-03", results)
    assert fast == slow
    assert column(fast, "total") == {"a": 10.0, "b": 0.0, "c": 10.0}


def test_a_long_chain_scores_in_both_paths():
    # 83 terms "value+value+...": 83 * 6 - 1 = 497 characters, one level of nesting;
    # 0.1 * 83 = 8.3 (to 6 decimals) and 0.05 * 83 = 4.15
    ind = indicator("f", "formula", expr="+".join(["value"] * 83))
    assert both_paths(ind, {"a": 0.1, "b": 0.05}) == {"a": 8.3, "b": 4.15}


# -- the other fine points -------------------------------------------------------------------

def test_clamp_with_lo_above_hi_gives_hi():
    # clamp(v, lo, hi) = min(max(v, lo), hi): clamp(value, 8, 2) = min(max(5, 8), 2) = 2
    ind = indicator("f", "formula", expr="clamp(value, 8, 2)")
    assert both_paths(ind, {"a": 5.0, "b": 9.0}) == {"a": 2.0, "b": 2.0}
    assert compile_formula("clamp(5, 8, 2)", has_target=False).evaluate({}) == 2.0


def test_a_period_target_of_zero_gives_ratio_cap():
    # progress starts at 0: January's t = 100 * 0 = 0; higher: r = cap = 1.2 -> 10 * 1.2 = 12
    ind = indicator("c", "completion", target=100, cap=1.2, progress=[0.0] + [0.5] * 10 + [1.0])
    assert both_paths(ind, {"a": 3.0, "b": 0.0}, month="2026-01") == {"a": 12.0, "b": 12.0}


def test_board_defaults_to_three_and_three():
    # Board() is dragon 3 / tiger 3; with 7 units ranked 1..7: 1-3 dragon, 5-7 tiger, 4 neither
    assert Board() == Board(3, 3)
    c = contest([indicator("r", "rank")], units={"g": [f"u{k}" for k in range(1, 8)]})
    results = {"2026-03": {f"u{k}": {"r": float(10 - k)} for k in range(1, 8)}}
    sheet = score(c, "2026-03", results)
    assert column(sheet, "board") == {"u1": "dragon", "u2": "dragon", "u3": "dragon", "u4": None,
                                      "u5": "tiger", "u6": "tiger", "u7": "tiger"}
