"""The safe formula language of the "formula" method (RULES.md).

P(u,i) = expr: numbers, + - * / ** %, parentheses, comparisons (chained too), and/or/not,
`a if c else b`, the functions min, max, abs, round(v[, d]), sqrt, log(v[, base]) (natural by
default), clamp(v, lo, hi), and the names value, target, annual_target, ratio, rank, n, min, max,
mean, weight, month. Parsed once, its AST walked so anything else is refused before it runs;
figures stay within +-1e300 and nesting within 100 levels (calls and operands, not the length
of a chain of + or *), so no expression of at most 500 characters can run long or grow huge.
"""

from __future__ import annotations

import ast
import copy
import math
import operator as op
import threading
import warnings
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping, NoReturn

import simpleeval

from arena.engine.formula_depth import nesting, stack_room
from arena.engine.numbers import round_half_up

NAMES = frozenset({"value", "target", "annual_target", "ratio", "rank", "n", "min", "max",
                   "mean", "weight", "month"})
TARGET_NAMES = frozenset({"target", "annual_target", "ratio"})
MAX_LENGTH = 500
MAX_DEPTH = 100  # simpleeval recurses a few frames per level; real formulas nest < 10
LIMIT = 1e300  # no literal, intermediate or result may be larger in size


class FormulaError(ValueError):
    """A formula that cannot be compiled or evaluated; the message says why in plain words."""


def _fail(message: str) -> NoReturn:
    raise FormulaError(message)


def _fig(x: Any) -> Any:
    return x if abs(x) <= LIMIT else _fail("a figure grows beyond 1e300")  # NaN fails too


def _pow(a: Any, b: Any) -> float:
    """a ** b in floats; an exponent beyond simpleeval's MAX_POWER is refused outright."""
    if abs(b) > simpleeval.MAX_POWER:
        raise FormulaError(f"the exponent {b:g} is too large (at most {simpleeval.MAX_POWER})")
    if a == 0 and b < 0:
        raise FormulaError("division by zero (0 to a negative power)")
    if a < 0 and b != int(b):
        raise FormulaError("a negative number to a fractional power")
    try:
        return _fig(math.pow(a, b))
    except OverflowError:
        raise FormulaError("a figure grows beyond 1e300") from None


def _round(v: Any, d: Any = 0) -> float:
    """round(v, d): half away from zero after rounding to 9 decimals (numbers.round_half_up)."""
    if d != int(d) or not 0 <= d <= 9:
        raise FormulaError(f"round's decimals must be a whole number from 0 to 9, not {d:g}")
    v = float(v)
    # above 2**52 a float is whole already, and Decimal's 28 digits cannot hold it to 9 places
    return v if abs(v) >= 2.0**52 else round_half_up(v, int(d))


def _log(v: Any, base: Any = math.e) -> float:
    if v <= 0:
        raise FormulaError(f"log of zero or a negative number ({v:g})")
    if base <= 0 or base == 1:
        raise FormulaError(f"log to base {base:g} (a base must be > 0 and not 1)")
    return math.log(v, base)


FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType({
    "min": lambda *a: min(a), "max": lambda *a: max(a), "abs": abs, "round": _round,
    "sqrt": lambda v: math.sqrt(v) if v >= 0 else _fail(f"sqrt of a negative number ({v:g})"),
    "log": _log, "clamp": lambda v, lo, hi: min(max(v, lo), hi),
})
_ARITY = {"min": (2, None), "max": (2, None), "abs": (1, 1), "round": (1, 2), "sqrt": (1, 1),
          "log": (1, 2), "clamp": (3, 3)}
# Comparisons see both sides rounded to 9 decimals (RULES.md), so float noise cannot decide
# them: 26.4 >= mean(28.8, 24, 26.4) = 26.400000000000002 holds. vformula rounds the same way.
COMPARISONS: Mapping[type, Callable[[Any, Any], bool]] = MappingProxyType({
    ast.Eq: op.eq, ast.NotEq: op.ne, ast.Lt: op.lt, ast.LtE: op.le, ast.Gt: op.gt, ast.GtE: op.ge})


def _rounded(cmp: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    return lambda a, b: cmp(round(a, 9), round(b, 9))


# The evaluator knows only these operators; the walk refuses every other one with a message.
_OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: lambda a, b: _fig(a + b), ast.Sub: lambda a, b: _fig(a - b),
    ast.Mult: lambda a, b: _fig(a * b), ast.Pow: _pow,
    ast.Div: lambda a, b: _fig(a / b) if b != 0 else _fail("division by zero"),
    ast.Mod: lambda a, b: _fig(a % b) if b != 0 else _fail("division by zero (in %)"),
    ast.USub: op.neg, ast.UAdd: op.pos, ast.Not: op.not_,
    **{kind: _rounded(cmp) for kind, cmp in COMPARISONS.items()},
}
_SYMBOLS = {ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
            ast.BitOr: "|", ast.BitXor: "^ (use ** for powers)", ast.BitAnd: "&", ast.Invert: "~",
            ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
_REFUSED = {ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Slice: "slicing",
            ast.Lambda: "lambda", ast.JoinedStr: "an f-string", ast.Dict: "a dict literal",
            ast.List: "a list literal", ast.Set: "a set literal", ast.Tuple: "a tuple literal",
            ast.Starred: "a starred argument", ast.NamedExpr: "assignment (:=)",
            **dict.fromkeys((ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp),
                            "a comprehension")}
_OPERATIONS = (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call)
_local = threading.local()  # one evaluator per thread: SimpleEval keeps state while it runs


def _run(expr: str, node: ast.AST, names: dict[str, Any]) -> Any:
    """Evaluate a parsed node with simpleeval; every failure becomes a FormulaError."""
    ev = getattr(_local, "ev", None)
    if ev is None:
        ev = _local.ev = simpleeval.SimpleEval(_OPERATORS, dict(FUNCTIONS), {})
    ev.names = names
    try:
        return ev.eval(expr, previously_parsed=node)
    except FormulaError:
        raise
    except ZeroDivisionError:
        raise FormulaError("division by zero") from None
    except (OverflowError, RecursionError, MemoryError):
        raise FormulaError("a figure grows beyond 1e300") from None
    except (simpleeval.InvalidExpression, ArithmeticError, TypeError, ValueError) as e:
        raise FormulaError(f"cannot be computed: {e}") from None


@dataclass(frozen=True)
class Formula:
    """A compiled expression; ``tree`` is the parsed AST that every evaluation reuses."""

    expr: str
    names: frozenset[str]
    tree: ast.expr = field(repr=False, compare=False)

    def evaluate(self, names: Mapping[str, float]) -> float:
        """The expression's value for these figures (extra names are ignored). A bool result,
        from a comparison, counts as 1.0 or 0.0."""
        figures = {name: names.get(name) for name in self.names}
        for name, x in figures.items():
            if not isinstance(x, (int, float)) or not math.isfinite(x):
                raise FormulaError(f"'{name}' must be given as a finite number, not {x!r}")
        result = _run(self.expr, self.tree, figures)
        if not isinstance(result, (int, float)) or not abs(result) <= LIMIT:
            raise FormulaError(f"the result is not a finite number ({result!r})")
        return float(result) + 0.0  # turns -0.0 into 0.0


class _Walk:
    """Checks the AST in source order, raising at the first thing the language does not allow;
    a call returns (is constant, value). Every constant sub-tree is evaluated, both branches of
    `if`, `and`, `or` too, each once: a node is folded from its children's values."""

    def __init__(self, text: str, has_target: bool):
        self.text, self.has_target, self.names = text, has_target, set[str]()

    def refuse(self, what: str, node: ast.AST) -> FormulaError:
        seg = ast.get_source_segment(self.text, node) or ""
        return FormulaError(f"{what}: {seg[:60]}" if seg else what)

    def __call__(self, node: ast.AST) -> tuple[bool, Any]:
        kind = type(node)
        if kind in _REFUSED:
            raise self.refuse(f"{_REFUSED[kind]} is not allowed", node)
        if kind is ast.Constant:
            v = node.value
            if isinstance(v, (str, bytes)):
                raise self.refuse("strings are not allowed", node)
            if not isinstance(v, (int, float)):  # None, complex, Ellipsis
                raise self.refuse("only real numbers are allowed", node)
            if not abs(v) <= LIMIT:
                raise self.refuse("a number is too large (beyond 1e300)", node)
            return True, v
        if kind is ast.Name:
            if node.id in FUNCTIONS and node.id not in NAMES:
                raise FormulaError(f"the function {node.id} must be called, as {node.id}(...)")
            if node.id not in NAMES:
                raise FormulaError(f"unknown name '{node.id}' (names: {', '.join(sorted(NAMES))})")
            if node.id in TARGET_NAMES and not self.has_target:
                raise FormulaError(f"uses {node.id} but the indicator has no target")
            self.names.add(node.id)
            return False, None
        if kind not in _OPERATIONS:
            raise self.refuse(f"{kind.__name__} is not allowed", node)
        if kind is ast.Call:
            self.callee(node)
        for o in node.ops if kind is ast.Compare else [getattr(node, "op", None)]:
            if type(o) in _SYMBOLS:
                raise FormulaError(f"the operator {_SYMBOLS[type(o)]} is not allowed")
        shallow, constant = copy.copy(node), True
        for fname, value in ast.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            if fname == "func" or not items or not all(isinstance(v, ast.expr) for v in items):
                continue
            folded = [self(v) for v in items]
            constant = constant and all(c for c, _ in folded)
            consts = [ast.Constant(v) for _, v in folded]
            setattr(shallow, fname, consts if isinstance(value, list) else consts[0])
        if kind is ast.Call:
            self.arity(node)
        if not constant:
            return False, None
        try:
            return True, _run(self.text, shallow, {})
        except FormulaError as e:
            seg = (ast.get_source_segment(self.text, node) or "")[:60]
            raise FormulaError(f"the constant part '{seg}' cannot be computed: {e}") from None

    def callee(self, node: ast.Call) -> None:
        fn = getattr(node.func, "id", None)
        if fn is None:
            self(node.func)  # refuses attributes, lambdas ... with their own message
            raise self.refuse("only the listed functions may be called", node)
        if fn not in FUNCTIONS:
            what = "is a name, not a function" if fn in NAMES else "is an unknown function"
            raise FormulaError(f"'{fn}' {what} (functions: {', '.join(sorted(FUNCTIONS))})")
        if node.keywords:
            raise self.refuse("keyword arguments are not allowed", node)

    def arity(self, node: ast.Call) -> None:  # after the arguments, so *args is named first
        fn = getattr(node.func, "id")
        lo, hi = _ARITY[fn]
        if not lo <= len(node.args) <= (hi or len(node.args)):
            want = f"at least {lo}" if hi is None else f"{lo}" if lo == hi else f"{lo} to {hi}"
            raise self.refuse(f"{fn} takes {want} arguments, not {len(node.args)}", node)


def compile_formula(expr: str, *, has_target: bool) -> Formula:
    """Parse and check ``expr`` once; raise FormulaError at the first thing not allowed."""
    if not isinstance(expr, str):
        raise FormulaError(f"the formula must be text, not {type(expr).__name__}")
    if len(expr) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters ({len(expr)})")
    if not expr.strip():
        raise FormulaError("the formula is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", simpleeval.MultipleExpressions)
            warnings.simplefilter("ignore", SyntaxWarning)  # "1and 2": Python's own nagging, not ours to log
            stmt = simpleeval.SimpleEval.parse(expr)
    except simpleeval.MultipleExpressions:
        raise FormulaError("the formula must be one expression: no ';', and lines may break "
                           "only inside parentheses") from None
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        where = f" at line {e.lineno}, character {e.offset}" if getattr(e, "offset", 0) else ""
        raise FormulaError(f"syntax error{where}: {getattr(e, 'msg', e)}") from None
    text = expr.strip()  # simpleeval parses the stripped text: AST offsets refer to it
    if not isinstance(stmt, ast.Expr):
        raise FormulaError(f"the formula must be an expression, not a statement: {text[:60]}")
    if nesting(stmt.value) > MAX_DEPTH:
        raise FormulaError(f"the formula is nested more than {MAX_DEPTH} levels deep")
    stack_room(stmt.value)
    walk = _Walk(text, has_target)
    walk(stmt.value)
    return Formula(expr, frozenset(walk.names), stmt.value)
