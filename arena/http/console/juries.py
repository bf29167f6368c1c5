"""评审 (展示擂台赛): the organizers' page of a contest's juries. Open one for a jury indicator and a
month with judge accounts (the draw's seed may be given, else one is drawn and recorded); follow
each judge's progress (never their scores before the close); reopen one judge's submitted sheets
with a reason; close once everyone has submitted, which stores x as the month's results; after
the close, the tally and the link to the big screen's reveal.

The same services as the API (arena.services.juries).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from arena.errors import ArenaError
from arena.http.console import bp
from arena.http.console.auth import current_user
from arena.http.console.common import open_contest, problems
from arena.http.db import get_db
from arena.services import juries
from arena.services.juries import Viewer
from arena.store import users


@bp.route("/contests/<contest_id>/juries")
def juries_page(contest_id: str):
    row, model, _ = open_contest(contest_id)
    return _page(row, model)


@bp.route("/contests/<contest_id>/juries", methods=["POST"])
def open_jury(contest_id: str):
    row, model, _ = open_contest(contest_id)
    form = request.form
    judges = [name.strip() for name in form.get("judges", "").replace("，", ",").replace("\n", ",").split(",")
              if name.strip()]
    seed: Any = form.get("order_seed", "").strip() or None
    if seed is not None:
        seed = int(seed) if seed.isdigit() else seed  # the service names anything else
    try:
        done = juries.open_jury(get_db(), contest_id, indicator=form.get("indicator"), period=form.get("period"),
                                judges=judges, order_seed=seed, actor=current_user().actor)
    except ArenaError as error:
        return _page(row, model, error=error, asked=dict(form)), error.status
    flash(f"已开启第 {done['id']} 号评审（抽签种子 {done['order_seed']}）。", "ok")
    return redirect(url_for("console.juries_page", contest_id=contest_id, _anchor=f"jury-{done['id']}"))


@bp.route("/contests/<contest_id>/juries/<int:jid>/reopen", methods=["POST"])
def reopen_jury(contest_id: str, jid: int):
    row, model, _ = open_contest(contest_id)
    try:
        juries.reopen(get_db(), contest_id, jid, judge=request.form.get("judge"),
                      reason=request.form.get("reason", ""), actor=current_user().actor)
    except ArenaError as error:
        return _page(row, model, error=error), error.status
    flash(f"已重新开放评委 {request.form.get('judge')} 的评分（原因已记入审计日志）。", "ok")
    return redirect(url_for("console.juries_page", contest_id=contest_id, _anchor=f"jury-{jid}"))


@bp.route("/contests/<contest_id>/juries/<int:jid>/close", methods=["POST"])
def close_jury(contest_id: str, jid: int):
    row, model, _ = open_contest(contest_id)
    try:
        done = juries.close(get_db(), contest_id, jid, actor=current_user().actor)
    except ArenaError as error:
        return _page(row, model, error=error), error.status
    flash(f"第 {jid} 号评审已结束：{len(done['order'])} 个单位的得分已存为 {done['period']} 的成绩。", "ok")
    return redirect(url_for("console.juries_page", contest_id=contest_id, _anchor=f"jury-{jid}"))


def _page(row: dict, model, **extra: Any):
    db = get_db()
    shown = [juries.view(db, model.id, j["id"], Viewer("organizer"))
             for j in juries.list_juries(db, model.id, Viewer("organizer"))]
    names = {u["username"]: u["name"] for u in users.list_users(db) if u["role"] == "judge"}
    error = extra.get("error")
    return render_template("console/juries.html", contest=row, model=model, juries=shown, judge_names=names,
                           jury_indicators=[i for i in model.indicators if i.method == "jury"],
                           indicator_names={i.id: i.name for i in model.indicators},
                           problems=problems(error) if error else None, asked=extra.pop("asked", {}), **extra)
