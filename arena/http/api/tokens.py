"""Tokens over the API (admins), and who the caller is (anyone)."""

from __future__ import annotations

from flask.views import MethodView

from arena.errors import Forbidden
from arena.http.api import auth, schemas
from arena.http.api.base import Blueprint, access, in_contest_offset
from arena.http.db import get_db
from arena.services import tokens

TIMES = ("created_at", "expires_at", "revoked_at")  # stored in UTC
blp = Blueprint("tokens", __name__, url_prefix="/api", description="Tokens and roles")


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.response(200, schemas.Token(many=True))
    @access("admin")
    def get(self):
        """Every token (never its secret or hash); a contest-scoped admin sees its contest's only"""
        db, scope = get_db(), auth.current().contest
        found = [t for t in tokens.list_tokens(db) if scope is None or t["contest"] == scope]
        return in_contest_offset(db, found, TIMES)

    @blp.response(201, schemas.TokenCreated)
    @access("admin", 400, 415, 422)
    @blp.arguments(schemas.TokenRequest)
    def post(self, body):
        """Make a token; the answer is the only time it is shown"""
        if auth.current().contest is not None:
            raise Forbidden("a contest-scoped admin token may not make tokens")
        db = get_db()
        token, row = tokens.issue(db, actor=auth.current().actor, **body)
        return {**in_contest_offset(db, [row], TIMES)[0], "token": token}, 201


@blp.route("/tokens/<int(max=9223372036854775807):token_id>")  # SQLite integers
class Token(MethodView):
    @blp.response(200, schemas.Revoked)
    @access("admin")
    def delete(self, token_id):
        """Revoke a token (revoked is false when it was revoked already)"""
        if auth.current().contest is not None:
            raise Forbidden("a contest-scoped admin token may not revoke tokens")
        return {"id": token_id, "revoked": tokens.revoke(get_db(), token_id, actor=auth.current().actor)}


@blp.route("/whoami")
class WhoAmI(MethodView):
    @blp.response(200, schemas.WhoAmI)
    @access("anyone")
    def get(self):
        """The caller's role and scope (anonymous without a token)"""
        who = auth.current()
        return {"role": who.role, "name": who.name or None, "token_id": who.token_id, "contest": who.contest,
                "unit": who.unit, "department": who.department}
