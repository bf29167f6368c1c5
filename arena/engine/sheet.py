"""Sheets (API.md, "The sheet") of a month, quarter, half or year, scored per RULES.md; a
week's is its dispatch table (dispatch.py).

Month: S(u) = sum of P(u, i) (times W_group / W_assessed for an exempt unit) + adjustment
points; the shown total is S rounded half up to ``precision``; ranks compare (vetoed, shown
total, tie_break points as shown) within the group, ties sharing the best rank.
Quarter, half, year: S combined over the period's scored months by ``aggregate``, ranked
without tie_break.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

from arena.engine import awards
from arena.engine.awards import Standing
from arena.engine.dispatch import week_sheet
from arena.engine.methods import ScoringError
from arena.engine.month import UnitMonth, layout_of, score_month
from arena.engine.numbers import round_half_up_list
from arena.engine.periods import Period, PeriodError, parse_period
from arena.engine.results import paused_gc
from arena.engine.rules.model import Contest
from arena.errors import BadRequest, NotFound

__all__ = ["Results", "ScoringError", "UnitMonth", "score", "score_month", "scored_months", "sheet_months"]

Results = Mapping[str, Mapping[str, Mapping[str, float]]]  # month -> unit code -> key -> value


def scored_months(contest: Contest, results: Results) -> tuple[str, ...]:
    """Months of the season with at least one row of a listed unit for a key the rules know
    (an adjustment row alone counts)."""
    codes, keys = {u.code for u in contest.units}, contest.keys
    return tuple(
        m for m in contest.months
        if any(u in codes and any(k in keys for k in row) for u, row in results.get(m, {}).items())
    )


def sheet_months(contest: Contest, period: str, scored: Iterable[str]) -> tuple[str, ...]:
    """The months whose rows the sheet of ``period`` reads, given the scored months (those with
    a row of a listed unit for a known key, as every stored row is): the sheet of ``period``
    from the results of these months alone is the sheet from all of them. A month: itself, the
    previous scored month (change) and the last N scored months (warnings); a quarter, half or
    year: its months and those of the period before it (change)."""
    try:
        p = parse_period(period)
    except PeriodError as exc:
        raise BadRequest(str(exc)) from exc
    if p.kind == "week":  # a week's dispatch reads its own rows alone
        return (str(p),) if str(p) in set(scored) else ()
    done = sorted(set(scored) & set(contest.months))
    if p.kind == "month":
        before, upto = [m for m in done if m < str(p)], [m for m in done if m <= str(p)]
        wanted = set(before[-1:]) | set(upto[-(contest.awards.last_place_months or 1):])
    else:
        wanted = set(p.months) | set(p.previous().months)
    return tuple(m for m in done if m in wanted)


class _Scorer:
    """Scores what a sheet needs, each month and period at most once; cells only for the
    month the sheet shows (``shown``)."""

    def __init__(self, contest: Contest, results: Results, shown: Period):
        self.contest, self.results = contest, results
        self.scored = scored_months(contest, results)
        self.groups = layout_of(contest).groups
        self.shown = str(shown) if shown.kind == "month" else None
        self._months: dict[str, dict[str, UnitMonth]] = {}
        self._standings: dict[str, Standing | None] = {}

    def month(self, month: str) -> dict[str, UnitMonth]:
        if month not in self._months:
            self._months[month] = score_month(
                self.contest, month, self.results.get(month, {}), cells=month == self.shown
            )
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
            at = {ind.id: k for k, ind in enumerate(self.contest.indicators)}
            cols = [round_half_up_list([(months[0][u].row[at[i]] if i in at else None) or 0.0 for u in codes], prec)
                    for i in self.contest.tie_break]
            tie_keys = dict(zip(codes, zip(*cols))) if cols else {u: () for u in codes}
        return awards.standing(self.groups, totals, vetoed, prec, tie_keys)

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
    months: list[dict[str, UnitMonth]], members: list[str], ids: list[str], precision: int
) -> dict[str, dict[str, float | None]]:
    """Longer periods: each unit's mean of its unrounded points over the scored months, per
    indicator (None where a month does not score it), rounded all at once."""
    means: list[list[float | None]] = []
    for u in members:
        per_indicator = zip(*(ms[u].row for ms in months))
        means.append([None if None in ps else math.fsum(ps) / len(ps) for ps in per_indicator])
    shown = iter(round_half_up_list([m for row in means for m in row if m is not None], precision))
    return {u: {i: None if m is None else next(shown) for i, m in zip(ids, row)} for u, row in zip(members, means)}


def _unit_rows(scorer: _Scorer, p: Period, group: str) -> list[dict[str, Any]]:
    contest, members = scorer.contest, scorer.groups[group]
    st = scorer.standing(p)
    assert st is not None
    ranks = {u: st.ranks[u] for u in members}
    prev_period = _previous(scorer, p)
    prev = scorer.standing(prev_period) if prev_period else None
    sides = awards.board_sides(ranks, st.vetoed, contest.board)
    cards = contest.cards if p.kind == "month" else None
    position = awards.position_cards(ranks, st.vetoed, cards) if cards else {}
    months = [scorer.month(m) for m in scorer.scored_in(p)]
    warned = _warned(scorer, p, members) if p.kind == "month" else set()
    red = scorer.red_flags(p, group) if p.kind == "quarter" else set()
    yellow = (awards.yellow_flag_units(group, ranks, contest.awards.yellow_flags, red)
              if p.kind == "quarter" else set())
    # half and year: the red flags won in the quarters of the year that end within the period
    quarters = [Period(p.year, "quarter", n) for n in range(1, 5)] if p.kind in ("half", "year") else []
    won = [scorer.red_flags(q, group) for q in quarters if set(q.months) <= set(p.months)]
    names = {u.code: u.name for u in contest.units}
    ids = [i.id for i in contest.indicators]
    means = _mean_points(months, members, ids, contest.precision) if p.kind != "month" else {}
    adjusted = [v for u in members for v in months[0][u].adjustments.values()] if p.kind == "month" else []
    shown_adj = iter(round_half_up_list(adjusted, contest.precision))
    if p.kind == "month":
        adj_shown = {u: {k: next(shown_adj) for k in months[0][u].adjustments} for u in members}
    rows = []
    for u in sorted(members, key=lambda code: (ranks[code], code)):
        checks = (
            ("missing", p.kind == "month" and months[0][u].missing), ("warning", u in warned),
            ("vetoed", u in st.vetoed), ("red_flag", u in red), ("yellow_flag", u in yellow),
        )
        if p.kind == "month":
            indicators: dict[str, Any] = months[0][u].cells  # built for this sheet alone: no copy
            adjustments = adj_shown[u]
        else:
            indicators, adjustments = means[u], {}
        row = {
            "unit": u, "name": names[u], "rank": ranks[u], "total": st.shown[u],
            "change": prev.ranks[u] - ranks[u] if prev is not None and u in prev.ranks else None,
            "flags": [flag for flag, on in checks if on],
            "indicators": indicators, "adjustments": adjustments, "board": sides[u],
        }
        if p.kind in ("half", "year"):
            row["red_flags"] = sum(u in flags for flags in won)
        if cards is not None:
            row["cards"] = {"position": position[u], "progress": awards.progress_card(row["change"], cards)}
        rows.append(row)
    return rows


def score(contest: Contest, period: str, results: Results) -> dict:
    """The sheet of ``period`` (month, quarter, half or year); metadata left None for the
    service to fill. Groups in the order of the rules, units by rank then code."""
    try:
        p = parse_period(period)
    except PeriodError as exc:
        raise BadRequest(str(exc)) from exc
    if p.kind == "week":
        return week_sheet(contest, p, results.get(str(p), {}))
    if not set(p.months) & set(contest.months):
        raise BadRequest(
            f"{p} lies outside the season of contest {contest.id} "
            f"({contest.season_start} to {contest.season_end})"
        )
    scorer = _Scorer(contest, results, p)
    if not scorer.scored_in(p):
        raise NotFound(f"{p} has no scored month yet: no results for it in contest {contest.id}")
    with paused_gc():  # a national sheet is ~10^5 small dicts, none of them in a cycle
        groups = [{"id": group, "name": name, "units": _unit_rows(scorer, p, group)}
                  for group, name in contest.groups.items()]
    return {
        "contest": contest.id, "period": str(p), "kind": p.kind, "revision": None,
        "published_at": None, "note": None, "status": None, "notice_until": None, "rules_sha256": None, "data_sha256": None,
        "groups": groups,
    }
