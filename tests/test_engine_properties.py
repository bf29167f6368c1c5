"""Properties of score() over random valid contests and results (hypothesis, derandomized):
ranks follow the competition pattern within each group, points stay in [0, weight * cap],
and the same input scores the same, whatever the order of its dicts."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arena.engine.numbers import round_half_up
from arena.engine.sheet import score, scored_months
from builders import adjustment, contest, flag_rule, indicator

SETTINGS = settings(derandomize=True, max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
FIGURES = st.sampled_from([0.0, 1.0, -2.5, 3.3, 7.0, 7.0, 12.5, 40.25, 99.99, 100.0, 150.0, 0.005])
METHODS = ("completion", "rank", "efficacy", "bands", "formula")
FORMULAS = ("value * 2", "weight - rank", "(value - min) / (max - min + 1) * weight", "mean + n - month")


@st.composite
def indicators(draw, i: int, groups: list[str]):
    method = draw(st.sampled_from(METHODS))
    better = draw(st.sampled_from(("higher", "lower")))
    cap = draw(st.sampled_from((1.0, 1.2)))
    scored = draw(st.lists(st.sampled_from(groups), min_size=1, unique=True))
    weight = {g: draw(st.sampled_from((5.0, 10.0, 12.5))) for g in scored}
    fields: dict = {"better": better, "cap": cap, "weight": weight}
    if method == "completion" or draw(st.booleans()):
        fields["target"] = draw(st.sampled_from((10.0, 50.0, 120.0)))
        fields["progress"] = draw(st.sampled_from(("none", "linear", [0.0] * 2 + [0.5] * 9 + [1.0])))
    if method == "rank" and draw(st.booleans()):
        fields["step"] = draw(st.sampled_from((1.0, 3.0)))
    if method == "rank":
        fields["floor"] = draw(st.sampled_from((0.0, 1.0)))
    if method == "bands":
        top = min(weight.values()) * cap
        fields["of"] = "ratio" if "target" in fields and draw(st.booleans()) else "value"
        cuts = [1.0, 0.9, 0.5] if fields["of"] == "ratio" else [50.0, 10.0, 0.0]
        pairs = [(t, top * (3 - k) / 3) for k, t in enumerate(cuts)]
        fields["bands"] = pairs[::-1] if better == "lower" else pairs
    if method == "formula":
        fields["expr"] = draw(st.sampled_from(FORMULAS))
    return indicator(f"i{i}", method, **fields)


@st.composite
def cases(draw):
    groups = [f"g{k}" for k in range(draw(st.integers(1, 3)))]
    units = {g: [f"{g}u{k}" for k in range(draw(st.integers(1, 5)))] for g in groups}
    codes = [u for us in units.values() for u in us]
    inds = [draw(indicators(i, groups)) for i in range(draw(st.integers(1, 4)))]
    adjs = [adjustment("bonus", 1, max=3), adjustment("fine", -2, min=-5), adjustment("veto", veto=True)]
    keys = [i.id for i in inds] + [a.id for a in adjs]
    exempt = {u: draw(st.lists(st.sampled_from([i.id for i in inds]), unique=True, max_size=2))
              for u in draw(st.lists(st.sampled_from(codes), unique=True, max_size=2))}
    c = contest(
        inds, units=units, adjustments=adjs, exempt=exempt,
        precision=draw(st.integers(0, 3)), aggregate=draw(st.sampled_from(("mean", "sum", "last"))),
        tie_break=draw(st.lists(st.sampled_from([i.id for i in inds]), unique=True, max_size=2)),
        red_flags=flag_rule(**{groups[0]: 1}), yellow_flags=flag_rule(**{groups[-1]: 1}),
        last_place_months=2, board=(2, 2),
    )
    months = draw(st.lists(st.sampled_from(["2026-01", "2026-02", "2026-04"]), min_size=1, unique=True))
    results = {}
    for m in months:
        rows = {}
        for u in draw(st.lists(st.sampled_from(codes), min_size=1, unique=True)):
            chosen = draw(st.lists(st.sampled_from(keys), min_size=1, unique=True))
            rows[u] = {k: (draw(st.integers(0, 2)) * 1.0 if k in ("bonus", "fine", "veto") else draw(FIGURES))
                       for k in chosen}
        results[m] = rows
    return c, results


def shuffled(results, seed: int):
    rnd = random.Random(seed)

    def mix(d):
        items = list(d.items())
        rnd.shuffle(items)
        return {k: mix(v) if isinstance(v, dict) else v for k, v in items}

    return mix(results)


def assert_competition_ranks(rows):
    """In output order: rank k+1 at place k unless equal to the previous rank (1, 2, 2, 4)."""
    for place, row in enumerate(rows):
        if place == 0:
            assert row["rank"] == 1
        else:
            prev = rows[place - 1]
            assert row["rank"] in (prev["rank"], place + 1)
            if row["rank"] == prev["rank"]:
                assert row["total"] == prev["total"]


def check_order(rows):
    """Non-vetoed before vetoed; within each, totals never rise down the list."""
    vetoed = [("vetoed" in r["flags"]) for r in rows]
    assert vetoed == sorted(vetoed)
    for k, (a, b) in enumerate(zip(rows, rows[1:])):
        if vetoed[k] == vetoed[k + 1]:
            assert a["total"] >= b["total"]
            if a["total"] > b["total"]:
                assert a["rank"] < b["rank"]


@SETTINGS
@given(cases())
def test_ranks_follow_the_competition_pattern(case):
    c, results = case
    months = scored_months(c, results)
    for period in (*months, "2026-Q1", "2026-H1", "2026"):
        if period == "2026-Q1" and not any(m <= "2026-03" for m in months):
            continue
        sheet = score(c, period, results)
        for group in sheet["groups"]:
            assert_competition_ranks(group["units"])
            check_order(group["units"])


@SETTINGS
@given(cases())
def test_points_stay_within_weight_times_cap(case):
    c, results = case
    for m in scored_months(c, results):
        for group in score(c, m, results)["groups"]:
            for row in group["units"]:
                for ind in c.indicators:
                    cell = row["indicators"][ind.id]
                    if cell is None:
                        continue
                    top = round_half_up(ind.weight[group["id"]] * ind.cap, c.precision)
                    assert 0.0 <= cell["points"] <= top


@SETTINGS
@given(cases(), st.integers(0, 1000))
def test_same_input_same_sheet_whatever_the_dict_order(case, seed):
    c, results = case
    for period in (scored_months(c, results)[-1], "2026"):
        first = json.dumps(score(c, period, results), ensure_ascii=False)
        assert json.dumps(score(c, period, results), ensure_ascii=False) == first
        assert json.dumps(score(c, period, shuffled(results, seed)), ensure_ascii=False) == first
