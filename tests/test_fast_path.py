"""The fast path (whole columns, numpy: engine/columns.py, vformula.py) against the definition
(engine/methods.py, unit by unit: the engine with the fast path off, tests/scalar_path.py):
identical sheets, byte for byte, and identical errors, on random contests (hypothesis,
derandomized). Also the two pieces the fast path rests on: the vectorized half-up rounding and
the column-wide formula evaluator."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import scalar_path
from arena.bench import data as bench_data
from arena.engine import month as month_module
from arena.engine.formula import FormulaError, compile_formula
from arena.engine.numbers import round_half_up, round_half_up_array, round_half_up_list
from arena.engine.rules import load_rules
from arena.engine.rules.model import Lights
from arena.engine.sheet import score, scored_months, sheet_months
from arena.engine.vformula import evaluate_column
from builders import adjustment, contest, flag_rule, indicator

SETTINGS = settings(derandomize=True, max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")
PERIODS = (*MONTHS, "2026-Q1", "2026-Q2", "2026-H1", "2026")
NAMES = ("value", "rank", "n", "min", "max", "mean", "weight", "month")
TARGETED = ("target", "annual_target", "ratio")
# figures a person reports: ties, zeros, negatives, x.xx5, and now and then something odd
NICE_FIGURES = [0.0, 1.0, 2.5, 7.0, 7.0, 10.0, 12.345, 40.25, 99.995, 100.0, 150.0, -3.5, 0.005, 1.005, 5e-324,
                28.8, 24.0, 26.4, 28.0]  # the mean of 28.8, 24, 26.4 is 26.400000000000002; 28 / (100 * 0.28) < 1
# a progress list whose April (0.28) gives t = 100 * 0.28 = 28.000000000000004: ratio noise
PROGRESS_NOISE = [0.05, 0.12, 0.2, 0.28, 0.36, 0.5, 0.58, 0.66, 0.75, 0.83, 0.91, 1.0]
NICE = st.sampled_from(NICE_FIGURES)
ODD = [7, 0, True, float("nan"), float("inf"), None, "12", -0.0, 1e300]


def figure(rnd: random.Random) -> float:
    kind = rnd.random()
    if kind < 0.4:
        return rnd.choice(NICE_FIGURES)
    if kind < 0.8:
        return rnd.randint(-500, 20000) / 100
    return rnd.uniform(-1e4, 1e4)


def expressions(targeted: bool):
    """Formulas of the rule language, constants and names mixed so both paths are exercised."""
    names = NAMES + (TARGETED if targeted else ())
    numbers = ["0", "1", "2", "0.5", "3", "100", "2.5", "1e3", "True"]
    atom = st.one_of(st.sampled_from(names), st.sampled_from(numbers))
    # comparisons where float noise would decide, unless both sides are rounded to 9 decimals
    sides = ["value", "mean", "min", "max", "1", "26.4", "0.1 + 0.2", "0.3"] + (["ratio"] if targeted else [])
    noisy = st.tuples(st.sampled_from(sides), st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
                      st.sampled_from(sides)).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    atom = st.one_of(atom, noisy)

    def grow(inner):
        pair = st.tuples(inner, inner)
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "**", "<", "<=", ">", ">=", "==", "!="]),
                      inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})"),
            pair.map(lambda t: f"({t[0]} and {t[1]})"), pair.map(lambda t: f"({t[0]} or {t[1]})"),
            inner.map(lambda a: f"(not {a})"), inner.map(lambda a: f"(-{a})"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"),
            st.tuples(st.sampled_from(["abs", "sqrt", "log", "round"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(inner, st.integers(0, 9)).map(lambda t: f"round({t[0]}, {t[1]})"),
            st.tuples(inner, inner, inner).map(lambda t: f"clamp({t[0]}, {t[1]}, {t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"log({t[0]}, {t[1]})"),
        )
    return st.recursive(atom, grow, max_leaves=6)


@st.composite
def formulas(draw, targeted: bool):
    text = draw(expressions(targeted))
    try:
        return compile_formula(text, has_target=targeted)
    except FormulaError:
        assume(False)


@st.composite
def indicators(draw, k: int, groups: list[str], units: list[str]):
    method = draw(st.sampled_from(("completion", "rank", "efficacy", "bands", "formula")))
    better, cap = draw(st.sampled_from(("higher", "lower"))), draw(st.sampled_from((1.0, 1.2)))
    scored = draw(st.lists(st.sampled_from(groups), min_size=1, unique=True))
    weight = {g: draw(st.sampled_from((2.5, 5.0, 10.0, 12.5))) for g in scored}
    fields: dict = {"better": better, "cap": cap, "weight": weight}
    if method == "completion" or draw(st.booleans()):
        fields["target"] = draw(st.sampled_from((10.0, 50.0, 120.0, 7.3, 100.0)))
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(units), unique=True))
            fields["targets"] = {u: draw(st.sampled_from((5.0, 80.0, 33.3))) for u in chosen}
        fields["progress"] = draw(st.sampled_from(("none", "linear", [0.0] * 2 + [0.5] * 9 + [1.0], PROGRESS_NOISE)))
        if draw(st.booleans()):
            fields["lights"] = draw(st.sampled_from([Lights("lag", 0.0, 10.0), Lights("ratio", 1.0, 0.9),
                                                     Lights("lag", -5.0, 2.5)]))
    if method == "rank":
        fields["floor"] = draw(st.sampled_from((0.0, 1.0)))
        if draw(st.booleans()):
            fields["step"] = draw(st.sampled_from((0.5, 1.0, 3.0)))
    if method == "efficacy":
        fields["base"] = draw(st.sampled_from((0.0, 0.6, 1.0)))
    if method == "bands":
        top = min(weight.values()) * cap
        fields["of"] = "ratio" if "target" in fields and draw(st.booleans()) else "value"
        cuts = [1.0, 0.9, 0.5] if fields["of"] == "ratio" else [50.0, 10.0, 0.0]
        pairs = [(t, top * (3 - j) / 3) for j, t in enumerate(cuts)]
        fields["bands"] = pairs[::-1] if better == "lower" else pairs
        fields["otherwise"] = draw(st.sampled_from((0.0, 1.0)))
    if method == "formula":
        fields["expr"] = draw(formulas("target" in fields)).expr
    return indicator(f"i{k}", method, **fields)


@st.composite
def cases(draw, odd: bool = False):
    groups = [f"g{k}" for k in range(draw(st.integers(1, 3)))]
    units = {g: [f"{g}u{k}" for k in range(draw(st.integers(1, 12)))] for g in groups}
    codes = [u for us in units.values() for u in us]
    inds = [draw(indicators(k, groups, codes)) for k in range(draw(st.integers(1, 5)))]
    adjs = [adjustment("bonus", 1, max=3), adjustment("fine", -2, min=-5), adjustment("veto", veto=True)]
    exempt = {u: draw(st.lists(st.sampled_from([i.id for i in inds]), unique=True, max_size=2))
              for u in draw(st.lists(st.sampled_from(codes), unique=True, max_size=3))}
    c = contest(
        inds, units=units, adjustments=adjs, exempt=exempt,
        precision=draw(st.integers(0, 6)), aggregate=draw(st.sampled_from(("mean", "sum", "last"))),
        tie_break=draw(st.lists(st.sampled_from([i.id for i in inds]), unique=True, max_size=2)),
        red_flags=flag_rule(**{groups[0]: 2}), yellow_flags=flag_rule(**{groups[-1]: 1}),
        last_place_months=draw(st.sampled_from((None, 1, 2, 3))), board=(2, 2),
    )
    rnd = draw(st.randoms(use_true_random=False))
    results: dict = {}
    for m in rnd.sample(MONTHS, rnd.randint(1, 4)):
        rows = {}
        for u in rnd.sample(codes, rnd.randint(1, len(codes))):
            row = {i.id: figure(rnd) for i in inds if rnd.random() > 0.1}  # 1 in 10 missing
            row.update({a.id: float(rnd.randint(0, 2)) for a in adjs if rnd.random() < 0.25})
            rows[u] = row
        results[m] = rows
    if odd:  # one value that is not a plain float: an int is scored, the rest must fail alike
        m = rnd.choice(sorted(results))
        u = rnd.choice(sorted(results[m]))
        results[m][u][rnd.choice([i.id for i in inds] + ["bonus"])] = rnd.choice(ODD)
    return c, results


def outcome(fn, *args):
    """A sheet as JSON text (order and types count), or the error it raised."""
    try:
        return "sheet", json.dumps(fn(*args), ensure_ascii=False)
    except Exception as exc:  # noqa: BLE001 - the very error is what is compared
        return type(exc).__name__, str(exc), getattr(exc, "details", None)


def assert_same_sheets(c, results):
    for period in PERIODS:
        fast, slow = outcome(score, c, period, results), outcome(scalar_path.score, c, period, results)
        assert fast == slow, period


@SETTINGS
@given(cases())
def test_fast_sheets_are_the_reference_sheets(case):
    assert_same_sheets(*case)


@SETTINGS
@given(cases(odd=True))
def test_odd_values_score_or_fail_as_in_the_reference(case):
    assert_same_sheets(*case)


@SETTINGS
@given(cases())
def test_a_sheet_needs_only_the_months_sheet_months_names(case):
    c, results = case
    for period in PERIODS:
        wanted = sheet_months(c, period, scored_months(c, results))
        assert outcome(score, c, period, {m: results[m] for m in wanted}) == outcome(score, c, period, results)


def test_the_bench_contest_takes_the_fast_path_everywhere(monkeypatch):
    """Plain float values never fall back to unit-by-unit scoring: the speed is real."""
    c = load_rules(bench_data.rules_yaml(60, 20, 3))
    data: dict = {}
    for u, k, p, v in bench_data.result_rows(60, 20, 3):
        data.setdefault(p, {}).setdefault(u, {})[k] = v
    periods = ("2026-01", "2026-03", "2026-Q1")
    definition = {p: outcome(scalar_path.score, c, p, data) for p in periods}  # unit by unit, on purpose
    fallen: list = []
    real = month_module.unit_by_unit
    monkeypatch.setattr(month_module, "unit_by_unit", lambda *a: fallen.append(a[1].id) or real(*a))
    for period in periods:
        assert outcome(score, c, period, data) == definition[period]
    assert fallen == []


# -- rounding -------------------------------------------------------------------------------

TIES = [k / 1000 + 0.0005 for k in range(-3000, 3000)] + [k / 200 for k in range(-2000, 2000)] + [
    2.675, 1.005, 0.125, 40.24999999999999, 40.245, 1.0000000005, 2.5e-10, -0.5, 0.5, 1e15 + 0.5,
    2.0**36 / 100, 123456.785, 0.0, -0.0, 5e-324, 1e300, -1e300, float("inf"), float("-inf"), float("nan")]


def same_float(a: float, b: float) -> bool:
    return (a == b and math.copysign(1, a) == math.copysign(1, b)) or (math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("digits", range(10))
def test_vectorized_rounding_is_round_half_up_on_ties_and_noise(digits):
    rnd = random.Random(digits)
    noisy = [x + rnd.choice([0.0, 1e-12, -1e-12, 5e-10, -5e-10]) for x in TIES]
    wild = [rnd.uniform(-1, 1) * 10 ** rnd.randint(-12, 14) for _ in range(20000)]
    figures = TIES + noisy + wild
    fast = round_half_up_array(figures, digits).tolist()
    assert all(same_float(f, round_half_up(x, digits)) for x, f in zip(figures, fast))
    assert all(same_float(f, round_half_up(x, digits)) for x, f in zip(figures, round_half_up_list(figures, digits)))


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=50), st.integers(0, 9))
def test_vectorized_rounding_on_any_floats(figures, digits):
    fast = round_half_up_array(np.array(figures), digits).tolist()
    assert all(same_float(f, round_half_up(x, digits)) for x, f in zip(figures, fast))


def test_vectorized_rounding_of_a_table_rounds_each_figure_where_it_stands():
    # a sheet's points are rounded as one table (units x indicators); ties take the slow path by position
    table = np.array([[2.675, 1.0, float("nan")], [0.125, -2.5e-7, 40.24999999999999]])
    shown = round_half_up_array(table, 2)
    assert shown.shape == (2, 3)
    assert [same_float(f, round_half_up(x, 2)) for x, f in zip(table.ravel().tolist(), shown.ravel().tolist())] == [True] * 6
    assert shown[0, 0] == 2.68 and shown[1, 0] == 0.13 and shown[1, 2] == 40.25


# -- formulas over a column -------------------------------------------------------------------

COLUMN = st.one_of(
    st.lists(st.one_of(NICE, st.integers(-300, 300).map(lambda k: k / 10)), min_size=1, max_size=12),
    st.permutations([28.8, 24.0, 26.4]),  # value >= mean holds for 26.4 only after rounding
)


@settings(derandomize=True, max_examples=250, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(formulas(True), COLUMN, st.sampled_from([50.0, 7.3, 120.0, 2 * (100 * 0.28)]))  # t = 28.000000000000004
def test_a_formula_over_a_column_is_the_formula_unit_by_unit(formula, xs, target):
    ranks = [1.0 + sum(y > x for y in xs) for x in xs]
    ratios = [target / 2 and x / (target / 2) for x in xs]
    common = {"n": float(len(xs)), "min": min(xs), "max": max(xs), "mean": math.fsum(xs) / len(xs),
              "weight": 10.0, "month": 6.0}
    got = evaluate_column(formula, {**common, "value": np.array(xs), "rank": np.array(ranks),
                                    "target": np.full(len(xs), target / 2), "annual_target": np.full(len(xs), target),
                                    "ratio": np.array(ratios)}, len(xs))
    expected = []
    for x, k, r in zip(xs, ranks, ratios):
        try:
            expected.append(formula.evaluate({**common, "value": x, "rank": k, "target": target / 2,
                                              "annual_target": target, "ratio": r}))
        except (FormulaError, ArithmeticError, ValueError, TypeError):
            expected.append(None)  # a unit that fails: the column must be left to the unit-by-unit path
    if got is None:
        return
    assert None not in expected, formula.expr
    assert all(same_float(a, b) for a, b in zip(got.tolist(), expected)), formula.expr
