"""Who is asking: bearer tokens, roles, contest and unit scope, and the failed-attempt limit.

Roles nest: admin > organizer > unit > anonymous. A token may carry a contest scope (a unit
token always does, and a unit). A request without ``Authorization`` is anonymous; one with a
header that is malformed, unknown, revoked or expired is refused with 401 and counted against
its client address. Past ``AUTH_FAILURES_PER_MINUTE`` failures in the current minute, every
request of that address that carries a token is answered 429 until the minute ends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app, g, request

from arena.errors import Forbidden, TooManyRequests, Unauthorized
from arena.store import tokens, users
from arena.store.db import transaction

RANK = {"anonymous": 0, "unit": 1, "organizer": 2, "admin": 3}


@dataclass(frozen=True)
class Principal:
    role: str  # anonymous | unit | organizer | admin
    token_id: int | None = None
    name: str = ""
    contest: str | None = None  # scope: None means every contest
    unit: str | None = None
    account: str | None = None  # the username of a signed-in person (the console)

    @property
    def actor(self) -> str:
        """How the audit trail and the results table name this caller."""
        if self.account is not None:
            return f"user {self.account} ({self.name})"
        return f"token {self.token_id} ({self.name})" if self.token_id is not None else "anonymous"

    def at_least(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]

    def may_act_on(self, contest_id: str) -> bool:
        return self.contest is None or self.contest == contest_id


ANONYMOUS = Principal("anonymous")


def epoch() -> float:
    """The wall clock, in one place so tests can move it."""
    return time.time()


def principal_for(db, token: str, now: datetime) -> Principal | None:
    """The principal of a presented token, or None if it is unknown, revoked or expired."""
    row = tokens.find(db, token)
    if row is None or row["revoked_at"] is not None:
        return None
    if row["expires_at"] is not None and datetime.fromisoformat(row["expires_at"]) <= now:
        return None
    if row["owner"] is not None and users.get(db, row["owner"])["disabled_at"] is not None:
        return None  # disabling revokes them too; this holds even for a row revoked by hand
    return Principal(row["role"], row["id"], row["name"], row["contest"], row["unit"])


def current() -> Principal:
    """This request's principal (computed once per request)."""
    if "principal" not in g:
        g.principal = _authenticate()
    return g.principal


def _authenticate() -> Principal:
    header = request.headers.get("Authorization")
    if header is None:
        return ANONYMOUS
    from arena.app import get_db

    db = get_db()
    client = request.remote_addr or "unknown"
    moment = epoch()
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

