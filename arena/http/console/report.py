"""/report: where a department (牵头部门) or a unit reports, signed in like /me. It shows the
month's 报送情况 for the cells the account reports, a form to upload rows (the template, CSV or
JSON; an optional 说明 column) with evidence files, and its own submissions with their state,
the organizer's reason and its evidence. Organizers review in the console instead.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from arena import services
from arena.engine import reporting
from arena.errors import ArenaError, BadRequest, Forbidden
from arena.http.headers import attachment
from arena.http.console import auth
from arena.http.console.common import problems
from arena.http.console.door import bp, require_account
from arena.http.db import get_db
from arena.http.principals import reporter_id
from arena.ingest import detect_format
from arena.ingest.limits import XlsxLimits
from arena.services import evidence, reporting_grid
from arena.services import submissions as service
from arena.store import contests
from arena.support import clock

REPORTERS = ("department", "unit")


def _reporter():
    """(account, reporter id) of a signed-in department or unit, or the answer to send instead."""
    user = require_account()
    if not isinstance(user, dict):
        return user, None
    if auth.pending_step(user):
        return redirect(url_for("door.account")), None
    if user["role"] in auth.ROLES:
        return redirect(url_for("console.home")), None  # organizers review in the console
    if user["role"] not in REPORTERS:
        raise Forbidden("数据报送供牵头部门和单位账号使用")
    return user, reporter_id(auth.principal_of(user))


def _contests(user: dict) -> list[dict]:
    listed = services.list_contests(get_db())
    return [c for c in listed if user["contest"] in (None, c["id"])]


def _open(user: dict, cid: str, reporter: str):
    if user["contest"] not in (None, cid):
        raise Forbidden(f"您的账号只能报送比赛 {user['contest']}")
    db = get_db()
    row = contests.get_contest(db, cid)
    model, _ = services.contest_rules(db, cid)
    if reporter.startswith("dept:") and reporter[5:] not in model.departments:
        raise Forbidden(f"比赛 {cid} 的规则中没有部门 {reporter[5:]}")
    return row, model


def current_month(model) -> str:
    """The month reported now: the one before today's, within the season."""
    today = clock.now(model.timezone)
    previous = f"{today.year - (today.month == 1):04d}-{12 if today.month == 1 else today.month - 1:02d}"
    if previous in model.months:
        return previous
    return model.months[0] if previous < model.months[0] else model.months[-1]


@bp.get("/report")
def report():
    user, reporter = _reporter()
    if reporter is None:
        return user
    db = get_db()
    listed = []
    for c in _contests(user):
        model, _ = services.contest_rules(db, c["id"])
        if reporter.startswith("dept:") and reporter[5:] not in model.departments:
            continue
        now = current_month(model)
        months = [m for m in model.months if m <= now]
        grids = [(m, reporting_grid.grid(db, c["id"], m, reporter=reporter)["counts"]) for m in reversed(months)]
        listed.append({"id": c["id"], "name": c["name"], "current": now, "months": grids})
    return render_template("console/report_choose.html", contests=listed, words=reporting_grid.WORDS)


def _page(user, reporter, cid: str, period: str, status: int = 200, **extra):
    row, model = _open(user, cid, reporter)
    month = reporting_grid.month_of(model, period)
    db = get_db()
    grid = reporting_grid.grid(db, cid, month, reporter=reporter)
    mine = service.list_submissions(db, cid, reporter=reporter, period=month)
    keys = [i for i in model.indicators if i.id in {c["key"] for c in grid["cells"]}]
    return render_template("console/report.html", cid=cid, contest_row=row, model=model, month=month, grid=grid,
                           table=reporting_grid.as_table(grid), submissions=mine, keys=keys,
                           who=service.who_reports(model, reporter),
                           file_url=lambda s, f: url_for("door.report_file", cid=cid, submission_id=s["id"],
                                                         name=f["name"]), **extra), status


@bp.route("/report/<cid>/<period>", methods=["GET", "POST"])
def report_month(cid: str, period: str):
    user, reporter = _reporter()
    if reporter is None:
        return user
    if request.method != "POST":
        return _page(user, reporter, cid, period)
    _open(user, cid, reporter)
    upload = request.files.get("file")
    config = current_app.config
    try:
        if upload is None or not upload.filename:
            raise BadRequest("请选择要报送的数据文件（填报模板、CSV 或 JSON）",
                             [{"field": "file", "message": "没有选择文件"}])
        files = [(f.filename or "", f.read()) for f in request.files.getlist("evidence") if f.filename]
        done = service.submit(get_db(), cid, upload.read(), detect_format(upload.filename, upload.mimetype),
                              reporter=reporter, actor=auth.principal_of(user).actor, files=files,
                              folder=config["EVIDENCE_DIR"], limits=evidence.Limits.from_settings(config),
                              xlsx=XlsxLimits.from_settings(config))
    except ArenaError as error:
        return _page(user, reporter, cid, period, error.status, error=error, problems=problems(error),
                     filename=upload.filename if upload else None)
    words = "已通过并计入成绩" if done["status"] == "approved" else "等待组织方审核"
    flash(f"已提交第 {done['id']} 号报送，{words}。", "ok")
    return redirect(url_for("door.report_month", cid=cid, period=period))


@bp.get("/report/<cid>/<period>/template.xlsx")
def report_template(cid: str, period: str):
    """The month's fill-in workbook of the signed-in department or unit."""
    from arena.http.fill_in import workbook_answer

    user, reporter = _reporter()
    if reporter is None:
        return user
    _, model = _open(user, cid, reporter)
    return workbook_answer(get_db(), model, period, reporter)


@bp.get("/report/<cid>/submissions/<int(max=9223372036854775807):submission_id>/files/<name>")
def report_file(cid: str, submission_id: int, name: str):
    user, reporter = _reporter()
    if reporter is None:
        return user
    _open(user, cid, reporter)
    row, data = service.evidence_file(get_db(), current_app.config["EVIDENCE_DIR"], cid, submission_id, name,
                                      reporter=reporter, actor=auth.principal_of(user).actor)
    return attachment(row, data)


def unit_submissions(db, cid: str, unit: str, limit: int = 10) -> list[dict]:
    """The unit's newest submissions, for /me (a short list)."""
    return service.list_submissions(db, cid, reporter=reporting.unit_reporter(unit))[:limit]
