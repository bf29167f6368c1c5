"""The fill-in workbook (填报表) of a month: the caller's own units and indicators, names shown,
codes kept; POST /results (and the submissions) read it back through arena.ingest."""

from __future__ import annotations

from flask.views import MethodView

from arena import services
from arena.engine.result_problems import show_text
from arena.errors import Forbidden
from arena.http.api import auth
from arena.http.api.base import Blueprint, access
from arena.http.db import get_db
from arena.http.fill_in import workbook_answer
from arena.http.principals import reporter_id
from arena.render.workbook import XLSX

blp = Blueprint("fill-in", __name__, url_prefix="/api", description="Fill-in workbooks")


def _reporter_id(who, contest) -> str:
    """The caller's reporter id (principals.reporter_id); 403 when it is not in this contest."""
    found = reporter_id(who)
    if who.role == "department" and who.department not in contest.departments:
        raise Forbidden(f"牵头部门 {show_text(who.department or '')} 不在比赛 {contest.id} 的规则中")
    if who.role == "unit" and who.unit not in contest.unit_by_code:
        raise Forbidden(f"单位 {show_text(who.unit or '')} 不在比赛 {contest.id} 中")
    if found is None:
        raise Forbidden("只有组织方、牵头部门和单位有填报表")
    return found


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
