"""Publications: freeze a period's sheet (organizers), and the public list of what is published."""

from __future__ import annotations

from flask.views import MethodView

from arena.http.api import auth, schemas
from arena.http.api.base import Blueprint, access, public_json
from arena.http.db import get_db
from arena.services import publishing, staleness
from arena.support.plain_text import clean_text
from arena.store import contests, publications
from arena.support.plain_text import clean_text

blp = Blueprint("publications", __name__, url_prefix="/api", description="Publishing")

FIELDS = ("contest", "period", "kind", "revision", "published_at", "note", "rules_sha256", "data_sha256",
          "sheet_sha256", "status", "notice_until")


def shown(row: dict, stale_map: dict) -> dict:
    return {**{k: row[k] for k in FIELDS}, "stale": stale_map.get((row["period"], row["revision"]))}


@blp.route("/contests/<cid>/publications")
class Publications(MethodView):
    @blp.response(200, schemas.Publication(many=True))
    @access("anyone")
    def get(self, cid):
        """Every publication: period, revision, time, note, rules and data sha256"""
        db = get_db()
        contests.require_contest(db, cid)
        stale = staleness.stale_map(db, cid)
        return public_json([shown(r, stale) for r in publications.list_all(db, cid)], revalidate=True)

    @blp.response(201, schemas.Published, description="a new revision")
    @blp.alt_response(200, schema=schemas.Published, description="unchanged: the newest revision", success=True)
    @access("organizer", 400, 415, 422)
    @blp.arguments(schemas.PublishRequest)
    def post(self, body, cid):
        """Freeze the period's sheet: 201 with a new revision, 200 when nothing changed; a correction
        needs a note (更正说明)"""
        clean_text(body["period"], "period")
        db = get_db()
        contests.require_contest(db, cid)
        row, created = publishing.publish(db, cid, body["period"], actor=auth.current().actor, note=body.get("note"))
        location = f"/api/contests/{cid}/scores/{row['period']}?revision={row['revision']}"
        answer = {**shown(row, staleness.stale_map(db, cid)),
                  "stale_dependants": staleness.dependants(db, cid, row["period"]) if created else []}
        return answer, 201 if created else 200, {"Location": location}
