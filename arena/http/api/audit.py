"""The audit trail: who did what, when (organizers)."""

from __future__ import annotations

from flask.views import MethodView

from arena.errors import Forbidden
from arena.http.api import auth, schemas
from arena.http.api.base import Blueprint, access, in_contest_offset
from arena.http.db import get_db
from arena.store import audit

blp = Blueprint("audit", __name__, url_prefix="/api", description="The audit trail")


@blp.route("/audit")
class Audit(MethodView):
    @blp.response(200, schemas.AuditRow(many=True))
    @access("organizer", 422)
    @blp.arguments(schemas.AuditQuery, location="query", as_kwargs=True)
    def get(self, contest=None, action=None, limit=200):
        """Newest first: rules saved, results stored, publications, tokens; ?contest= and ?action= filter"""
        who = auth.current()
        if who.contest is not None:  # a contest-scoped token reads its contest's trail only
            if contest is not None and contest != who.contest:
                raise Forbidden(f"this token is limited to contest {who.contest!r}")
            contest = who.contest
        db = get_db()
        return in_contest_offset(db, audit.list_audit(db, contest=contest, action=action, limit=limit), ("at",))
