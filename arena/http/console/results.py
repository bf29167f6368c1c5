"""Results: upload a CSV, Excel or JSON file for a contest, and see what each unit reported.

An upload is stored whole or not at all (services.import_results); a refused file shows every
bad row. The month table marks a missing indicator value 未报, an exempt one 免考核, and one
the unit's group does not score 不考核, so the three are never confused.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from arena import services
from arena.engine.rules.model import Contest
from arena.services import staleness
from arena.http.db import get_db
from arena.http.console import bp
from arena.http.console.auth import current_user
from arena.http.console.common import chosen_period, open_contest, problems
from arena.errors import ArenaError, BadRequest
from arena.http.console import bp
from arena.http.console.auth import current_user
from arena.http.console.common import chosen_period, open_contest, problems
from arena.http.db import get_db
from arena.ingest import detect_format
from arena.ingest.limits import XlsxLimits
from arena.store import results


@bp.route("/contests/<contest_id>/results")
def results_page(contest_id: str):
    row, model, _ = open_contest(contest_id)
    month = chosen_period(request.args.get("month"), model, months_only=True)
    return _page(row, model, month)


@bp.route("/contests/<contest_id>/results", methods=["POST"])
def upload_results(contest_id: str):
    row, model, _ = open_contest(contest_id)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise BadRequest("请选择要上传的成绩文件（CSV、Excel 或 JSON）",
                             [{"field": "file", "message": "no file chosen"}])
        fmt = detect_format(upload.filename, upload.mimetype)
        before = results.current_batch(get_db(), contest_id)
        counts = services.import_results(get_db(), contest_id, upload.read(), fmt=fmt, actor=current_user().actor,
                                         xlsx=XlsxLimits.from_settings(current_app.config))
    except ArenaError as error:
        month = chosen_period(request.form.get("month"), model, months_only=True)
        return _page(row, model, month, error=error, filename=upload.filename if upload else None), error.status
    name = upload.filename if len(upload.filename) <= 60 else upload.filename[:59] + "…"  # the flash rides in the cookie
    flash(f"已导入 {name}：新增 {counts['inserted']} 条，更新 {counts['updated']} 条，"
          f"未变 {counts['unchanged']} 条。", "ok")
    warning = staleness.import_warning(get_db(), contest_id, before)
    if warning:
        flash(warning["message"], "error")
    return redirect(url_for("console.results_page", contest_id=contest_id, month=request.form.get("month") or None))


def _page(row: dict, model: Contest, month: str, **extra: Any):
    table = reported(model, results.list_results(get_db(), model.id, period=month))
    error = extra.get("error")
    return render_template("console/results.html", contest=row, model=model, month=month, table=table,
                           problems=problems(error) if error else None, **extra)


def reported(contest: Contest, rows: list[dict]) -> dict[str, Any]:
    """The month's table: a column per indicator and adjustment, a row per unit in rule order.

    Each cell is {"state": value | missing | exempt | unscored | none, "value", "by", "at"};
    ``none`` is an adjustment without a row (a count of zero, not a missing value).
    """
    stored = {(r["unit"], r["key"]): r for r in rows}
    columns = [{"id": i.id, "name": i.name, "unit": i.unit, "adjustment": False} for i in contest.indicators]
    columns += [{"id": a.id, "name": a.name, "unit": "次", "adjustment": True} for a in contest.adjustments]
    units, missing_total = [], 0
    for unit in contest.units:
        exempt = contest.exempt.get(unit.code, frozenset())
        cells, missing = [], 0
        for column in columns:
            found = stored.get((unit.code, column["id"]))
            if found is not None:
                cells.append({"state": "value", "value": found["value"], "by": found["stored_by"], "at": found["stored_at"]})
            elif column["adjustment"]:
                cells.append({"state": "none"})
            elif column["id"] in exempt:
                cells.append({"state": "exempt"})
            elif unit.group not in _indicator(contest, column["id"]).weight:
                cells.append({"state": "unscored"})
            else:
                cells.append({"state": "missing"})
                missing += 1
        missing_total += missing
        units.append({"code": unit.code, "name": unit.name, "group": contest.groups.get(unit.group, unit.group),
                      "cells": cells, "missing": missing})
    return {"columns": columns, "units": units, "missing": missing_total, "rows": len(rows)}


def _indicator(contest: Contest, indicator_id: str):
    return next(i for i in contest.indicators if i.id == indicator_id)
