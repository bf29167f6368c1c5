"""Juries of showcase contests (展示擂台赛): open, score, submit, reopen, close, and who sees what.

An organizer opens a jury for a ``method: jury`` indicator and a month, naming judge accounts;
the presentation order (抽签) is drawn from a seed that is recorded, so it can be drawn again.
Each judge's scores are saved as they are given and locked by submitting; an organizer may
reopen one judge's sheets, with a reason. Nobody sees another judge's scores before the close,
not even an organizer (who sees who has submitted and how far each judge has got). Closing
needs every judge: the trimmed mean (arena.engine.jury) of each unit becomes its result row
for the month, through the results path (history, audit), and the tally is kept with the jury:
after the close it is public, every judge's total with the dropped ones marked.

Callers say who is asking with ``Viewer`` (a role and, for a person, the username).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

from arena.engine.jury import draw_order, judge_total, jury_points, score_problems, trimmed_mean
from arena.engine.methods import competition_ranks
from arena.engine.numbers import round_half_up
from arena.engine.periods import PeriodError, parse_period
from arena.engine.results import check_rows
from arena.engine.rules.model import Contest, Criterion, Indicator
from arena.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from arena.ingest.rows import RawRow
from arena.services.results import store_results
from arena.services.rules import contest_rules
from arena.store import audit, juries, users
from arena.store.db import transaction
from arena.support import clock

MAX_JUDGES = 50
MAX_SEED = 2 ** 53 - 1  # a seed must survive JSON in any client


@dataclass(frozen=True)
class Viewer:
    role: str  # anonymous | judge | unit | department | organizer | admin
    username: str | None = None

    @property
    def organizer(self) -> bool:
        return self.role in ("organizer", "admin")


def _problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": field, "message": message}])


def _jury_indicator(contest: Contest, ident: Any) -> Indicator:
    for ind in contest.indicators:
        if ind.id == ident:
            if ind.method != "jury":
                raise _problem("indicator", f"指标 {ident}（{ind.name}）不是评委打分（method: jury）的指标")
            return ind
    raise _problem("indicator", f"比赛 {contest.id} 没有指标 {ident!r}")


def _month(contest: Contest, period: Any) -> str:
    try:
        p = parse_period(period) if isinstance(period, str) else None
    except PeriodError:
        p = None
    if p is None or p.kind != "month" or str(p) not in contest.months:
        raise _problem("period", f"period 须是赛季内的月份（{contest.season_start} 至 {contest.season_end}），"
                                 f"收到 {period!r}")
    return str(p)


def jury_units(contest: Contest, ind: Indicator) -> list[str]:
    """The units a jury scores: in a group with a weight of the indicator, not exempt from it."""
    return [u.code for u in contest.units
            if u.group in ind.weight and ind.id not in contest.exempt.get(u.code, frozenset())]


def _judge_accounts(db, contest: Contest, judges: Any, trim: int) -> list[dict]:
    if not isinstance(judges, list) or not judges:
        raise _problem("judges", "judges 须是评委账号用户名的列表，至少一人")
    if len(judges) > MAX_JUDGES:
        raise _problem("judges", f"评委至多 {MAX_JUDGES} 人")
    problems, found, seen = [], [], set()
    for k, name in enumerate(judges):
        where = f"judges[{k}]"
        if not isinstance(name, str) or not name:
            problems.append({"field": where, "message": "须是评委账号的用户名"})
            continue
        if name.casefold() in seen:
            problems.append({"field": where, "message": f"评委 {name} 列了两次"})
            continue
        seen.add(name.casefold())
        user = users.find(db, name)
        if user is None:
            problems.append({"field": where, "message": f"没有账号 {name}"})
        elif user["role"] != "judge":
            problems.append({"field": where, "message": f"账号 {name} 不是评委（角色 {user['role']}）"})
        elif user["disabled_at"] is not None:
            problems.append({"field": where, "message": f"账号 {name} 已停用"})
        elif user["contest"] not in (None, contest.id):
            problems.append({"field": where, "message": f"评委 {name} 只管比赛 {user['contest']}"})
        else:
            found.append(user)
    if not problems and len(found) <= 2 * trim:
        problems.append({"field": "judges", "message": f"去掉最高、最低各 {trim} 个分数（trim: {trim}），"
                                                       f"评委须多于 {2 * trim} 人，现有 {len(found)} 人"})
    if problems:
        raise ValidationFailed(f"评委名单有 {len(problems)} 处问题", problems)
    return found


def open_jury(db, contest_id: str, *, indicator: Any, period: Any, judges: Any, order_seed: Any = None,
              actor: str) -> dict[str, Any]:
    """Open a jury: checks everything first, draws the order, stores it all with an audit row."""
    contest, _ = contest_rules(db, contest_id)
    ind = _jury_indicator(contest, indicator)
    month = _month(contest, period)
    if order_seed is None:
        order_seed = secrets.randbelow(MAX_SEED + 1)
    elif isinstance(order_seed, bool) or not isinstance(order_seed, int) or not 0 <= order_seed <= MAX_SEED:
        raise _problem("order_seed", f"order_seed 须是 0 至 {MAX_SEED} 的整数")
    accounts = _judge_accounts(db, contest, judges, ind.trim)
    units = jury_units(contest, ind)
    order = draw_order(units, order_seed)
    when = clock.iso(clock.now(contest.timezone))
    with transaction(db):
        if juries.find(db, contest.id, ind.id, month) is not None:
            raise Conflict(f"{ind.name} {month} 已有评审，不能再开",
                           [{"field": "period", "message": f"{month} 已有评审"}])
        ident = juries.create(db, contest=contest.id, indicator=ind.id, period=month,
                              criteria=[{"id": c.id, "name": c.name, "max": c.max} for c in ind.criteria],
                              trim=ind.trim, order_seed=order_seed, presentation=order,
                              judges=[a["username"] for a in accounts], opened_by=actor, now=when)
        audit.record(db, actor=actor, action="jury.open", contest=contest.id, target=f"jury {ident}",
                     detail={"indicator": ind.id, "period": month, "judges": [a["username"] for a in accounts],
                             "order_seed": order_seed, "order": order}, now=when)
    return juries.get(db, ident)


def _zone(db, contest_id: str) -> str:
    return contest_rules(db, contest_id)[0].timezone


def _criteria(jury: dict) -> tuple[Criterion, ...]:
    return tuple(Criterion(c["id"], c["name"], c["max"]) for c in jury["criteria"])


def _seat(db, jury: dict, username: str | None) -> dict:
    """The judge's row of this jury; Forbidden for anyone else."""
    for judge in juries.judges(db, jury["id"]):
        if username is not None and judge["username"].casefold() == username.casefold():
            return judge
    raise Forbidden(f"{username or '匿名'} 不是第 {jury['id']} 号评审的评委", [{"field": "judge", "message": "not a judge"}])


def _open(jury: dict) -> None:
    if jury["status"] != "open":
        raise Conflict(f"第 {jury['id']} 号评审已结束（{jury['closed_at']}），不能再改分",
                       [{"field": "status", "message": "closed"}])


def save_sheet(db, contest_id: str, jury_id: int, unit: str, scores: Any, *, judge: str, actor: str) -> dict:
    """Save some or all of a judge's scores for one unit (as it goes); 409 once submitted or closed."""
    if not isinstance(scores, dict) or not scores:
        raise _problem("scores", "scores 须是 {评分项: 分数} 的映射，至少一项")
    with transaction(db):
        jury = juries.get(db, jury_id, contest_id)
        seat = _seat(db, jury, judge)
        _open(jury)
        if seat["submitted_at"] is not None:
            raise Conflict(f"评委 {seat['username']} 已于 {seat['submitted_at']} 提交，评分已锁定",
                           [{"field": "judge", "message": "submitted"}])
        if unit not in jury["presentation"]:
            raise NotFound(f"第 {jury['id']} 号评审没有单位 {unit}")
        problems = score_problems(_criteria(jury), scores, complete=False)
        if problems:
            raise ValidationFailed(f"评分有 {len(problems)} 处问题，没有保存", problems)
        when = clock.iso(clock.now(_zone(db, contest_id)))
        juries.save_scores(db, jury["id"], seat["username"], unit, scores, when)
    return juries.scores(db, jury["id"], seat["username"]).get(seat["username"], {}).get(unit, {})


def submit(db, contest_id: str, jury_id: int, *, judge: str, actor: str) -> dict:
    """Lock all of a judge's sheets; every unit must be scored on every criterion."""
    with transaction(db):
        jury = juries.get(db, jury_id, contest_id)
        seat = _seat(db, jury, judge)
        _open(jury)
        if seat["submitted_at"] is not None:
            raise Conflict(f"评委 {seat['username']} 已于 {seat['submitted_at']} 提交过", [{"field": "judge",
                                                                                          "message": "submitted"}])
        mine = juries.scores(db, jury["id"], seat["username"]).get(seat["username"], {})
        criteria = _criteria(jury)
        problems = [{"field": f"sheets.{u}", "message": f"单位 {u} 的{c.name}（{c.id}）还没有打分"}
                    for u in jury["presentation"] for c in criteria if c.id not in mine.get(u, {})]
        if problems:
            raise ValidationFailed(f"还有 {len(problems)} 项没有打分，不能提交", problems)
        when = clock.iso(clock.now(_zone(db, contest_id)))
        juries.set_submitted(db, jury["id"], seat["username"], when)
        audit.record(db, actor=actor, action="jury.submit", contest=jury["contest"], target=f"jury {jury['id']}",
                     detail={"judge": seat["username"]}, now=when)
    return view(db, contest_id, jury_id, Viewer("judge", seat["username"]))


def reopen(db, contest_id: str, jury_id: int, *, judge: Any, reason: Any, actor: str) -> dict:
    """An organizer unlocks one judge's submitted sheets; the reason is kept in the audit trail."""
    if not isinstance(reason, str) or not reason.strip():
        raise _problem("reason", "重新开放评分须写明原因（reason）")
    if not isinstance(judge, str) or not judge:
        raise _problem("judge", "须写明重新开放哪位评委（judge: 用户名）")
    with transaction(db):
        jury = juries.get(db, jury_id, contest_id)
        seat = _seat(db, jury, judge)
        _open(jury)
        if seat["submitted_at"] is None:
            raise Conflict(f"评委 {seat['username']} 还没有提交，无需重新开放", [{"field": "judge",
                                                                              "message": "not submitted"}])
        when = clock.iso(clock.now(_zone(db, contest_id)))
        juries.set_submitted(db, jury["id"], seat["username"], None)
        audit.record(db, actor=actor, action="jury.reopen", contest=jury["contest"], target=f"jury {jury['id']}",
                     detail={"judge": seat["username"], "reason": reason.strip(),
                             "submitted_at": seat["submitted_at"]}, now=when)
    return view(db, contest_id, jury_id, Viewer("organizer"))


def tally(contest: Contest, jury: dict, judges: list[dict], sheets: dict, names: dict[str, str]) -> dict:
    """Every unit in the drawn order: each judge's total (dropped ones marked), x, points; then
    the ranking by points within each group (equal points share the best rank)."""
    ind = _jury_indicator(contest, jury["indicator"])
    criteria = _criteria(jury)
    units = contest.unit_by_code
    rows = []
    for position, code in enumerate(jury["presentation"], start=1):
        totals = {j["username"]: judge_total(criteria, sheets[j["username"]][code]) for j in judges}
        t = trimmed_mean(totals, jury["trim"])
        weight = ind.weight[units[code].group]
        points = min(max(jury_points(t.x, weight, criteria), 0.0), weight * ind.cap)
        rows.append({
            "position": position, "unit": code, "name": units[code].name, "group": units[code].group,
            "totals": [{"judge": j, "name": names.get(j, j), "total": total, "scores": sheets[j][code],
                        "dropped": "low" if j in t.dropped_low else "high" if j in t.dropped_high else None}
                       for j, total in totals.items()],
            "x": t.x, "points": round_half_up(points, contest.precision)})
    ranking = []
    for gid, gname in contest.groups.items():
        members = [r for r in rows if r["group"] == gid]
        if not members:
            continue
        ranks = competition_ranks({r["unit"]: -r["points"] for r in members})
        listed = sorted(members, key=lambda r: (ranks[r["unit"]], r["position"]))
        ranking.append({"group": gid, "name": gname, "units": [
            {"rank": ranks[r["unit"]], "unit": r["unit"], "name": r["name"], "x": r["x"], "points": r["points"]}
            for r in listed]})
    return {"units": rows, "ranking": ranking}


def close(db, contest_id: str, jury_id: int, *, actor: str) -> dict:
    """Close once every judge has submitted: x of each unit is stored as its result row."""
    contest, _ = contest_rules(db, contest_id)
    with transaction(db):
        jury = juries.get(db, jury_id, contest_id)
        _open(jury)
        judges = juries.judges(db, jury["id"])
        waiting = [j["username"] for j in judges if j["submitted_at"] is None]
        if waiting:
            raise Conflict(f"还有 {len(waiting)} 位评委没有提交（{'、'.join(waiting)}），不能结束评审",
                           [{"field": "judges", "message": f"{j} 未提交"} for j in waiting])
        ind = _jury_indicator(contest, jury["indicator"])
        if ind.criteria != _criteria(jury) or ind.trim != jury["trim"]:
            raise Conflict(f"开评后规则中 {ind.name} 的评分项或去分数（trim）已改变，不能按现行规则结束本次评审",
                           [{"field": "indicator", "message": "criteria or trim changed"}])
        missing = [u for u in jury["presentation"] if u not in contest.unit_by_code]
        if missing:
            raise Conflict(f"单位 {'、'.join(missing)} 已不在现行规则中", [{"field": "units", "message": m}
                                                                           for m in missing])
        sheets = juries.scores(db, jury["id"])
        names = {j["username"]: (users.find(db, j["username"]) or {}).get("name", j["username"]) for j in judges}
        result = tally(contest, jury, judges, sheets, names)
        raw = [RawRow(k, r["unit"], jury["indicator"], jury["period"], r["x"])
               for k, r in enumerate(result["units"], start=1)]
        counts = store_results(db, contest, check_rows(contest, raw), actor=actor)
        when = clock.iso(clock.now(contest.timezone))
        juries.close(db, jury["id"], tally=result, closed_by=actor, now=when)
        audit.record(db, actor=actor, action="jury.close", contest=contest.id, target=f"jury {jury['id']}",
                     detail={"indicator": jury["indicator"], "period": jury["period"], "results": counts,
                             "x": {r["unit"]: r["x"] for r in result["units"]}}, now=when)
    return view(db, contest_id, jury_id, Viewer("organizer"))


def _names(db, contest_id: str) -> dict[str, str]:
    contest, _ = contest_rules(db, contest_id)
    return {u.code: u.name for u in contest.units}


def view(db, contest_id: str, jury_id: int, viewer: Viewer) -> dict[str, Any]:
    """The jury as ``viewer`` may see it. Before the close: organizers see the order and each
    judge's progress, a judge also its own sheets, anyone else nothing (401 / 403). After the
    close: everyone sees the tally."""
    jury = juries.get(db, jury_id, contest_id)
    closed = jury["status"] == "closed"
    seat = None
    if not closed and not viewer.organizer:
        if viewer.role == "anonymous":
            raise Unauthorized("评审结束前只有组织方和本评审的评委可以查看（请带上令牌）")
        if viewer.role != "judge":
            raise Forbidden("评审结束前只有组织方和本评审的评委可以查看")
        seat = _seat(db, jury, viewer.username)
    elif viewer.role == "judge":
        try:
            seat = _seat(db, jury, viewer.username)
        except Forbidden:
            seat = None
    names = _names(db, contest_id)
    judges = juries.judges(db, jury["id"])
    sheets = {} if closed else juries.scores(db, jury["id"])
    count = len(jury["presentation"]) * len(jury["criteria"])
    out: dict[str, Any] = {
        "id": jury["id"], "contest": jury["contest"], "indicator": jury["indicator"], "period": jury["period"],
        "criteria": jury["criteria"], "trim": jury["trim"], "status": jury["status"],
        "order_seed": jury["order_seed"],
        "order": [{"position": k, "unit": u, "name": names.get(u, u)} for k, u in enumerate(jury["presentation"], 1)],
        "judges": [{"username": j["username"], "submitted": j["submitted_at"] is not None,
                    "submitted_at": j["submitted_at"],
                    **({} if closed else {"scored": sum(len(s) for s in sheets.get(j["username"], {}).values()),
                                          "of": count})} for j in judges],
        "opened_at": jury["opened_at"], "closed_at": jury["closed_at"],
    }
    if seat is not None and not closed:
        out["mine"] = {"judge": seat["username"], "submitted": seat["submitted_at"] is not None,
                       "sheets": sheets.get(seat["username"], {})}
    if closed:
        out["tally"] = jury["tally"]
    return out


def list_juries(db, contest_id: str, viewer: Viewer) -> list[dict[str, Any]]:
    """The contest's juries: every one for an organizer, a judge's own, and the closed ones for all."""
    contest, _ = contest_rules(db, contest_id)
    rows = juries.listed(db, contest.id)
    mine = set()
    if viewer.role == "judge" and viewer.username:
        mine = {j["id"] for j in juries.of_judge(db, viewer.username)}
    return [{"id": j["id"], "indicator": j["indicator"], "period": j["period"], "status": j["status"],
             "opened_at": j["opened_at"], "closed_at": j["closed_at"]}
            for j in rows if viewer.organizer or j["status"] == "closed" or j["id"] in mine]


def judge_juries(db, username: str) -> list[dict]:
    """The open and closed juries a judge sits on, newest first (for its phone page's list)."""
    return juries.of_judge(db, username)


def total_of(criteria: list[dict], scores: dict[str, float]) -> float | None:
    """A judge's total for one unit as shown while scoring; None until every criterion has a score."""
    if any(c["id"] not in scores for c in criteria):
        return None
    return math.fsum(scores[c["id"]] for c in criteria)
