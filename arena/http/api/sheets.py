"""Sheets: drafts (organizers), published sheets served from their stored bytes, a unit's row,
the year's flags and a unit's standing."""

from __future__ import annotations

from flask import Response, json
from flask.views import MethodView

from arena import services
from arena.engine.periods import PeriodError, parse_period
from arena.errors import BadRequest, Forbidden, NotFound
from arena.http.api import auth, frozen, sheet_schemas
from arena.http.api.base import ETAG_HEADERS, IF_NONE_MATCH, Blueprint, access, cache_control, public, public_json
from arena.http.db import get_db
from arena.services import standing
from arena.services.publishing import frozen_sheet
from arena.store import contests, publications

blp = Blueprint("sheets", __name__, url_prefix="/api", description="Drafts, published sheets, flags, standing")
CONDITIONAL = blp.doc(parameters=[IF_NONE_MATCH])


def period_of(text: str) -> str:
    """A period named in a path: malformed is 404 (there is no such resource)."""
    try:
        return str(parse_period(text))
    except PeriodError as exc:
        raise NotFound(f"no period {text[:40]!r}: {exc}") from None


def publication(cid: str, period: str, revision: int | None = None) -> dict:
    """The stored publication (newest revision unless named), with its sheet text; 404 if none."""
    db = get_db()
    contests.require_contest(db, cid)
    return publications.get(db, cid, period_of(period), revision)


@blp.route("/contests/<cid>/draft/<period>")
class Draft(MethodView):
    @blp.response(200, sheet_schemas.Sheet)
    @access("organizer", 400)
    def get(self, cid, period):
        """The sheet computed now from the rules and results in force; not published"""
        try:
            wanted = parse_period(period)
        except PeriodError as exc:
            raise BadRequest(str(exc), [{"field": "period", "message": str(exc)}]) from None
        sheet = services.draft(get_db(), cid, period)
        if wanted.kind == "week":  # a dispatch table (RULES.md "Weekly dispatch"), not the contest's sheet shape
            return Response(services.sheet_json(sheet), mimetype="application/json")
        return sheet


@blp.route("/contests/<cid>/scores/<period>")
class Scores(MethodView):
    @blp.response(200, sheet_schemas.Sheet, headers=ETAG_HEADERS)
    @blp.alt_response(304, description="Not Modified: the ETag still matches")
    @access("anyone", 422)
    @CONDITIONAL
    @blp.arguments(sheet_schemas.RevisionQuery, location="query", as_kwargs=True)
    def get(self, cid, period, revision=None):
        """A published sheet (the newest revision, or ?revision=n), exactly as frozen"""
        db = get_db()
        contests.require_contest(db, cid)
        return frozen.sheet_response(db, cid, period_of(period), revision,
                                     cache_control=cache_control(immutable=revision is not None))


@blp.route("/contests/<cid>/scores/<period>/<unit>")
class UnitScore(MethodView):
    @blp.response(200, sheet_schemas.UnitScore, headers=ETAG_HEADERS)
    @blp.alt_response(304, description="Not Modified: the ETag still matches")
    @access("anyone", 422)
    @CONDITIONAL
    @blp.arguments(sheet_schemas.RevisionQuery, location="query", as_kwargs=True)
    def get(self, cid, period, unit, revision=None):
        """One unit's row of a published sheet"""
        pub = publication(cid, period, revision)
        sheet = frozen_sheet(pub)
        found = standing.find_row(sheet, unit)
        if found is None:
            raise NotFound(f"unit {unit[:40]!r} is not in the published sheet of {pub['period']}")
        group, row = found
        body = {k: sheet[k] for k in ("contest", "period", "kind", "revision", "published_at", "note")}
        body.update(group={"id": group["id"], "name": group["name"]}, row=row)
        return public(json.dumps(body), pub["sheet_sha256"], immutable=revision is not None)


@blp.route("/contests/<cid>/flags")
class Flags(MethodView):
    @blp.response(200, sheet_schemas.Flags, headers=ETAG_HEADERS)
    @blp.alt_response(304, description="Not Modified: the ETag still matches")
    @access("anyone")
    @CONDITIONAL
    def get(self, cid):
        """Red and yellow flags of every published quarter, and each unit's count per year"""
        return public_json(standing.year_flags(get_db(), cid))


@blp.route("/contests/<cid>/standing")
class Standing(MethodView):
    @blp.response(200, sheet_schemas.Standing)
    @access("unit", 422)
    @blp.arguments(sheet_schemas.StandingQuery, location="query", as_kwargs=True)
    def get(self, cid, unit=None):
        """A unit's published rows, and in the latest month: points to the unit above, to the red-flag
        line, its red lights and where it lost most (organizers name ?unit=)"""
        who = auth.current()
        if who.role == "department":
            raise Forbidden("a department token reads no unit's standing: it reports, it does not compete")
        if who.role == "unit":
            if unit is not None and unit != who.unit:
                raise Forbidden("a unit token reads only its own standing")
            unit = who.unit
        elif unit is None:
            raise BadRequest("name the unit: ?unit=CODE", [{"field": "unit", "message": "required for organizers"}])
        return standing.unit_standing(get_db(), cid, unit)
