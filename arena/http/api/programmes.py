"""Programmes (全年列榜单): create or save one, its draft, publish it, its published sheets."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from marshmallow import Schema, fields

from arena.http.api import auth, bodies
from arena.http.api.base import Blueprint, access, public_json, raw_body
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
