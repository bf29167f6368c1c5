"""The jury of a showcase contest (RULES.md "Showcase contests: the jury"), pure arithmetic.

A judge's total for a unit is the sum of its criteria scores; x is the mean of the totals
after dropping the ``trim`` highest and the ``trim`` lowest. Equal totals are dropped one by
one in a fixed order (by total, then by judge), so the same sheets always strike the same
judges; the mean does not depend on which of equal totals goes. Every function here is pure:
the store keeps the sheets, the service calls these to tally them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

from arena.engine.rules.model import Criterion
from arena.errors import ValidationFailed


class JuryError(ValidationFailed):
    """Sheets that cannot be tallied: too few, or a score out of range."""


def score_problems(criteria: Sequence[Criterion], scores: Mapping[str, object], *,
                   complete: bool = True) -> list[dict[str, str]]:
    """Every problem of one judge's scores for one unit: an unknown criterion, a score that is
    not a finite number within 0..max, and (``complete``) a criterion left out."""
    known = {c.id: c for c in criteria}
    problems = [{"field": f"scores.{k}", "message": f"{k} is not a criterion of this jury "
                 f"({', '.join(known)})"} for k in scores if k not in known]
    for c in criteria:
        if c.id not in scores:
            if complete:
                problems.append({"field": f"scores.{c.id}", "message": f"{c.name} ({c.id}) has no score"})
            continue
        v = scores[c.id]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not _finite(v):
            problems.append({"field": f"scores.{c.id}", "message": f"{c.name} ({c.id}) must be a number"})
        elif not 0 <= v <= c.max:
            problems.append({"field": f"scores.{c.id}",
                             "message": f"{c.name} ({c.id}) must be from 0 to {c.max:g}, not {v:g}"})
    return problems


def _finite(v: int | float) -> bool:
    try:
        return math.isfinite(v)
    except OverflowError:  # an int too large for a float
        return False


def judge_total(criteria: Sequence[Criterion], scores: Mapping[str, float]) -> float:
    """The sum of one judge's criteria scores for one unit (all of them must be there)."""
    return math.fsum(float(scores[c.id]) for c in criteria)


@dataclass(frozen=True)
class Tally:
    """One unit's tally: each judge's total, the judges whose totals were dropped, x."""

    totals: Mapping[str, float]  # judge -> total, in the judges' order
    dropped_low: tuple[str, ...]
    dropped_high: tuple[str, ...]
    x: float

    @property
    def dropped(self) -> frozenset[str]:
        return frozenset(self.dropped_low + self.dropped_high)


def trimmed_mean(totals: Mapping[str, float], trim: int) -> Tally:
    """Drop the ``trim`` lowest and ``trim`` highest totals, then average the rest. Ties among
    totals: ordered by (total, judge), the first ``trim`` are the low ones dropped and the
    last ``trim`` the high ones. Needs more than 2 * trim totals."""
    if len(totals) <= 2 * trim:
        raise JuryError(f"trim {trim} needs more than {2 * trim} judges' sheets; there are {len(totals)}",
                        [{"field": "sheets", "message": f"{len(totals)} sheets, trim {trim}"}])
    order = sorted(totals, key=lambda judge: (totals[judge], judge))
    low, kept, high = order[:trim], order[trim:len(order) - trim], order[len(order) - trim:]
    x = math.fsum(totals[j] for j in kept) / len(kept)
    return Tally(dict(totals), tuple(low), tuple(reversed(high)), x)


def jury_points(x: float, weight: float, criteria: Sequence[Criterion]) -> float:
    """P = weight * x / (sum of the criteria's max), before the clamp every method gets."""
    return weight * x / math.fsum(c.max for c in criteria)


def draw_order(units: Sequence[str], seed: int) -> list[str]:
    """The presentation order (抽签): a shuffle of the units driven by ``seed`` alone, so
    the recorded seed redraws it exactly (a Fisher-Yates shuffle over a small LCG, not the
    random module, whose algorithms may change between Python versions)."""
    order = sorted(units)
    state = seed % (2 ** 64)
    for i in range(len(order) - 1, 0, -1):
        state = (state * 6364136223846793005 + 1442695040888963407) % (2 ** 64)
        j = (state >> 33) % (i + 1)
        order[i], order[j] = order[j], order[i]
    return order
