"""The synthetic contest that ``arena bench`` measures: every figure is invented.

A national-sized contest by default: 2,850 units in 3 unequal groups, 40 indicators cycling
through every method and its variants (targets per unit, progress lists, better lower, step,
bands of value and of ratio, formulas, a weight per group with a group that does not score,
lights by lag), exemptions, bonuses, deductions and a veto, and some missing values.
"""

from __future__ import annotations

import json
import random
from typing import Iterator

from arena.engine.rules.model import LINEAR

CONTEST_ID = "bench"
GROUPS = {"g1": "县组", "g2": "区组", "g3": "功能区组"}
SCHEDULE = [0.05, 0.12, 0.2, 0.28, 0.36, 0.5, 0.58, 0.66, 0.75, 0.83, 0.91, 1.0]
FORMULAS = (
    "clamp(ratio, 0, 1) * weight * 0.7 + (n - rank) / max(n - 1, 1) * weight * 0.3",
    "round(clamp((value - min) / (max - min + 1), 0, 1) * weight, 2) if value >= mean * 0.5 else weight / 4",
)
MISSING_SHARE = 0.003  # cells with no row (未报送)


def unit_codes(units: int) -> list[str]:
    return [f"{100000 + n}" for n in range(units)]


def group_of(index: int, units: int) -> str:
    """Half the units in g1, 30% in g2, the rest in g3 (every group gets one if it can)."""
    if units < 3:
        return "g1"
    share = index / units
    return "g1" if share < 0.5 else "g2" if share < 0.8 else "g3"


def _indicator(k: int, codes: list[str], rng: random.Random) -> dict:
    """Indicator number k: the method and its variant follow k % 10."""
    kind = k % 10
    ind: dict = {"id": f"i{k:02d}", "name": f"指标{k:02d}", "weight": 2.5}
    if k % 7 == 3:
        ind["weight"] = {"g1": 3, "g2": 2}  # 分类赋权; g3 does not score it
    if kind in (0, 5):
        ind.update(method="completion", target=100, cap=1.2, progress="linear")
        if kind == 5:
            ind.update(better="lower", progress=SCHEDULE, lights={"by": "lag"})
            del ind["target"]
            ind["targets"] = {c: round(rng.uniform(50, 150), 1) for c in codes}
    elif kind in (1, 6):
        ind.update(method="rank")
        if kind == 6:
            ind.update(better="lower", step=0.01)
    elif kind in (2, 7):
        ind.update(method="efficacy", base=0.6, better="higher" if kind == 2 else "lower")
    elif kind == 3:
        ind.update(method="bands", bands=[{"at_least": 15, "points": 2}, {"at_least": 10, "points": 1.5},
                                          {"at_least": 5, "points": 1}], otherwise=0.5)
    elif kind == 8:
        ind.update(method="bands", of="ratio", target=100, progress="linear",
                   bands=[{"at_least": 1.0, "points": 2}, {"at_least": 0.9, "points": 1.5}],
                   lights={"by": "lag", "green": 0, "yellow": 5})
    else:  # 4, 9: formulas, the first with a target per unit
        ind.update(method="formula", expr=FORMULAS[kind == 9])
        if kind == 4:
            ind.update(targets={c: round(rng.uniform(80, 120), 1) for c in codes}, progress=SCHEDULE)
    return ind


def rules_yaml(units: int = 2850, indicators: int = 40, months: int = 12, seed: int = 6,
               contest_id: str = CONTEST_ID) -> str:
    """The rule file (JSON is YAML) of the synthetic contest."""
    rng = random.Random(seed)
    codes = unit_codes(units)
    inds = [_indicator(k, codes, rng) for k in range(indicators)]
    rules = {
        "version": 1,
        "contest": {"id": contest_id, "name": f"{units}单位综合擂台赛（合成数据）",
                    "season": {"start": "2026-01", "end": f"2026-{months:02d}"}, "precision": 2},
        "groups": {g: name for g, name in GROUPS.items() if any(group_of(i, units) == g for i in range(units))},
        "units": [{"code": c, "name": f"单位{c}", "group": group_of(i, units)} for i, c in enumerate(codes)],
        "indicators": inds,
        "adjustments": [{"id": "award", "name": "获省级以上表彰", "points": 1, "max": 3},
                        {"id": "fine", "name": "安全生产事故", "points": -2, "min": -10},
                        {"id": "veto", "name": "重大安全生产事故", "veto": True}],
        "exempt": {c: [inds[1]["id"]] for c in codes[7::97]},
        "tie_break": [inds[0]["id"], inds[min(1, indicators - 1)]["id"]],
        "lights": {"by": "ratio", "green": 1.0, "yellow": 0.9},
        "awards": {"red_flags": {"count": {"g1": 10, "g2": 5, "g3": 3}, "min_score": 60},
                   "yellow_flags": {"count": {"g1": 5, "g2": 3}},
                   "warnings": {"last_place_months": 2}},
        "board": {"dragon": 10, "tiger": 10},
    }
    return json.dumps(rules, ensure_ascii=False, indent=1)


def _value(ind: dict, code: str, k: int, rng: random.Random) -> float:
    """A plausible figure for month number k: cumulative against a target, else a level."""
    if "target" in ind or "targets" in ind:
        annual = ind["targets"][code] if "targets" in ind else ind["target"]
        progress = ind.get("progress")
        due = LINEAR[k - 1] if progress == "linear" else SCHEDULE[k - 1] if progress else 1.0
        return round(annual * due * rng.uniform(0.75, 1.25), 2)
    if ind["method"] == "rank":
        return round(rng.uniform(0, 20), 1)  # one decimal: ties happen
    return round(rng.uniform(-5, 25), 2)


def result_rows(units: int = 2850, indicators: int = 40, months: int = 12,
                seed: int = 6) -> Iterator[tuple[str, str, str, float]]:
    """(unit, key, period, value) for every month of the season, some cells missing; in each
    month a few bonuses, deductions, one veto (and a count of 0 that vetoes nothing)."""
    rng = random.Random(seed)
    codes = unit_codes(units)
    inds = [_indicator(k, codes, rng) for k in range(indicators)]
    for k in range(1, months + 1):
        period = f"2026-{k:02d}"
        for n, code in enumerate(codes):
            for ind in inds:
                if rng.random() >= MISSING_SHARE:
                    yield code, ind["id"], period, _value(ind, code, k, rng)
            if n % 50 == 3:
                yield code, "award", period, float(rng.randint(1, 4))
            if n % 70 == 5:
                yield code, "fine", period, float(rng.randint(1, 6))
            if n == (k * 37) % units:
                yield code, "veto", period, 1.0
            if n == (k * 53 + 1) % units:
                yield code, "veto", period, 0.0


def results_csv(units: int = 2850, indicators: int = 40, months: int = 12, seed: int = 6) -> bytes:
    """The rows as a CSV file, header first."""
    lines = ["unit,key,period,value"]
    lines.extend(f"{u},{k},{p},{v!r}" for u, k, p, v in result_rows(units, indicators, months, seed))
    return ("\n".join(lines) + "\n").encode()
