"""Result rows: submit (JSON, CSV, .xlsx, or a multipart upload), all or nothing; and read."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from arena import services
from arena.services import staleness, submissions
from arena.engine.reporting import unit_reporter
from arena.engine.results import check_rows
from arena.errors import Forbidden
from arena.http.api import auth, bodies, schemas
from arena.http.api.base import Blueprint, access, raw_body
from arena.http.db import get_db
from arena.ingest import parse_results
from arena.ingest.limits import XlsxLimits
from arena.store import results

blp = Blueprint("results", __name__, url_prefix="/api", description="Result rows")

ROWS = {"type": "array", "items": {
    "type": "object", "required": ["unit", "key", "period", "value"], "additionalProperties": False,
    "properties": {"unit": {"type": "string"}, "key": {"type": "string"}, "period": {"type": "string"},
                   "value": {"type": "number"}}}}
UPLOAD = {"type": "object", "required": ["file"],
          "properties": {"file": {"type": "string", "format": "binary", "description": ".csv, .xlsx or .json"}}}
RESULTS_BODY = raw_body(
    ("application/json", ROWS), ("text/csv", {"type": "string", "description": "header unit,key,period,value"}),
    (bodies.XLSX_TYPE, {"type": "string", "format": "binary"}), ("multipart/form-data", UPLOAD),
    description="rows (unit, key, period, value): all are stored or none",
)


@blp.route("/contests/<cid>/results")
class Results(MethodView):
    @blp.response(200, schemas.ImportCounts)
    @access("unit", 400, 409, 413, 415, 422)
    @RESULTS_BODY
    def post(self, cid):
        """Store result rows, all or none; a unit token only its own rows of indicators reported by units,
        of unpublished months, never an adjustment nor over an organizer's value, where the contest has
        self_report: true"""
        who, db = auth.current(), get_db()
        contest, _ = services.contest_rules(db, cid)
        if who.role == "unit" and not contest.self_report:
            raise Forbidden(f"比赛 {cid} 不允许单位自行报送成绩（self_report: false）")
        if who.role == "department":  # refused before its body is read
            raise Forbidden("牵头部门请通过报送（submissions）提交数据，由组织方审核后计分")
        data, fmt = bodies.results_body()
        rows = check_rows(contest, parse_results(data, fmt, xlsx=XlsxLimits.from_settings(current_app.config),
                                                 contest=cid))
        if who.at_least("organizer"):
            before = results.current_batch(db, cid)
            counts = services.store_results(db, contest, rows, actor=who.actor)
            warning = staleness.import_warning(db, cid, before)
            return {**counts, "warning": warning} if warning else counts
        # a unit's own rows, under the rules of a submission (never an adjustment, never over an
        # organizer's value), checked inside the write transaction
        return submissions.report_directly(db, contest, rows, reporter=unit_reporter(who.unit), actor=who.actor)

    @blp.response(200, schemas.StoredResult(many=True))
    @access("unit", 400)
    @blp.arguments(schemas.ResultsQuery, location="query", as_kwargs=True)
    def get(self, cid, period=None, unit=None):
        """Stored rows with who stored each and when (a unit token: its own rows only)"""
        who = auth.current()
        if who.role == "department":
            raise Forbidden("牵头部门请查看报送情况（reporting）")
        if who.role == "unit":
            if unit is not None and unit != who.unit:
                raise Forbidden("单位令牌只能查看本单位的成绩")
            unit = who.unit
        return results.list_results(get_db(), cid, period, unit)
