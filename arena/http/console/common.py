"""What the console's views share: the contest a token may open, period choices, problem lists."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from flask import flash

from arena import services
from arena.engine.periods import KINDS, PeriodError, parse_period, periods_containing
from arena.engine.rules.model import Contest
from arena.errors import ArenaError, Forbidden
from arena.http.console.auth import current_user
from arena.http.db import get_db
from arena.store import contests, results

FIELD_LABELS = {"unit": "单位", "key": "指标", "period": "期间", "value": "数值", "note": "说明", "file": "文件"}
KIND_LABELS = {"month": "月", "quarter": "季度", "half": "半年", "year": "全年"}


def allowed_contests() -> list[dict[str, Any]]:
    """The contests the signed-in token may open (a token may be scoped to one)."""
    scope = current_user().contest
    return [c for c in services.list_contests(get_db()) if scope is None or c["id"] == scope]


def open_contest(contest_id: str) -> tuple[dict[str, Any], Contest, dict[str, Any]]:
    """(contest row, rules model, rules row) of a contest the token may open; 403 or 404 otherwise."""
    scope = current_user().contest
    if scope is not None and scope != contest_id:
        raise Forbidden(f"此令牌只能管理比赛 {scope}")
    db = get_db()
    row = contests.get_contest(db, contest_id)
    model, rules_row = services.contest_rules(db, contest_id)
    return row, model, rules_row


def period_choices(contest: Contest) -> list[tuple[str, str]]:
    """Every period of the season, as (value, label): months, then quarters, halves, years."""
    found = {p for month in contest.months for p in periods_containing(month)}
    ordered = sorted(found, key=lambda p: (KINDS.index(p.kind), p))
    return [(str(p), f"{p}（{KIND_LABELS[p.kind]}）") for p in ordered]


def season_period(text: str | None, contest: Contest, *, months_only: bool = False) -> str | None:
    """The period asked for, written canonically, when it is one of the season's; else None."""
    choices = contest.months if months_only else [value for value, _ in period_choices(contest)]
    try:
        parsed = parse_period(text.strip()) if text else None
    except PeriodError:
        return None
    if parsed is not None and parsed.kind == "week" and not months_only:  # 周调度: a week of the season
        return str(parsed) if contest.weekly is not None and parsed.months[0] in contest.months else None
    wanted = str(parsed) if parsed else None
    return wanted if wanted in choices else None


def chosen_period(text: str | None, contest: Contest, *, months_only: bool = False) -> str:
    """For pages: the period asked for when it is one of the season's, else the latest scored
    month. Never for an action: publishing another period than the one asked for is not undone."""
    wanted = season_period(text, contest, months_only=months_only)
    if wanted is not None:
        return wanted
    months = set(contest.months)  # weeks (周调度) have rows too, and sort after their year's months
    scored = [m for m in results.scored_months(get_db(), contest.id) if m in months]
    return scored[-1] if scored else contest.months[0]


def problems(error: ArenaError) -> list[dict[str, Any]]:
    """An error's details with Chinese field labels, ready for the problems table."""
    out = []
    for detail in error.details:
        field = detail.get("field")
        out.append({**detail, "field_label": FIELD_LABELS.get(field, field) if field else None})
    return out


def flash_warnings(warnings: Iterable[Mapping[str, Any]]) -> None:
    """A rule file's warnings (saved all the same), one flash each, in the problems' words."""
    for w in warnings:
        flash(f"提醒（第 {w['line']} 行，{w['path'] or '文件'}）：{w['message']}", "warn")
