"""Token services, used by ``arena token`` and the admin API: make, list and revoke.

A token is ``secrets.token_urlsafe(32)`` (256 random bits), shown once and stored only as its
sha256. Making and revoking each leave one audit row in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

from arena.errors import ValidationFailed
from arena.store import audit, contests, tokens
from arena.store.db import transaction
from arena.support import clock


def _problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": field, "message": message}])


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise _problem("name", "a token needs a name of 1 to 100 characters")
    if any(not c.isprintable() for c in name):
        raise _problem("name", "the name holds a control character or a lone surrogate")
    return name


def issue(db, *, role: str, name: str, actor: str, contest: str | None = None, unit: str | None = None,
          expires_days: int | None = None, owner: dict | None = None,
          department: str | None = None) -> tuple[str, dict[str, Any]]:
    """Make a token; returns (the token, its stored row). A unit token names its contest and unit,
    a department token its contest and department.
    An ``owner`` account's token never carries more than the account may do."""
    if owner is not None:
        _within_owner(owner, role, contest, unit)
    if role not in tokens.ROLES:
        raise _problem("role", f"role must be one of {', '.join(tokens.ROLES)}")
    name = _check_name(name)
    if role == "unit" and (not unit or not contest):
        raise _problem("unit", "a unit token needs --unit CODE and --contest ID")
    if role != "unit" and unit:
        raise _problem("unit", "only a unit token names a unit")
    if role == "judge" and owner is None:
        raise _problem("role", "a judge token belongs to a judge account: sign in as the judge and make it at /account")
    if role == "department" and (not department or not contest):
        raise _problem("department", "a department token needs --department ID and --contest ID")
    if role != "department" and department:
        raise _problem("department", "only a department token names a department")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise _problem("expires_days", "expiry must be 1 to 3650 days")
    now = clock.now("UTC")
    expires_at = clock.iso(now + timedelta(days=expires_days)) if expires_days else None
    token = secrets.token_urlsafe(32)
    with transaction(db):
        if contest is not None:
            if not contests.contest_exists(db, contest):
                raise _problem("contest", f"no contest {contest!r}")
            if unit is not None and unit not in {u["code"] for u in contests.list_units(db, contest)}:
                raise _problem("unit", f"contest {contest!r} has no unit {unit!r}")
        token_id = tokens.create(db, token=token, name=name, role=role, contest=contest, unit=unit,
                                 created_by=actor, now=clock.iso(now), expires_at=expires_at,
                                 owner=None if owner is None else owner["id"], department=department)
        audit.record(db, actor=actor, action="token.create", contest=contest, target=f"token {token_id}",
                     after=_row_sha256(tokens.get(db, token_id)),
                     detail={"name": name, "role": role, "unit": unit, "department": department,
                             "expires_at": expires_at},
                     now=clock.iso(now))
    return token, tokens.get(db, token_id)


def revoke(db, token_id: int, *, actor: str) -> bool:
    """Revoke a token; False when it was revoked already (no second audit row)."""
    now = clock.iso(clock.now("UTC"))
    with transaction(db):
        row = tokens.get(db, token_id)
        done = tokens.revoke(db, token_id, now=now)
        if done:
            audit.record(db, actor=actor, action="token.revoke", contest=row["contest"], target=f"token {token_id}",
                         before=_row_sha256(row), after=_row_sha256(tokens.get(db, token_id)),
                         detail={"name": row["name"], "role": row["role"]}, now=now)
    return done


def list_tokens(db, owner: int | None = None) -> list[dict[str, Any]]:
    return tokens.list_tokens(db, owner)


def _within_owner(owner: dict, role: str, contest: str | None, unit: str | None) -> None:
    """Same role or lower (admin > organizer > unit), the owner's contest and unit scope kept."""
    rank = {"judge": 0, "unit": 1, "department": 1, "organizer": 2, "admin": 3}
    if owner["disabled_at"] is not None:
        raise _problem("owner", f"账号 {owner['username']} 已停用，不能生成令牌")
    if owner["role"] not in rank:
        raise _problem("owner", f"{owner['role']} 账号暂无接口权限，不能生成令牌")
    if rank.get(role, 99) > rank[owner["role"]] or (rank[owner["role"]] <= 1 and role != owner["role"]):
        raise _problem("role", f"令牌的角色 {role} 高于账号 {owner['username']} 的角色 {owner['role']}")
    if owner["contest"] is not None and contest != owner["contest"]:
        raise _problem("contest", f"账号 {owner['username']} 只管比赛 {owner['contest']}，令牌也只能限于它")
    if owner["unit"] is not None and unit != owner["unit"]:
        raise _problem("unit", f"账号 {owner['username']} 只管单位 {owner['unit']}，令牌也只能限于它")
    if owner["department"] is not None and department != owner["department"]:
        raise _problem("department", f"账号 {owner['username']} 属于部门 {owner['department']}，令牌也只能限于它")


def _row_sha256(row: dict) -> str:
    """The audit's before/after hash of a token: its listed row (no secret, no secret's hash),
    in a canonical form."""
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()
