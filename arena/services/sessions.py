"""Sign-in sessions, kept on the server: start one, find the live one behind a cookie, end them.

The cookie carries only a random session id (256 bits); the table keeps its sha256. A session
ends on sign-out, after ``idle_seconds`` without a request, after CAP_SECONDS in all, when
the same account signs in again, and when the account is disabled or its password reset.
Each end leaves an audit row ``session.end`` with the reason.
"""

from __future__ import annotations

import secrets

from arena.support import clock
from arena.store import audit, users
from arena.store import sessions as store
from arena.store.db import transaction

CAP_SECONDS = 12 * 3600  # one working day at most, however active
TOUCH_SECONDS = 60  # last_seen is written at most once a minute: not a write per request

WHY = {"signout": "退出登录", "idle": "长时间未操作", "cap": "超过 12 小时上限", "replaced": "同一账号在别处登录",
       "disabled": "账号被停用", "password": "密码被重置"}


def start(db, user: dict, *, client: str | None) -> str:
    """A new session for ``user``; every other live session of the account ends (replaced)."""
    sid = secrets.token_urlsafe(32)
    moment = clock.epoch()
    with transaction(db):
        for live in store.live_of(db, user["id"]):
            _end(db, live, user, "replaced", moment)
        session_id = store.create(db, sid=sid, user_id=user["id"], now=moment, client=client)
        audit.record(db, actor=actor_of(user), action="signin.success", target=f"session {session_id}",
                     detail={"client": client}, now=_iso(moment))
    return sid


def live(db, sid: str, *, idle_seconds: int) -> tuple[dict, dict] | None:
    """(session, user) behind ``sid`` if it is live; an idle or over-long one is ended here."""
    if not isinstance(sid, str) or not sid:
        return None
    found = store.find(db, sid)
    if found is None or found["ended"] is not None:
        return None
    moment = clock.epoch()
    user = users.get(db, found["user_id"])
    why = ("cap" if moment - found["created"] > CAP_SECONDS else
           "idle" if moment - found["last_seen"] > idle_seconds else
           "disabled" if user["disabled_at"] else None)
    if why is not None:
        with transaction(db):
            _end(db, found, user, why, moment)
        return None
    if moment - found["last_seen"] >= TOUCH_SECONDS:
        with transaction(db):
            store.touch(db, found["id"], moment)
    return found, user


def end(db, session: dict, user: dict, why: str = "signout") -> None:
    with transaction(db):
        _end(db, session, user, why, clock.epoch())


def end_all(db, user: dict, why: str) -> int:
    """End every live session of ``user`` (inside the caller's transaction or its own)."""
    moment = clock.epoch()
    with transaction(db):
        ended = [s for s in store.live_of(db, user["id"]) if _end(db, s, user, why, moment)]
    return len(ended)


def actor_of(user: dict) -> str:
    """How the audit trail names a person: ``user zhangsan (考核办张三)``."""
    return f"user {user['username']} ({user['name']})"


def _end(db, session: dict, user: dict, why: str, moment: float) -> bool:
    if not store.end(db, session["id"], now=moment, why=why):
        return False
    audit.record(db, actor=actor_of(user), action="session.end", target=f"session {session['id']}",
                 detail={"why": why}, now=_iso(moment))
    return True


def _iso(moment: float) -> str:
    from datetime import datetime, timezone

    return clock.iso(datetime.fromtimestamp(moment, timezone.utc))
