"""What every API module shares: the Blueprint with our argument parser, the access decorator
(authorization first, documented as OpenAPI security), and the responses for published data
(strong ETag, 304, Cache-Control). Everything else is private (no-store): see arena.http.api.init_app.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import wraps
from typing import Any, Callable
from zoneinfo import ZoneInfo

import flask_smorest
from flask import Response, current_app, json, request
from webargs.flaskparser import FlaskParser

from arena.errors import UnsupportedMediaType, ValidationFailed
from arena.http.api import auth, bodies
from arena.http.api.schemas import Error
from arena.support import clock

IMMUTABLE = 365 * 24 * 3600
LOCATIONS = {"json", "query", "querystring", "view_args", "path", "headers", "form", "files"}


class Parser(FlaskParser):
    """webargs, but JSON is parsed strictly and every failure raises our errors."""

    def _raw_load_json(self, req):
        if (req.mimetype or "").lower() != "application/json":
            raise UnsupportedMediaType(f"send application/json, not {req.mimetype or 'a body without a content type'}",
                                       [{"field": "Content-Type", "message": "expected application/json"}])
        return bodies.strict_json(req.get_data(cache=True))

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        messages = error.messages
        if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in LOCATIONS:
            messages = next(iter(messages.values()))
        raise ValidationFailed("the request is not valid", bodies.flatten(messages))


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()


_DOC = Blueprint("arena-doc", __name__)  # its decorators only write documentation


ROLE_ERRORS = {
    "anyone": (404,),
    "unit": (401, 403, 404),
    "organizer": (401, 403, 404),
    "admin": (401, 403, 404),
}


def access(role: str, *errors: int) -> Callable:
    """Check the caller before anything else runs; document security and the error answers.

    ``role`` is anyone, unit, organizer or admin; ``errors`` are the other 4xx the view may give.
    A ``cid`` path argument limits contest-scoped tokens to their contest.
    """
    if role not in ROLE_ERRORS:
        raise ValueError(f"unknown role {role!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if role != "anyone":
                auth.require(role, kwargs.get("cid"))
            else:
                auth.current()  # a token that is sent must be valid
            return view(*args, **kwargs)

        security = [{}, {"bearer": []}] if role == "anyone" else [{"bearer": []}]
        documented = _DOC.doc(security=security)(wrapper)
        for status in sorted({*ROLE_ERRORS[role], *errors, 401, 429}):
            documented = _DOC.alt_response(status, schema=Error)(documented)
        return documented

    return decorator


def raw_body(*content: tuple[str, dict[str, Any]], description: str = "") -> Callable:
    """Document a body the view reads itself (YAML, CSV, an upload)."""
    return _DOC.doc(requestBody={
        "required": True, "description": description,
        "content": {media: {"schema": schema} for media, schema in content},
    })


def public(body: bytes | str, etag: str, *, mimetype: str = "application/json", immutable: bool = False,
           revalidate: bool = False, filename: str | None = None) -> Response:
    """Public data: a strong ETag and 304 on If-None-Match. Published data may be kept by any
    CDN for CACHE_MAX_AGE (a pinned revision for good); what can change (contests, the list of
    publications) is revalidated on every use."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    response = current_app.response_class(data, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control(immutable=immutable, revalidate=revalidate)
    if filename:
        response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response.make_conditional(request)


def cache_control(*, immutable: bool = False, revalidate: bool = False) -> str:
    if immutable:
        return f"public, max-age={IMMUTABLE}, immutable"
    return "public, no-cache" if revalidate else f"public, max-age={current_app.config['CACHE_MAX_AGE']}"


def public_json(data: Any, *, revalidate: bool = False) -> Response:
    """Derived public JSON: its ETag is the hash of its own bytes."""
    body = json.dumps(data).encode("utf-8")
    return public(body, hashlib.sha256(body).hexdigest(), revalidate=revalidate)


ETAG_HEADERS = {"ETag": {"description": "strong: the publication's sha256", "schema": {"type": "string"}},
                "Cache-Control": {"description": "public, max-age=…", "schema": {"type": "string"}}}
IF_NONE_MATCH = {"in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
                 "description": "an ETag from an earlier answer: 304 when it still matches"}


def in_contest_offset(db, rows: list[dict], fields: tuple[str, ...]) -> list[dict]:
    """Rows of a contest with their times in its offset (API.md: times carry the contest's offset).

    The audit trail and tokens store UTC; a row without a contest keeps it."""
    from arena import services
    from arena.store import contests

    zones: dict[str, Any] = {}
    out = []
    for row in rows:
        cid = row.get("contest")
        if cid is not None and cid not in zones:
            zones[cid] = (services.contest_rules(db, cid)[0].timezone
                          if contests.contest_exists(db, cid) else None)
        zone = zones.get(cid) if cid is not None else None
        if zone is not None:
            row = {**row, **{f: clock.iso(datetime.fromisoformat(row[f]).astimezone(ZoneInfo(zone)))
                             for f in fields if row.get(f)}}
        out.append(row)
    return out
