"""异议处理: the months under notice (公示) with their deadlines, each open objection with the
unit's row as published, its message and evidence, and the answer form (upheld: correct the data
first, the month is republished; rejected: a reply); 提前定稿 for a month with none open.

The same services as the API (arena.services.objections, arena.services.notice).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from arena.errors import ArenaError, ValidationFailed
from arena.http.console import bp
from arena.http.console.auth import current_user
from arena.http.console.common import open_contest, problems, season_period
from arena.http.headers import attachment
from arena.http.db import get_db
from arena.services import notice, objections, publishing
from arena.store import publications


@bp.route("/contests/<contest_id>/objections")
def objections_page(contest_id: str):
    row, model, _ = open_contest(contest_id)
    return _page(row, model)


@bp.route("/contests/<contest_id>/objections/<int:ident>/answer", methods=["POST"])
def answer_objection(contest_id: str, ident: int):
    row, model, _ = open_contest(contest_id)
    form = request.form
    try:
        done = objections.answer(get_db(), contest_id, ident, decision=form.get("decision") or None,
                                 reply=form.get("reply", ""), actor=current_user().actor)
    except ArenaError as error:
        return _page(row, model, error=error, failed=ident, reply=form.get("reply", "")[:2000]), error.status
    said = (f"已维持第 {ident} 号异议，{done['period']} 已更正为第 {done['answer_revision']} 版（仍在公示期内）。"
            if done["status"] == "upheld" else f"已答复第 {ident} 号异议：不成立。")
    flash(said, "ok")
    return redirect(url_for("console.objections_page", contest_id=contest_id))


@bp.route("/contests/<contest_id>/objections/final", methods=["POST"])
def finalize_month(contest_id: str):
    row, model, _ = open_contest(contest_id)
    asked = request.form.get("period", "")
    try:
        period = season_period(asked, model, months_only=True)
        if period is None:
            raise ValidationFailed("只能对本赛季的月份定稿，什么也没有发布", [{"field": "period", "message": "not a month"}])
        done, created = notice.finalize(get_db(), contest_id, period, actor=current_user().actor)
    except ArenaError as error:
        return _page(row, model, error=error), error.status
    flash(f"{done['period']} 已定稿为第 {done['revision']} 版（正式稿）。" if created else
          f"{done['period']} 已是正式稿（第 {done['revision']} 版）。", "ok")
    return redirect(url_for("console.objections_page", contest_id=contest_id))


@bp.route("/contests/<contest_id>/objections/<int:ident>/files/<path:name>")
def objection_file(contest_id: str, ident: int, name: str):
    open_contest(contest_id)
    found, data = objections.file_of(get_db(), current_app.config["EVIDENCE_DIR"], contest_id, ident, name,
                                     organizer=True, unit=None, actor=current_user().actor)
    return attachment(found, data)


def _page(row: dict, model, **extra: Any):
    db = get_db()
    names = {i.id: i.name for i in model.indicators}
    units = {u.code: u.name for u in model.units}
    listed = objections.listed(db, model.id)
    open_count: dict[str, int] = {}
    for o in listed:
        if o["status"] == "open":
            open_count[o["period"]] = open_count.get(o["period"], 0) + 1
    months = [{**p, "open": open_count.get(p["period"], 0)}
              for p in publications.newest(db, model.id, "month") if p["status"] == "notice"]
    sheets: dict[str, dict] = {}
    shown = []
    for o in listed:
        if o["period"] not in sheets:
            sheets[o["period"]] = publishing.frozen_sheet(publications.get(db, model.id, o["period"]))
        unit_row = objections.row_of(sheets[o["period"]], o["unit"])
        shown.append({**o, "unit_name": units.get(o["unit"], o["unit"]), "unit_row": unit_row,
                      "indicator_name": names.get(o["indicator"], o["indicator"]) if o["indicator"] else "整行",
                      "state": objections.STATES[o["status"]]})
    error = extra.get("error")
    return render_template("console/objections.html", contest=row, model=model, months=months,
                           pending=[o for o in shown if o["status"] == "open"],
                           answered=[o for o in reversed(shown) if o["status"] != "open"],
                           problems=problems(error) if error else None, **extra)
