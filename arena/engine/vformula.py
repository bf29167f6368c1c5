"""A formula evaluated over a whole column at once, bit for bit what formula.py gives unit by unit.

The walk mirrors simpleeval's over the same parsed tree. A sub-tree without per-unit names is
computed once with formula.py's own operators and functions. Over arrays: + - * / are IEEE
operations, identical in numpy and Python; comparisons see both sides through Python's
round(x, 9), as formula.py's do; min, max and clamp keep
Python's choice among equals (``b if b < a else a``); % follows CPython's float remainder;
**, log and round call formula.py's functions (round through the proven round_half_up_array).
Where a unit would meet an error in any branch (division by zero, a figure beyond 1e300, a
log of zero...), where integers could outgrow 2**53 (Python keeps them exact), or anything
else is unusual, ``evaluate_column`` answers None and the caller scores the column unit by
unit, which raises the very error the unit-by-unit engine raises.

This is the fast path; formula.py (one unit at a time, through methods.py) is the definition.
tests/test_fast_path.py holds them equal: a formula over a column against the formula unit by
unit, and whole sheets scored with the fast path on and off.
"""

from __future__ import annotations

import ast
from typing import Any, Callable, Mapping

import numpy as np

from arena.engine import formula as f
from arena.engine.numbers import round_half_up_array

EXACT_INT = 2.0**53  # integers beyond this are exact in Python, rounded in floats


class _Unusual(Exception):
    """This column is left to the unit-by-unit path."""


class _Col:
    """An array of per-unit figures; ``ints`` when some may be Python ints (or bools)."""

    __slots__ = ("a", "ints")

    def __init__(self, a: np.ndarray, ints: bool):
        self.a, self.ints = a, ints


def _arr(v: Any, size: int) -> _Col:
    if isinstance(v, _Col):
        return v
    if isinstance(v, int) and abs(v) > EXACT_INT:  # bool is an int; both compare exactly in Python
        raise _Unusual
    return _Col(np.full(size, float(v)), isinstance(v, int))


def _checked(a: np.ndarray, ints: bool) -> _Col:
    if not (np.abs(a) <= f.LIMIT).all() or (ints and not (np.abs(a) <= EXACT_INT).all()):
        raise _Unusual
    return _Col(a, ints)


def pymin(a: Any, b: Any) -> np.ndarray:
    return np.where(b < a, b, a)  # Python's min(a, b): a unless b is smaller


def pymax(a: Any, b: Any) -> np.ndarray:
    return np.where(b > a, b, a)


def _remainder(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """CPython's float %: fmod, moved to the divisor's sign; a zero takes the divisor's sign."""
    mod = np.fmod(a, b)
    moved = np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)
    return np.where(mod == 0, np.copysign(0.0, b), moved)


def _round9(a: np.ndarray) -> np.ndarray:
    """Python's round(x, 9) of each figure, as formula.py's comparisons take it (numpy's own
    np.round scales by 10**9 and can differ in the last bit)."""
    return np.array([round(x, 9) for x in a.tolist()], dtype=float)


def _each(fn: Callable[..., Any], *cols: _Col) -> np.ndarray:
    """fn unit by unit (formula.py's own function); any failure makes the column unusual."""
    try:
        return np.array([float(fn(*xs)) for xs in zip(*(c.a.tolist() for c in cols))], dtype=float)
    except (f.FormulaError, ArithmeticError, ValueError, TypeError):
        raise _Unusual from None


class _Walk:
    def __init__(self, names: Mapping[str, Any], size: int):
        self.size = size
        self.names = {k: _Col(v, False) if isinstance(v, np.ndarray) else v for k, v in names.items()}

    def __call__(self, node: ast.AST) -> Any:
        kind = type(node)
        if kind is ast.Constant:
            return node.value
        if kind is ast.Name:
            return self.names[node.id]
        if kind is ast.BinOp:
            return self.binop(node.op, self(node.left), self(node.right))
        if kind is ast.UnaryOp:
            v = self(node.operand)
            if not isinstance(v, _Col):
                return self.scalar(f._OPERATORS[type(node.op)], v)
            if isinstance(node.op, ast.Not):
                return _Col((v.a == 0).astype(float), True)
            return _Col(-v.a, v.ints) if isinstance(node.op, ast.USub) else v
        if kind is ast.Compare:
            return self.compare(node)
        if kind is ast.BoolOp:
            return self.boolop(isinstance(node.op, ast.And), node.values)
        if kind is ast.IfExp:
            test = self(node.test)
            if not isinstance(test, _Col):  # the same for every unit: only its branch runs
                return self(node.body) if test else self(node.orelse)
            b, o = _arr(self(node.body), self.size), _arr(self(node.orelse), self.size)
            return _Col(np.where(test.a != 0, b.a, o.a), b.ints or o.ints)
        if kind is ast.Call:
            return self.call(node.func.id, [self(a) for a in node.args])  # type: ignore[attr-defined]
        raise _Unusual

    def scalar(self, fn: Callable[..., Any], *args: Any) -> Any:
        """A sub-tree without per-unit names: formula.py's own operator or function, once."""
        try:
            return fn(*args)
        except Exception:
            raise _Unusual from None

    def binop(self, op: ast.operator, left: Any, right: Any) -> Any:
        kind = type(op)
        if not isinstance(left, _Col) and not isinstance(right, _Col):
            return self.scalar(f._OPERATORS[kind], left, right)
        a, b = _arr(left, self.size), _arr(right, self.size)
        ints = a.ints and b.ints
        if kind is ast.Add:
            return _checked(a.a + b.a, ints)
        if kind is ast.Sub:
            return _checked(a.a - b.a, ints)
        if kind is ast.Mult:
            return _checked(a.a * b.a, ints)
        if kind in (ast.Div, ast.Mod):
            if (b.a == 0).any():
                raise _Unusual
            return _checked(a.a / b.a, False) if kind is ast.Div else _checked(_remainder(a.a, b.a), ints)
        if kind is ast.Pow:
            return _checked(_each(f._pow, a, b), False)
        raise _Unusual

    def compare(self, node: ast.Compare) -> Any:
        """simpleeval: each comparison while the previous held; every operand is evaluated here
        (an error in one that would not be reached only sends the column unit by unit)."""
        values = [self(node.left)] + [self(c) for c in node.comparators]
        if not any(isinstance(v, _Col) for v in values):
            result: Any = True
            for o, left, right in zip(node.ops, values, values[1:]):
                if not result:
                    break
                result = self.scalar(f._OPERATORS[type(o)], left, right)
            return result
        cols = [_arr(v, self.size) for v in values]
        rounded = [_round9(c.a) for c in cols]
        held = np.ones(self.size, dtype=bool)
        for o, left, right in zip(node.ops, rounded, rounded[1:]):
            held &= f.COMPARISONS[type(o)](left, right)
        return _Col(held.astype(float), True)

    def boolop(self, is_and: bool, nodes: list[ast.expr]) -> Any:
        """and: the first falsy value, else the last; or: the first truthy value, else the last.
        While the values are the same for every unit they short-circuit as in Python."""
        out = self(nodes[0])
        rest = list(nodes[1:])
        while rest and not isinstance(out, _Col):
            if bool(out) != is_and:
                return out
            out = self(rest.pop(0))
        if not rest:
            return out
        acc = _arr(out, self.size)
        for v in (_arr(self(n), self.size) for n in rest):
            go_on = (acc.a != 0) if is_and else (acc.a == 0)
            acc = _Col(np.where(go_on, v.a, acc.a), acc.ints or v.ints)
        return acc

    def call(self, name: str, args: list[Any]) -> Any:
        if not any(isinstance(a, _Col) for a in args):
            return self.scalar(f.FUNCTIONS[name], *args)
        cols = [_arr(a, self.size) for a in args]
        ints = any(c.ints for c in cols)
        if name in ("min", "max", "clamp"):
            pick = pymin if name == "min" else pymax
            out = cols[0].a
            for c in cols[1:] if name != "clamp" else cols[1:2]:
                out = pick(out, c.a)
            return _Col(pymin(out, cols[2].a) if name == "clamp" else out, ints)
        if name == "abs":
            return _Col(np.abs(cols[0].a), ints)
        if name == "sqrt":
            if (cols[0].a < 0).any():
                raise _Unusual
            return _Col(np.sqrt(cols[0].a), False)
        if name == "round":
            return self.round(args)
        if name == "log":
            return _Col(_each(f._log, *cols), False)
        raise _Unusual

    def round(self, args: list[Any]) -> _Col:
        """formula._round: d a whole number 0-9; figures beyond 2**52 are whole already."""
        v, d = args[0], args[1] if len(args) > 1 else 0
        if isinstance(d, _Col) or d != int(d) or not 0 <= d <= 9:
            raise _Unusual
        a = _arr(v, self.size).a
        return _Col(np.where(np.abs(a) >= 2.0**52, a, round_half_up_array(a, int(d))), False)


def evaluate_column(formula: f.Formula, names: Mapping[str, Any], size: int) -> np.ndarray | None:
    """The formula's value for ``size`` units, each name a float (the same for every unit) or
    an array of finite floats; None where the unit-by-unit path must decide."""
    try:
        with np.errstate(all="ignore"):
            result = _Walk(names, size)(formula.tree)
            if not isinstance(result, _Col):  # Formula.evaluate's checks, once for all units
                if not isinstance(result, (int, float)) or not abs(result) <= f.LIMIT:
                    return None
                return np.full(size, float(result) + 0.0)
            if not (np.abs(result.a) <= f.LIMIT).all():
                return None
            return result.a + 0.0  # Formula.evaluate: float(result) + 0.0 turns -0.0 into 0.0
    except (_Unusual, KeyError, RecursionError):
        return None
