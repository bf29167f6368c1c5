"""Contests: the list, a new contest from an uploaded rule file, and one contest's overview."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from arena import services
from arena.http.db import get_db
from arena.http.console import bp
from arena.http.console.auth import current_user
from arena.http.console.common import allowed_contests, flash_warnings, open_contest, problems
from arena.errors import ArenaError, BadRequest, Forbidden
from arena.store import publications, results


@bp.route("/")
def home():
    return render_template("console/contests.html", contests=_listing())


@bp.route("/contests", methods=["POST"])
def create_contest():
    upload = request.files.get("rules")
    note = request.form.get("note", "").strip() or None
    source = None
    try:
        if current_user().contest is not None:
            raise Forbidden("此令牌只能管理一个比赛，不能新建比赛")
        if upload is None or not upload.filename:
            raise BadRequest("请选择一个规则文件（YAML）", [{"field": "file", "message": "no file chosen"}])
        data = upload.read()
        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadRequest("规则文件必须是 UTF-8 编码的文本", [{"field": "file", "message": "not UTF-8"}]) from None
        done = services.save_rules(get_db(), source, actor=current_user().actor, note=note, create_only=True)
    except ArenaError as error:
        lines = source.splitlines() if source is not None else []
        return render_template("console/contests.html", contests=_listing(), error=error,
                               problems=problems(error), source_lines=lines,
                               filename=upload.filename if upload else None), error.status
    flash(f"已创建比赛 {done['contest']}（规则第 {done['version']} 版）。", "ok")
    flash_warnings(done["warnings"])
    return redirect(url_for("console.contest", contest_id=done["contest"]))


@bp.route("/contests/<contest_id>")
def contest(contest_id: str):
    row, model, rules_row = open_contest(contest_id)
    db = get_db()
    periods = results.scored_months(db, contest_id)
    scored = [p for p in periods if "W" not in p]
    weeks = [p for p in periods if "W" in p]  # 周调度
    published = publications.list_all(db, contest_id)
    return render_template("console/contest.html", contest=row, model=model, rules=rules_row,
                           scored=scored, weeks=weeks, published=published)


def _listing() -> list[dict]:
    db = get_db()
    out = []
    for row in allowed_contests():
        made = publications.list_all(db, row["id"])
        out.append({**row, "publications": len(made), "latest": made[-1] if made else None})
    return out
