"""The scoring methods over a whole column (one indicator, one group, one month) at once.

Bit for bit the figures of methods.py, which scores unit by unit and stays the definition:
the same IEEE operations in the same order, Python's choice among equals for min and max,
rounding through the proven round_half_up_array. Where the column is unusual (no target where
one is needed, a formula that would fail or overflow, a NaN) ``points`` answers None and the
caller falls back to methods.py, which raises the error the engine has always raised.

This is the fast path; methods.py is the definition. tests/test_fast_path.py holds them equal:
byte-identical sheets and errors on random contests, scored with the fast path on and off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import numpy as np

from arena.engine.formula import TARGET_NAMES
from arena.engine.numbers import round_half_up_array
from arena.engine.periods import month_number
from arena.engine.rules.model import Indicator, Lights
from arena.engine.vformula import evaluate_column, pymax, pymin


@dataclass
class VecColumn:
    """The units of one group that reported indicator i this month (missing and exempt left
    out): ``x`` their finite values in member order, ``annual`` their T (NaN: none),
    ``weight`` the group's weight."""

    indicator: Indicator
    weight: float
    month: str
    x: np.ndarray
    annual: np.ndarray

    @cached_property
    def xs(self) -> list[float]:
        return self.x.tolist()

    @cached_property
    def has_target(self) -> np.ndarray:
        return ~np.isnan(self.annual)

    @cached_property
    def targets(self) -> np.ndarray:
        """t = T * p(m)."""
        return self.annual * self.indicator.progress[month_number(self.month) - 1]

    @cached_property
    def ratios(self) -> np.ndarray:
        """methods.ratio: x / t (cap where t <= 0); lower: t / x (cap where x <= 0); NaN: no target."""
        ind, x, t = self.indicator, self.x, self.targets
        with np.errstate(all="ignore"):
            r = np.where(x <= 0, ind.cap, t / x) if ind.better == "lower" else np.where(t <= 0, ind.cap, x / t)
        return np.where(self.has_target, r, np.nan)

    @cached_property
    def ranks(self) -> np.ndarray:
        """Competition ranks (1, 2, 2, 4) of sign * x + 0.0, the smaller key first."""
        sign = 1.0 if self.indicator.better == "lower" else -1.0
        keys = sign * self.x + 0.0
        return np.searchsorted(np.sort(keys), keys, side="left").astype(float) + 1.0


def _completion(col: VecColumn) -> np.ndarray | None:
    return col.weight * col.ratios if col.has_target.all() else None


def _rank(col: VecColumn) -> np.ndarray:
    ind, w, k, n = col.indicator, col.weight, col.ranks, len(col.xs)
    if ind.step is not None:
        return pymax(w - (k - 1) * ind.step, ind.floor)
    if n == 1:
        return np.full(n, w)
    return w - (k - 1) * (w - ind.floor) / (n - 1)


def _efficacy(col: VecColumn) -> np.ndarray:
    w, base, x = col.weight, col.indicator.base, col.x
    lo, hi = min(col.xs), max(col.xs)
    if hi == lo:
        return np.full(len(col.xs), w)
    diff = (hi - x) if col.indicator.better == "lower" else (x - lo)
    return w * (base + (1 - base) * diff / (hi - lo))


def _bands(col: VecColumn) -> np.ndarray | None:
    ind = col.indicator
    if ind.of == "ratio":
        if not col.has_target.all():
            return None
        figure = round_half_up_array(col.ratios, 4)
    else:
        figure = col.x
    out = np.full(len(col.xs), float(ind.otherwise))
    for band in reversed(ind.bands):  # the first band met wins: write the later ones first
        met = figure <= band.threshold if ind.better == "lower" else figure >= band.threshold
        out = np.where(met, band.points, out)
    return out


def _formula(col: VecColumn) -> np.ndarray | None:
    ind, xs = col.indicator, col.xs
    names: dict[str, object] = {
        "n": float(len(xs)), "min": min(xs), "max": max(xs), "mean": math.fsum(xs) / len(xs),
        "weight": col.weight, "month": float(month_number(col.month)), "value": col.x, "rank": col.ranks,
    }
    if ind.formula.names & TARGET_NAMES:
        if not col.has_target.all() or not np.isfinite(col.ratios).all():
            return None
        names.update(target=col.targets, annual_target=col.annual, ratio=col.ratios)
    return evaluate_column(ind.formula, names, len(xs))


def _jury(col: VecColumn) -> np.ndarray | None:
    full = math.fsum(c.max for c in col.indicator.criteria)
    return col.weight * col.x / full


VEC_METHODS: dict[str, Callable[[VecColumn], np.ndarray | None]] = {
    "completion": _completion, "rank": _rank, "efficacy": _efficacy, "bands": _bands, "formula": _formula,
    "jury": _jury,
}


def points(col: VecColumn) -> np.ndarray | None:
    """methods.indicator_points: the method's value clamped to [0, weight * cap]."""
    with np.errstate(all="ignore"):
        raw = VEC_METHODS[col.indicator.method](col)
        if raw is None or np.isnan(raw).any():
            return None
        return pymin(pymax(raw, 0.0), col.weight * col.indicator.cap)


_LIGHTS = np.array(["green", "yellow", "red", None], dtype=object)


def lights(lights: Lights, ind: Indicator, month: str, annual: np.ndarray, x: np.ndarray,
           shown_ratio: np.ndarray) -> list[str | None]:
    """methods.light for units WITH a value (r as shown, at 4 decimals); None without a
    target, or by lag with T <= 0."""
    has = ~np.isnan(annual)
    if lights.by == "lag":
        has &= annual > 0
        due = ind.progress[month_number(month) - 1]
        with np.errstate(all="ignore"):
            done = x / annual
            lag = 100 * ((due - done) if ind.better == "higher" else (done - due))
        figure = round_half_up_array(np.where(has, lag, 0.0), 2)
        green, yellow = figure <= lights.green, figure <= lights.yellow
    else:
        figure = np.where(has, shown_ratio, 0.0)
        green, yellow = figure >= lights.green, figure >= lights.yellow
    return _LIGHTS[np.where(has, np.where(green, 0, np.where(yellow, 1, 2)), 3)].tolist()
