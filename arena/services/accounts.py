"""Account services, used by ``arena user``, the console's people screens and /account.

An account is made with a one-time password that must be changed at the first sign-in; an
admin's reset makes a new one-time password. Disabling an account ends its sessions and
revokes its tokens. Every change leaves one audit row in the same transaction.
"""

from __future__ import annotations

import re
from typing import Any

from arena.support import clock

from arena.services import passwords

from arena.services import sessions
from arena.errors import Conflict, NotFound, ValidationFailed
from arena.store import audit, contests, users
from arena.store.db import transaction

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
# an address's shape only (name@host.tld): whether it is read is the mail server's business
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{4,253}\Z)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}\Z")
ROLE_NAMES = {"admin": "管理员", "organizer": "组织方", "department": "牵头部门", "unit": "单位", "judge": "评委"}
PUBLIC = ("id", "username", "name", "role", "contest", "unit", "department", "must_change", "created_at",
          "created_by", "password_changed_at", "disabled_at", "email")


def _problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": field, "message": message}])


def public(user: dict) -> dict[str, Any]:
    """An account as listed: no hash, no secret; ``totp`` says whether a factor is set."""
    return {**{k: user[k] for k in PUBLIC}, "must_change": bool(user["must_change"]),
            "totp": user["totp_secret"] is not None}


def require(db, username: str) -> dict:
    found = users.find(db, (username or "").strip())
    if found is None:
        raise NotFound(f"没有用户名为 {username!r} 的账号")
    return found


def check_email(text: str | None) -> str | None:
    """An e-mail address, stripped (None or blank: none); a malformed one is refused, by name."""
    text = (text or "").strip()
    if not text:
        return None
    if not EMAIL.match(text):
        raise _problem("email", f"电子邮箱格式不正确：{text!r}（应如 zhangsan@example.gov.cn）")
    return text


def create_user(db, *, username: str, role: str, name: str, actor: str, contest: str | None = None,
                unit: str | None = None, department: str | None = None,
                email: str | None = None) -> tuple[str, dict]:
    """Make an account; returns (its one-time password, the account as listed). ``email``: where
    reminders (催报) are sent to a department's or unit's account."""
    username, name = (username or "").strip().lower(), (name or "").strip()
    email = check_email(email)
    contest, unit, department = (contest or None), (unit or None), (department or None)
    if not USERNAME.match(username):
        raise _problem("username", "用户名须为 3 至 32 个小写字母、数字或 . _ -，以字母或数字开头")
    if role not in users.ROLES:
        raise _problem("role", f"角色须为 {'、'.join(users.ROLES)} 之一")
    if not 1 <= len(name) <= 100 or not name.isprintable():
        raise _problem("name", "姓名须为 1 至 100 个可见字符")
    if role == "unit" and (not unit or not contest):
        raise _problem("unit", "单位账号须指定比赛（--contest）和单位代码（--unit）")
    if role != "unit" and unit:
        raise _problem("unit", "只有单位账号指定单位")
    if role == "department" and not department:
        raise _problem("department", "牵头部门账号须指定部门（--department）")
    secret = passwords.one_time()
    now = clock.iso(clock.now("UTC"))
    with transaction(db):
        if users.find(db, username) is not None:
            raise Conflict(f"用户名 {username} 已被使用", [{"field": "username", "message": "已被使用"}])
        if contest is not None:
            if not contests.contest_exists(db, contest):
                raise _problem("contest", f"没有比赛 {contest!r}")
            if unit is not None and unit not in {u["code"] for u in contests.list_units(db, contest)}:
                raise _problem("unit", f"比赛 {contest!r} 没有单位 {unit!r}")
        user_id = users.create(db, username=username, name=name, role=role, contest=contest, unit=unit,
                               department=department, password_hash=passwords.hash_password(secret),
                               created_by=actor, now=now)
        if email is not None:
            users.update(db, user_id, email=email)
        audit.record(db, actor=actor, action="user.create", contest=contest, target=f"user {username}",
                     detail={"role": role, "name": name, "unit": unit, "department": department,
                             **({"email": email} if email else {})}, now=now)
    return secret, public(users.get(db, user_id))


def list_users(db) -> list[dict[str, Any]]:
    return [public(u) for u in users.list_users(db)]


def disable(db, username: str, *, actor: str) -> bool:
    """Disable an account, end its sessions, revoke its tokens; False if it was disabled already."""
    from arena.store import tokens

    now = clock.iso(clock.now("UTC"))
    with transaction(db):
        user = require(db, username)
        if user["disabled_at"] is not None:
            return False
        users.update(db, user["id"], disabled_at=now)
        sessions.end_all(db, user, "disabled")
        revoked = tokens.revoke_owned(db, user["id"], now=now)
        audit.record(db, actor=actor, action="user.disable", contest=user["contest"],
                     target=f"user {user['username']}", detail={"tokens_revoked": revoked}, now=now)
    return True


def reset_password(db, username: str, *, actor: str) -> str:
    """A new one-time password (to change at the next sign-in); the account's sessions end."""
    secret = passwords.one_time()
    now = clock.iso(clock.now("UTC"))
    with transaction(db):
        user = require(db, username)
        if user["disabled_at"] is not None:
            raise Conflict(f"账号 {user['username']} 已停用，不能重置密码")
        users.update(db, user["id"], password_hash=passwords.hash_password(secret), must_change=1,
                     password_changed_at=now)
        users.clear_failures(db, user["username"])
        sessions.end_all(db, user, "password")
        audit.record(db, actor=actor, action="password.reset", target=f"user {user['username']}", now=now)
    return secret


def change_password(db, user: dict, *, old: str, new: str, repeat: str | None = None) -> None:
    """A person changes their own password: the old one first, then the policy."""
    if not passwords.matches(users.password_hash(db, user["id"]), old or ""):
        raise _problem("old_password", "原密码不正确")
    if repeat is not None and new != repeat:
        raise _problem("repeat", "两次输入的新密码不一致")
    passwords.check(new or "", user["username"], "new_password")
    if passwords.matches(users.password_hash(db, user["id"]), new):
        raise _problem("new_password", "新密码不能与原密码相同")
    now = clock.iso(clock.now("UTC"))
    with transaction(db):
        users.update(db, user["id"], password_hash=passwords.hash_password(new), must_change=0,
                     password_changed_at=now)
        audit.record(db, actor=sessions.actor_of(user), action="password.change",
                     target=f"user {user['username']}", now=now)
