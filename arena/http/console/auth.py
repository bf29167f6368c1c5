"""Who is signed in, the session cookie, and the guard every console request passes.

People sign in with an account at /login (console.door); the console accepts accounts only,
API tokens are for the API. The session lives on the server (arena.services.sessions): the cookie
(Flask's signed cookie; HttpOnly, SameSite=Lax, Secure under SESSION_COOKIE_SECURE or HTTPS)
holds the random session id and the CSRF token, nothing about who it is, so signing out,
idling, the 12-hour cap, a new sign-in and disabling the account end it for any old cookie.

Every POST is refused unless it comes from our own pages: a browser's Sec-Fetch-Site must say
same-origin, an Origin header must name this host, and the form must carry the CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import current_app, flash, g, has_request_context, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from arena.services import factors

from arena.services import sessions
from arena.http.principals import Principal
from arena.http.db import get_db
from arena.http.console import bp
from arena.errors import Forbidden

ROLES = ("organizer", "admin")  # who may enter the console
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class CrossSiteRefused(Forbidden):
    code = "cross_site_refused"


class ConsoleSession(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure over HTTPS too; site-wide, for /login, /account and /me."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (has_request_context() and request.is_secure)


def current_user() -> Principal:
    """The signed-in principal of this request (set by the guard)."""
    return g.console_user


def principal_of(user: dict) -> Principal:
    return Principal(user["role"], None, user["name"], user["contest"], user["unit"], account=user["username"],
                     department=user["department"])


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


def signed_in() -> tuple[dict, dict] | None:
    """(session, account) behind this request's cookie while the session is live (once per request)."""
    if "account_session" not in g:
        sid = session.get("sid")
        idle = int(current_app.config["IDLE_MINUTES"]) * 60
        g.account_session = sessions.live(get_db(), sid, idle_seconds=idle) if isinstance(sid, str) else None
    return g.account_session


def pending_step(user: dict) -> str | None:
    """What the account must do before anything else: change its one-time password, set up TOTP."""
    if user["must_change"]:
        return "password"
    if factors.required(user, bool(current_app.config["REQUIRE_TOTP"])) and user["totp_secret"] is None:
        return "totp"
    return None


def to_login():
    """Forget a dead session and send the person to /login, back here afterwards."""
    had_session = "sid" in session
    forget()
    if had_session:
        flash("登录已失效（已退出、超时未操作、超过 12 小时或在别处登录），请重新登录。", "error")
    wanted = request.full_path.rstrip("?") if request.method in SAFE_METHODS else None
    return redirect(url_for("door.login", next=wanted))


def forget() -> None:
    for key in ("sid", "csrf"):
        session.pop(key, None)


@bp.before_request
def guard():
    if request.endpoint in ("console.static", "console.signin"):
        return None
    if request.method not in SAFE_METHODS:
        check_same_origin()
    found = signed_in()
    if found is None:
        return to_login()
    user = found[1]
    if user["role"] not in ROLES:
        raise Forbidden("单位及其他账号不能进入管理后台：单位请在“本单位”页面（/me）查看成绩；"
                        "管理后台需要组织方或管理员账号。")
    if pending_step(user) is not None:
        return redirect(url_for("door.account"))
    g.account, g.console_user = user, principal_of(user)
    return None


@bp.after_request
def no_store(response):
    # pages show unpublished figures: never keep them in a shared or back-button cache
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
    return response


@bp.route("/signin")
def signin():
    """The old token sign-in's address: sign-in is by account now, at /login."""
    return redirect(url_for("door.login", next=safe_next(request.args.get("next"))))


def safe_next(target: str | None) -> str | None:
    """Only a path of ours: never another site (an open redirect), never a control character
    (a newline in a Location header is refused by werkzeug, or splits the header)."""
    if (not target or not target.startswith(("/console", "/me", "/account", "/report", "/jury")) or target.startswith("//")
            or "\\" in target or not target.isprintable()):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
