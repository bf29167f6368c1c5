"""Scoring methods (RULES.md, "Points of one indicator"): one pure function per method.

Each method takes a Column (one indicator, one group, one month, the group's values as a
whole) and returns the raw points of every unit in ``column.values``. ``indicator_points``
looks the method up by name and clamps to [0, weight * cap]; missing and exempt units are
the caller's business (they never reach a method). ``ratio`` and ``light`` live here too:
they read the same per-indicator figures as the methods.

Two scoring paths: this one, unit by unit (with ``month.unit_by_unit``), is the definition;
columns.py with vformula.py is the fast path, the same figures for a whole column at once with
numpy. tests/test_fast_path.py holds the two equal (every sheet of random contests, byte for
byte, errors included), scoring each case with the fast path on and off (tests/scalar_path.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Mapping

from arena.engine.formula import FormulaError
from arena.engine.jury import jury_points
from arena.engine.numbers import round_half_up
from arena.engine.periods import month_number
from arena.engine.rules.model import Indicator, Lights
from arena.errors import ValidationFailed


class ScoringError(ValidationFailed):
    """Results the rules cannot score (a formula result that is not finite, no target...)."""


def scoring_error(unit: str, indicator: str, problem: str, month: str | None = None) -> ScoringError:
    """A ScoringError whose message names the unit, the indicator and (where known) the month."""
    return scoring_errors([(unit, problem)], indicator, month)


def scoring_errors(problems: list[tuple[str, str]], indicator: str, month: str | None) -> ScoringError:
    """One ScoringError for every (unit, problem) of a column, each a detail. The month is named:
    a quarter's or the next month's sheet fails on the months it reads."""
    where = f" in {month}" if month else ""
    unit, problem = problems[0]
    more = f" (and {len(problems) - 1} more units)" if len(problems) > 1 else ""
    return ScoringError(f"cannot score unit {unit} on indicator {indicator}{where}: {problem}{more}",
                        [{"unit": u, "indicator": indicator, "period": month, "message": p} for u, p in problems])


def ratio(x: float, t: float, better: str, cap: float) -> float:
    """r = x / t for higher; r = t / x for lower, and r = cap where x <= 0.

    For higher, a period target of 0 (a progress list starting at 0) is met by anything: r = cap.
    For lower, a target of 0 gives r = 0 for any x > 0 (docs/rules-decisions.md).
    """
    if better == "lower":
        return cap if x <= 0 else t / x
    return cap if t <= 0 else x / t


def light(
    lights: Lights, indicator: Indicator, unit: str, month: str, x: float | None, r: float | None,
    due: float | None = None,
) -> str | None:
    """by ratio: green when r >= green, yellow when r >= yellow (r at 4 decimals).
    by lag: lag = 100 * (p(m) - x / T) for higher, 100 * (x / T - p(m)) for lower, at 2
    decimals; green when lag <= green, yellow when lag <= yellow. Missing: red.
    None for a unit without a target (and, for lag, with T <= 0: x / T means nothing).
    ``due``: the progress a week's dispatch gives instead of p(m)."""
    annual = indicator.annual_target(unit)
    if annual is None or (lights.by == "lag" and annual <= 0):
        return None
    if x is None:
        return "red"
    if lights.by == "lag":
        done, due = x / annual, indicator.progress[month_number(month) - 1] if due is None else due
        lag = round_half_up(100 * ((due - done) if indicator.better == "higher" else (done - due)), 2)
        return "green" if lag <= lights.green else "yellow" if lag <= lights.yellow else "red"
    shown = round_half_up(r, 4)  # type: ignore[arg-type]
    return "green" if shown >= lights.green else "yellow" if shown >= lights.yellow else "red"


def competition_ranks(keys: Mapping[str, Any]) -> dict[str, int]:
    """Shared ranks (1, 2, 2, 4): the smaller key is better, equal keys share the best rank."""
    order = sorted(keys, key=lambda u: (keys[u], u))
    ranks: dict[str, int] = {}
    for place, unit in enumerate(order, start=1):
        prev = order[place - 2] if place > 1 else None
        ranks[unit] = ranks[prev] if prev is not None and keys[prev] == keys[unit] else place
    return ranks


@dataclass(frozen=True)
class Column:
    """One indicator in one group for one month.

    ``values``: the group's values (unit -> x), missing and exempt units left out.
    ``weight``: this group's weight of the indicator.
    """

    indicator: Indicator
    weight: float
    month: str
    values: Mapping[str, float]

    @cached_property
    def annual(self) -> dict[str, float | None]:
        return {u: self.indicator.annual_target(u) for u in self.values}

    @cached_property
    def targets(self) -> dict[str, float | None]:
        return {u: self.indicator.period_target(u, self.month) for u in self.values}

    @cached_property
    def ratios(self) -> dict[str, float | None]:
        ind = self.indicator
        return {
            u: None if t is None else ratio(self.values[u], t, ind.better, ind.cap)
            for u, t in self.targets.items()
        }

    @cached_property
    def ranks(self) -> dict[str, int]:
        """Rank by x within the group: descending for higher, ascending for lower."""
        sign = 1.0 if self.indicator.better == "lower" else -1.0
        return competition_ranks({u: sign * x + 0.0 for u, x in self.values.items()})

    def required_ratios(self) -> dict[str, float]:
        lacking = [(unit, "the indicator has no target for this unit") for unit, r in self.ratios.items() if r is None]
        if lacking:
            raise scoring_errors(lacking, self.indicator.id, self.month)
        return self.ratios  # type: ignore[return-value]


def completion(col: Column) -> dict[str, float]:
    """P = weight * r."""
    return {u: col.weight * r for u, r in col.required_ratios().items()}


def rank(col: Column) -> dict[str, float]:
    """With step: weight - (rank - 1) * step, never below floor.
    Without: weight - (rank - 1) * (weight - floor) / (n - 1); n = 1 gives weight."""
    w, floor, step, n = col.weight, col.indicator.floor, col.indicator.step, len(col.values)
    if step is not None:
        return {u: max(w - (k - 1) * step, floor) for u, k in col.ranks.items()}
    if n == 1:
        return {u: w for u in col.ranks}
    return {u: w - (k - 1) * (w - floor) / (n - 1) for u, k in col.ranks.items()}


def efficacy(col: Column) -> dict[str, float]:
    """lo, hi = min, max of the group's values; hi = lo gives weight; else
    weight * (base + (1 - base) * (x - lo) / (hi - lo)) for higher, (hi - x) for lower."""
    w, base = col.weight, col.indicator.base
    lo, hi = min(col.values.values()), max(col.values.values())
    if hi == lo:
        return {u: w for u in col.values}
    lower = col.indicator.better == "lower"
    return {
        u: w * (base + (1 - base) * ((hi - x) if lower else (x - lo)) / (hi - lo))
        for u, x in col.values.items()
    }


def bands(col: Column) -> dict[str, float]:
    """The first band, in the order written, that x (or r rounded to 4 decimals, with
    ``of: ratio``) meets: x >= at_least for higher, x <= at_most for lower; else otherwise."""
    ind = col.indicator
    figures = (
        {u: round_half_up(r, 4) for u, r in col.required_ratios().items()}
        if ind.of == "ratio"
        else col.values
    )
    lower = ind.better == "lower"
    out = {}
    for unit, figure in figures.items():
        met = (b for b in ind.bands if (figure <= b.threshold if lower else figure >= b.threshold))
        out[unit] = next((b.points for b in met), ind.otherwise)
    return out


def formula(col: Column) -> dict[str, float]:
    """P = expr, with names value, target, annual_target, ratio (those three only with a
    target), rank, n, min, max, mean (of the group's values), weight and month (k(m))."""
    ind = col.indicator
    xs = list(col.values.values())
    common = {
        "n": float(len(xs)), "min": min(xs), "max": max(xs), "mean": math.fsum(xs) / len(xs),
        "weight": col.weight, "month": float(month_number(col.month)),
    }
    out, failed = {}, []
    for unit, x in col.values.items():
        names: dict[str, Any] = dict(common, value=x, rank=float(col.ranks[unit]))
        if col.targets[unit] is not None:
            names.update(target=col.targets[unit], annual_target=col.annual[unit], ratio=col.ratios[unit])
        try:
            result = float(ind.formula.evaluate(names))
        except (FormulaError, ArithmeticError, ValueError, TypeError) as exc:
            failed.append((unit, f"the formula failed: {exc}"))
            continue
        if not math.isfinite(result):
            failed.append((unit, f"the formula gave {result}, not a finite number"))
            continue
        out[unit] = result
    if failed:  # every unit the formula fails for, at once
        raise scoring_errors(failed, ind.id, col.month)
    return out


def jury(col: Column) -> dict[str, float]:
    """P = weight * x / (sum of the criteria's max); x is the jury's trimmed mean of the
    judges' totals (engine/jury.py), stored as the unit's value when the jury closed."""
    return {u: jury_points(x, col.weight, col.indicator.criteria) for u, x in col.values.items()}


METHODS: Mapping[str, Callable[[Column], dict[str, float]]] = {
    "completion": completion,
    "rank": rank,
    "efficacy": efficacy,
    "bands": bands,
    "formula": formula,
    "jury": jury,
}


def indicator_points(col: Column) -> dict[str, float]:
    """P(u, i): the method's raw value clamped to [0, weight * cap], for units with a value."""
    if not col.values:
        return {}
    top = col.weight * col.indicator.cap
    out = {}
    for unit, raw in METHODS[col.indicator.method](col).items():
        if math.isnan(raw):
            raise scoring_error(unit, col.indicator.id, "the points are not a number", col.month)
        out[unit] = min(max(raw, 0.0), top)
    return out
