"""The weekly dispatch (周调度, RULES.md "Weekly dispatch"): a week's table, not a contest.

For each unit and each indicator of the dispatch: the value to date x, the period target
t = T * p(w), the ratio, the lag (时序进度: 100 * (p(w) - x / T) for higher) and the light, by
the indicator's lights. p(w) is p of the month holding the week's Thursday for a progress list,
(days of the year up to the week's Sunday) / (days of the year) for linear, 1 for none. The
year is the week's ISO year; a last week whose Sunday falls in January counts the whole year.
No points, totals, ranks, flags or board.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from arena.engine.methods import light, ratio
from arena.engine.numbers import round_half_up
from arena.engine.periods import Period, month_number, week_day
from arena.engine.rules.model import LINEAR, Contest, Indicator
from arena.errors import BadRequest, NotFound

Rows = Mapping[str, Mapping[str, float]]  # unit code -> key -> value, of one week


def week_progress(indicator: Indicator, week: Period) -> float:
    """p(w) of an indicator in an ISO week."""
    if indicator.progress == LINEAR:
        sunday = week_day(week, 7)
        first, days = dt.date(week.year, 1, 1), dt.date(week.year, 12, 31).timetuple().tm_yday
        return min((sunday - first).days + 1, days) / days
    return indicator.progress[month_number(week.months[0]) - 1]


def week_target(indicator: Indicator, unit: str, week: Period) -> float | None:
    """t = T * p(w); None for a unit without a target."""
    annual = indicator.annual_target(unit)
    return None if annual is None else annual * week_progress(indicator, week)


def _cell(contest: Contest, ind: Indicator, unit: str, week: Period, x: float | None) -> dict[str, Any]:
    annual, due = ind.annual_target(unit), week_progress(ind, week)
    t = None if annual is None else annual * due
    r = None if x is None or t is None else ratio(x, t, ind.better, ind.cap)
    lag = None
    if x is not None and annual is not None and annual > 0:
        done = x / annual
        lag = round_half_up(100 * ((due - done) if ind.better == "higher" else (done - due)), 2)
    return {
        "value": x, "target": None if t is None else round_half_up(t, 4),
        "ratio": None if r is None else round_half_up(r, 4), "lag": lag,
        "light": light(contest.lights_for(ind), ind, unit, week.months[0], x, r, due=due), "missing": x is None,
    }


def dispatched(contest: Contest, rows: Rows) -> bool:
    """Whether a week's rows hold a value of a listed unit for an indicator of the dispatch."""
    ids = {i.id for i in contest.weekly_indicators}
    codes = {u.code for u in contest.units}
    return any(u in codes and any(k in ids for k in row) for u, row in rows.items())


def week_sheet(contest: Contest, week: Period, rows: Rows) -> dict[str, Any]:
    """The dispatch table of ``week``; metadata left None for the service to fill. Groups in
    the order of the rules, units in the order listed (no ranks)."""
    if contest.weekly is None:
        raise BadRequest(f"contest {contest.id} has no weekly dispatch (周调度): its rules have no weekly block")
    if week.months[0] not in contest.months:
        raise BadRequest(f"{week} lies outside the season of contest {contest.id} "
                         f"({contest.season_start} to {contest.season_end}): its Thursday falls in {week.months[0]}")
    if not dispatched(contest, rows):
        raise NotFound(f"{week} has no dispatch yet: no results for it in contest {contest.id}")
    inds = contest.weekly_indicators
    groups = []
    for gid, gname in contest.groups.items():
        units = []
        for u in (u for u in contest.units if u.group == gid):
            mine = rows.get(u.code, {})
            cells = {
                ind.id: None if gid not in ind.weight or ind.id in contest.exempt.get(u.code, ())
                else _cell(contest, ind, u.code, week, mine.get(ind.id))
                for ind in inds
            }
            units.append({"unit": u.code, "name": u.name, "indicators": cells})
        groups.append({"id": gid, "name": gname, "units": units})
    return {
        "contest": contest.id, "period": str(week), "kind": "week", "revision": None,
        "published_at": None, "note": None, "status": None, "notice_until": None,
        "rules_sha256": None, "data_sha256": None,
        "week": {"from": week_day(week, 1).isoformat(), "to": week_day(week, 7).isoformat(), "month": week.months[0]},
        "indicators": [{"id": i.id, "name": i.name, "unit": i.unit, "better": i.better,
                        "progress": round_half_up(week_progress(i, week), 4)} for i in inds],
        "groups": groups,
    }
