"""Drafts and publishing: the draft sheet of any period, publish, correct with a note, and the
list of publications with their revisions and status (公示中 until its deadline, or 已定稿).
Publishing is arena.services.publishing.publish, the same call the CLI, the API and the
scheduler make."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from arena import services
from arena.engine.result_problems import show_text
from arena.errors import ArenaError, NotFound, ValidationFailed
from arena.http.console import bp
from arena.http.console.auth import current_user
from arena.http.console.common import chosen_period, open_contest, period_groups, problems, season_period
from arena.http.db import get_db
from arena.render import words
from arena.services import publishing, staleness
from arena.store import publications
from arena.store.db import transaction


@bp.route("/contests/<contest_id>/draft")
def draft_page(contest_id: str):
    row, model, _ = open_contest(contest_id)
    period = chosen_period(request.args.get("period"), model)
    return _page(row, model, period)


@bp.route("/contests/<contest_id>/publications", methods=["POST"])
def publish(contest_id: str):
    row, model, _ = open_contest(contest_id)
    asked = request.form.get("period", "")
    period = season_period(asked, model)
    note = request.form.get("note", "").strip()
    correcting = request.form.get("action") == "correct"
    try:
        if period is None:
            period = chosen_period(None, model)  # the page to show the refusal on
            raise ValidationFailed("只能发布本赛季的期间，什么也没有发布",
                                   [{"field": "period", "message": f"{show_text(asked)} 不是本赛季的期间"}])
        if correcting and not note:
            raise ValidationFailed("更正已发布的成绩必须填写更正说明", [{"field": "note", "message": "required"}])
        done, created = publishing.publish(get_db(), contest_id, period, actor=current_user().actor, note=note or None)
    except ArenaError as error:
        return _page(row, model, period, error=error, note=note), error.status
    if created:
        flash(f"已发布 {period} 第 {done['revision']} 版。", "ok")
        if done["revision"] > 1 and staleness.dependants(get_db(), contest_id, period):
            flash(f"{period} 已更正：依据它的发布已过期，见下方列表，可用同一更正说明重新发布。", "error")
    else:
        flash(f"{period} 的成绩没有变化，仍为第 {done['revision']} 版，没有新发布。", "ok")
    return redirect(url_for("console.draft_page", contest_id=contest_id, period=period))


@bp.route("/contests/<contest_id>/republish", methods=["POST"])
def republish(contest_id: str):
    """Republish every publication a month's correction left stale, with one note, all or none."""
    row, model, _ = open_contest(contest_id)
    asked = request.form.get("month", "")
    month = season_period(asked, model, months_only=True)
    note = request.form.get("note", "").strip()
    db = get_db()
    try:
        if month is None:
            raise ValidationFailed("只能按本赛季的月份重新发布，什么也没有发布",
                                   [{"field": "month", "message": f"{show_text(asked)} 不是本赛季的月份"}])
        if not note:
            raise ValidationFailed("重新发布必须填写更正说明", [{"field": "note", "message": "required"}])
        with transaction(db):
            stale = staleness.dependants(db, contest_id, month)
            done = [publishing.publish(db, contest_id, d["period"], actor=current_user().actor, note=note)[0]
                    for d in stale]
    except ArenaError as error:
        return _page(row, model, month or chosen_period(None, model), error=error, note=note), error.status
    if done:
        flash("已重新发布：" + "、".join(f"{d['period']} 第 {d['revision']} 版" for d in done) + "。", "ok")
    else:
        flash(f"依据 {month} 的发布都不过期，没有重新发布。", "ok")
    return redirect(url_for("console.publications_page", contest_id=contest_id))


@bp.route("/contests/<contest_id>/publications")
def publications_page(contest_id: str):
    row, model, _ = open_contest(contest_id)
    db = get_db()
    made = publications.list_all(db, contest_id)
    stale = staleness.stale_map(db, contest_id)
    by_period: dict[str, list[dict]] = {}
    for publication in made:
        publication["stale"] = stale.get((publication["period"], publication["revision"]))
        publication["deadline"] = words.deadline_label(publication["notice_until"], model.timezone)
        by_period.setdefault(publication["period"], []).append(publication)
    return render_template("console/publications.html", contest=row, model=model, by_period=by_period)


def _warned(publication: dict) -> list[dict[str, str]]:
    """The units the newest revision warns (约谈): each one's 约谈通知 is offered beside the 通报."""
    from arena.render.notice_text import warned_units

    return [{"unit": u["unit"], "name": u["name"]} for _, u in warned_units(json.loads(publication["sheet"]))]


def _page(row: dict, model, period: str, **extra: Any):
    db = get_db()
    made = [p for p in publications.list_all(db, model.id) if p["period"] == period]
    try:  # hashed as the newest revision hashed its data, so that the same data reads the same
        sheet = services.draft(db, model.id, period, made[-1]["data_sha256"] if made else None)
    except NotFound as exc:
        sheet, extra["empty"] = None, exc.message
    if made:
        extra.setdefault("stale", staleness.of(db, model.id, made[-1]))
        extra.setdefault("dependants", staleness.dependants(db, model.id, period))
        extra.setdefault("correction_note", made[-1]["note"] or "")
        extra["warned"] = _warned(publications.get(db, model.id, period, made[-1]["revision"]))
    same = None  # would publishing the draft now change the newest revision? decided as publish decides
    if sheet is not None and made:
        same = publishing.same_sheet(sheet, publications.get(db, model.id, period, made[-1]["revision"]))
    error = extra.get("error")
    return render_template("console/draft.html", contest=row, model=model, period=period, sheet=sheet,
                           periods=period_groups(model), made=made, same=same,
                           problems=problems(error) if error else None, **extra)
