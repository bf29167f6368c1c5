"""The console's people screens (admins): list, create and disable accounts, reset passwords.

A one-time password is shown once, in the answer to the POST that made it, never in a cookie.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from arena.services import accounts
from arena.http.db import get_db
from arena.http.console import bp
from arena.http.console.auth import current_user
from arena.http.console.common import allowed_contests
from arena.errors import ArenaError, Forbidden
from arena.store.users import ROLES


def _admin():
    if current_user().role != "admin":
        raise Forbidden("只有管理员可以管理账号")


def _page(status: int = 200, error: ArenaError | None = None, issued: dict | None = None, form: dict | None = None):
    return render_template("console/people.html", people=accounts.list_users(get_db()), roles=ROLES,
                           role_names=accounts.ROLE_NAMES, contests=allowed_contests(), error=error,
                           issued=issued, form=form or {}), status


@bp.get("/people")
def people():
    _admin()
    return _page()


@bp.post("/people")
def create_person():
    _admin()
    form = {k: request.form.get(k, "").strip() for k in ("username", "role", "name", "contest", "unit", "department",
                                                     "email")}
    try:
        secret, user = accounts.create_user(get_db(), actor=current_user().actor, **form)
    except ArenaError as exc:
        return _page(exc.status, exc, form=form)
    return _page(201, issued={"username": user["username"], "password": secret, "what": "新账号"})


@bp.post("/people/<username>/disable")
def disable_person(username: str):
    _admin()
    if username.lower() == (current_user().account or "").lower():
        raise Forbidden("不能停用自己的账号（请由另一位管理员操作）")
    done = accounts.disable(get_db(), username, actor=current_user().actor)
    flash(f"账号 {username} 已停用，其会话和令牌均已失效。" if done else f"账号 {username} 早已停用。", "ok")
    return redirect(url_for("console.people"))


@bp.post("/people/<username>/reset")
def reset_person(username: str):
    _admin()
    secret = accounts.reset_password(get_db(), username, actor=current_user().actor)
    return _page(200, issued={"username": username, "password": secret, "what": "重置后的一次性密码"})
