"""Rounding as a person computing by hand would do it.

Binary floating-point noise must never decide a rounding: every figure is first rounded to
9 decimals, then half away from zero (40.24999999999999 -> 40.25 -> 40.3 at one decimal).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

_QUANTA = {d: Decimal(1).scaleb(-d) for d in range(0, 10)}
# Enough digits that quantizing any finite float (up to ~1.8e308) never overflows.
_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)


def round_half_up(x: float, digits: int) -> float:
    """Round ``x`` half away from zero to ``digits`` decimals, after removing float noise."""
    if not math.isfinite(x):
        return x
    cleaned = Decimal(repr(round(x, 9)))
    result = float(cleaned.quantize(_QUANTA[digits], context=_CONTEXT))
    return result + 0.0  # turns -0.0 into 0.0
