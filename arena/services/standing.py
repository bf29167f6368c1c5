"""What the PUBLISHED sheets say about units: one unit's standing, and the flags of each year.

Everything here reads stored publications (the newest revision of each period), never a
draft, so nothing unpublished can reach a unit or the public through it.

Standing, for the latest published month (decisions where RULES.md is silent):
- above: the unit(s) with the nearest better rank; points = their total - ours. More than that
  passes them (equal totals are separated by tie_break); negative when a veto ranks us lower.
- red_flag_line: the contest's red-flag rule (of the rules version the month was published
  with) applied to the month's ranking: line = max(min_score, the total at place count[group]
  among the group's units that are not vetoed); points = max(0, line - total), null for a vetoed
  unit, which can win no flag. Quarters rank without tie_break, so reaching the line suffices.
- red_lights: the indicators whose light is red.
- lost_most: weight - points per indicator the unit scores, the 3 largest losses above 0
  (ties in the order the rules list the indicators).
"""

from __future__ import annotations

from typing import Any

from arena import services
from arena.engine.numbers import round_half_up
from arena.errors import NotFound
from arena.services.publishing import frozen_sheet
from arena.store import contests, publications

def newest_publications(db, contest_id: str, kind: str | None = None) -> list[dict]:
    """The newest revision of every published period (with its sheet), oldest period first."""
    contests.require_contest(db, contest_id)
    return [publications.get(db, contest_id, row["period"], row["revision"])
            for row in publications.newest(db, contest_id, kind)]


def find_row(sheet: dict, unit: str) -> tuple[dict, dict] | None:
    """(group, row) of ``unit`` in a sheet, or None."""
    for group in sheet["groups"]:
        for row in group["units"]:
            if row["unit"] == unit:
                return group, row
    return None


def unit_standing(db, contest_id: str, unit: str) -> dict[str, Any]:
    """The unit's row in every published period, and where it stands in the latest month."""
    listed = {u["code"]: u for u in contests.list_units(db, contest_id)}
    history, last_month = [], None
    for pub in newest_publications(db, contest_id):
        found = find_row(frozen_sheet(pub), unit)
        if found is None:
            continue
        group, row = found
        history.append({"period": pub["period"], "kind": pub["kind"], "revision": pub["revision"],
                        "published_at": pub["published_at"], "group": group["id"], "row": row})
        if pub["kind"] == "month":
            last_month = pub
    if unit not in listed and not history:
        raise NotFound(f"contest {contest_id!r} has no unit {unit!r}")
    if not history:
        raise NotFound(f"nothing is published yet for unit {unit!r}")
    name = listed[unit]["name"] if unit in listed else history[-1]["row"]["name"]
    group = listed[unit]["group"] if unit in listed else history[-1]["group"]
    latest = _latest(db, contest_id, last_month, unit) if last_month else None
    return {"contest": contest_id, "unit": unit, "name": name, "group": group, "history": history, "latest": latest}


def _latest(db, contest_id: str, pub: dict, unit: str) -> dict[str, Any]:
    contest, _ = services.contest_rules(db, contest_id, pub["rules_version"])
    prec = contest.precision
    group, me = find_row(frozen_sheet(pub), unit)  # type: ignore[misc]
    rows = group["units"]
    better = [r for r in rows if r["rank"] < me["rank"]]
    above = None
    if better:
        nearest = max(r["rank"] for r in better)
        a = next(r for r in better if r["rank"] == nearest)
        above = {"unit": a["unit"], "name": a["name"], "rank": a["rank"], "total": a["total"],
                 "points": round_half_up(a["total"] - me["total"], prec)}
    vetoed = "vetoed" in me["flags"]
    names = {i.id: i for i in contest.indicators}
    cells = [(i, me["indicators"].get(i)) for i in names]
    red = [{"indicator": i, "name": names[i].name, "value": c["value"], "target": c["target"], "ratio": c["ratio"]}
           for i, c in cells if c is not None and c.get("light") == "red"]
    lost = []
    for i, c in cells:
        weight = names[i].weight.get(group["id"])
        if c is not None and weight is not None and weight - c["points"] > 0:
            lost.append({"indicator": i, "name": names[i].name, "weight": weight, "points": c["points"],
                         "lost": round_half_up(weight - c["points"], prec)})
    lost.sort(key=lambda x: -x["lost"])  # stable: ties keep the rules' order
    return {"period": pub["period"], "revision": pub["revision"], "rank": me["rank"], "total": me["total"],
            "units_in_group": len(rows), "vetoed": vetoed, "above": above,
            "red_flag_line": _red_flag_line(contest, pub["period"], group, me, vetoed),
            "red_lights": red, "lost_most": lost[:3]}


def _red_flag_line(contest, month: str, group: dict, me: dict, vetoed: bool) -> dict | None:
    rule = contest.awards.red_flags
    if rule is None or group["id"] not in rule.count:
        return None
    places = rule.count[group["id"]]
    eligible = [r["total"] for r in group["units"] if "vetoed" not in r["flags"]]  # in rank order
    line = max(rule.min_score, eligible[places - 1]) if places <= len(eligible) else rule.min_score
    line = round_half_up(line, contest.precision)
    return {"quarter": _quarter_of(month), "places": places, "min_score": rule.min_score, "line": line,
            "points": None if vetoed else round_half_up(max(0.0, line - me["total"]), contest.precision),
            "inside": not vetoed and me["total"] >= line}


def _quarter_of(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def year_flags(db, contest_id: str) -> dict[str, Any]:
    """Red and yellow flags of every published quarter, and each unit's count per year."""
    quarters, years = [], {}
    for pub in newest_publications(db, contest_id, kind="quarter"):
        sheet, groups = frozen_sheet(pub), []
        counts = years.setdefault(int(pub["period"][:4]), {})
        for group in sheet["groups"]:
            entry = {"id": group["id"], "name": group["name"], "red_flag": [], "yellow_flag": []}
            for row in group["units"]:
                count = counts.setdefault(row["unit"], {"unit": row["unit"], "name": row["name"], "group": group["id"],
                                                        "red_flags": 0, "yellow_flags": 0})
                for flag in ("red_flag", "yellow_flag"):
                    if flag in row["flags"]:
                        entry[flag].append({k: row[k] for k in ("unit", "name", "rank", "total")})
                        count[flag + "s"] += 1
            groups.append(entry)
        quarters.append({"period": pub["period"], "revision": pub["revision"], "published_at": pub["published_at"],
                         "groups": groups})
    return {"contest": contest_id, "quarters": quarters,
            "years": [{"year": y, "units": list(units.values())} for y, units in sorted(years.items())]}
