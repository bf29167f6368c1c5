"""报送审核 and 报送情况 in the console: a contest's submissions (pending first, each with its rows,
explanations, swing marks and evidence) with approve and return-with-reason, and the month's
grid of every unit x indicator cell. The same services as the API, the organizer as the actor.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, flash, redirect, render_template, request, url_for

from arena.errors import ArenaError
from arena.http.headers import attachment
from arena.http.console import bp
from arena.http.console.auth import current_user
from arena.http.console.common import open_contest
from arena.http.db import get_db
from arena.services import reporting_grid
from arena.services import submissions as service

SHOWN = {"pending": "待审核", "returned": "已退回", "approved": "已通过", "all": "全部"}


def file_url(cid: str):
    return lambda s, f: url_for("console.submission_file", contest_id=cid, submission_id=s["id"], name=f["name"])


class Review:
    def __init__(self, cid: str) -> None:
        self.cid = cid

    def approve(self, s: dict) -> str:
        return url_for("console.approve_submission", contest_id=self.cid, submission_id=s["id"])

    def return_(self, s: dict) -> str:
        return url_for("console.return_submission", contest_id=self.cid, submission_id=s["id"])


@bp.route("/contests/<contest_id>/submissions")
def submissions_page(contest_id: str):
    row, model, _ = open_contest(contest_id)
    shown = request.args.get("status") if request.args.get("status") in SHOWN else "pending"
    found = service.list_submissions(get_db(), contest_id, reporter="organizer",
                                     status=None if shown == "all" else shown)
    if shown == "pending":
        found.reverse()  # oldest first: reviewed in the order they came
    return render_template("console/submissions.html", contest=row, model=model, submissions=found, shown=shown,
                           choices=SHOWN, file_url=file_url(contest_id), review=Review(contest_id))


@bp.route("/contests/<contest_id>/submissions/<int(max=9223372036854775807):submission_id>/approve", methods=["POST"])
def approve_submission(contest_id: str, submission_id: int):
    open_contest(contest_id)
    try:
        done = service.approve(get_db(), contest_id, submission_id, actor=current_user().actor)
    except ArenaError as error:
        flash(f"第 {submission_id} 号报送未能通过审核：{error.message}"
              + "".join(f"；{d.get('message')}" for d in error.details[:5]), "error")
    else:
        flash(f"第 {submission_id} 号报送已审核通过：新增 {done['inserted']} 条，更新 {done['updated']} 条，"
              f"未变 {done['unchanged']} 条成绩。", "ok")
    return redirect(url_for("console.submissions_page", contest_id=contest_id))


@bp.route("/contests/<contest_id>/submissions/<int(max=9223372036854775807):submission_id>/return", methods=["POST"])
def return_submission(contest_id: str, submission_id: int):
    open_contest(contest_id)
    try:
        service.return_submission(get_db(), contest_id, submission_id, request.form.get("reason", ""),
                                  actor=current_user().actor)
    except ArenaError as error:
        flash(f"第 {submission_id} 号报送未能退回：{error.message}", "error")
    else:
        flash(f"第 {submission_id} 号报送已退回，报送方可修改后重新报送。", "ok")
    return redirect(url_for("console.submissions_page", contest_id=contest_id))


@bp.route("/contests/<contest_id>/submissions/<int(max=9223372036854775807):submission_id>/files/<name>")
def submission_file(contest_id: str, submission_id: int, name: str):
    open_contest(contest_id)
    row, data = service.evidence_file(get_db(), current_app.config["EVIDENCE_DIR"], contest_id, submission_id,
                                      name, reporter="organizer", actor=current_user().actor)
    return attachment(row, data)


def reporting_month(model, text: str | None) -> str:
    """The month asked for, else the month being reported now (the one before today's)."""
    from arena.http.console.report import current_month

    return text if text in model.months else current_month(model)


@bp.route("/contests/<contest_id>/reporting")
def reporting_page(contest_id: str):
    row, model, _ = open_contest(contest_id)
    month = reporting_month(model, request.args.get("month"))
    grid = reporting_grid.grid(get_db(), contest_id, month, reporter="organizer")
    return render_template("console/reporting.html", contest=row, model=model, month=month, grid=grid,
                           table=reporting_grid.as_table(grid), quote=quote)
