"""The fill-in workbook (填报表) of a month: the caller's own units and indicators, names shown,
codes kept; POST /results (and the submissions) read it back through arena.ingest."""

from __future__ import annotations

from flask.views import MethodView

from arena import services
from arena.engine.reporting import ORGANIZER, department_reporter, unit_reporter
from arena.engine.result_problems import show_text
from arena.errors import Forbidden
from arena.http.api import auth
from arena.http.api.base import Blueprint, access
from arena.http.db import get_db
from arena.http.fill_in import workbook_answer
from arena.render.workbook import XLSX

blp = Blueprint("fill-in", __name__, url_prefix="/api", description="Fill-in workbooks")


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
