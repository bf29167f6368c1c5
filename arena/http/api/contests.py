"""Contests and their rules: list, create, describe; read, save and preview rule files."""

from __future__ import annotations

from flask.views import MethodView

from arena import services
from arena.engine.rules import load_rules
from arena.errors import Forbidden
from arena.http.api import auth, bodies, schemas, sheet_schemas
from arena.http.api.base import Blueprint, access, public_json, raw_body
from arena.http.db import get_db
from arena.services import preview
from arena.store import contests

blp = Blueprint("contests", __name__, url_prefix="/api", description="Contests and their rule files")

YAML = {"type": "string", "description": "a rule file (RULES.md), UTF-8"}
YAML_BODY = raw_body(*((media, YAML) for media in bodies.YAML_TYPES[:2]), description="a rule file")


def contest_detail(contest) -> dict:
    """What anyone may know of a contest: its units, groups, indicators and adjustments."""
    return {
        "id": contest.id, "name": contest.name, "season": {"start": contest.season_start, "end": contest.season_end},
        "timezone": contest.timezone, "precision": contest.precision, "self_report": contest.self_report,
        "groups": [{"id": g, "name": n} for g, n in contest.groups.items()],
        "units": [{"code": u.code, "name": u.name, "group": u.group} for u in contest.units],
        "indicators": [{"id": i.id, "name": i.name, "unit": i.unit, "weight": dict(i.weight), "better": i.better,
                        "method": i.method} for i in contest.indicators],
        "adjustments": [{"id": a.id, "name": a.name, "points": a.points, "max": a.max, "min": a.min, "veto": a.veto}
                        for a in contest.adjustments],
    }


@blp.route("/contests")
class ContestList(MethodView):
    @blp.response(200, schemas.ContestItem(many=True))
    @access("anyone")
    def get(self):
        """Every contest: id, name, season"""
        rows = services.list_contests(get_db())
        return public_json([{"id": r["id"], "name": r["name"],
                             "season": {"start": r["season_start"], "end": r["season_end"]}} for r in rows],
                           revalidate=True)

    @blp.response(201, schemas.RulesSaved)
    @access("organizer", 400, 409, 413, 415, 422)
    @YAML_BODY
    def post(self):
        """Create a contest from a rule file (409 if its id exists)"""
        who, db = auth.current(), get_db()
        text = bodies.text_body()
        contest = load_rules(text)
        if not who.may_act_on(contest.id):
            raise Forbidden(f"this token is limited to contest {who.contest!r}")
        saved = services.save_rules(db, text, actor=who.actor, create_only=True)
        return saved, 201, {"Location": f"/api/contests/{saved['contest']}"}


@blp.route("/contests/<cid>")
class ContestDetail(MethodView):
    @blp.response(200, schemas.ContestDetail)
    @access("anyone")
    def get(self, cid):
        """A contest: name, season, groups, units, indicators, adjustments"""
        contest, _ = services.contest_rules(get_db(), cid)
        return public_json(contest_detail(contest), revalidate=True)


@blp.route("/contests/<cid>/rules")
class Rules(MethodView):
    @blp.response(200, schemas.Rules)
    @access("organizer")
    def get(self, cid):
        """The rule file in force, with its version and sha256"""
        return contests.get_rules(get_db(), cid)

    @blp.response(200, schemas.RulesSaved)
    @access("organizer", 400, 413, 415, 422)
    @blp.arguments(schemas.NoteQuery, location="query", as_kwargs=True)
    @YAML_BODY
    def put(self, cid, note=None):
        """Save a new version of the rules if the whole file validates (422 lists every problem)"""
        db = get_db()
        contests.require_contest(db, cid)
        text = bodies.text_body()
        return services.save_rules(db, text, actor=auth.current().actor, note=note, contest_id=cid)


@blp.route("/contests/<cid>/rules/versions")
class RulesVersions(MethodView):
    @blp.response(200, schemas.RulesVersion(many=True))
    @access("organizer")
    def get(self, cid):
        """Every saved version: number, sha256, author, time, note"""
        return contests.list_versions(get_db(), cid)


@blp.route("/contests/<cid>/rules/preview")
class RulesPreview(MethodView):
    @blp.response(200, sheet_schemas.Preview)
    @access("organizer", 400, 413, 415, 422)
    @blp.arguments(sheet_schemas.PeriodQuery, location="query", as_kwargs=True)
    @YAML_BODY
    def post(self, cid, period):
        """The draft sheet under unsaved rules, and each unit's rank now and under them; saves nothing"""
        db = get_db()
        contests.require_contest(db, cid)
        return preview.preview(db, cid, bodies.text_body(), period)
