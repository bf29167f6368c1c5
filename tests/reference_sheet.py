"""The straightforward engine, kept as the reference the fast path is checked against.

This is arena/engine/sheet.py as it stood before the engine was vectorized (issue 6): one
cell at a time, Decimal rounding everywhere, every month scored with every cell. Only its
imports changed: ``standing`` is the old scalar one, copied below, so nothing vectorized
takes part in the reference.

Sheets (API.md, "The sheet") of a month, quarter, half or year, scored per RULES.md.

Month: S(u) = sum of P(u, i) (times W_group / W_assessed for an exempt unit) + adjustment
points; the shown total is S rounded half up to ``precision``; ranks compare (vetoed, shown
total, tie_break points as shown) within the group, ties sharing the best rank.
Quarter, half, year: S combined over the period's scored months by ``aggregate``, ranked
without tie_break.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from arena.engine import awards
from arena.engine.awards import Standing
from arena.engine.methods import (
    Column, ScoringError, competition_ranks, indicator_points, light, scoring_error,
)
from arena.engine.model import Contest, Indicator
from arena.engine.numbers import round_half_up
from arena.engine.periods import Period, PeriodError, parse_period
from arena.errors import BadRequest, NotFound

__all__ = ["Results", "ScoringError", "score", "score_month", "scored_months"]


def standing(groups, totals, vetoed, precision, tie_keys=None) -> Standing:
    """awards.standing before issue 6: round_half_up unit by unit."""
    shown = {u: round_half_up(s, precision) for u, s in totals.items()}
    ranks: dict[str, int] = {}
    for members in groups.values():
        keys = {
            u: (u in vetoed, -shown[u], *(-k for k in (tie_keys[u] if tie_keys else ())))
            for u in members
        }
        ranks.update(competition_ranks(keys))
    return Standing(dict(totals), shown, frozenset(vetoed), ranks)

Results = Mapping[str, Mapping[str, Mapping[str, float]]]  # month -> unit code -> key -> value


@dataclass
class UnitMonth:
    """One unit's month, unrounded. ``points[i]`` is None where the unit does not score i."""

    points: dict[str, float | None]
    cells: dict[str, dict[str, Any] | None]
    adjustments: dict[str, float]  # non-veto items with a row, after their caps
    vetoed: bool
    missing: bool
    total: float  # S


def scored_months(contest: Contest, results: Results) -> tuple[str, ...]:
    """Months of the season with at least one row of a listed unit for a key the rules know
    (an adjustment row alone counts)."""
    codes, keys = {u.code for u in contest.units}, contest.keys
    return tuple(
        m for m in contest.months
        if any(u in codes and any(k in keys for k in row) for u, row in results.get(m, {}).items())
    )


def _groups(contest: Contest) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {g: [] for g in contest.groups}
    for unit in contest.units:
        members.setdefault(unit.group, []).append(unit.code)
    return members


def _round4(x: float | None) -> float | None:
    return None if x is None else round_half_up(x, 4)


def _checked(unit: str, key: str, value: float) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise scoring_error(unit, key, f"the value {value!r} is not a finite number")
    return value


def _adjustments(
    contest: Contest, unit: str, row: Mapping[str, float]
) -> tuple[dict[str, float], bool]:
    """c * points, kept <= max (points > 0) or >= min (points < 0); a veto item with c > 0
    vetoes the unit and adds no points."""
    shown: dict[str, float] = {}
    vetoed = False
    for adj in contest.adjustments:
        if adj.id not in row:
            continue
        count = _checked(unit, adj.id, row[adj.id])
        if adj.veto:
            vetoed = vetoed or count > 0
            continue
        pts = count * adj.points
        if adj.points > 0 and adj.max is not None:
            pts = min(pts, adj.max)
        if adj.points < 0 and adj.min is not None:
            pts = max(pts, adj.min)
        shown[adj.id] = pts
    return shown, vetoed


def _column(
    contest: Contest, ind: Indicator, members: list[str], group: str, month: str,
    rows: Mapping[str, Mapping[str, float]],
) -> tuple[dict[str, float | None], dict[str, dict[str, Any] | None]]:
    """One indicator over one group: each unit's points (None: not scored) and cell."""
    exempt = contest.exempt
    assessed = [u for u in members if group in ind.weight and ind.id not in exempt.get(u, ())]
    values = {u: _checked(u, ind.id, rows[u][ind.id]) for u in assessed if ind.id in rows.get(u, {})}
    col = Column(ind, ind.weight.get(group, 0.0), month, values)
    got, lights = indicator_points(col), contest.lights_for(ind)
    points: dict[str, float | None] = dict.fromkeys(members)
    cells: dict[str, dict[str, Any] | None] = dict.fromkeys(members)
    for u in assessed:
        x, r = values.get(u), col.ratios.get(u)
        points[u] = got.get(u, 0.0)
        cells[u] = {
            "value": x, "target": _round4(ind.period_target(u, month)), "ratio": _round4(r),
            "points": round_half_up(got.get(u, 0.0), contest.precision),
            "light": light(lights, ind, u, month, x, r), "missing": x is None,
        }
    return points, cells


def score_month(
    contest: Contest, month: str, rows: Mapping[str, Mapping[str, float]]
) -> dict[str, UnitMonth]:
    """Every listed unit's month: points and cells column by column, then S."""
    points: dict[str, dict[str, float | None]] = {u.code: {} for u in contest.units}
    cells: dict[str, dict[str, dict[str, Any] | None]] = {u.code: {} for u in contest.units}
    groups = _groups(contest)
    for ind in contest.indicators:
        for group, members in groups.items():
            col_points, col_cells = _column(contest, ind, members, group, month, rows)
            for u in members:
                points[u][ind.id], cells[u][ind.id] = col_points[u], col_cells[u]
    out = {}
    for group, members in groups.items():
        weights = {i.id: i.weight[group] for i in contest.indicators if group in i.weight}
        full = math.fsum(weights.values())
        for u in members:
            scored = [i for i, p in points[u].items() if p is not None]
            total = math.fsum(points[u][i] for i in scored)  # type: ignore[misc]
            assessed_w = math.fsum(weights[i] for i in scored)
            if assessed_w < full:  # exempt: scale up to the group's full weight
                total = total * full / assessed_w if assessed_w > 0 else 0.0
            adjustments, vetoed = _adjustments(contest, u, rows.get(u, {}))
            out[u] = UnitMonth(
                points[u], cells[u], adjustments, vetoed,
                missing=any(c is not None and c["missing"] for c in cells[u].values()),
                total=math.fsum([total, *adjustments.values()]),
            )
    return out


class _Scorer:
    """Scores what a sheet needs, each month and period at most once."""

    def __init__(self, contest: Contest, results: Results):
        self.contest, self.results = contest, results
        self.scored = scored_months(contest, results)
        self.groups = _groups(contest)
        self._months: dict[str, dict[str, UnitMonth]] = {}
        self._standings: dict[str, Standing | None] = {}

    def month(self, month: str) -> dict[str, UnitMonth]:
        if month not in self._months:
            self._months[month] = score_month(self.contest, month, self.results.get(month, {}))
        return self._months[month]

    def scored_in(self, period: Period) -> list[str]:
        return [m for m in period.months if m in self.scored]

    def standing(self, period: Period) -> Standing | None:
        """None when the period has no scored month in the season."""
        key = str(period)
        if key not in self._standings:
            self._standings[key] = self._standing(period)
        return self._standings[key]

    def _standing(self, period: Period) -> Standing | None:
        months = [self.month(m) for m in self.scored_in(period)]
        if not months:
            return None
        codes, prec = [u.code for u in self.contest.units], self.contest.precision
        totals = awards.combine([{u: ms[u].total for u in codes} for ms in months],
                                self.contest.aggregate)
        vetoed = {u for u in codes if any(ms[u].vetoed for ms in months)}
        tie_keys = None
        if period.kind == "month":  # tie_break points as shown, unscaled; not scored counts 0
            points = {u: months[0][u].points for u in codes}
            tie_keys = {
                u: tuple(round_half_up(points[u].get(i) or 0.0, prec) for i in self.contest.tie_break)
                for u in codes
            }
        return standing(self.groups, totals, vetoed, prec, tie_keys)

    def red_flags(self, quarter: Period, group: str) -> set[str]:
        """The units of ``group`` that win a red flag in ``quarter`` (none if unscored)."""
        st = self.standing(quarter)
        if st is None:
            return set()
        ranks = {u: st.ranks[u] for u in self.groups[group]}
        return awards.red_flag_units(group, ranks, st.shown, st.vetoed, self.contest.awards.red_flags)


def _previous(scorer: _Scorer, p: Period) -> Period | None:
    """For change: the previous scored month, or the previous period of the same kind."""
    if p.kind != "month":
        return p.previous()
    before = [m for m in scorer.scored if m < str(p)]
    return parse_period(before[-1]) if before else None


def _warned(scorer: _Scorer, p: Period, members: list[str]) -> set[str]:
    """Units last in each of the last N scored months up to and including this one."""
    n = scorer.contest.awards.last_place_months
    months = [m for m in scorer.scored if m <= str(p)][-n:] if n else []
    history = [scorer.standing(parse_period(m)).ranks for m in months]  # type: ignore[union-attr]
    return awards.warned_units([{u: h[u] for u in members} for h in history], len(members), n)


def _mean_points(
    months: list[dict[str, UnitMonth]], unit: str, indicator: str, precision: int
) -> float | None:
    """Longer periods: the mean of the unit's unrounded points over the scored months."""
    points = [ms[unit].points[indicator] for ms in months]
    if any(p is None for p in points):
        return None
    return round_half_up(math.fsum(points) / len(points), precision)  # type: ignore[arg-type]


def _unit_rows(scorer: _Scorer, p: Period, group: str) -> list[dict[str, Any]]:
    contest, members = scorer.contest, scorer.groups[group]
    st = scorer.standing(p)
    assert st is not None
    ranks = {u: st.ranks[u] for u in members}
    prev_period = _previous(scorer, p)
    prev = scorer.standing(prev_period) if prev_period else None
    sides = awards.board_sides(ranks, st.vetoed, contest.board)
    months = [scorer.month(m) for m in scorer.scored_in(p)]
    warned = _warned(scorer, p, members) if p.kind == "month" else set()
    red = scorer.red_flags(p, group) if p.kind == "quarter" else set()
    yellow = (awards.yellow_flag_units(group, ranks, contest.awards.yellow_flags, red)
              if p.kind == "quarter" else set())
    # half and year: the red flags won in the quarters of the year that end within the period
    quarters = [Period(p.year, "quarter", n) for n in range(1, 5)] if p.kind in ("half", "year") else []
    won = [scorer.red_flags(q, group) for q in quarters if set(q.months) <= set(p.months)]
    names = {u.code: u.name for u in contest.units}
    rows = []
    for u in sorted(members, key=lambda code: (ranks[code], code)):
        checks = (
            ("missing", p.kind == "month" and months[0][u].missing), ("warning", u in warned),
            ("vetoed", u in st.vetoed), ("red_flag", u in red), ("yellow_flag", u in yellow),
        )
        if p.kind == "month":
            um = months[0][u]
            indicators: dict[str, Any] = dict(um.cells)
            adjustments = {k: round_half_up(v, contest.precision) for k, v in um.adjustments.items()}
        else:
            indicators = {i.id: _mean_points(months, u, i.id, contest.precision) for i in contest.indicators}
            adjustments = {}
        row = {
            "unit": u, "name": names[u], "rank": ranks[u], "total": st.shown[u],
            "change": prev.ranks[u] - ranks[u] if prev is not None and u in prev.ranks else None,
            "flags": [flag for flag, on in checks if on],
            "indicators": indicators, "adjustments": adjustments, "board": sides[u],
        }
        if p.kind in ("half", "year"):
            row["red_flags"] = sum(u in flags for flags in won)
        rows.append(row)
    return rows


def score(contest: Contest, period: str, results: Results) -> dict:
    """The sheet of ``period`` (month, quarter, half or year); metadata left None for the
    service to fill. Groups in the order of the rules, units by rank then code."""
    try:
        p = parse_period(period)
    except PeriodError as exc:
        raise BadRequest(str(exc)) from exc
    if not set(p.months) & set(contest.months):
        raise BadRequest(
            f"{p} lies outside the season of contest {contest.id} "
            f"({contest.season_start} to {contest.season_end})"
        )
    scorer = _Scorer(contest, results)
    if not scorer.scored_in(p):
        raise NotFound(f"{p} has no scored month yet: no results for it in contest {contest.id}")
    groups = []
    for group, name in contest.groups.items():
        groups.append({"id": group, "name": name, "units": _unit_rows(scorer, p, group)})
    return {
        "contest": contest.id, "period": str(p), "kind": p.kind, "revision": None,
        "published_at": None, "note": None, "rules_sha256": None, "data_sha256": None,
        "groups": groups,
    }
