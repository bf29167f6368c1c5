"""The door for people: /login and /logout, shared by the console, /account and /me.

A sign-in is username, password and (once set up) a TOTP code, on one CSRF-protected form.
Failures count twice: against the username (arena.services.signin: 5 in 15 minutes lock it) and
against the client address (the API's per-minute counter: past AUTH_FAILURES_PER_MINUTE the
address waits out the minute, 429 with Retry-After).
"""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for

from arena.support import clock

from arena.services import sessions

from arena.services import signin
from arena.http.db import get_db
from arena.http.console import auth, error_page
from arena.errors import ArenaError
from arena.store import tokens
from arena.store.db import transaction

bp = Blueprint("door", __name__, template_folder="templates")
bp.after_request(auth.no_store)


@bp.before_request
def same_origin():
    if request.method not in auth.SAFE_METHODS:
        auth.check_same_origin()
    found = auth.signed_in()
    g.account = found[1] if found else None  # for the page header


@bp.errorhandler(ArenaError)
def arena_error(error: ArenaError):
    return error_page(error.status, error.message, error.details)


def home_of(user: dict) -> str:
    if user["role"] in auth.ROLES:
        return url_for("console.home")
    if user["role"] == "department":
        return url_for("door.report")
    if user["role"] == "judge":
        return url_for("door.jury_list")
    return url_for("door.me") if user["role"] == "unit" else url_for("door.account")


def require_account():
    """The signed-in account, or a redirect to /login (for the views outside /console)."""
    return g.account if g.account is not None else auth.to_login()


@bp.route("/login", methods=["GET", "POST"])
def login():
    wanted = auth.safe_next(request.values.get("next"))
    if request.method != "POST":  # HEAD too: only a POST (CSRF-checked) ever signs in
        if g.account is not None:
            return redirect(wanted or home_of(g.account))
        return render_template("console/login.html", next=wanted)
    db = get_db()
    client = request.remote_addr or "unknown"
    moment = clock.epoch()
    minute, limit = int(moment // 60), int(current_app.config["AUTH_FAILURES_PER_MINUTE"])
    username = request.form.get("username", "")
    if tokens.failures(db, client, minute) >= limit:
        return _refused("此地址登录失败次数过多，请一分钟后再试。", 429, wanted, username, 60 - int(moment % 60))
    try:
        user = signin.attempt(db, username, request.form.get("password", ""), request.form.get("code", ""),
                              client=client)
    except (signin.SigninFailed, signin.AccountLocked) as refused:
        with transaction(db):  # counted atomically, as the API counts bad tokens
            tokens.record_failure(db, client, minute)
        return _refused(refused.message, refused.status, wanted, username, getattr(refused, "retry_after", None))
    sid = sessions.start(db, user, client=client)
    session.clear()  # a fresh session: nothing from before signing in is carried over
    session["sid"], session["csrf"] = sid, secrets.token_urlsafe(32)
    step = auth.pending_step(user)
    if step == "password":
        flash("首次登录或密码被重置后，须先修改密码。", "error")
        return redirect(url_for("door.account"))
    if step == "totp":
        flash("管理员和组织方须先设置双因素认证（动态口令），才能继续操作。", "error")
        return redirect(url_for("door.account", _anchor="totp"))
    flash(f"欢迎，{user['name']}。", "ok")
    return redirect(wanted or home_of(user))


@bp.route("/logout", methods=["POST"])
def logout():
    found = auth.signed_in()
    if found is not None:
        sessions.end(get_db(), found[0], found[1], "signout")
    auth.forget()
    flash("已退出登录。", "ok")
    return redirect(url_for("door.login"))


def _refused(message: str, status: int, wanted: str | None, username: str, retry_after: int | None):
    page = render_template("console/login.html", error=message, next=wanted, username=username[:64])
    headers = {"Retry-After": str(max(1, retry_after))} if retry_after else {}
    return page, status, headers
