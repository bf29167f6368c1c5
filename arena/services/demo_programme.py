"""The demo's second contest (专项擂台赛 linyi-zx-2026) with SYNTHETIC results, and its
programme over both contests (rules/linyi-2026-all.yaml)."""

from __future__ import annotations

import random
from pathlib import Path

from arena.engine.rules.model import Contest

RULES = Path(__file__).parent.parent.parent / "rules"
SPECIAL_RULES = RULES / "linyi-zx-2026.yaml"
PROGRAMME = RULES / "linyi-2026-all.yaml"


def special_results(contest: Contest, seed: int = 2027) -> list[dict]:
    """Rows for every month: projects signed that month (a count) and money arrived to date."""
    rng = random.Random(seed)
    rows = []
    for u in contest.units:
        pace, arrived = rng.uniform(0.6, 1.4), 0.0
        for month in contest.months:
            arrived += round(5.0 * pace * rng.uniform(0.7, 1.3), 2)
            rows.append({"unit": u.code, "key": "zsxm", "period": month, "value": rng.randint(1, 6) + round(pace * 3)})
            rows.append({"unit": u.code, "key": "dwzj", "period": month, "value": round(arrived, 2)})
    return rows
