"""The year's list across contests (RULES.md "The year's list across contests"): each unit's
weighted year totals over the programme's contests, plus points for its red flags, ranked as
for a year, with honours (年奖) and penalties (年惩). Pure: year sheets in, a sheet out."""

from __future__ import annotations

import math
from typing import Any, Mapping

from arena.engine import awards
from arena.engine.rules.model import Contest
from arena.engine.rules.programme import Programme


def _rows(sheet: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {} if sheet is None else {u["unit"]: u for g in sheet["groups"] for u in g["units"]}


def programme_sheet(programme: Programme, first: Contest, years: Mapping[str, Mapping[str, Any] | None]) -> dict:
    """The annual list of ``programme`` from each contest's latest final year sheet
    (``years``: contest id -> sheet, None where it has none). Units and groups are ``first``'s
    (the programme's first contest); a unit absent from a contest counts 0 there (``missing``),
    one vetoed on any year sheet is vetoed."""
    rows = {part.contest: _rows(years.get(part.contest)) for part in programme.parts}
    totals: dict[str, float] = {}
    vetoed: set[str] = set()
    detail: dict[str, dict[str, Any]] = {}
    for unit in first.units:
        parts, flags, missing, weighted = {}, 0, False, []
        for part in programme.parts:
            row = rows[part.contest].get(unit.code)
            if row is None:
                parts[part.contest], missing = None, True
                continue
            flags += row.get("red_flags") or 0
            vetoed |= {unit.code} if "vetoed" in row["flags"] else set()
            weighted.append(part.weight * row["total"] / 100)
            parts[part.contest] = {"total": row["total"], "rank": row["rank"], "red_flags": row.get("red_flags") or 0}
        totals[unit.code] = math.fsum(weighted) + programme.flag_points * flags
        detail[unit.code] = {"parts": parts, "red_flags": flags, "missing": missing}
    groups = {g: [u.code for u in first.units if u.group == g] for g in first.groups}
    st = awards.standing(groups, totals, vetoed, first.precision)
    out = []
    for gid, members in groups.items():
        ranks = {u: st.ranks[u] for u in members}
        bottom = awards.bottom_ranks(ranks)
        units = []
        for u in sorted(members, key=lambda code: (ranks[code], code)):
            d = detail[u]
            honour = programme.honours > 0 and u not in vetoed and ranks[u] <= programme.honours
            penalty = programme.penalties > 0 and bottom[u] <= programme.penalties
            flags = [f for f, on in (("missing", d["missing"]), ("vetoed", u in vetoed)) if on]
            units.append({"unit": u, "name": first.unit_by_code[u].name, "rank": ranks[u], "total": st.shown[u],
                          "flags": flags, "red_flags": d["red_flags"], "contests": d["parts"],
                          "honour": programme.honours_name if honour else None,
                          "penalty": programme.penalties_name if penalty and not honour else None})
        out.append({"id": gid, "name": first.groups[gid], "units": units})
    return {"programme": programme.id, "name": programme.name, "kind": "programme", "period": str(programme.year),
            "contests": [{"id": p.contest, "weight": p.weight} for p in programme.parts],
            "flag_points": programme.flag_points, "groups": out}
