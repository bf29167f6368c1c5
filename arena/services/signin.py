"""Checking a sign-in: username, password, the TOTP code, and the lockout.

5 failures of one username within 15 minutes lock it for 15 minutes: while locked, every
attempt is refused before the password is looked at, so the 6th try fails even when right.
Failures are counted by the username typed, known or not, and an unknown username costs a
hash check too: neither the lock nor the timing says whether an account exists. The client
address is slowed separately (the failed-attempt counter the API uses; see the door).
"""

from __future__ import annotations

from functools import lru_cache

from arena.support import clock

from arena.services import factors

from arena.services import passwords

from arena.services import sessions
from arena.errors import ArenaError, TooManyRequests
from arena.store import audit, users
from arena.store.db import transaction

LOCK_AFTER = 5
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
WRONG = "用户名、密码或动态口令不正确（已启用双因素的账号须同时填写动态口令）。"


class SigninFailed(ArenaError):
    status, code = 401, "signin_failed"


class AccountLocked(TooManyRequests):
    code = "account_locked"


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return passwords.hash_password("not-a-password-0!")


def attempt(db, username: str, password: str, code: str = "", *, client: str | None) -> dict:
    """The account if every check passes; else SigninFailed (401) or AccountLocked (429)."""
    name = (username or "").strip().lower()
    if len(name) > 64 or not name.isprintable():
        name = name[:64].encode("unicode_escape").decode()
    moment = clock.epoch()
    until = users.locked_until(db, name)
    if until is not None and until > moment:
        with transaction(db):
            audit.record(db, actor=f"signin {name}", action="signin.refused", target=f"user {name}",
                         detail={"why": "locked", "client": client}, now=_iso())
        raise AccountLocked(_locked_message(until - moment), retry_after=int(until - moment) + 1)
    user = users.find(db, name) if name else None
    stored = users.password_hash(db, user["id"]) if user else _dummy_hash()
    right = passwords.matches(stored, password or "")
    step = None
    if user is None or not right:
        why = "unknown" if user is None else "password"
    elif user["disabled_at"] is not None:
        why = "disabled"
    elif user["totp_secret"] is not None:
        step = factors.accepted_step(user["totp_secret"], code, user["totp_last_step"])
        why = None if step is not None else "totp"
    else:
        why = None
    if why is not None:
        _failed(db, name, user, why, client, moment)
    with transaction(db):
        users.clear_failures(db, name)
        if step is not None:
            users.update(db, user["id"], totp_last_step=step)
    return user  # type: ignore[return-value]


def _failed(db, name: str, user: dict | None, why: str, client: str | None, moment: float):
    with transaction(db):
        users.record_failure(db, name, moment, client)
        count = users.failures_since(db, name, moment - WINDOW_SECONDS)
        actor = sessions.actor_of(user) if user else f"signin {name or '(空)'}"
        audit.record(db, actor=actor, action="signin.failure", target=f"user {name}",
                     detail={"why": why, "client": client, "count": count}, now=_iso())
        if count >= LOCK_AFTER:
            users.lock(db, name, moment + LOCK_SECONDS)
            audit.record(db, actor=actor, action="signin.lockout", target=f"user {name}",
                         detail={"failures": count, "minutes": LOCK_SECONDS // 60, "client": client}, now=_iso())
    if count >= LOCK_AFTER:
        raise AccountLocked(f"15 分钟内连续 {count} 次登录失败，" + _locked_message(LOCK_SECONDS),
                            retry_after=LOCK_SECONDS)
    if why == "disabled":
        raise SigninFailed("该账号已停用，请联系管理员。")
    raise SigninFailed(WRONG)


def _locked_message(seconds: float) -> str:
    minutes = max(1, int(seconds + 59) // 60)
    return f"该账号已被锁定，请 {minutes} 分钟后再试。"


def _iso() -> str:
    return clock.iso(clock.now("UTC"))
