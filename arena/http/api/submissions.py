"""Reporting and review (API.md "Reporting and review"): submissions by departments and units,
the organizer's approve and return, evidence downloads, and the month's 报送情况 grid."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from arena.errors import BadRequest, Forbidden
from arena.http.api import auth, bodies, schemas
from arena.http.api.base import Blueprint, access, raw_body
from arena.http.api.schemas import nullable, req
from arena.http.db import get_db
from arena.http.headers import attachment
from arena.http.principals import Principal, reporter_id
from arena.ingest.limits import XlsxLimits
from arena.services import evidence, reporting_grid
from arena.services import submissions as service

blp = Blueprint("submissions", __name__, url_prefix="/api", description="Reporting and review (报送、审核)")

ROW = {"type": "object", "required": ["unit", "key", "period", "value"], "additionalProperties": False,
       "properties": {"unit": {"type": "string"}, "key": {"type": "string"}, "period": {"type": "string"},
                      "value": {"type": "number"}, "explanation": {"type": "string", "description": "说明"}}}
UPLOAD = {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary", "description": "the rows: .csv, .xlsx (the template too) or .json"},
    "evidence": {"type": "array", "items": {"type": "string", "format": "binary"},
                 "description": "佐证材料: PDF, PNG, JPEG, WebP, Office or WPS files"}}}
SUBMISSION_BODY = raw_body(
    ("application/json", {"type": "array", "items": ROW}),
    ("text/csv", {"type": "string", "description": "header unit,key,period,value[,explanation]"}),
    (bodies.XLSX_TYPE, {"type": "string", "format": "binary"}), ("multipart/form-data", UPLOAD),
    description="rows of one month, with an optional explanation each: all are kept or none",
)


def reporter(who: Principal) -> str:
    """The reporter id of the caller: organizer, dept:<id> or unit:<code>."""
    found = reporter_id(who)
    if found is None:
        raise Forbidden("只有组织方、牵头部门和单位可以报送")
    return found


class Created(Schema):
    id = req(fields.Integer())
    status = req(fields.String())


class Reviewed(Schema):
    id = req(fields.Integer())
    status = req(fields.String())
    reason = fields.String()
    inserted = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()


class SubmissionRow(Schema):
    unit = req(fields.String())
    key = req(fields.String())
    period = req(fields.String())
    value = req(fields.Float())
    explanation = nullable(fields.String())
    previous = nullable(fields.Float(metadata={"description": "the unit's stored value of the month before"}))
    swing = nullable(fields.Float(metadata={"description": "|x - x_prev| / |x_prev|"}))
    over_swing = req(fields.Boolean())


class Submission(Schema):
    id = req(fields.Integer())
    period = req(fields.String())
    reporter = req(fields.String(metadata={"description": "organizer | dept:<id> | unit:<code>"}))
    reporter_name = req(fields.String())
    submitted_by = req(fields.String())
    submitted_at = req(fields.String())
    late = req(fields.Boolean())
    status = req(fields.String(metadata={"description": "pending | approved | returned"}))
    reviewed_by = nullable(fields.String())
    reviewed_at = nullable(fields.String())
    reason = nullable(fields.String())
    rows = req(fields.List(fields.Nested(SubmissionRow)))
    files = req(fields.List(fields.Nested(schemas.EvidenceFile)))


class SubmissionsQuery(Schema):
    status = fields.String(validate=validate.OneOf(("pending", "approved", "returned")))
    period = fields.String(validate=validate.Length(max=20))


class ReturnBody(Schema):
    reason = req(fields.String(validate=validate.Length(min=1, max=500)))


class Cell(Schema):
    unit = req(fields.String())
    unit_name = req(fields.String())
    key = req(fields.String())
    key_name = req(fields.String())
    reported_by = req(fields.String())
    status = req(fields.String(metadata={"description": "missing | pending | returned | approved | late (逾期未报)"}))
    by = nullable(fields.String())
    at = nullable(fields.String())
    submission = nullable(fields.Integer())
    submitted_late = req(fields.Boolean())
    reason = nullable(fields.String())


class Grid(Schema):
    contest = req(fields.String())
    period = req(fields.String())
    opens = req(fields.String())
    due = req(fields.String())
    due_end = req(fields.String())
    counts = req(fields.Dict(keys=fields.String(), values=fields.Integer()))
    cells = req(fields.List(fields.Nested(Cell)))


def _files() -> list[tuple[str, bytes]]:
    if bodies.media_type() != "multipart/form-data":
        return []
    return [(f.filename or "", f.read()) for f in request.files.getlist("evidence")]


def with_urls(cid: str, sub: dict) -> dict:
    for f in sub["files"]:
        f["url"] = f"/api/contests/{cid}/submissions/{sub['id']}/files/{quote(f['name'])}"
    return sub


@blp.route("/contests/<cid>/submissions")
class Submissions(MethodView):
    @blp.response(201, Created)
    @access("unit", 400, 409, 413, 415, 422)
    @SUBMISSION_BODY
    def post(self, cid):
        """Submit rows of one month (a department its indicators, a unit its own rows), with evidence; all or none"""
        who = auth.current()
        data, fmt = bodies.results_body()
        config = current_app.config
        return service.submit(get_db(), cid, data, fmt, reporter=reporter(who), actor=who.actor, files=_files(),
                              folder=config["EVIDENCE_DIR"], limits=evidence.Limits.from_settings(config),
                              xlsx=XlsxLimits.from_settings(config))

    @blp.response(200, Submission(many=True))
    @access("unit", 400, 422)
    @blp.arguments(SubmissionsQuery, location="query", as_kwargs=True)
    def get(self, cid, status=None, period=None):
        """Submissions with their rows and files (an organizer: all; a department or unit: its own)"""
        who = auth.current()
        found = service.list_submissions(get_db(), cid, reporter=reporter(who), status=status, period=period)
        return [with_urls(cid, s) for s in found]


ID = "<int(max=9223372036854775807):submission_id>"


@blp.route(f"/contests/<cid>/submissions/{ID}/approve")
class Approve(MethodView):
    @blp.response(200, Reviewed)
    @access("organizer", 409)
    def post(self, cid, submission_id):
        """Approve a pending submission: its rows become results (history, batch and audit as an import)"""
        return service.approve(get_db(), cid, submission_id, actor=auth.current().actor)


@blp.route(f"/contests/<cid>/submissions/{ID}/return")
class Return(MethodView):
    @blp.response(200, Reviewed)
    @access("organizer", 400, 409, 415, 422)
    @blp.arguments(ReturnBody, as_kwargs=True)
    def post(self, cid, submission_id, reason):
        """Return a pending submission to its reporter with a reason"""
        return service.return_submission(get_db(), cid, submission_id, reason, actor=auth.current().actor)


@blp.route(f"/contests/<cid>/submissions/{ID}/files/<name>")
class File(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
    @access("unit")
    def get(self, cid, submission_id, name):
        """An evidence file of a submission (organizers and its reporter only; every download audited)"""
        who = auth.current()
        if len(name) > 200:
            raise BadRequest("文件名过长")
        row, data = service.evidence_file(get_db(), current_app.config["EVIDENCE_DIR"], cid, submission_id, name,
                                          reporter=reporter(who), actor=who.actor)
        return attachment(row, data)


@blp.route("/contests/<cid>/reporting/<period>")
class Reporting(MethodView):
    @blp.response(200, Grid)
    @access("unit", 400)
    def get(self, cid, period):
        """报送情况 of a month: each unit x indicator cell's state (an organizer: all; others their own cells)"""
        who = auth.current()
        return reporting_grid.grid(get_db(), cid, period, reporter=reporter(who))
