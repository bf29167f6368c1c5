"""What the console's views share: the contest a token may open, period choices, problem lists."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from flask import flash

from arena import services
from arena.engine.periods import KINDS, Period, PeriodError, parse_period, periods_containing, week_day, week_of
from arena.engine.rules.model import Contest
from arena.errors import ArenaError, Forbidden
from arena.http.console.auth import current_user
from arena.http.db import get_db
from arena.store import contests, results

FIELD_LABELS = {"unit": "单位", "key": "指标", "period": "期间", "value": "数值", "note": "说明", "file": "文件"}
KIND_LABELS = {"month": "月", "quarter": "季度", "half": "半年", "year": "全年", "week": "周"}


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
    """Every period of the season, as (value, label): months, then quarters, halves, years,
    then, with a weekly dispatch (周调度), its weeks with their dates."""
    found = {p for month in contest.months for p in periods_containing(month)}
    ordered = sorted(found, key=lambda p: (KINDS.index(p.kind), p))
    choices = [(str(p), f"{p}（{KIND_LABELS[p.kind]}）") for p in ordered]
    if contest.weekly is not None:
        choices += [(str(w), f"{w}（周，{_day(week_day(w, 1))}—{_day(week_day(w, 7))}）") for w in season_weeks(contest)]
    return choices


def period_groups(contest: Contest) -> list[tuple[str, list[tuple[str, str]]]]:
    """``period_choices`` grouped by kind, for a picker: [(月, [...]), (季度, [...]), ...]."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for value, label in period_choices(contest):
        groups.setdefault(KIND_LABELS[parse_period(value).kind], []).append((value, label))
    return list(groups.items())


def season_weeks(contest: Contest) -> list[Period]:
    """The ISO weeks whose Thursday falls in a month of the season (a week belongs to that month)."""
    day = dt.date.fromisoformat(f"{contest.months[0]}-01")
    day -= dt.timedelta(days=day.weekday() + 7)  # a Monday before the season: its week may count
    weeks = []
    while (week := week_of(day)).months[0] <= contest.months[-1]:
        if week.months[0] in contest.months:
            weeks.append(week)
        day += dt.timedelta(days=7)
    return weeks


def _day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


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
