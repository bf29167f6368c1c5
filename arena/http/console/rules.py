"""Rules: the YAML editor (check, preview, save with a note), the versions and their diffs.

One form, three buttons. Check runs the loader and lists every problem by line; preview
scores the chosen month under the edited text beside the rules in force (arena.services.preview, the
service the API uses) and saves nothing; save stores a new version through services.save_rules
and needs a note, so the versions list always says why the rules changed.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from arena import services

from arena.services import preview
from arena.http.db import get_db
from arena.http.console import bp
from arena.http.console.auth import current_user
from arena.http.console.common import chosen_period, flash_warnings, open_contest, problems
from arena.engine.rules import load_rules
from arena.errors import ArenaError, BadRequest, NotFound, ValidationFailed
from arena.store import contests
from arena.http.console.textdiff import diff_texts


@bp.route("/contests/<contest_id>/rules")
def rules_page(contest_id: str):
    row, model, rules_row = open_contest(contest_id)
    month = chosen_period(request.args.get("month"), model, months_only=True)
    return render_template("console/rules.html", contest=row, model=model, rules=rules_row,
                           text=rules_row["yaml"], month=month, note="")


@bp.route("/contests/<contest_id>/rules", methods=["POST"])
def edit_rules(contest_id: str):
    row, model, rules_row = open_contest(contest_id)
    text = request.form.get("yaml", "").replace("\r\n", "\n")  # browsers send textarea lines as CRLF
    note = request.form.get("note", "").strip()
    month = chosen_period(request.form.get("month"), model, months_only=True)
    action = request.form.get("action", "check")
    page: dict[str, Any] = dict(contest=row, model=model, rules=rules_row, text=text, month=month, note=note)
    try:
        if action == "save":
            done = _save(contest_id, text, note)
            if not done["changed"]:
                flash(f"内容与现行第 {done['version']} 版相同，没有保存新版本。", "ok")
            else:
                flash(f"已保存为第 {done['version']} 版。", "ok")
            flash_warnings(done["warnings"])
            return redirect(url_for("console.rules_page", contest_id=contest_id, month=month))
        if action == "preview":
            page["preview"] = _preview(contest_id, text, month)
        else:
            page["warnings"] = _check(contest_id, text).warnings
            page["checked"] = True
    except ArenaError as error:
        lines = text.splitlines()
        return render_template("console/rules.html", error=error, problems=problems(error),
                               source_lines=lines, **page), error.status
    return render_template("console/rules.html", **page)


def _preview(contest_id: str, text: str, month: str) -> dict[str, Any]:
    """arena.services.preview's answer, with group names, the new rules' model (for the sheet's
    columns) and which units move."""
    found = preview.preview(get_db(), contest_id, text, month)
    model = load_rules(text)  # preview has checked it; parsing again is cheap beside scoring
    ranks = [{**r, "group_name": model.groups.get(r["group"], r["group"]), "moved": bool(r["change"])}
             for r in found["ranks"]]
    return {**found, "ranks": ranks, "model": model}


def _check(contest_id: str, text: str) -> Any:
    model = load_rules(text)
    if model.id != contest_id:
        raise ValidationFailed(f"规则文件的比赛编号是 {model.id!r}，不是 {contest_id!r}",
                               [{"path": "contest.id", "message": f"expected {contest_id!r}"}])
    return model


def _save(contest_id: str, text: str, note: str) -> dict[str, Any]:
    if not note:
        raise BadRequest("保存规则需要填写修改说明", [{"field": "note", "message": "required"}])
    return services.save_rules(get_db(), text, actor=current_user().actor, note=note, contest_id=contest_id)


@bp.route("/contests/<contest_id>/rules/versions")
def versions(contest_id: str):
    row, model, rules_row = open_contest(contest_id)
    found = contests.list_versions(get_db(), contest_id)
    return render_template("console/versions.html", contest=row, model=model, rules=rules_row, versions=found)


@bp.route("/contests/<contest_id>/rules/versions/<int:version>")
def version(contest_id: str, version: int):
    row, model, rules_row = open_contest(contest_id)
    shown = contests.get_rules(get_db(), contest_id, version)
    return render_template("console/version.html", contest=row, model=model, rules=rules_row, shown=shown)


@bp.route("/contests/<contest_id>/rules/diff")
def diff(contest_id: str):
    row, model, rules_row = open_contest(contest_id)
    db = get_db()
    numbers = [_version_arg(name) for name in ("a", "b")]
    old, new = (contests.get_rules(db, contest_id, n) for n in numbers)
    found = contests.list_versions(db, contest_id)
    return render_template("console/diff.html", contest=row, model=model, rules=rules_row, versions=found,
                           old=old, new=new, diff=diff_texts(old["yaml"], new["yaml"]))


def _version_arg(name: str) -> int:
    text = request.args.get(name, "")
    if not text.isdigit() or not 0 < int(text) < 10**9:
        raise NotFound(f"请选择要比较的两个版本（参数 {name} 应为版本号）")
    return int(text)
