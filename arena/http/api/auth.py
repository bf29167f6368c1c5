"""Who is asking: bearer tokens, roles, contest and unit scope, and the failed-attempt limit.

Roles nest: admin > organizer > unit > anonymous. A token may carry a contest scope (a unit
token always does, and a unit). A request without ``Authorization`` is anonymous; one with a
header that is malformed, unknown, revoked or expired is refused with 401 and counted against
its client address. Past ``AUTH_FAILURES_PER_MINUTE`` failures in the current minute, every
request of that address that carries a token is answered 429 until the minute ends.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, g, request

from arena.errors import Forbidden, TooManyRequests, Unauthorized
from arena.http import principals
from arena.http.principals import ANONYMOUS, Principal, principal_for
from arena.store import tokens
from arena.store.db import transaction


def current() -> Principal:
    """This request's principal (computed once per request)."""
    if "principal" not in g:
        g.principal = _authenticate()
    return g.principal


def _authenticate() -> Principal:
    header = request.headers.get("Authorization")
    if header is None:
        return ANONYMOUS
    from arena.http.db import get_db

    db = get_db()
    client = request.remote_addr or "unknown"
    moment = principals.epoch()
    minute = int(moment // 60)
    limit = int(current_app.config["AUTH_FAILURES_PER_MINUTE"])
    if tokens.failures(db, client, minute) >= limit:
        raise TooManyRequests("too many failed token attempts from this address; wait and retry",
                              retry_after=max(1, 60 - int(moment % 60)))
    scheme, _, token = header.strip().partition(" ")
    found = None
    if scheme.lower() == "bearer" and token.strip():
        found = principal_for(db, token.strip(), datetime.fromtimestamp(moment, timezone.utc))
    if found is None:
        with transaction(db):  # the count is raised atomically: a burst of requests that all
            count = tokens.record_failure(db, client, minute)  # passed the check above sees it
        if count > limit:
            raise TooManyRequests("too many failed token attempts from this address; wait and retry",
                                  retry_after=max(1, 60 - int(moment % 60)))
        raise Unauthorized("the token is malformed, unknown, revoked or expired (send Authorization: Bearer <token>)")
    return found


def require(role: str, contest_id: str | None = None) -> Principal:
    """The principal if it has ``role`` (or a higher one) and may act on ``contest_id``.

    401 when a token is needed and none was sent; 403 when the token may not.
    """
    who = current()
    if who.role == "anonymous" and role != "anonymous":
        raise Unauthorized(f"this needs {_a(role)} token (send Authorization: Bearer <token>)")
    if not who.at_least(role):
        raise Forbidden(f"{_a(who.role)} token may not do this: it needs {_a(role)} token")
    if contest_id is not None and not who.may_act_on(contest_id):
        raise Forbidden(f"this token is limited to contest {who.contest!r}")
    return who


def _a(role: str) -> str:
    return ("an " if role[0] in "aeiou" else "a ") + role

