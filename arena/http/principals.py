"""Who a token belongs to, shared by the API (bearer tokens) and the console (its session).

Roles nest: admin > organizer > department, unit > anonymous; a principal may carry a contest
scope and a unit or a department (牵头部门). Department and unit rank alike: views that serve
both check which one they have. ``epoch`` is the wall clock both read, in one place so tests can move it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from arena.engine.reporting import ORGANIZER, department_reporter, unit_reporter
from arena.store import tokens, users

# a judge may do what anyone may, and score the juries it sits on (arena.services.juries checks that)
RANK = {"anonymous": 0, "judge": 0, "unit": 1, "department": 1, "organizer": 2, "admin": 3}


@dataclass(frozen=True)
class Principal:
    role: str  # anonymous | unit | department | organizer | admin
    token_id: int | None = None
    name: str = ""
    contest: str | None = None  # scope: None means every contest
    unit: str | None = None
    account: str | None = None  # the username of a signed-in person (the console)
    department: str | None = None  # a department's id in its contest's rules

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
    # a judge sits on juries by username: its token speaks for its account
    account = users.get(db, row["owner"])["username"] if row["role"] == "judge" else None
    return Principal(row["role"], row["id"], row["name"], row["contest"], row["unit"], department=row["department"],
                     account=account)


def reporter_id(who: Principal) -> str | None:
    """The reporter id (engine.reporting) a principal submits as: ``organizer``, ``dept:<id>``,
    ``unit:<code>``; None for anyone else (anonymous, a judge)."""
    if who.at_least("organizer"):
        return ORGANIZER
    if who.role == "department" and who.department:
        return department_reporter(who.department)
    if who.role == "unit" and who.unit:
        return unit_reporter(who.unit)
    return None
