"""The demo contest: 2026年度临沂市综合擂台赛 and a year of SYNTHETIC results for it.

Every figure here is invented. June 2026 carries the H1 snapshot of DOMAIN.md section 4, so
its sheet can be checked by hand, and the year holds the edge cases a real contest meets:
a missing figure, a tie, a veto, a unit last two months running, deductions and bonuses.
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path
from typing import Iterable

from arena.engine.periods import month_number
from arena.engine.rules.model import Contest, Indicator

DEMO_RULES = Path(__file__).parent.parent.parent / "rules" / "linyi-2026.yaml"

H1 = "2026-06"
COUNTIES = ("371302", "371311", "371312", "371322", "371324", "371323",
            "371321", "371325", "371326", "371328", "371327", "371329")
ZONES = ("371390", "371391", "371392")
# DOMAIN.md's H1 table, in its row order (兰山 罗庄 河东 郯城 兰陵 沂水 沂南 费县 平邑 蒙阴 莒南 临沭,
# 沂河新区 高新区 临港); None is 未报 (no row at all).
_H1_TABLE = {
    "gyzjz": (7.6, 11.2, 5.9, 9.8, 6.4, 12.5, 7.1, 10.3, 4.2, 9.1, 8.0, 10.8, 13.6, 8.7, 3.8),
    "ybys": (50.2, 31.5, 15.1, 16.2, 15.8, 23.1, 11.0, 15.9, 10.1, 8.3, 14.3, 12.6, 20.5, 9.2, 6.9),
    "zsyz": (58.0, 52.3, 26.4, 37.8, 33.0, 49.5, 25.3, 38.2, 21.5, 23.4, 30.9, 31.7, 60.8, 24.1, 27.6),
    "xzqy": (21, 24, 9, 19, 15, 22, 12, 18, 10, 12, 14, 16, 17, 7, None),
}
H1_PINNED = {key: dict(zip(COUNTIES + ZONES, vals)) for key, vals in _H1_TABLE.items()}
# 生产安全事故死亡人数: (控制数, deaths January-June), from the same table.
DEATHS = dict(zip(COUNTIES + ZONES, ((5, 1), (4, 2), (3, 0), (3, 1), (4, 3), (4, 1), (3, 0), (3, 2),
                                      (3, 2), (2, 0), (3, 1), (3, 0), (3, 1), (2, 0), (2, 1))))
VETO = ("371325", "2026-09")  # 费县: a 较大事故 (3 deaths) in September
EXTRA_DEATHS = {("371324", "2026-08"): 2, ("371325", "2026-09"): 3}  # 兰陵 goes over control
LAGGARD = ("371326", ("2026-05", "2026-06"))  # 平邑 last in May and June: a warning in June
SILENT = ("371328", "sywz", "2026-03")  # 蒙阴 reports no 外资 in March
MISSING = {SILENT} | {(u, key, H1) for key, col in H1_PINNED.items() for u, v in col.items() if v is None}

# How each indicator's figure moves: (kind, centre, spread, monthly step, decimals).
PROFILES = {
    "gyzjz": ("walk", 8.0, 3.0, 0.6, 1),
    "gdzctz": ("walk", 5.0, 5.0, 1.0, 1),
    "sszb": ("walk", 74.0, 7.0, 1.2, 1),
    "nhzb": ("walk", 0.5, 0.08, 0.01, 2),
    "pm25": ("seasonal", 41.0, 4.0, 2.5, 0),
    "zjtx": ("cumulative", 14.0, 9.0, 0.0, 0),
}
_COUNT_UNITS = ("家", "个", "万美元")
# Share of a year's amount that arrives each month: slow around the Spring Festival, a year-end rush.
_SEASON = (0.5, 0.6, 1.0, 1.0, 1.0, 1.1, 1.0, 1.0, 1.0, 1.0, 1.1, 1.5)

Rows = list[dict]


def _profile(ind: Indicator) -> tuple[str, float, float, float, int]:
    if ind.id in PROFILES:
        return PROFILES[ind.id]
    decimals = 0 if ind.unit in _COUNT_UNITS else 1
    return ("cumulative", 0.0, 0.0, 0.0, decimals) if ind.has_target else ("walk", 10.0, 3.0, 1.0, 1)


def _series(rng: random.Random, ind: Indicator, unit: str) -> list[float]:
    """Twelve monthly figures for one unit, June pinned where DOMAIN.md gives it."""
    kind, centre, spread, step, decimals = _profile(ind)
    pinned = H1_PINNED.get(ind.id, {}).get(unit)
    if kind == "cumulative":
        cum = list(_cumsum(s * rng.uniform(0.6, 1.4) for s in _SEASON))
        if pinned is not None:
            scale = pinned / cum[5]
        else:
            annual = ind.annual_target(unit) or rng.uniform(centre - spread / 2, centre + spread / 2)
            scale = annual * rng.uniform(0.82, 1.15) / cum[-1]
        vals = [c * scale for c in cum]
    elif kind == "seasonal":  # winter smog, clean summers
        base, amp = rng.uniform(centre - spread, centre + spread), rng.uniform(16, 22)
        vals = [max(12.0, base + amp * math.cos(2 * math.pi * k / 12) + rng.gauss(0, step)) for k in range(12)]
    else:  # a figure that wanders around a unit-specific level
        level, vals = rng.uniform(centre - spread, centre + spread), []
        for _ in range(12):
            level += rng.gauss(0, step)
            vals.append(level)
        if pinned is not None:
            vals = [v - vals[5] + pinned for v in vals]
    out = [round(v, decimals) for v in vals]
    if pinned is not None:
        out[5] = pinned
    return out


def _cumsum(xs: Iterable[float]) -> Iterable[float]:
    total = 0.0
    for x in xs:
        total += x
        yield total


def _standing(ind: Indicator, unit: str, month: str, value: float) -> float:
    """What the method compares: the ratio x/t where there is a target, else the value."""
    t = ind.period_target(unit, month)
    return value / t if t and ind.method in ("completion", "formula") else value


def _make_last(contest: Contest, table: dict, unit: str, month: str) -> None:
    """Worsen ``unit``'s figures in ``month`` until each is the worst of its group (pinned ones stay)."""
    k = month_number(month) - 1
    group = contest.unit_by_code[unit].group
    rivals = [u.code for u in contest.units if u.group == group and u.code != unit]
    for ind in contest.indicators:
        if H1_PINNED.get(ind.id, {}).get(unit) is not None and month == H1:
            continue
        decimals, own = _profile(ind)[4], table[unit][ind.id]
        sign, quantum = (1 if ind.better == "lower" else -1), 10**decimals
        # the rivals' worst as a value of this unit: by ratio, and by value too (a formula ranks)
        edges = [max(sign * table[r][ind.id][k] for r in rivals) * sign]
        t = ind.period_target(unit, month) if ind.method in ("completion", "formula") else None
        if t:
            edges.append(max(sign * _standing(ind, r, month, table[r][ind.id][k]) for r in rivals) * sign * t)
        for edge in edges:
            worse = edge + sign * max(abs(edge) * 0.05, 1 / quantum)
            worse = (math.ceil(worse * quantum) if sign > 0 else math.floor(worse * quantum)) / quantum
            own[k] = max(own[k], worse) if sign > 0 else min(own[k], worse)
        if _profile(ind)[0] == "cumulative":  # an amount is never negative and never falls
            own[k] = max(0.0, own[k])
            own[:k] = [min(v, own[k]) for v in own[:k]]


def _adjustments(rng: random.Random, contest: Contest) -> Rows:
    """Bonuses now and then, deaths over the control number, and one veto."""
    keys = {a.id for a in contest.adjustments}
    units = [u.code for u in contest.units]
    rows: Rows = []
    if "award" in keys:
        for _ in range(10):
            unit, month = rng.choice(units), rng.choice(contest.months)
            if (unit, month) not in [(LAGGARD[0], m) for m in LAGGARD[1]] and all(
                    (r["unit"], r["period"]) != (unit, month) for r in rows):
                rows.append({"unit": unit, "key": "award", "period": month, "value": rng.choice((1, 1, 2))})
    months = [f"{contest.season_start[:4]}-{k:02d}" for k in range(1, 13)]
    for unit in units:
        control, h1 = DEATHS.get(unit, (3, 0))
        deaths = [0] * 12
        for _ in range(h1):  # the H1 deaths fall in January-June, all within the control number
            deaths[rng.randrange(6)] += 1
        for k in range(6, 12):
            deaths[k] += int(rng.random() < 0.06) + EXTRA_DEATHS.get((unit, months[k]), 0)
        over_before = 0
        for k, cum in enumerate(_cumsum(deaths)):
            over = max(0, int(cum) - control)
            if over > over_before and "deaths_over" in keys:
                rows.append({"unit": unit, "key": "deaths_over", "period": months[k], "value": over - over_before})
            over_before = over
    if "serious_accident" in keys:
        rows.append({"unit": VETO[0], "key": "serious_accident", "period": VETO[1], "value": 1})
    return rows


def generate_results(contest: Contest, seed: int = 2026) -> list[dict]:
    """Rows {"unit", "key", "period", "value"} for every month of the season, the same for a seed."""
    rng = random.Random(seed)
    table = {u.code: {i.id: _series(rng, i, u.code) for i in contest.indicators} for u in contest.units}
    unit, months = LAGGARD
    if unit in table:
        for month in months:
            _make_last(contest, table, unit, month)
    rows: Rows = []
    for month in contest.months:
        for u in contest.units:
            for ind in contest.indicators:
                if (u.code, ind.id, month) in MISSING:
                    continue
                value = table[u.code][ind.id][month_number(month) - 1]
                value = int(value) if _profile(ind)[4] == 0 else value
                rows.append({"unit": u.code, "key": ind.id, "period": month, "value": value})
    rows += _adjustments(rng, contest)
    rows.sort(key=lambda r: (r["period"], r["unit"], r["key"]))
    return rows


# 周调度: the four weeks of June 2026 (Sundays 7, 14, 21 and 28 June), between May and June.
DEMO_WEEKS = ("2026-W23", "2026-W24", "2026-W25", "2026-W26")


def generate_weeks(contest: Contest, rows: list[dict], weeks: Iterable[str] = DEMO_WEEKS) -> list[dict]:
    """Rows for the weekly dispatch: each week's value to date, from the month before and the
    month holding the week's Sunday by the share of that month's days gone (amounts grow steadily
    within a month); nothing without a ``weekly`` block."""
    from calendar import monthrange

    from arena.engine.periods import parse_period, week_day

    if contest.weekly is None:
        return []
    ids = [i.id for i in contest.weekly_indicators]
    value = {(r["unit"], r["key"], r["period"]): r["value"] for r in rows if r["key"] in ids}
    out: Rows = []
    for week in weeks:
        sunday = week_day(parse_period(week), 7)
        month, k = f"{sunday.year:04d}-{sunday.month:02d}", sunday.month
        before = f"{sunday.year:04d}-{k - 1:02d}" if k > 1 else None
        share = sunday.day / monthrange(sunday.year, k)[1]
        for u in contest.units:
            for key in ids:
                now = value.get((u.code, key, month))
                if now is None:
                    continue
                start = value.get((u.code, key, before), 0.0) if before else 0.0
                out.append({"unit": u.code, "key": key, "period": week,
                            "value": round(start + (now - start) * share, 1)})
    return out


def write_csv(rows: Iterable[dict], path: str | Path) -> None:
    """A results CSV with header unit,key,period,value (UTF-8, as the importer reads it)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["unit", "key", "period", "value"])
        for r in rows:
            writer.writerow([r["unit"], r["key"], r["period"], _text(r["value"])])


def _text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# The demo's accounts: fixed, printed passwords (a demo, never a real install), no first-sign-in
# change, and TOTP turned off for the demo's server (cli.serving sets ARENA_REQUIRE_TOTP=0).
DEMO_ACCOUNTS = (  # username, role, name, contest, unit, department, password
    ("admin", "admin", "演示管理员", None, None, None, "Demo-admin-2026!"),
    ("organizer", "organizer", "演示考核办", None, None, None, "Demo-organizer-2026!"),
    ("lanshan", "unit", "兰山区填报员", "linyi-2026", "371302", None, "Demo-lanshan-2026!"),
    ("tongji", "department", "市统计局填报员", "linyi-2026", None, "tjj", "Demo-tongji-2026!"),
)


def demo_accounts(db) -> list[dict]:
    """Make (or reset) the demo's accounts with their printed passwords; returns them."""
    from arena.services import accounts
    from arena.services import passwords
    from arena.store import users
    from arena.store.db import transaction

    made = []
    for username, role, name, contest, unit, department, password in DEMO_ACCOUNTS:
        if users.find(db, username) is None:
            accounts.create_user(db, username=username, role=role, name=name, actor="demo", contest=contest, unit=unit,
                                 department=department)
        user = users.find(db, username)
        with transaction(db):
            users.update(db, user["id"], password_hash=passwords.hash_password(password), must_change=0,
                         disabled_at=None)
        made.append({"username": username, "role": role, "name": name, "password": password})
    return made
