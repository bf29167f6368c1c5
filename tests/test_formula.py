"""The formula language (RULES.md, "formula" method and Fine points): hand-computed cases."""

from __future__ import annotations

import threading

import pytest
import simpleeval
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.engine.formula import (FUNCTIONS, NAMES, TARGET_NAMES, Formula, FormulaError,
                                  compile_formula)

FIG = {"value": 0.4, "target": 0.5, "annual_target": 2.0, "ratio": 1.25, "rank": 2, "n": 5,
       "min": 0.1, "max": 0.9, "mean": 0.5, "weight": 10, "month": 3}


def run(expr: str, **names: float) -> float:
    return compile_formula(expr, has_target=True).evaluate({**FIG, **names})


@pytest.mark.parametrize("expr, names, expected", [
    # RULES.md example: clamp(0.5 / 0.4, 0, 1.1) * 10 = clamp(1.25, 0, 1.1) * 10 = 1.1 * 10
    pytest.param("clamp(target / value, 0, 1.1) * weight", {}, 11.0, id="rules_example"),
    # clamp(0.5 / 0.6, 0, 1.1) * 10 = 0.8333... * 10 = 8.333...
    pytest.param("clamp(target / value, 0, 1.1) * weight", {"value": 0.6}, 25 / 3, id="unclamped"),
    # clamp(-3, 0, 1) = min(max(-3, 0), 1) = 0
    pytest.param("clamp(value, 0, 1)", {"value": -3}, 0.0, id="clamp_low"),
    # lo > hi: min(max(5, 4), 2) = 2, as the definition says
    pytest.param("clamp(value, 4, 2)", {"value": 5}, 2.0, id="clamp_lo_above_hi"),
    # 1 + 2 * 3 ** 2 = 1 + 2 * 9 = 19 (** binds tighter than *)
    pytest.param("1 + 2 * 3 ** 2", {}, 19.0, id="precedence"),
    # 2 ** 3 ** 2 = 2 ** 9 = 512 (right-associative)
    pytest.param("2 ** 3 ** 2", {}, 512.0, id="power_right_assoc"),
    # (1 + 2) * 3 = 9
    pytest.param("(1 + 2) * 3", {}, 9.0, id="parentheses"),
    # 7 % 3 = 1; -7 % 3 = 2 (the sign of the divisor, as in Python)
    pytest.param("7 % 3 + value % 3", {"value": -7}, 3.0, id="modulo"),
    # 7 / 2 = 3.5 (true division, never integer division)
    pytest.param("7 / 2", {}, 3.5, id="true_division"),
    # -value = -0.4; +value = 0.4
    pytest.param("-value + +value * 2", {}, 0.4, id="unary"),
    # 0.1 < 0.4 < 0.9 is true = 1; times weight 10 = 10
    pytest.param("(min < value < max) * weight", {}, 10.0, id="chained_compare_true"),
    # 0.1 < 0.95 < 0.9 is false = 0
    pytest.param("(min < value < max) * weight", {"value": 0.95}, 0.0, id="chained_compare_false"),
    # value >= target: 0.4 >= 0.5 false, so else branch 0.4 / 0.5 * 10 = 8
    pytest.param("weight if value >= target else value / target * weight", {}, 8.0, id="ifexp"),
    # and/or: (0.4 > 0 and 3 or 7) = 3
    pytest.param("value > 0 and 3 or 7", {}, 3.0, id="and_or"),
    # not 0.4 = False = 0; not 0 = True = 1; sum 1
    pytest.param("(not value) + (not 0)", {}, 1.0, id="not"),
    # a bool result counts as 1
    pytest.param("value < target", {}, 1.0, id="bool_result_true"),
    pytest.param("value > target", {}, 0.0, id="bool_result_false"),
    # True + 2 = 3
    pytest.param("True + 2", {}, 3.0, id="true_literal"),
    # max as function and the group's max as name: max(0.4, 0.1) = 0.4; min(0.4, 0.9) = 0.4
    pytest.param("max(value, min) + min(value, max)", {}, 0.8, id="min_max_names_and_functions"),
    # (0.4 - 0.1) / (0.9 - 0.1) = 0.3 / 0.8 = 0.375; * 10 = 3.75 (efficacy by hand)
    pytest.param("(value - min) / (max - min) * weight", {}, 3.75, id="efficacy_like"),
    # max(1, 2, 3) = 3, min(4, 5, 6) = 4
    pytest.param("max(1, 2, 3) + min(4, 5, 6)", {}, 7.0, id="variadic"),
    # weight - (rank - 1) * 2 = 10 - 1 * 2 = 8
    pytest.param("weight - (rank - 1) * 2", {}, 8.0, id="rank"),
    # rank 2 of n 5: 10 * (5 - 2) / (5 - 1) = 7.5
    pytest.param("weight * (n - rank) / (n - 1)", {}, 7.5, id="rank_n"),
    # 2.0 * 3 / 12 = 0.5; ratio 1.25 * mean 0.5 = 0.625; sum 1.125
    pytest.param("annual_target * month / 12 + ratio * mean", {}, 1.125, id="other_names"),
    # abs(-2.5) = 2.5; sqrt(16) = 4
    pytest.param("abs(value) + sqrt(16)", {"value": -2.5}, 6.5, id="abs_sqrt"),
    # log(1) = 0; log(100, 10) = 2; log(8, 2) = 3
    pytest.param("log(1) + log(100, 10) + log(8, 2)", {}, 5.0, id="log"),
    # round(2.675, 2) = 2.68 by hand (float 2.675 is 2.67499999..., noise removed first)
    pytest.param("round(2.675, 2)", {}, 2.68, id="round_noise"),
    # round(-2.5) = -3 (half away from zero, not banker's -2)
    pytest.param("round(-2.5)", {}, -3.0, id="round_half_away_negative"),
    # round(2.5) = 3, round(0.125, 2) = 0.13
    pytest.param("round(2.5) + round(value, 2)", {"value": 0.125}, 3.13, id="round_half_up"),
    # 40.24999999999999 is 40.25 after 9 decimals, so 40.3 at one decimal (RULES.md)
    pytest.param("round(value, 1)", {"value": 40.24999999999999}, 40.3, id="round_nine_first"),
    # round(-0.4) = -0.0 shown as 0.0
    pytest.param("round(value)", {"value": -0.4}, 0.0, id="negative_zero"),
    # 1e150 * 1e150 = 1e300 exactly at the limit, allowed
    pytest.param("value * value", {"value": 1e150}, 1e300, id="at_limit"),
    # (-8) ** 2 = 64 (integer exponent of a negative base)
    pytest.param("value ** 2", {"value": -8}, 64.0, id="negative_base_int_power"),
    # a plain constant is a fixed number of points
    pytest.param("5", {}, 5.0, id="constant"),
    # lines may break inside parentheses; comments are ignored
    pytest.param("(value\n + 1)  # note", {}, 1.4, id="multiline_parens"),
    # surrounding spaces are stripped
    pytest.param("   value * 2   ", {}, 0.8, id="spaces"),
])
def test_evaluates(expr, names, expected):
    assert run(expr, **names) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("expr, fragment", [
    ("9 ** 9 ** 9", "exponent"),
    ("10 ** 400", "beyond 1e300"),
    ("2 ** 10000", "beyond 1e300"),
    ("value * 10 ** 400", "constant part '10 ** 400'"),
    ("1e300 * 10", "beyond 1e300"),
    ("value and 1e300 * 10", "beyond 1e300"),  # even where and/or would skip it
    ("1e999", "too large"),
    ("1" * 302, "too large"),
    ("1 / 0", "division by zero"),
    ("value if value else sqrt(-1)", "sqrt of a negative"),
    ("log(0)", "log of zero"),
    ("log(8, 1)", "base"),
    ("0 ** -1", "division by zero"),
    ("(-8) ** 0.5", "fractional power"),
    ("().__class__.__bases__", "attribute access is not allowed"),
    ("value.real", "attribute access"),
    ("value.__class__()", "attribute access"),
    ("(lambda: 1)()", "lambda is not allowed"),
    ("lambda: 1", "lambda"),
    ("value[0]", "indexing is not allowed"),
    ("'abc'", "strings are not allowed"),
    ("b'abc'", "strings"),
    ("f'{value}'", "f-string"),
    ("[x for x in (1, 2)]", "comprehension"),
    ("sum(x for x in (1, 2))", "'sum' is an unknown function"),
    ("{1: 2}", "dict literal"),
    ("[1, 2]", "list literal"),
    ("{1, 2}", "set literal"),
    ("(1, 2)", "tuple literal"),
    ("round(value, ndigits=2)", "keyword arguments"),
    ("max(*value)", "starred argument"),
    ("(x := 1)", "assignment (:=)"),
    ("x = 1", "not a statement"),
    ("import os", "not a statement"),
    ("value; 1", "one expression"),
    ("value\n+ 1", "one expression"),
    ("valu + 1", "unknown name 'valu'"),
    ("__import__('os')", "'__import__' is an unknown function"),
    ("eval('1')", "'eval' is an unknown function"),
    ("int(value)", "'int' is an unknown function"),
    ("round(2.5, 10)", "0 to 9"),  # a constant call is evaluated when compiling
    ("value(2)", "'value' is a name, not a function"),
    ("abs + 1", "must be called"),
    ("abs(value)(2)", "only the listed functions"),
    ("(1)(2)", "only the listed functions"),
    ("value ^ 2", "^ (use ** for powers)"),
    ("value // 2", "//"),
    ("value << 2", "<<"),
    ("value & 1", "&"),
    ("~value", "~"),
    ("value in (1, 2)", "operator in"),
    ("value is 1", "operator is"),
    ("None", "only real numbers"),
    ("1j", "only real numbers"),
    ("...", "only real numbers"),
    ("max(value)", "max takes at least 2 arguments"),
    ("clamp(value, 1)", "clamp takes 3 arguments, not 2"),
    ("round(value, 1, 2)", "round takes 1 to 2 arguments"),
    ("abs()", "abs takes 1 arguments, not 0"),
    ("value +", "syntax error at line 1"),
    ("（value）", "syntax error"),
    ("value\x00", "syntax error"),
    ("", "empty"),
    ("   ", "empty"),
    ("v" * 501, "longer than 500"),
    ("-" * 150 + "value", "nested more than 100"),
    ("1" + "()" * 200, "nested more than 100"),
    ("(-8) ** (1 / 3)", "fractional power"),
    ("(1).__class__.__subclasses__()", "attribute access"),
    ("round.__globals__", "attribute access"),
    ("min.__self__.__import__('os')", "attribute access"),
    ("value.__class__.__mro__[1]", "indexing"),
])
def test_refused(expr, fragment):
    with pytest.raises(FormulaError) as e:
        compile_formula(expr, has_target=True)
    assert fragment in str(e.value)


@pytest.mark.parametrize("name", sorted(TARGET_NAMES))
def test_target_names_need_a_target(name):
    with pytest.raises(FormulaError, match=f"uses {name} but the indicator has no target"):
        compile_formula(f"{name} * 2", has_target=False)
    assert compile_formula(f"{name} * 2", has_target=True).names == {name}


def test_names_without_target_are_fine():
    f = compile_formula("max(value, min) + round(mean) + n * rank / weight + month", has_target=False)
    # calls to max and round do not count; min used as a name does
    assert f.names == {"value", "min", "mean", "n", "rank", "weight", "month"}


def test_non_text_is_refused():
    with pytest.raises(FormulaError, match="must be text"):
        compile_formula(10, has_target=True)  # type: ignore[arg-type]


def test_500_characters_are_allowed():
    expr = "value" + " " * 493 + "+1"  # 5 + 493 + 2 = 500 characters
    assert len(expr) == 500
    assert compile_formula(expr, has_target=False).evaluate({"value": 1}) == 2.0


def test_a_long_flat_chain_is_not_deep_nesting():
    # 124 terms "1+1+...+1" (124 + 123 = 247 characters) and a 500-character one of 250 terms
    # (250 + 249 = 499, then "+0" would pass 500): a chain of + is one level however long
    flat = "+".join(["1"] * 124)
    assert compile_formula(flat, has_target=False).evaluate({}) == 124.0
    longest = "+".join(["1"] * 250)
    assert len(longest) == 499
    assert compile_formula(longest, has_target=False).evaluate({}) == 250.0
    # 83 factors "value*value*...": 83 * 5 + 82 = 497 characters; 1.5 ** 83, well within 1e300
    product = "*".join(["value"] * 83)
    assert len(product) == 497
    assert compile_formula(product, has_target=False).evaluate({"value": 1.5}) == pytest.approx(1.5**83)


@pytest.mark.parametrize("levels, loads", [(100, True), (101, False)])
def test_real_nesting_stops_at_100_levels(levels, loads):
    # a right-hand operand in parentheses, "1+(1+(...(1+value)...))", nests one level per "(";
    # a call one level per call; a unary operator one per operator
    calls = "abs(" * 50 + "1+(" * (levels - 50) + "value" + ")" * levels  # 50 calls, the rest 1+(
    for expr in ["1+(" * levels + "value" + ")" * levels, calls, "-" * levels + "value"]:
        assert len(expr) <= 500
        if loads:  # 100 times 1+ on 2 -> 102; 50 of them -> 52; 100 minus signs -> 2
            assert compile_formula(expr, has_target=False).evaluate({"value": 2}) in (102.0, 52.0, 2.0)
        else:
            with pytest.raises(FormulaError, match="nested more than 100 levels deep"):
                compile_formula(expr, has_target=False)


@pytest.mark.parametrize("expr, names, fragment", [
    ("1 / value", {"value": 0}, "division by zero"),
    ("value % (value - value)", {"value": 3}, "division by zero"),
    ("value ** -1", {"value": 0}, "division by zero"),
    ("value * value", {"value": 1e200}, "beyond 1e300"),
    ("value ** 1000", {"value": 10}, "beyond 1e300"),
    ("value ** 5000000", {"value": 0.5}, "exponent"),
    ("value ** 0.5", {"value": -4}, "fractional power"),
    ("sqrt(value)", {"value": -1}, "sqrt of a negative"),
    ("log(value)", {"value": 0}, "log of zero"),
    ("round(value, month)", {"value": 1, "month": 12}, "0 to 9"),
    ("round(value, 10)", {"value": 1}, "0 to 9"),  # not constant: refused when evaluated
    ("round(value, 1.5)", {"value": 1}, "0 to 9"),
    ("value % 0", {"value": 1}, "division by zero"),
    ("value", {"value": float("nan")}, "'value' must be given as a finite number"),
    ("value", {"value": float("inf")}, "finite number"),
    ("value", {"value": "3"}, "finite number"),
    ("value + min", {"value": 1}, "'min' must be given"),
])
def test_runtime_errors(expr, names, fragment):
    f = compile_formula(expr, has_target=True)
    with pytest.raises(FormulaError) as e:
        f.evaluate(names)
    assert fragment in str(e.value)


def test_many_arguments_and_extra_names():
    # min of 1 and 199 twos = 1 (4 + 2 * 199 + 1 = 403 characters); extra names are ignored
    f = compile_formula("min(1" + ",2" * 199 + ")", has_target=False)
    assert f.evaluate({"value": 5, "other": "x"}) == 1.0


def test_formula_error_is_a_value_error():
    assert issubclass(FormulaError, ValueError)


def test_parsed_once(monkeypatch):
    calls = []
    real = simpleeval.SimpleEval.parse
    monkeypatch.setattr(simpleeval.SimpleEval, "parse",
                        staticmethod(lambda expr: calls.append(expr) or real(expr)))
    f = compile_formula("clamp(target / value, 0, 1.1) * weight", has_target=True)
    assert calls == ["clamp(target / value, 0, 1.1) * weight"]

    def refuse(expr):
        raise AssertionError("evaluate parsed again")
    monkeypatch.setattr(simpleeval.SimpleEval, "parse", staticmethod(refuse))
    # 0.5 / 0.4 = 1.25 -> 1.1 * 10 = 11; 0.5 / 1 = 0.5 -> 5
    assert f.evaluate(FIG) == pytest.approx(11.0)
    assert f.evaluate({**FIG, "value": 1}) == pytest.approx(5.0)


def test_formula_value_object():
    a = compile_formula("value * 2", has_target=False)
    b = compile_formula("value * 2", has_target=False)
    assert a == b and hash(a) == hash(b) and isinstance(a, Formula)
    assert "tree" not in repr(a)
    with pytest.raises(AttributeError):
        a.expr = "1"  # type: ignore[misc]


def test_public_tables():
    assert set(FUNCTIONS) == {"min", "max", "abs", "round", "sqrt", "log", "clamp"}
    assert TARGET_NAMES < NAMES and len(NAMES) == 11


def test_threads_share_a_formula():
    f = compile_formula("value * weight + month", has_target=False)
    errors: list[str] = []

    def work(k: int) -> None:
        for i in range(300):
            # value k, weight i, month 1: k * i + 1
            if f.evaluate({"value": k, "weight": i, "month": 1}) != k * i + 1:
                errors.append(f"{k} {i}")
    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


_ATOMS = st.sampled_from(sorted(NAMES) + ["0", "1", "2.5", "-1", "1e150", "1e-300", "300"])
_OPS = st.sampled_from(["+", "-", "*", "/", "**", "%", "<", "==", ">=", "and", "or"])
_EXPRS = st.recursive(_ATOMS, lambda sub: st.one_of(
    st.tuples(sub, _OPS, sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
    st.tuples(sub, sub, sub).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
    st.tuples(st.sampled_from(["abs", "sqrt", "log", "round"]), sub).map(lambda t: f"{t[0]}({t[1]})"),
    st.tuples(st.sampled_from(["min", "max"]), sub, sub).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    st.tuples(sub, sub, sub).map(lambda t: f"clamp({t[0]}, {t[1]}, {t[2]})"),
), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_EXPRS, st.dictionaries(st.sampled_from(sorted(NAMES)),
                               st.sampled_from([0, 1, -1, 0.5, 12, -2.5, 1e150, 1e-300])))
def test_any_formula_gives_a_bounded_float_or_a_formula_error(expr, names):
    try:
        value = compile_formula(expr, has_target=True).evaluate({**FIG, **names})
    except FormulaError:
        return
    assert type(value) is float and abs(value) <= 1e300


def test_pythons_syntax_warnings_stay_out_of_the_logs():
    """"1and 2" makes Python warn (invalid decimal literal) on every compile: not a thing to log."""
    import warnings

    from arena.engine.formula import compile_formula

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        compile_formula("1and 2", has_target=False)
    assert not [w for w in seen if issubclass(w.category, SyntaxWarning)]
