"""Standings and what ranks earn (RULES.md, "Total and rank", "Quarter, half-year and
year", "Red flags, warnings, lights, board").

A Standing ranks a period's scores within each group. The award functions take the ranks
of ONE group (unit -> shared rank, vetoed units already ranked after the others) and answer
a set of unit codes or a side per unit. Ties need no special case: with shared ranks, every
unit sharing the last qualifying place has a rank within the count, so it qualifies.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import AbstractSet, Mapping, Sequence

from arena.engine.methods import competition_ranks
from arena.engine.numbers import round_half_up_list
from arena.engine.rules.model import Board, Cards, FlagRule


@dataclass(frozen=True)
class Standing:
    """A period's ranking: S (unrounded), S as shown, vetoed units, ranks within groups."""

    totals: Mapping[str, float]
    shown: Mapping[str, float]
    vetoed: AbstractSet[str]
    ranks: Mapping[str, int]


def combine(months: Sequence[Mapping[str, float]], aggregate: str) -> dict[str, float]:
    """A longer period's S from its scored months' S (oldest first): mean, sum, or last."""
    if aggregate == "last":
        return dict(months[-1])
    sums = {u: math.fsum(m[u] for m in months) for u in months[0]}
    return {u: s / len(months) for u, s in sums.items()} if aggregate == "mean" else sums


def standing(
    groups: Mapping[str, Sequence[str]],
    totals: Mapping[str, float],
    vetoed: AbstractSet[str],
    precision: int,
    tie_keys: Mapping[str, tuple[float, ...]] | None = None,
) -> Standing:
    """Within each group: not vetoed first, then S rounded half up to ``precision``, higher
    first, then ``tie_keys`` (tie_break points as shown, months only), higher first; units
    still equal share the best rank, so vetoed units' ranks continue after the others'."""
    shown = dict(zip(totals, round_half_up_list(totals.values(), precision)))
    ranks: dict[str, int] = {}
    for members in groups.values():
        keys = {
            u: (u in vetoed, -shown[u], *(-k for k in (tie_keys[u] if tie_keys else ())))
            for u in members
        }
        ranks.update(competition_ranks(keys))
    return Standing(dict(totals), shown, frozenset(vetoed), ranks)


def bottom_ranks(ranks: Mapping[str, int]) -> dict[str, int]:
    """Rank counted from the bottom: 1 + the number of units of the group ranked after it."""
    ordered = sorted(ranks.values())
    n = len(ordered)
    return {u: 1 + n - bisect_right(ordered, r) for u, r in ranks.items()}


def board_sides(
    ranks: Mapping[str, int], vetoed: AbstractSet[str], board: Board
) -> dict[str, str | None]:
    """dragon: not vetoed and rank <= dragon; tiger: bottom rank <= tiger and not a dragon."""
    bottom = bottom_ranks(ranks)
    sides: dict[str, str | None] = {}
    for unit, r in ranks.items():
        if unit not in vetoed and r <= board.dragon:
            sides[unit] = "dragon"
        elif bottom[unit] <= board.tiger:
            sides[unit] = "tiger"
        else:
            sides[unit] = None
    return sides


def red_flag_units(
    group: str,
    ranks: Mapping[str, int],
    totals: Mapping[str, float],
    vetoed: AbstractSet[str],
    rule: FlagRule | None,
) -> set[str]:
    """Not vetoed, quarter score (as shown, rounded) >= min_score, rank <= count[group].
    A group missing from ``count`` gets none."""
    if rule is None or group not in rule.count:
        return set()
    places = rule.count[group]
    return {
        u for u, r in ranks.items()
        if u not in vetoed and r <= places and totals[u] >= rule.min_score
    }


def yellow_flag_units(
    group: str, ranks: Mapping[str, int], rule: FlagRule | None, red: AbstractSet[str]
) -> set[str]:
    """Bottom rank <= count[group], never a unit with a red flag (vetoed units may get one)."""
    if rule is None or group not in rule.count:
        return set()
    places = rule.count[group]
    return {u for u, b in bottom_ranks(ranks).items() if b <= places and u not in red}


def warned_units(history: Sequence[Mapping[str, int]], group_size: int, months: int | None) -> set[str]:
    """约谈: last in the group (bottom rank 1, ties and vetoed units included) in each of the
    last ``months`` scored months, ``history`` being the ranks of those months up to and
    including this one, oldest first. Needs a group of >= 3 listed units and ``months``
    scored months."""
    if not months or group_size < 3 or len(history) < months:
        return set()
    recent = history[-months:]
    lasts = [{u for u, b in bottom_ranks(ranks).items() if b == 1} for ranks in recent]
    return set.intersection(*lasts)


def position_cards(ranks: Mapping[str, int], vetoed: AbstractSet[str], cards: Cards) -> dict[str, str | None]:
    """位次牌: red first (bottom rank <= red, or vetoed), then yellow (bottom rank <= yellow),
    then blue (rank <= blue); one card at most, so where blue meets red or yellow in a small
    group the warning wins. Ties share, as the board counts from the bottom."""
    if not cards.position:
        return {u: None for u in ranks}
    bottom = bottom_ranks(ranks)
    shown: dict[str, str | None] = {}
    for unit, r in ranks.items():
        if unit in vetoed or (cards.red_bottom is not None and bottom[unit] <= cards.red_bottom):
            shown[unit] = "red"
        elif cards.yellow_bottom is not None and bottom[unit] <= cards.yellow_bottom:
            shown[unit] = "yellow"
        elif cards.blue_top is not None and r <= cards.blue_top:
            shown[unit] = "blue"
        else:
            shown[unit] = None
    return shown


def progress_card(change: int | None, cards: Cards) -> str | None:
    """进位牌: blue for rising ``rose`` places or more, red for falling ``fell`` or more; none
    without a change (the first scored month, or a unit not ranked the month before)."""
    if change is None:
        return None
    if cards.rose is not None and change >= cards.rose:
        return "blue"
    if cards.fell is not None and -change >= cards.fell:
        return "red"
    return None
