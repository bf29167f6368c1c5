"""Rules preview: what an unsaved rule file would do to a period's ranking. Saves nothing.

The draft sheet under the new rules is scored from the results in force, exactly as
``services.draft`` scores it under the rules in force; each unit's rank under both is listed,
with change = rank now - rank under the new rules (positive: the unit moves up).
"""

from __future__ import annotations

from typing import Any

from arena import services
from arena.engine.rules import load_rules, rules_sha256
from arena.engine.sheet import score
from arena.errors import ArenaError, BadRequest
from arena.store import contests


def _ranks(sheet: dict | None) -> dict[str, tuple[str, str, int, float]]:
    """unit -> (name, group, rank, total) of a sheet."""
    if sheet is None:
        return {}
    return {row["unit"]: (row["name"], g["id"], row["rank"], row["total"]) for g in sheet["groups"] for row in g["units"]}


def preview(db, contest_id: str, yaml_text: str, period: str) -> dict[str, Any]:
    """{"period", "rules_sha256", "sheet": the draft under the new rules, "ranks": [...]}."""
    contests.require_contest(db, contest_id)
    new = load_rules(yaml_text)
    if new.id != contest_id:
        raise BadRequest(f"the rule file is for contest {new.id!r}, not {contest_id!r}",
                         [{"path": "contest.id", "message": f"expected {contest_id!r}"}])
    wanted = services.parse_wanted(period)
    data = services.sheet_inputs(db, new, wanted)
    sheet = score(new, str(wanted), data)
    sheet["rules_sha256"] = rules_sha256(yaml_text)
    sheet["data_sha256"] = services.results_sha256(data)
    try:
        before = services.draft(db, contest_id, str(wanted))
    except ArenaError:  # the period has no sheet under the rules in force (e.g. a new season)
        before = None
    now, after = _ranks(before), _ranks(sheet)
    ranks = []
    for unit in [*after, *(u for u in now if u not in after)]:
        name, group, rank_new, total_new = after.get(unit, (None, None, None, None))
        old = now.get(unit)
        rank_now, total_now = (old[2], old[3]) if old else (None, None)
        ranks.append({
            "unit": unit, "name": name or old[0], "group": group or old[1],  # type: ignore[index]
            "rank_now": rank_now, "rank_new": rank_new,
            "change": rank_now - rank_new if rank_now is not None and rank_new is not None else None,
            "total_now": total_now, "total_new": total_new,
        })
    return {"period": str(wanted), "rules_sha256": sheet["rules_sha256"], "sheet": sheet, "ranks": ranks}
