"""The audit log: who did what and when, filterable by contest and action."""

from __future__ import annotations

from flask import render_template, request

from arena.http.console import bp
from arena.http.console.auth import current_user
from arena.http.console.common import allowed_contests
from arena.http.db import get_db
from arena.store import audit

ACTIONS = {
    "contest.create": "新建比赛", "rules.save": "保存规则", "results.import": "导入成绩",
    "publication.create": "发布", "publication.correct": "更正发布",
    "token.create": "创建令牌", "token.revoke": "撤销令牌",
}
DETAIL_LABELS = {"note": "说明", "inserted": "新增", "updated": "更新", "unchanged": "未变", "name": "名称",
                 "role": "角色", "unit": "单位", "expires_at": "到期"}
LIMITS = (50, 200, 1000)


@bp.route("/audit")
def audit_page():
    scope = current_user().contest
    contest = scope or request.args.get("contest") or None  # a scoped token sees its contest only
    action = request.args.get("action") or None
    limit = request.args.get("limit", type=int)
    limit = limit if limit in LIMITS else LIMITS[1]
    rows = audit.list_audit(get_db(), contest=contest, action=action, limit=limit)
    actions = dict(ACTIONS)
    for row in rows:  # an action this page does not know yet is still offered as a filter
        actions.setdefault(row["action"], row["action"])
    if action:
        actions.setdefault(action, action)
    return render_template("console/audit.html", rows=rows, contests=allowed_contests(), chosen=contest,
                           action=action, actions=actions, limit=limit, limits=LIMITS)


@bp.app_template_filter("console_action")
def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


@bp.app_template_filter("console_detail")
def detail_label(key: str) -> str:
    return DETAIL_LABELS.get(key, key)
