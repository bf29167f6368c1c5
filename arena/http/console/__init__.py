"""The organizers' console at /console: sign in with an account (at /login), upload results, edit rules with
a preview, publish and correct, read the audit log. HTML pages in Chinese, no external assets.

Views are thin: they call the same services as the CLI and the API, with the signed-in
token's principal as the actor, so the audit trail reads the same whichever door was used.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, render_template
from werkzeug.exceptions import HTTPException

from arena.errors import ArenaError

bp = Blueprint(
    "console", __name__, url_prefix="/console",
    template_folder="templates", static_folder="static", static_url_path="/static",
)

# What each HTTP status means to an organizer, for the error page's title.
STATUS_TITLES = {400: "请求有误", 401: "需要登录", 403: "没有权限", 404: "找不到", 405: "不支持的操作",
                 409: "冲突", 413: "文件太大", 415: "文件格式不支持", 422: "内容有误", 429: "尝试次数过多"}


def init_app(app: Flask) -> None:
    # the view modules attach their routes to ``bp`` when imported
    from arena.http.console import (audit, auth, contests, objections, publishing, reminders, results,  # noqa: F401
                                    review, rules)
    from arena.http.console import juries  # noqa: F401  (评审: the organizers' side of showcase juries)
    from arena.http.console import account, door, me, me_objections, people, report  # noqa: F401  (/login, /account, /me, /report)
    from arena.http.console import jury  # noqa: F401  (/jury: the judges' phone page)

    app.session_interface = auth.ConsoleSession()
    app.register_blueprint(bp)
    app.register_blueprint(door.bp)


@bp.app_template_filter("console_time")
def console_time(iso: str | None) -> str:
    """A stored time as people read it: 2026-02-10 09:00:00+08:00 (the offset kept: it says whose clock)."""
    if not iso:
        return "—"
    try:
        return datetime.fromisoformat(iso).isoformat(sep=" ", timespec="seconds")
    except ValueError:
        return iso


@bp.app_template_filter("method_name")
def method_name(method: str) -> str:
    """A scoring method as the rules page names it: 功效系数法, not efficacy."""
    from arena.render.rules_words import METHOD_NAMES

    return METHOD_NAMES.get(method, method)


@bp.app_template_filter("console_value")
def console_value(x: float) -> str:
    """A stored figure as a person wrote it: 12.5, 7, 1234567.25 (no exponent below 1e15)."""
    return format(x, ".15g")


@bp.errorhandler(ArenaError)
def arena_error(error: ArenaError):
    return error_page(error.status, error.message, error.details)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    status = error.code or 500
    return error_page(status, error.description or error.name, [])


def error_page(status: int, message: str, details: list[dict]):
    title = STATUS_TITLES.get(status, "出错了")
    return render_template("console/error.html", status=status, title=title, message=message,
                           details=details), status
