"""The swing of a reported value against the unit's value of the month before (RULES.md,
"Who reports what, and when": ``reporting.swing``). Pure.

swing = |x - x_prev| / |x_prev|. A row whose swing exceeds ``swing`` needs an explanation (说明).
With x_prev = 0 the ratio is unbounded: any x other than 0 counts as exceeding it, 0 as no swing.
"""

from __future__ import annotations

import math

from arena.engine.periods import parse_period


def previous_month(month: str) -> str:
    return str(parse_period(month).previous())


def swing(value: float, previous: float | None) -> float | None:
    """|x - x_prev| / |x_prev|; inf when x_prev is 0 and x is not; None without x_prev."""
    if previous is None:
        return None
    if previous == 0:
        return 0.0 if value == 0 else math.inf
    return abs(value - previous) / abs(previous)


def exceeds(limit: float | None, value: float, previous: float | None) -> bool:
    """True when ``limit`` is set and the swing is above it."""
    found = swing(value, previous)
    return limit is not None and found is not None and found > limit
