"""报送情况: for one month, each unit x indicator cell's state, for organizers whole and for each
department and unit its own part (the cells it reports).

A cell's status is the newest submission holding it (``pending``, ``approved``, ``returned``);
without one, ``approved`` when a result is stored (an organizer's import), else ``late`` once
the due day has ended (逾期未报) and ``missing`` before. ``submitted_late`` says a submission came
after the due day. Cells a unit does not score (exempt, or its group has no weight) are left out.
"""

from __future__ import annotations

from arena.engine import reporting
from arena.engine.rules.model import Contest
from arena.errors import NotFound
from arena.services.results import parse_wanted
from arena.services.rules import contest_rules
from arena.store import results, submissions
from arena.support import clock

STATES = ("missing", "pending", "returned", "approved", "late")
WORDS = {"missing": "未报", "pending": "待审核", "returned": "已退回", "approved": "已通过", "late": "逾期未报"}


def cell_reporter(contest: Contest, key: str, unit: str) -> str:
    found = contest.reporter_of(key)
    if found == "organizer":
        return reporting.ORGANIZER
    return reporting.unit_reporter(unit) if found == "unit" else reporting.department_reporter(found)


def month_of(contest: Contest, period: str) -> str:
    wanted = str(parse_wanted(period))
    if wanted not in contest.months:
        raise NotFound(f"{period} 不是比赛 {contest.id} 赛季中的月份")
    return wanted


def grid(db, contest_id: str, period: str, *, reporter: str) -> dict:
    """The month's cells the reporter may see (an organizer: all), with counts per state."""
    contest, _ = contest_rules(db, contest_id)
    month = month_of(contest, period)
    latest = submissions.latest_cells(db, contest.id, month)
    stored = {(r["unit"], r["key"]): r for r in results.list_results(db, contest.id, period=month)}
    overdue = reporting.is_late(contest, month, clock.now(contest.timezone))
    names = contest.unit_by_code
    cells = []
    for indicator in contest.indicators:
        for code in reporting.scorers(contest, indicator.id):
            owner = cell_reporter(contest, indicator.id, code)
            if reporter != reporting.ORGANIZER and owner != reporter:
                continue
            sub, result = latest.get((code, indicator.id)), stored.get((code, indicator.id))
            cell = {"unit": code, "unit_name": names[code].name, "key": indicator.id, "key_name": indicator.name,
                    "reported_by": owner, "status": None, "by": None, "at": None, "submission": None,
                    "submitted_late": False, "reason": None}
            if sub is not None:
                cell.update(status=sub["status"], by=sub["submitted_by"], at=sub["submitted_at"],
                            submission=sub["id"], submitted_late=sub["late"], reason=sub["reason"])
            elif result is not None:
                cell.update(status="approved", by=result["stored_by"], at=result["stored_at"])
            else:
                cell["status"] = "late" if overdue else "missing"
            cells.append(cell)
    counts = {state: sum(c["status"] == state for c in cells) for state in STATES}
    first, due = reporting.window(contest, month)
    return {"contest": contest.id, "period": month, "opens": first.isoformat(), "due": due.isoformat(),
            "due_end": clock.iso(reporting.due_end(contest, month)), "counts": counts, "cells": cells}


def as_table(found: dict) -> dict:
    """The grid's cells as a table for pages: columns (key, name), rows of cells (None: not scored)."""
    keys = list(dict.fromkeys((c["key"], c["key_name"]) for c in found["cells"]))
    units = list(dict.fromkeys((c["unit"], c["unit_name"]) for c in found["cells"]))
    by_cell = {(c["unit"], c["key"]): c for c in found["cells"]}
    rows = [{"code": code, "name": name, "cells": [by_cell.get((code, k)) for k, _ in keys]} for code, name in units]
    return {"columns": keys, "rows": rows}
