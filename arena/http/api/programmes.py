"""Programmes (全年列榜单): create or save one, its draft, publish it, its published sheets, and
the board and 通报 of a published list, like a contest's (drawn on each request, each answer
named by a strong ETag of its bytes)."""

from __future__ import annotations

import hashlib

from flask import request
from flask.views import MethodView
from marshmallow import Schema, fields

from arena.http.api import auth, bodies, sheet_schemas
from arena.http.api.base import ETAG_HEADERS, IF_NONE_MATCH, Blueprint, access, public, public_json, raw_body
from arena.http.api.sheets import period_of
from arena.http.db import get_db
from arena.services import programmes

blp = Blueprint("programmes", __name__, url_prefix="/api", description="Programmes: the year's list across contests")
YAML_BODY = raw_body(*((m, {"type": "string"}) for m in bodies.YAML_TYPES[:2]), description="a programme file")


class ProgrammeSaved(Schema):
    programme = fields.String(required=True)
    version = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    created = fields.Boolean(required=True)
    changed = fields.Boolean(required=True)


class ProgrammeSheet(Schema):
    """A programme's sheet (RULES.md): groups of units with rank, total, contests, honour, penalty."""

    class Meta:
        unknown = "include"

    programme = fields.String(required=True)
    period = fields.String(required=True)
    kind = fields.String(required=True)
    draft = fields.Boolean(required=True)


class ProgrammePublication(Schema):
    programme = fields.String(required=True)
    period = fields.String(required=True)
    revision = fields.Integer(required=True)
    published_at = fields.String(required=True)
    note = fields.String(allow_none=True)
    sheet_sha256 = fields.String(required=True)


@blp.route("/programmes")
class ProgrammeList(MethodView):
    @blp.response(200, ProgrammeSaved)
    @access("organizer", 400, 409, 413, 415, 422)
    @YAML_BODY
    def post(self):
        """Create a programme from its file, or save the file as its next version"""
        who = auth.current()
        saved = programmes.save(get_db(), bodies.text_body(), actor=who.actor)
        return saved, 201 if saved["created"] else 200, {"Location": f"/api/programmes/{saved['programme']}/draft"}


@blp.route("/programmes/<pid>/draft")
class ProgrammeDraft(MethodView):
    @blp.response(200, ProgrammeSheet)
    @access("anyone")
    def get(self, pid):
        """The list now, from what the contests have published (草稿, 未发布)"""
        return public_json(programmes.draft(get_db(), pid), revalidate=True)


@blp.route("/programmes/<pid>/publications")
class ProgrammePublications(MethodView):
    @blp.response(201, ProgrammePublication)
    @access("organizer", 400, 409, 422)
    def post(self, pid):
        """Freeze the programme's year once every contest's year is published; a revision after the first needs a note"""
        body = request.get_json(silent=True) or {}
        note = body.get("note") if isinstance(body, dict) else None
        row, created = programmes.publish(get_db(), pid, actor=auth.current().actor, note=note)
        return row, 201 if created else 200


@blp.route("/programmes/<pid>/scores/<period>")
class ProgrammeScores(MethodView):
    @blp.response(200, ProgrammeSheet)
    @access("anyone")
    def get(self, pid, period):
        """The published list (the newest revision; ?revision=n for an older one), with ``stale``"""
        revision = request.args.get("revision", type=int)
        return public_json(programmes.published(get_db(), pid, period_of(period), revision))


BINARY = {"type": "string", "format": "binary"}
FILE_TYPES = {"png": "image/png", "svg": "image/svg+xml",
              "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "pdf": "application/pdf"}


def _file(pid: str, period: str, fmt: str, revision: int | None):
    """A board or 通报 of a published revision (404 before the list is published)."""
    db = get_db()
    sheet, names, honour, penalty = programmes.shown(db, pid, period_of(period), revision)
    if fmt in ("png", "svg"):
        from arena.render.programme_board import programme_board  # matplotlib loads only when asked

        data = programme_board(sheet, names, honour, penalty, fmt=fmt)
    else:
        from arena.render.programme_notice import programme_notice_file

        data = programme_notice_file(sheet, programmes.letterhead(db, pid), names, honour, penalty, fmt)
    response = public(data, hashlib.sha256(data).hexdigest(), mimetype=FILE_TYPES[fmt], immutable=revision is not None)
    if fmt in ("docx", "pdf"):
        response.headers["Content-Disposition"] = f'attachment; filename="{pid}-{sheet["period"]}-notice.{fmt}"'
    return response


FILES = {  # (path part, format): what the spec says of it
    ("boards", "png"): "The board of a published list (honours and penalties, each unit's total) as PNG",
    ("boards", "svg"): "The board of a published list as SVG",
    ("notices", "docx"): "The 通报 of a published list as Word (GB/T 9704), under its first contest's letterhead",
    ("notices", "pdf"): "The 通报 of a published list as PDF, A4, its Chinese font embedded",
}


def _file_route(kind: str, fmt: str, summary: str) -> None:
    class ProgrammeFile(MethodView):
        @blp.response(200, {"type": "string"} if fmt == "svg" else BINARY, content_type=FILE_TYPES[fmt],
                      headers=ETAG_HEADERS)
        @blp.alt_response(304, description="Not Modified: the ETag still matches")
        @access("anyone")
        @blp.doc(parameters=[IF_NONE_MATCH], summary=summary)
        @blp.arguments(sheet_schemas.RevisionQuery, location="query", as_kwargs=True)
        def get(self, pid, period, revision=None):
            return _file(pid, period, fmt, revision)

    ProgrammeFile.__name__ = f"Programme{kind.title()}{fmt.title()}"
    blp.route(f"/programmes/<pid>/{kind}/<period>.{fmt}")(ProgrammeFile)


for (_kind, _fmt), _summary in FILES.items():
    _file_route(_kind, _fmt, _summary)
