"""Notice and objections (公示, 异议): a unit objects to its own row while a month is under
notice, organizers answer and may finalize a month early. Objections are never public: only the
objecting unit and organizers see one, its text and its evidence files."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, request
from flask.views import MethodView

from arena.errors import BadRequest, Forbidden
from arena.http.api import auth, bodies, schemas
from arena.http.api.base import Blueprint, access, raw_body
from arena.http.api.publications import shown as shown_publication
from arena.http.db import get_db
from arena.http.headers import attachment
from arena.services import evidence, notice, objections, staleness
from arena.store import contests

blp = Blueprint("objections", __name__, url_prefix="/api", description="Notice (公示) and objections (异议)")

MULTIPART = {"type": "object", "required": ["period", "message"], "properties": {
    "period": {"type": "string"}, "indicator": {"type": "string", "description": "empty or absent: the whole row"},
    "message": {"type": "string"},
    "files": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "evidence (佐证材料)"}}}
OBJECTION_BODY = raw_body(
    ("application/json", {"type": "object", "required": ["period", "indicator", "message"],
                          "properties": {"period": {"type": "string"}, "indicator": {"type": "string", "nullable": True},
                                         "message": {"type": "string"}}}),
    ("multipart/form-data", MULTIPART),
    description="the objection; evidence files only in a multipart upload (field files)",
)


def with_urls(cid: str, row: dict) -> dict:
    return {**row, "files": [{**f, "url": f"/api/contests/{cid}/objections/{row['id']}/files/{quote(f['name'])}"}
                             for f in row["files"]]}


def _body() -> tuple[dict, list[tuple[str, bytes]]]:
    """(fields, files) of a JSON or multipart objection."""
    media = bodies.require_media(("application/json", "multipart/form-data"))
    if media == "application/json":
        return bodies.load(schemas.ObjectionRequest(), bodies.strict_json(request.get_data(cache=True))), []
    form = request.form
    unknown = sorted(set(form) - {"period", "indicator", "message"})
    parts = ("evidence", "files", "file")  # evidence, as a submission names its files
    if unknown or set(request.files) - set(parts):
        names = unknown + sorted(set(request.files) - set(parts))
        raise BadRequest("未知的表单字段：" + "、".join(names), [{"field": n, "message": "unknown field"} for n in names])
    uploads = [u for part in parts for u in request.files.getlist(part)]
    files = [(u.filename or "", u.read()) for u in uploads if u.filename or u.content_length]
    return {"period": form.get("period"), "indicator": form.get("indicator") or None,
            "message": form.get("message")}, files


@blp.route("/contests/<cid>/objections")
class Objections(MethodView):
    @blp.response(201, schemas.Objection)
    @access("unit", 400, 409, 413, 415, 422)
    @OBJECTION_BODY
    def post(self, cid):
        """Object to the unit's own row (an indicator, or null: the whole row) of a month under notice; 409
        when the month is not under notice or its deadline has passed"""
        who = auth.current()
        if who.role != "unit":
            raise Forbidden("只有单位可以对本单位的成绩提出异议")
        db = get_db()
        contests.require_contest(db, cid)
        body, files = _body()
        checked = evidence.check(files, evidence.Limits.from_settings(current_app.config))
        done = objections.raise_objection(db, cid, unit=who.unit, actor=who.actor, period=body["period"],
                                          indicator=body["indicator"], message=body["message"], files=checked,
                                          folder=current_app.config["EVIDENCE_DIR"])
        return with_urls(cid, done), 201, {"Location": f"/api/contests/{cid}/objections?period={done['period']}"}

    @blp.response(200, schemas.Objection(many=True))
    @access("unit", 400)
    @blp.arguments(schemas.ObjectionsQuery, location="query", as_kwargs=True)
    def get(self, cid, period=None, unit=None):
        """Objections with their state and answers: organizers every unit's, a unit its own"""
        who = auth.current()
        if who.role == "department":
            raise Forbidden("异议只有提出异议的单位和组织方可以查看")
        if who.role == "unit":
            if unit not in (None, who.unit):
                raise Forbidden("单位只能查看本单位的异议")
            unit = who.unit
        return [with_urls(cid, o) for o in objections.listed(get_db(), cid, period=period, unit=unit)]


@blp.route("/contests/<cid>/objections/<int:ident>/answer")
class Answer(MethodView):
    @blp.response(200, schemas.Objection)
    @access("organizer", 400, 409, 415, 422)
    @blp.arguments(schemas.AnswerRequest)
    def post(self, body, cid, ident):
        """Answer an open objection: upheld (correct the data first; the month is republished under the same
        deadline) or rejected (with a reply)"""
        db = get_db()
        contests.require_contest(db, cid)
        done = objections.answer(db, cid, ident, decision=body["decision"], reply=body["reply"],
                                 actor=auth.current().actor)
        return with_urls(cid, done)


@blp.route("/contests/<cid>/objections/<int:ident>/files/<path:name>")
class ObjectionFile(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
    @access("unit")
    def get(self, cid, ident, name):
        """An evidence file of an objection: organizers and the objecting unit only (never public); audited"""
        who = auth.current()
        if who.role == "department":
            raise Forbidden("异议的佐证材料只有提出异议的单位和组织方可以查看")
        found, data = objections.file_of(get_db(), current_app.config["EVIDENCE_DIR"], cid, ident, name,
                                         organizer=who.at_least("organizer"), unit=who.unit, actor=who.actor)
        return attachment(found, data)


@blp.route("/contests/<cid>/publications/<period>/final")
class Final(MethodView):
    @blp.response(201, schemas.Publication, description="the final revision, new")
    @blp.alt_response(200, schema=schemas.Publication, description="final already: that revision", success=True)
    @access("organizer", 400, 409)
    def post(self, cid, period):
        """Make a month under notice final now (提前定稿): a new revision, same figures; 409 while an objection
        is open or when the month is not under notice"""
        db = get_db()
        contests.require_contest(db, cid)
        row, created = notice.finalize(db, cid, period, actor=auth.current().actor)
        return shown_publication(row, staleness.stale_map(db, cid)), 201 if created else 200
