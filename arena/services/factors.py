"""The TOTP second factor (RFC 6238, pyotp): enrol with a QR code, check codes, never twice.

Enrolment keeps a new secret as ``totp_pending`` until a code from it is accepted, so a
half-done enrolment never locks anyone out. A code is accepted one step either side of now
(``valid_window=1``) and only if its time step is later than the last one accepted: a code
seen over someone's shoulder cannot be replayed.
"""

from __future__ import annotations

import base64
import hmac
import io

import pyotp

from arena.support import clock

from arena.services import passwords

from arena.services import sessions
from arena.errors import Conflict, ValidationFailed
from arena.store import audit, users
from arena.store.db import transaction

ISSUER = "打擂台"
TOTP_ROLES = ("admin", "organizer")  # who must have a factor when REQUIRE_TOTP is on


def _problem(message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": "code", "message": message}])


def required(user: dict, require_totp: bool) -> bool:
    return require_totp and user["role"] in TOTP_ROLES


def accepted_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step of ``code`` if it is valid now and newer than ``last_step``, else None."""
    code = (code or "").strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp, moment = pyotp.TOTP(secret), clock.epoch()
    if not totp.verify(code, for_time=moment, valid_window=1):
        return None
    for offset in (-1, 0, 1):  # which step matched: reuse is refused by step, not by code text
        if hmac.compare_digest(totp.at(moment, counter_offset=offset), code):
            step = totp.timecode(moment) + offset
            return step if last_step is None or step > last_step else None
    return None


def begin(db, user: dict) -> str:
    """Start (or restart) enrolment: a new pending secret; the active one, if any, stays."""
    secret = pyotp.random_base32()
    with transaction(db):
        users.update(db, user["id"], totp_pending=secret)
    return secret


def confirm(db, user: dict, code: str) -> None:
    """Make the pending secret the factor once a code from it is accepted."""
    fresh = users.get(db, user["id"])
    if not fresh["totp_pending"]:
        raise Conflict("没有待确认的动态口令设置，请先点“设置双因素”")
    step = accepted_step(fresh["totp_pending"], code, None)
    if step is None:
        raise _problem("动态口令不正确或已过期：请输入验证器应用当前显示的 6 位数字")
    now = clock.iso(clock.now("UTC"))
    with transaction(db):
        users.update(db, user["id"], totp_secret=fresh["totp_pending"], totp_pending=None, totp_last_step=step)
        audit.record(db, actor=sessions.actor_of(user), action="totp.enable", target=f"user {user['username']}",
                     detail={"replaced": fresh["totp_secret"] is not None}, now=now)


def remove(db, user: dict, *, password: str, require_totp: bool) -> None:
    """Turn the factor off (the password confirms it); refused where the factor is required."""
    if required(user, require_totp):
        raise Conflict("管理员和组织方必须使用双因素认证，不能关闭（可重新设置以更换手机）")
    if not passwords.matches(users.password_hash(db, user["id"]), password or ""):
        raise ValidationFailed("密码不正确", [{"field": "password", "message": "密码不正确"}])
    with transaction(db):
        users.update(db, user["id"], totp_secret=None, totp_pending=None, totp_last_step=None)
        audit.record(db, actor=sessions.actor_of(user), action="totp.disable", target=f"user {user['username']}",
                     now=clock.iso(clock.now("UTC")))


def provisioning_uri(user: dict, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user["username"], issuer_name=ISSUER)


def qr_data_uri(text: str) -> str:
    """The QR code of ``text`` as an SVG data: URI, for an <img> (no inline script or style)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    buffer = io.BytesIO()
    qrcode.make(text, image_factory=SvgPathImage, box_size=10, border=2).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
