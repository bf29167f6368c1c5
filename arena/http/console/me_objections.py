"""Objections (异议) on the unit's own page: while its latest month is under notice (公示) a unit
account objects to an indicator of its own row or to the whole row, with evidence files; the
page lists its objections with their state and the organizer's reply. Organizers who open
/me?unit=CODE see the list, not the form (they answer in the console's 异议处理).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, redirect, request, url_for

from arena import services
from arena.errors import ArenaError, Forbidden
from arena.http.console import auth
from arena.http.console.door import bp, require_account
from arena.http.db import get_db
from arena.http.headers import attachment
from arena.services import evidence, objections, publishing
from arena.store import publications
from arena.support import clock


def latest_notice(db, cid: str) -> dict | None:
    """The contest's latest published month when its newest revision is under notice, with
    ``open``: objections are still taken (the deadline has not passed)."""
    months = publications.newest(db, cid, "month")
    if not months or months[-1]["status"] != "notice":
        return None
    newest = months[-1]
    contest, _ = services.contest_rules(db, cid)
    ends = datetime.fromisoformat(newest["notice_until"])
    return {**newest, "open": clock.now(contest.timezone) < ends}


def context(db, cid: str, unit: str, *, may_object: bool) -> dict:
    """What me.html shows of notices and objections for ``unit``."""
    contest, _ = services.contest_rules(db, cid)
    names = {i.id: i.name for i in contest.indicators}
    notice = latest_notice(db, cid)
    choices = []
    if notice is not None:
        row = objections.row_of(publishing.frozen_sheet(publications.get(db, cid, notice["period"], notice["revision"])),
                                unit)
        choices = [(k, names.get(k, k)) for k, cell in (row or {}).get("indicators", {}).items() if cell is not None]
        if row is None:
            notice = {**notice, "open": False}
    own = [{**o, "indicator_name": names.get(o["indicator"], o["indicator"]) if o["indicator"] else "整行",
            "state": objections.STATES[o["status"]]}
           for o in reversed(objections.listed(db, cid, unit=unit))]
    return {"notice": notice, "objection_choices": choices, "objections": own, "may_object": may_object}


@bp.post("/me/objections")
def raise_objection():
    user = require_account()
    if not isinstance(user, dict):
        return user
    if auth.pending_step(user):
        return redirect(url_for("door.account"))
    from arena.http.console.me import page

    form = request.form
    try:
        if user["role"] != "unit":
            raise Forbidden("只有单位账号可以提出异议")
        uploads = [u for u in request.files.getlist("files") if u.filename]
        checked = evidence.check([(u.filename, u.read()) for u in uploads],
                                 evidence.Limits.from_settings(current_app.config))
        who = auth.principal_of(user)
        done = objections.raise_objection(get_db(), user["contest"], unit=user["unit"], actor=who.actor,
                                          period=form.get("period", ""), indicator=form.get("indicator") or None,
                                          message=form.get("message", ""), files=checked,
                                          folder=current_app.config["EVIDENCE_DIR"])
    except ArenaError as error:
        return page(user, error.status, objection_error=error, draft=form.get("message", "")[:2000],
                    draft_indicator=form.get("indicator", ""))
    flash(f"已提出异议（第 {done['id']} 号），组织方答复后会显示在下方。", "ok")
    return redirect(url_for("door.me", _anchor="me-objections"), 303)


@bp.get("/me/objections/<int:ident>/files/<path:name>")
def objection_file(ident: int, name: str):
    """An evidence file of the unit's own objection, audited (organizers open theirs in the console)."""
    user = require_account()
    if not isinstance(user, dict):
        return user
    if auth.pending_step(user):
        return redirect(url_for("door.account"))
    if user["role"] != "unit":
        raise Forbidden("组织方请在管理后台的“异议处理”页查看佐证材料")
    found, data = objections.file_of(get_db(), current_app.config["EVIDENCE_DIR"], user["contest"], ident, name,
                                     organizer=False, unit=user["unit"], actor=auth.principal_of(user).actor)
    return attachment(found, data)
