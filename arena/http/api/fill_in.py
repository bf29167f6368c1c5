"""The fill-in workbook (填报表) of a month: the caller's own units and indicators, names shown,
codes kept; POST /results (and the submissions) read it back through arena.ingest."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from arena import services
from arena.engine.reporting import ORGANIZER, department_reporter, reporter_of_template, unit_reporter
from arena.engine.result_problems import show_text
from arena.errors import Forbidden, ValidationFailed
from arena.http.api import auth
from arena.http.api.base import Blueprint, access
from arena.http.db import get_db
from arena.render.workbook import XLSX
from arena.store import results

blp = Blueprint("fill-in", __name__, url_prefix="/api", description="Fill-in workbooks")


def _month(contest, period: str) -> str:
    if period not in contest.months:
        message = (f"{show_text(period)} 不是本赛季的月份：填报表按月下载，"
                   f"期间写作 YYYY-MM（{contest.season_start} 至 {contest.season_end}）")
        raise ValidationFailed(message, [{"field": "period", "message": message}])
    return period


def _reporter_id(who, contest) -> str:
    """organizer | dept:<id> | unit:<code>, for the caller; 403 when it reports nothing here."""
    if who.at_least("organizer"):
        return ORGANIZER
    if who.role == "department":
        if who.department not in contest.departments:
            raise Forbidden(f"牵头部门 {show_text(who.department or '')} 不在比赛 {contest.id} 的规则中")
        return department_reporter(who.department)
    if who.unit not in contest.unit_by_code:
        raise Forbidden(f"单位 {show_text(who.unit or '')} 不在比赛 {contest.id} 中")
    return unit_reporter(who.unit)


@blp.route("/contests/<cid>/template/<period>.xlsx")
class FillIn(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX)
    @access("unit", 422)
    def get(self, cid, period):
        """The month's fill-in workbook: one row per unit the caller reports for, one column per
        indicator it reports (an organizer: all, adjustments too), stored values prefilled"""
        who, db = auth.current(), get_db()
        contest, _ = services.contest_rules(db, cid)
        return workbook_answer(db, contest, period, _reporter_id(who, contest))


def workbook_answer(db, contest, period: str, reporter_id: str):
    """The fill-in workbook of ``reporter_id`` for a month, as a download (the API's route and
    the /report page's link both answer with it)."""
    from arena.render.template import fill_in_workbook  # openpyxl loads only when asked for

    month = _month(contest, period)
    reporter = reporter_of_template(contest, reporter_id)
    if reporter is None:
        raise Forbidden(f"你在比赛 {contest.id} 中没有要报送的指标，没有填报表")
    units, keys = set(reporter.units), set(reporter.keys)
    only = reporter.units[0] if len(reporter.units) == 1 else None
    stored = {(r["unit"], r["key"]): r["value"] for r in results.list_results(db, contest.id, month, only)
              if r["unit"] in units and r["key"] in keys}
    body = fill_in_workbook(contest, month, reporter, stored)
    response = current_app.response_class(body, mimetype=XLSX)
    response.headers["Content-Disposition"] = f"attachment; filename={contest.id}-{month}-template.xlsx"
    response.headers["Cache-Control"] = "private, no-store"
    return response
