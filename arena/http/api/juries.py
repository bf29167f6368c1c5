"""Juries of showcase contests (展示擂台赛, API.md "Juries"): organizers open and close them and may
reopen a judge's sheets with a reason; judges (a judge account's token) score and submit.
Before the close nobody sees another judge's scores; after it the tally is public."""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask.views import MethodView

from arena.errors import Forbidden, Unauthorized
from arena.http.api import auth, schemas
from arena.http.api.base import Blueprint, access
from arena.http.db import get_db
from arena.services import juries
from arena.services.juries import Viewer
from arena.store import contests

blp = Blueprint("juries", __name__, url_prefix="/api", description="Juries of showcase contests (展示擂台赛)")


def viewer() -> Viewer:
    who = auth.current()
    return Viewer(who.role, who.account)


def judge() -> str:
    """The username of the judge making this request: 401 without a token, 403 for any other role."""
    who = auth.current()
    if who.role == "anonymous":
        raise Unauthorized("this needs a judge token (send Authorization: Bearer <token>)")
    if who.role != "judge" or not who.account:
        raise Forbidden(f"only a judge scores a jury; this is {who.role} token")
    return who.account


def judges_only(view: Callable) -> Callable:
    """Refuse anyone but a judge before the body is read."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        judge()
        return view(*args, **kwargs)
    return wrapper


@blp.route("/contests/<cid>/juries")
class Juries(MethodView):
    @blp.response(200, schemas.JuryListed(many=True))
    @access("anyone")
    def get(self, cid):
        """The contest's juries: every one for organizers, a judge's own, the closed ones for anyone"""
        return juries.list_juries(get_db(), cid, viewer())

    @blp.response(201, schemas.Jury)
    @access("organizer", 400, 409, 415, 422)
    @blp.arguments(schemas.JuryRequest)
    def post(self, body, cid):
        """Open a jury for an indicator (method jury) and a month with judge accounts; the presentation
        order (抽签) is drawn from order_seed (recorded; drawn at random when left out)"""
        db = get_db()
        contests.require_contest(db, cid)
        opened = juries.open_jury(db, cid, indicator=body["indicator"], period=body["period"],
                                  judges=body["judges"], order_seed=body.get("order_seed"),
                                  actor=auth.current().actor)
        return juries.view(db, cid, opened["id"], Viewer("organizer")), 201, {
            "Location": f"/api/contests/{cid}/juries/{opened['id']}"}


@blp.route("/contests/<cid>/juries/<int:jid>")
class Jury(MethodView):
    @blp.response(200, schemas.Jury)
    @access("anyone", 401, 403)
    def get(self, cid, jid):
        """The order and who has submitted; a judge also its own sheets; after the close, for anyone, the
        tally: every judge's totals, which were dropped, x and the points"""
        db = get_db()
        contests.require_contest(db, cid)
        return juries.view(db, cid, jid, viewer())


@blp.route("/contests/<cid>/juries/<int:jid>/sheets/<unit>")
class Sheet(MethodView):
    @blp.response(200, schemas.JurySheet)
    @access("anyone", 400, 401, 403, 409, 415, 422)
    @judges_only
    @blp.arguments(schemas.JurySheetRequest)
    def put(self, body, cid, jid, unit):
        """A judge's scores for one unit, some or all criteria, each within 0..max (saved as it goes);
        409 once the judge has submitted or the jury has closed"""
        db = get_db()
        contests.require_contest(db, cid)
        username = judge()
        saved = juries.save_sheet(db, cid, jid, unit, body["scores"], judge=username, actor=auth.current().actor)
        criteria = juries.view(db, cid, jid, Viewer("judge", username))["criteria"]
        return {"unit": unit, "scores": saved, "total": juries.total_of(criteria, saved)}


@blp.route("/contests/<cid>/juries/<int:jid>/submit")
class Submit(MethodView):
    @blp.response(200, schemas.Jury)
    @access("anyone", 401, 403, 409, 422)
    @judges_only
    def post(self, cid, jid):
        """Lock all of the judge's sheets (every unit scored on every criterion); 409 the second time"""
        db = get_db()
        contests.require_contest(db, cid)
        return juries.submit(db, cid, jid, judge=judge(), actor=auth.current().actor)


@blp.route("/contests/<cid>/juries/<int:jid>/reopen")
class Reopen(MethodView):
    @blp.response(200, schemas.Jury)
    @access("organizer", 400, 409, 415, 422)
    @blp.arguments(schemas.JuryReopenRequest)
    def post(self, body, cid, jid):
        """Unlock one judge's submitted sheets before the close; the reason is kept in the audit trail"""
        db = get_db()
        contests.require_contest(db, cid)
        return juries.reopen(db, cid, jid, judge=body["judge"], reason=body["reason"], actor=auth.current().actor)


@blp.route("/contests/<cid>/juries/<int:jid>/close")
class Close(MethodView):
    @blp.response(200, schemas.Jury)
    @access("organizer", 409, 422)
    def post(self, cid, jid):
        """Close the jury: 409 until every judge has submitted; each unit's x (the trimmed mean) is stored
        as its result row for the month"""
        db = get_db()
        contests.require_contest(db, cid)
        return juries.close(db, cid, jid, actor=auth.current().actor)
