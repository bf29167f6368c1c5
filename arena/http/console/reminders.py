"""催报记录: a contest's outbox of reminders, for its organizers (who was reminded of which month,
on which channel, and whether it went out)."""

from __future__ import annotations

from flask import current_app, render_template

from arena.engine import reporting
from arena.http.console import bp
from arena.http.console.common import open_contest
from arena.http.db import get_db
from arena.services import reminders

SHOWN = 500  # the newest; `arena outbox` shows any number


@bp.route("/contests/<contest_id>/reminders")
def reminders_page(contest_id: str):
    row, model, _ = open_contest(contest_id)
    messages = reminders.listing(get_db(), contest_id, limit=SHOWN)
    names = {r.id: r.name for r in reporting.expected_reporters(model)}
    for m in messages:
        m["reporter_name"] = names.get(m["reporter"], m["reporter"] or "")
    settings = current_app.config
    channels = [name for name, key in (("企业微信", "WECOM_WEBHOOK"), ("钉钉", "DINGTALK_WEBHOOK"),
                                       ("电子邮件", "SMTP_HOST")) if settings.get(key)]
    days = ["截止当日" if d == 0 else f"截止前 {d} 天" for d in sorted(model.reporting.remind, reverse=True)]
    return render_template("console/reminders.html", contest=row, model=model, messages=messages,
                           reporters=reporting.expected_reporters(model), channels=channels, days=days,
                           shown=SHOWN)
