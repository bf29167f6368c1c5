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
    "user.create": "创建账号", "user.disable": "停用账号", "password.change": "修改密码", "password.reset": "重置密码",
    "signin.success": "登录", "signin.failure": "登录失败", "signin.lockout": "账号锁定", "signin.refused": "锁定中拒绝登录",
    "session.end": "会话结束", "totp.enable": "启用双因素", "totp.disable": "关闭双因素", "audit.purge": "清理审计记录",
}
DETAIL_LABELS = {"note": "说明", "inserted": "新增", "updated": "更新", "unchanged": "未变", "name": "名称",
                 "role": "角色", "unit": "单位", "expires_at": "到期", "why": "原因", "client": "地址", "count": "次数"}
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
