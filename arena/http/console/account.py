"""/account: a person's own password, TOTP factor and personal API tokens.

Reachable by every signed-in account, even one that must first change its one-time password
or set up its factor (the guard sends those here). A token is made with the owner's own role
and scope, never more; its secret is shown once, in the answer to the POST, never in a cookie.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from arena.services import accounts

from arena.services import factors

from arena.services import tokens
from arena.http.db import get_db
from arena.http.console import auth
from arena.http.console.door import bp, home_of, require_account
from arena.errors import ArenaError, NotFound
from arena.store import users


def _require_totp() -> bool:
    return bool(current_app.config["REQUIRE_TOTP"])


def _page(user: dict, status: int = 200, error: ArenaError | None = None, new_token: str | None = None):
    user = users.get(get_db(), user["id"])  # fresh: a POST may just have changed it
    pending = user["totp_pending"]
    context = {
        "user": user, "step": auth.pending_step(user), "error": error, "new_token": new_token,
        "totp_required": factors.required(user, _require_totp()),
        "qr": factors.qr_data_uri(factors.provisioning_uri(user, pending)) if pending else None,
        "pending_secret": pending, "tokens": tokens.list_tokens(get_db(), owner=user["id"]),
        "role_name": accounts.ROLE_NAMES[user["role"]],
    }
    return render_template("console/account.html", **context), status


def _signed_in_or_redirect():
    found = require_account()
    return (found, None) if isinstance(found, dict) else (None, found)


@bp.get("/account")
def account():
    user, answer = _signed_in_or_redirect()
    return answer or _page(user)


@bp.post("/account/password")
def change_password():
    user, answer = _signed_in_or_redirect()
    if answer:
        return answer
    try:
        accounts.change_password(get_db(), user, old=request.form.get("old_password", ""),
                                 new=request.form.get("new_password", ""), repeat=request.form.get("repeat", ""))
    except ArenaError as exc:
        return _page(user, exc.status, exc)
    flash("密码已修改。", "ok")
    fresh = users.get(get_db(), user["id"])
    return redirect(url_for("door.account", _anchor="totp") if auth.pending_step(fresh) else home_of(fresh))


@bp.post("/account/totp/begin")
def totp_begin():
    user, answer = _signed_in_or_redirect()
    if answer:
        return answer
    factors.begin(get_db(), user)
    return redirect(url_for("door.account", _anchor="totp"))


@bp.post("/account/totp/confirm")
def totp_confirm():
    user, answer = _signed_in_or_redirect()
    if answer:
        return answer
    try:
        factors.confirm(get_db(), user, request.form.get("code", ""))
    except ArenaError as exc:
        return _page(user, exc.status, exc)
    flash("双因素认证已启用：以后登录须填写动态口令。", "ok")
    fresh = users.get(get_db(), user["id"])
    return redirect(url_for("door.account") if auth.pending_step(fresh) else home_of(fresh))


@bp.post("/account/totp/remove")
def totp_remove():
    user, answer = _signed_in_or_redirect()
    if answer:
        return answer
    try:
        factors.remove(get_db(), user, password=request.form.get("password", ""), require_totp=_require_totp())
    except ArenaError as exc:
        return _page(user, exc.status, exc)
    flash("双因素认证已关闭。", "ok")
    return redirect(url_for("door.account"))


@bp.post("/account/tokens")
def token_create():
    user, answer = _signed_in_or_redirect()
    if answer:
        return answer
    if auth.pending_step(user):
        return redirect(url_for("door.account"))
    days = request.form.get("expires", "").strip()
    try:
        if days and not days.isdigit():
            raise ArenaError(f"有效天数须为 1 至 3650 的整数（收到 {days!r}）")
        name = request.form.get("name", "").strip()
        if not 1 <= len(name) <= 100:
            raise ArenaError("令牌须有一个 1 至 100 个字符的名称（说明它给谁、做什么用）")
        secret, _ = tokens.issue(get_db(), role=user["role"], name=name,
                                 actor=auth.principal_of(user).actor, contest=user["contest"], unit=user["unit"],
                                 department=user["department"], expires_days=int(days) if days else None, owner=user)
    except ArenaError as exc:
        return _page(user, 422 if exc.status == 400 else exc.status, exc)
    return _page(user, 201, new_token=secret)


@bp.post("/account/tokens/<int(max=9223372036854775807):token_id>/revoke")
def token_revoke(token_id: int):
    user, answer = _signed_in_or_redirect()
    if answer:
        return answer
    owned = {t["id"] for t in tokens.list_tokens(get_db(), owner=user["id"])}
    if token_id not in owned:
        raise NotFound(f"您没有编号为 {token_id} 的令牌")
    tokens.revoke(get_db(), token_id, actor=auth.principal_of(user).actor)
    flash(f"令牌 {token_id} 已撤销。", "ok")
    return redirect(url_for("door.account", _anchor="tokens"))
