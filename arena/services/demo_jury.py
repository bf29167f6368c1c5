"""The demo's showcase contest (展示擂台赛): rules/linyi-zs-2026.yaml, five judge accounts, and
June 2026 judged over the 15 units and closed, so the reveal can be seen at once.

Every score is SYNTHETIC: each unit has an invented standing, each judge scores around it with
a little spread of its own, in half points, from a fixed seed (the same demo every time).
"""

from __future__ import annotations

import random
from pathlib import Path

from arena.services import juries
from arena.services.rules import contest_rules, save_rules
from arena.store import juries as jury_store

SHOWCASE_RULES = Path(__file__).parent.parent.parent / "rules" / "linyi-zs-2026.yaml"
SHOWCASE_ID = "linyi-zs-2026"
MONTH = "2026-06"
ORDER_SEED = 20260615  # the draw (抽签) of the demo: recorded with the jury, drawn again from it
JUDGES = tuple((f"judge{k}", f"评委{n}", f"Demo-judge{k}-2026!") for k, n in enumerate("一二三四五", start=1))


def judge_accounts(db) -> list[dict]:
    """Make (or reset) the five judges' accounts with their printed passwords."""
    from arena.services import accounts, passwords
    from arena.store import users
    from arena.store.db import transaction

    made = []
    for username, name, password in JUDGES:
        if users.find(db, username) is None:
            accounts.create_user(db, username=username, role="judge", name=name, actor="demo", contest=SHOWCASE_ID)
        user = users.find(db, username)
        with transaction(db):
            users.update(db, user["id"], password_hash=passwords.hash_password(password), must_change=0,
                         disabled_at=None)
        made.append({"username": username, "role": "judge", "name": name, "password": password})
    return made


def synthetic_scores(criteria: list[dict], units: list[str], judges: list[str], seed: int = 2026) -> dict:
    """judge -> unit -> criterion -> score in half points within 0..max."""
    rng = random.Random(seed)
    standing = {u: rng.uniform(0.58, 0.94) for u in units}
    lean = {j: rng.uniform(-0.05, 0.05) for j in judges}  # a strict or a generous judge
    out: dict = {}
    for j in judges:
        for u in units:
            for c in criteria:
                share = min(max(standing[u] + lean[j] + rng.gauss(0, 0.05), 0.0), 1.0)
                out.setdefault(j, {}).setdefault(u, {})[c["id"]] = round(c["max"] * share * 2) / 2
    return out


def load_showcase(db, actor: str = "demo") -> dict:
    """The showcase contest with June judged and closed; a second run leaves an existing jury alone."""
    text = SHOWCASE_RULES.read_text(encoding="utf-8")
    save_rules(db, text, actor=actor, note="the demo showcase contest")
    contest, _ = contest_rules(db, SHOWCASE_ID)
    accounts = judge_accounts(db)
    found = jury_store.find(db, SHOWCASE_ID, "xczs", MONTH)
    if found is None:
        found = juries.open_jury(db, SHOWCASE_ID, indicator="xczs", period=MONTH,
                                 judges=[a["username"] for a in accounts], order_seed=ORDER_SEED, actor=actor)
    if found["status"] == "open":
        seats = {j["username"]: j for j in jury_store.judges(db, found["id"])}
        scores = synthetic_scores(found["criteria"], found["presentation"], list(seats))
        for judge, seat in seats.items():
            if seat["submitted_at"] is None:
                for unit, given in scores[judge].items():
                    juries.save_sheet(db, SHOWCASE_ID, found["id"], unit, given, judge=judge, actor=f"demo ({judge})")
                juries.submit(db, SHOWCASE_ID, found["id"], judge=judge, actor=f"demo ({judge})")
        juries.close(db, SHOWCASE_ID, found["id"], actor=actor)
    return {"contest": contest, "jury": jury_store.get(db, found["id"]), "accounts": accounts}
