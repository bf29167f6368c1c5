"""Signing in and out, the session, and the guard every console request passes.

The session cookie (Flask's signed cookie; HttpOnly and SameSite=Lax from the app factory;
Secure under SESSION_COOKIE_SECURE or HTTPS; path /console) holds only the token's id, the
sign-in time and the CSRF token. The token itself is re-checked on every request, so revoking
it or letting it expire ends the session at once.

Every POST is refused unless it comes from the console's own pages: a browser's
Sec-Fetch-Site must say same-origin, an Origin header must name this host, and the form must
carry the session's CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import (current_app, flash, g, has_request_context, redirect, render_template, request,
                   session, url_for)
from flask.sessions import SecureCookieSessionInterface

from arena.errors import Forbidden, NotFound
from arena.http import principals
from arena.http.console import bp
from arena.http.db import get_db
from arena.http.principals import Principal, principal_for
from arena.store import tokens
from arena.store.db import transaction

ROLES = ("organizer", "admin")  # who may enter the console
SESSION_SECONDS = 12 * 3600  # a signed-in session lasts one working day at most
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
OPEN_ENDPOINTS = ("console.signin", "console.static")  # reachable without signing in


class CrossSiteRefused(Forbidden):
    code = "cross_site_refused"


class ConsoleSession(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure over HTTPS too, and sent only to /console."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (has_request_context() and request.is_secure)

    def get_cookie_path(self, app) -> str:
        return app.config.get("SESSION_COOKIE_PATH") or "/console"


def current_user() -> Principal:
    """The signed-in principal of this request (set by the guard)."""
    return g.console_user


@bp.app_template_global()
def console_csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_same_origin() -> None:
    """Refuse a POST that a browser says came from elsewhere, or that lacks the CSRF token."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        raise CrossSiteRefused(f"拒绝跨站请求（Sec-Fetch-Site: {site}），没有做任何更改")
    origin = request.headers.get("Origin")
    if origin is not None and (origin == "null" or urlsplit(origin).netloc != request.host):
        raise CrossSiteRefused(f"拒绝来自其他网站的请求（Origin: {origin}），没有做任何更改")
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CrossSiteRefused("表单已失效或不是从本站提交的（缺少或不符的校验码），没有做任何更改。请刷新页面后重试。")


def signed_in() -> Principal | None:
    """The session's principal if its token is still valid, its role may enter, and the
    session is not older than SESSION_SECONDS."""
    token_id, since = session.get("token_id"), session.get("at")
    if not isinstance(token_id, int) or not isinstance(since, (int, float)):
        return None
    moment = principals.epoch()  # the API's clock: tests move both at once
    if not 0 <= moment - since <= SESSION_SECONDS:
        return None
    try:
        row = tokens.get(get_db(), token_id)
    except NotFound:
        return None
    if row["revoked_at"] is not None or row["role"] not in ROLES:
        return None
    if row["expires_at"] is not None and datetime.fromisoformat(row["expires_at"]) <= _utc(moment):
        return None
    return Principal(row["role"], row["id"], row["name"], row["contest"], row["unit"])


@bp.before_request
def guard():
    if request.endpoint == "console.static":
        return None
    if request.method not in SAFE_METHODS:
        check_same_origin()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    user = signed_in()
    if user is None:
        had_session = "token_id" in session
        _forget()
        if had_session:
            flash("登录已失效（令牌被撤销、过期或会话超时），请重新登录。", "error")
        wanted = request.full_path.rstrip("?") if request.method in SAFE_METHODS else None
        return redirect(url_for("console.signin", next=wanted))
    g.console_user = user
    return None


@bp.after_request
def no_store(response):
    # pages show unpublished figures: never keep them in a shared or back-button cache
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
    return response


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    wanted = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if signed_in() is not None:
            return redirect(wanted or url_for("console.home"))
        return render_template("console/signin.html", next=wanted)
    db = get_db()
    client = request.remote_addr or "unknown"
    moment = principals.epoch()  # the API's clock: tests move both at once
    minute = int(moment // 60)
    limit = int(current_app.config["AUTH_FAILURES_PER_MINUTE"])
    if tokens.failures(db, client, minute) >= limit:
        return _refused("失败次数过多，请一分钟后再试。", 429, wanted)
    secret = request.form.get("token", "").strip()
    found = principal_for(db, secret, _utc(moment)) if secret else None
    if found is None:
        with transaction(db):  # counted atomically: a burst that passed the check above sees it
            count = tokens.record_failure(db, client, minute)
        if count > limit:
            return _refused("失败次数过多，请一分钟后再试。", 429, wanted)
        return _refused("令牌无效、已被撤销或已过期。", 401, wanted)
    if found.role not in ROLES:
        message = ("单位令牌不能进入管理后台。单位请通过接口（/api/contests/…/standing）查看本单位成绩；"
                   "管理后台需要组织方（organizer）或管理员（admin）令牌。")
        return _refused(message, 403, wanted)
    session.clear()  # a fresh session: nothing from before signing in is carried over
    session["token_id"], session["at"] = found.token_id, int(moment)
    session["csrf"] = secrets.token_urlsafe(32)
    flash(f"欢迎，{found.name}。", "ok")
    return redirect(wanted or url_for("console.home"))


@bp.route("/signout", methods=["POST"])
def signout():
    _forget()
    flash("已退出登录。", "ok")
    return redirect(url_for("console.signin"))


def _forget() -> None:
    for key in ("token_id", "at", "csrf"):
        session.pop(key, None)


def _refused(message: str, status: int, wanted: str | None):
    return render_template("console/signin.html", error=message, next=wanted), status


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the console: never another site (an open redirect), never a control
    character (a newline in a Location header is refused by werkzeug, or splits the header)."""
    if (not target or not target.startswith("/console") or target.startswith("//") or "\\" in target
            or not target.isprintable()):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _utc(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, timezone.utc)
