"""Rounding as a person computing by hand would do it.

Binary floating-point noise must never decide a rounding: every figure is first rounded to
9 decimals, then half away from zero (40.24999999999999 -> 40.25 -> 40.3 at one decimal).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Iterable

import numpy as np

_QUANTA = {d: Decimal(1).scaleb(-d) for d in range(0, 10)}
# Enough digits that quantizing any finite float (up to ~1.8e308) never overflows.
_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)

# The vectorized rounding's safe zone (see round_half_up_array for why these suffice).
_FAST_DIGITS = 6
_FAST_LIMIT = 2.0**36
_TIE_MARGIN = 2e-3


def round_half_up(x: float, digits: int) -> float:
    """Round ``x`` half away from zero to ``digits`` decimals, after removing float noise."""
    if not math.isfinite(x):
        return x
    cleaned = Decimal(repr(round(x, 9)))
    result = float(cleaned.quantize(_QUANTA[digits], context=_CONTEXT))
    return result + 0.0  # turns -0.0 into 0.0


def round_half_up_array(xs: np.ndarray | Iterable[float], digits: int) -> np.ndarray:
    """``round_half_up`` of every element, bit for bit, without a Decimal per element.

    With y = fl(|x| * 10**d), the answer is sign(x) * floor(y + 1/2) / 10**d wherever y < 2**36,
    d <= 6 and y's fraction is more than 2e-3 away from 1/2. Why: round_half_up quantizes R,
    the value of repr(round(x, 9)); |R - x| <= 5e-10 (the 9-decimal step) + ulp(x) (the float
    nearest that decimal, then its shortest repr), so |R * 10**d - y| <= 5e-10 * 10**6 +
    4 * ulp(y) + ulp(y) / 2 < 5.4e-4 < 2e-3. No half-integer lies between R * 10**d and y, so
    both round half up to the same integer K (and y + 1/2 is exact enough that its floor is K);
    K < 2**53 and 10**d are exact floats, so K / 10**d is the correctly rounded quotient, which
    is what float(Decimal) returns too. Every other element (near ties such as 2.675, huge or
    non-finite figures, more digits) goes through round_half_up itself.
    """
    x = np.asarray(xs, dtype=float)
    if digits > _FAST_DIGITS or x.size == 0:
        return np.array([round_half_up(v, digits) for v in x.tolist()], dtype=float).reshape(x.shape)
    scale = 10.0**digits
    with np.errstate(invalid="ignore", over="ignore"):
        y = np.abs(x) * scale
        floor = np.floor(y)
        unsafe = ~(y < _FAST_LIMIT) | (np.abs(y - floor - 0.5) <= _TIE_MARGIN)
        out = np.copysign(np.floor(y + 0.5) / scale, x) + 0.0
    if unsafe.any():
        where = np.flatnonzero(unsafe)  # flat positions: any shape
        out.flat[where] = [round_half_up(v, digits) for v in x.ravel()[where].tolist()]
    return out


def round_half_up_list(xs: Iterable[float], digits: int) -> list[float]:
    """``round_half_up`` of every element, as a list; anything but floats goes one by one."""
    if isinstance(xs, np.ndarray):
        return round_half_up_array(xs, digits).tolist()
    figures = list(xs)
    if not set(map(type, figures)) <= {float}:
        return [round_half_up(x, digits) for x in figures]
    return round_half_up_array(figures, digits).tolist()
