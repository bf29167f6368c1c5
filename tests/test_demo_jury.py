"""The demo's showcase contest (arena.services.demo_jury): June judged by 5 judges over the 15
units and closed, the draw reproducible from its seed, the x of every unit stored, the month
scoring from them; a second load changes nothing."""

from __future__ import annotations

import pytest

from arena import services
from arena.engine.jury import draw_order
from arena.services import demo_jury
from arena.store import juries, results


@pytest.fixture
def loaded(db):
    return db, demo_jury.load_showcase(db)


def test_june_is_judged_by_five_judges_over_the_fifteen_units_and_closed(loaded):
    db, done = loaded
    jury = done["jury"]
    assert jury["status"] == "closed" and len(jury["presentation"]) == 15
    assert [j["username"] for j in juries.judges(db, jury["id"])] == [f"judge{k}" for k in range(1, 6)]
    assert jury["presentation"] == draw_order(jury["presentation"], demo_jury.ORDER_SEED)
    for unit in jury["tally"]["units"]:
        kept = [t["total"] for t in unit["totals"] if t["dropped"] is None]
        assert len(unit["totals"]) == 5 and len(kept) == 3  # trim 1: one high and one low struck
        assert unit["x"] == pytest.approx(sum(kept) / 3)
        dropped = {t["dropped"]: t["total"] for t in unit["totals"] if t["dropped"]}
        assert dropped["low"] <= min(kept) and dropped["high"] >= max(kept)
    stored = results.load_results(db, demo_jury.SHOWCASE_ID)[demo_jury.MONTH]
    assert {u: stored[u]["xczs"] for u in stored} == {r["unit"]: r["x"] for r in jury["tally"]["units"]}
    sheet = services.draft(db, demo_jury.SHOWCASE_ID, demo_jury.MONTH)
    first = sheet["groups"][0]["units"][0]
    assert first["total"] == round(max(r["x"] for r in jury["tally"]["units"] if r["group"] == "county"), 2)


def test_every_synthetic_score_is_within_its_criterion_and_a_second_load_changes_nothing(loaded):
    db, done = loaded
    criteria = {c["id"]: c["max"] for c in done["jury"]["criteria"]}
    for unit in done["jury"]["tally"]["units"]:
        for t in unit["totals"]:
            assert all(0 <= v <= criteria[k] and v * 2 == int(v * 2) for k, v in t["scores"].items())
    again = demo_jury.load_showcase(db)
    assert again["jury"] == done["jury"]
