"""/me: a unit's own page, from published sheets only (arena.services.standing, as the API's standing).

A unit account sees its own unit; an organizer or admin sees any unit's at /me?unit=CODE
(&contest=ID when there is more than one contest). Shown: rank, total, cards and lights of
the latest published month, the gap to the unit above and to the red-flag line, every
indicator where points were lost (weight minus points, largest first), and the history with
its chart, its newest submissions (报送) with their state and the organizer's reason, and, while
its latest month is under notice (公示), the form to object to it and its objections with their
answers (arena.http.console.me_objections).
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from arena import services

from arena.services import standing
from arena.http.db import get_db
from arena.http.console import auth, report
from arena.http.console.door import bp, require_account
from arena.engine.numbers import round_half_up
from arena.errors import BadRequest, Forbidden, NotFound
from arena.store import contests

LIGHTS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}


def _which(user: dict) -> tuple[str, str | None]:
    """(contest, unit or None for the chooser) this person may see."""
    asked_unit, asked_contest = request.args.get("unit") or None, request.args.get("contest") or None
    if user["role"] == "unit":
        if asked_unit not in (None, user["unit"]) or asked_contest not in (None, user["contest"]):
            raise Forbidden("单位账号只能查看本单位的页面")
        return user["contest"], user["unit"]
    if user["role"] not in auth.ROLES:
        raise Forbidden("本单位页面供单位账号查看；组织方可查看任一单位（/me?unit=单位代码）")
    if user["contest"] is not None and asked_contest not in (None, user["contest"]):
        raise Forbidden(f"您的账号只管比赛 {user['contest']}")
    contest = asked_contest or user["contest"]
    if contest is None:
        listed = services.list_contests(get_db())
        if not listed:
            raise NotFound("还没有任何比赛")
        contest = listed[0]["id"]
    return contest, asked_unit


def _losses(db, cid: str, entry: dict) -> list[dict]:
    """Every indicator's weight minus points where above 0, largest first (ties: the rules' order)."""
    pub = standing.newest_publications(db, cid, "month")[-1]
    contest, _ = services.contest_rules(db, cid, pub["rules_version"])
    lost = []
    for ind in contest.indicators:
        cell, weight = entry["row"]["indicators"].get(ind.id), ind.weight.get(entry["group"])
        if cell is not None and weight is not None and weight - cell["points"] > 0:
            lost.append({"name": ind.name, "weight": weight, "points": cell["points"],
                         "lost": round_half_up(weight - cell["points"], contest.precision)})
    return sorted(lost, key=lambda x: -x["lost"])


@bp.get("/me")
def me():
    user = require_account()
    if not isinstance(user, dict):
        return user
    if auth.pending_step(user):
        return redirect(url_for("door.account"))
    return page(user)


def page(user: dict, status: int = 200, **extra):
    """The page of the unit ``user`` may see; ``extra`` for the objection form's refusal."""
    from arena.http.console import me_objections

    db = get_db()
    cid, unit = _which(user)
    if not contests.contest_exists(db, cid):
        raise NotFound(f"没有比赛 {cid!r}")
    units = contests.list_units(db, cid)
    if unit is None:
        return render_template("console/me_choose.html", contest=None, cid=cid, units=units)
    if len(unit) > 64 or not unit.isprintable():
        raise BadRequest("单位代码有误")
    if unit not in {u["code"] for u in units}:
        raise NotFound(f"比赛 {cid} 没有单位 {unit!r}")
    extra.update(me_objections.context(db, cid, unit, may_object=user["role"] == "unit"))
    try:
        found = standing.unit_standing(db, cid, unit)
    except NotFound:
        name = next(u["name"] for u in units if u["code"] == unit)
        return render_template("console/me.html", cid=cid, unit=unit, name=name, latest=None, months=[],
                               submissions=report.unit_submissions(db, cid, unit), **extra), status
    months = [h for h in found["history"] if h["kind"] == "month"]
    latest, entry = found["latest"], months[-1] if months else None
    indicators = []
    if entry is not None:
        contest, _ = services.contest_rules(db, cid)
        names = {i.id: i.name for i in contest.indicators}
        indicators = [{"name": names.get(k, k), "points": c.get("points"), "light": c.get("light")}
                      for k, c in entry["row"]["indicators"].items()]
    return render_template(
        "console/me.html", cid=cid, unit=unit, name=found["name"], latest=latest, months=months,
        row=entry["row"] if entry else None, cards=(entry["row"].get("cards") if entry else None) or [],
        indicators=indicators, lights=LIGHTS, losses=_losses(db, cid, entry) if entry else [],
        chart=url_for("web.unit_chart", cid=cid, code=unit) if months else None,
        submissions=report.unit_submissions(db, cid, unit), **extra), status
