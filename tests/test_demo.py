"""The demo contest (rules/linyi-2026.yaml) and its synthetic year, checked against the engine.

June 2026 holds DOMAIN.md's H1 snapshot, so its figures are checked by hand below.
"""

import csv
from collections import defaultdict, namedtuple

import pytest

from arena.engine.results import check_rows
from arena.engine.rules import load_rules
from arena.engine.sheet import score
from arena.services.demo import DEMO_RULES, generate_results, write_csv

CONTEST = load_rules(DEMO_RULES.read_text(encoding="utf-8"))
ROWS = generate_results(CONTEST)
PERIODS = [f"2026-{m:02d}" for m in range(1, 13)] + [f"2026-Q{q}" for q in range(1, 5)] + ["2026-H1", "2026-H2", "2026"]


def by_month(rows):
    """{month: {unit: {key: value}}}, the shape sheet.score reads."""
    out = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        out[r["period"]][r["unit"]][r["key"]] = r["value"]
    return out


RESULTS = by_month(ROWS)
Raw = namedtuple("Raw", "row unit key period value")  # what check_rows reads: a row number and the four fields
_SHEETS = {}


def sheet(period):
    if period not in _SHEETS:
        _SHEETS[period] = score(CONTEST, period, RESULTS)
    return _SHEETS[period]


def row(period, unit):
    return next(u for g in sheet(period)["groups"] for u in g["units"] if u["unit"] == unit)


# --- the rule file ------------------------------------------------------------------------

def test_rules_describe_the_linyi_contest():
    assert CONTEST.id == "linyi-2026" and CONTEST.name == "2026年度临沂市综合擂台赛"
    assert CONTEST.months[0] == "2026-01" and len(CONTEST.months) == 12
    groups = defaultdict(list)
    for u in CONTEST.units:
        groups[u.group].append(u.code)
    assert len(groups["county"]) == 12 and len(groups["zone"]) == 3
    assert all(isinstance(u.code, str) and len(u.code) == 6 for u in CONTEST.units)
    assert CONTEST.unit_by_code["371326"].name == "平邑县"
    assert "SYNTHETIC" in DEMO_RULES.read_text(encoding="utf-8").splitlines()[0]


def test_rules_use_every_method_and_feature():
    by_id = {i.id: i for i in CONTEST.indicators}
    assert {i.method for i in CONTEST.indicators} == {"completion", "rank", "efficacy", "bands", "formula"}
    assert by_id["pm25"].better == "lower" and by_id["pm25"].method == "efficacy"
    assert by_id["nhzb"].better == "lower" and by_id["nhzb"].method == "bands"
    assert {by_id[k].cap for k in ("xzqy", "ybys", "jgtz")} == {1.0, 1.1, 1.2}
    assert by_id["zjtx"].step == 0.5
    assert by_id["zsyz"].progress[5] == 0.5 and by_id["zsyz"].progress != by_id["ybys"].progress
    assert by_id["ybys"].progress[2] == pytest.approx(3 / 12)  # linear
    assert dict(by_id["gdzctz"].weight) == {"county": 8, "zone": 10}  # 分类赋权
    assert by_id["sszb"].lights is not None and by_id["sszb"].lights.by == "ratio"
    assert CONTEST.lights.by == "lag" and CONTEST.exempt["371391"] == frozenset({"pm25"})
    assert any(a.veto for a in CONTEST.adjustments)


@pytest.mark.parametrize("group", ["county", "zone"])
def test_each_group_weighs_100_points(group):
    # county 12+8+8+8+14+12+6+8+8+6+6+4 = 100; zone 12+10+8+8+14+12+6+6+8+6+6+4 = 100
    assert sum(i.weight[group] for i in CONTEST.indicators) == 100


# --- the generator ------------------------------------------------------------------------

def test_generator_is_deterministic_per_seed():
    assert generate_results(CONTEST) == ROWS
    assert generate_results(CONTEST, seed=2026) == ROWS
    assert generate_results(CONTEST, seed=7) != ROWS


def test_generator_covers_every_month_unit_and_key():
    assert {r["period"] for r in ROWS} == set(CONTEST.months)
    assert {r["unit"] for r in ROWS} == {u.code for u in CONTEST.units}
    assert {r["key"] for r in ROWS} == CONTEST.keys
    assert all(set(r) == {"unit", "key", "period", "value"} for r in ROWS)
    cells = [(r["unit"], r["key"], r["period"]) for r in ROWS]
    assert len(cells) == len(set(cells))


@pytest.mark.parametrize("seed", [2026, 1, 99])
def test_rows_are_valid_results(seed):
    rows = generate_results(CONTEST, seed=seed)
    checked = check_rows(CONTEST, [Raw(i, r["unit"], r["key"], r["period"], r["value"]) for i, r in enumerate(rows, 1)])
    assert len(checked) == len(rows)


def test_cumulative_amounts_never_fall():
    series = defaultdict(dict)
    for r in ROWS:
        series[(r["unit"], r["key"])][r["period"]] = r["value"]
    for key in ("jgtz", "xzqy", "zsyz", "ybys", "zjtx", "sywz", "xkgxm"):
        for u in CONTEST.units:
            vals = [v for _, v in sorted(series[(u.code, key)].items())]
            assert vals == sorted(vals) and vals[0] >= 0, (u.code, key)


def test_pm25_is_worse_in_winter_than_in_summer():
    for u in CONTEST.units:
        assert RESULTS["2026-01"][u.code]["pm25"] > RESULTS["2026-07"][u.code]["pm25"] + 10


@pytest.mark.parametrize("unit, key, value", [
    ("371302", "gyzjz", 7.6), ("371326", "gyzjz", 4.2), ("371392", "gyzjz", 3.8),  # DOMAIN's I1 column
    ("371321", "ybys", 11.0), ("371311", "ybys", 31.5), ("371329", "ybys", 12.6),  # I6: 沂南 50.0%, 罗庄=临沭 52.5%
    ("371302", "zsyz", 58.0), ("371326", "zsyz", 21.5),  # I5
    ("371302", "xzqy", 21), ("371391", "xzqy", 7),  # I4
])
def test_june_carries_the_h1_snapshot(unit, key, value):
    assert RESULTS["2026-06"][unit][key] == value


def test_edge_case_rows():
    assert "xzqy" not in RESULTS["2026-06"]["371392"]  # 临港 I4 未报
    assert "sywz" not in RESULTS["2026-03"]["371328"]  # 蒙阴 reports no 外资 in March
    vetoes = [(r["unit"], r["period"]) for r in ROWS if r["key"] == "serious_accident"]
    assert vetoes == [("371325", "2026-09")]  # 费县, not in June
    assert RESULTS["2026-08"]["371324"]["deaths_over"] >= 1  # 兰陵: 3 deaths by June + 2 in August > 4
    assert sum(r["value"] for r in ROWS if r["key"] == "award") >= 5


def test_write_csv_round_trips(tmp_path):
    path = tmp_path / "results.csv"
    write_csv(ROWS, path)
    with open(path, encoding="utf-8", newline="") as f:
        read = list(csv.DictReader(f))
    assert list(read[0]) == ["unit", "key", "period", "value"]
    assert [(r["unit"], r["key"], r["period"], float(r["value"])) for r in read] == [
        (r["unit"], r["key"], r["period"], float(r["value"])) for r in ROWS
    ]
    assert path.read_text(encoding="utf-8").splitlines()[1].startswith("371302,")  # codes stay text


# --- scoring the year ---------------------------------------------------------------------

@pytest.mark.parametrize("period", PERIODS)
def test_every_period_scores(period):
    s = sheet(period)
    assert [len(g["units"]) for g in s["groups"]] == [12, 3]
    # at most every cap reached plus 3 bonus points: 100 + 8 * 0.2 + 12 * 0.1 + 8 * 0.2 + 3 = 107.4
    assert all(0 < u["total"] <= 107.4 for g in s["groups"] for u in g["units"])


@pytest.mark.parametrize("unit, points", [
    # I1 功效系数 in June, county: lo 4.2 (平邑), hi 12.5 (沂水), P = 12 * (0.6 + 0.4 * (x - 4.2) / 8.3)
    ("371323", 12.0),   # 沂水 12.5: hi, full weight (DOMAIN 100.0)
    ("371311", 11.25),  # 罗庄 11.2: 12 * (0.6 + 0.4 * 7.0 / 8.3) = 11.2482 (DOMAIN 93.7)
    ("371329", 11.02),  # 临沭 10.8: 12 * (0.6 + 0.4 * 6.6 / 8.3) = 11.0169 (91.8)
    ("371325", 10.73),  # 费县 10.3: 12 * (0.6 + 0.4 * 6.1 / 8.3) = 10.7277 (89.4)
    ("371322", 10.44),  # 郯城 9.8: 12 * (0.6 + 0.4 * 5.6 / 8.3) = 10.4386 (87.0)
    ("371328", 10.03),  # 蒙阴 9.1: 12 * (0.6 + 0.4 * 4.9 / 8.3) = 10.0337 (83.6)
    ("371327", 9.40),   # 莒南 8.0: 12 * (0.6 + 0.4 * 3.8 / 8.3) = 9.3976 (78.3)
    ("371302", 9.17),   # 兰山 7.6: 12 * (0.6 + 0.4 * 3.4 / 8.3) = 9.1663 (76.4)
    ("371321", 8.88),   # 沂南 7.1: 12 * (0.6 + 0.4 * 2.9 / 8.3) = 8.8771 (74.0)
    ("371324", 8.47),   # 兰陵 6.4: 12 * (0.6 + 0.4 * 2.2 / 8.3) = 8.4723 (70.6)
    ("371312", 8.18),   # 河东 5.9: 12 * (0.6 + 0.4 * 1.7 / 8.3) = 8.1831 (68.2)
    ("371326", 7.2),    # 平邑 4.2: lo, 0.6 * 12 (60.0)
    # zones: lo 3.8 (临港), hi 13.6 (沂河新区)
    ("371390", 12.0),   # 沂河新区: full weight (100)
    ("371391", 9.6),    # 高新区 8.7: 12 * (0.6 + 0.4 * 4.9 / 9.8) = 9.6 (80)
    ("371392", 7.2),    # 临港: 0.6 * 12 (60)
])
def test_june_i1_efficacy_matches_domain_check_values(unit, points):
    assert row("2026-06", unit)["indicators"]["gyzjz"]["points"] == points


@pytest.mark.parametrize("unit, points, ratio, light", [
    # I6 completion, cap 1.1, linear: t = T * 6/12; lag = 100 * (0.5 - x / T)
    ("371321", 12.0, 1.0, "green"),      # 沂南 11.0 / (22 * 0.5) = 1.0 -> 12 * 1.0; lag 0 <= 0: green
    ("371311", 12.6, 1.05, "green"),     # 罗庄 31.5 / 30 = 1.05 -> 12.6; lag 100 * (0.5 - 0.525) = -2.5
    ("371329", 12.6, 1.05, "green"),     # 临沭 12.6 / 12 = 1.05 -> 12.6, tied with 罗庄
    ("371302", 12.68, 1.0568, "green"),  # 兰山 50.2 / 47.5 = 1.056842 -> 12.6821
    ("371312", 11.33, 0.9438, "yellow"), # 河东 15.1 / 16 = 0.94375 -> 11.325 rounds up; lag 2.81
    ("371326", 10.1, 0.8417, "yellow"),  # 平邑 10.1 / 12 = 0.841667 -> 10.1; lag 100 * (0.5 - 0.420833) = 7.92
])
def test_june_i6_completion_and_lights(unit, points, ratio, light):
    cell = row("2026-06", unit)["indicators"]["ybys"]
    assert (cell["points"], cell["ratio"], cell["light"]) == (points, ratio, light)


@pytest.mark.parametrize("unit, points, light", [
    # I5 formula: clamp(ratio, 0, 1) * 14 * 0.7 + (n - rank) / max(n - 1, 1) * 14 * 0.3; p(6) = 0.5
    ("371302", 13.67, "yellow"),  # 兰山 58 / 60 = 0.966667 * 9.8 = 9.4733 + rank 1 of 12: 11/11 * 4.2 -> 13.6733; lag 1.67
    ("371311", 13.62, "green"),   # 罗庄 52.3 / 47.5 > 1 -> 9.8 + rank 2: 10/11 * 4.2 = 3.8182 -> 13.6182; lag -5.05
    ("371326", 7.66, "red"),      # 平邑 21.5 / 27.5 = 0.781818 * 9.8 = 7.6618 + rank 12: 0; lag 10.91 > 10: red
    ("371390", 14.0, "green"),    # 沂河新区 60.8 / 55 > 1 -> 9.8 + rank 1 of 3: 4.2
    ("371391", 9.45, "yellow"),   # 高新区 24.1 / 25 = 0.964 * 9.8 = 9.4472 + rank 3: 0
    ("371392", 10.42, "yellow"),  # 临港 27.6 / 32.5 = 0.849231 * 9.8 = 8.3225 + rank 2: 1/2 * 4.2 = 2.1 -> 10.4225
])
def test_june_i5_formula_and_lights(unit, points, light):
    cell = row("2026-06", unit)["indicators"]["zsyz"]
    assert (cell["points"], cell["light"]) == (points, light)


def test_june_lingang_i4_is_missing():
    r = row("2026-06", "371392")
    cell = r["indicators"]["xzqy"]
    assert (cell["value"], cell["missing"], cell["points"], cell["light"]) == (None, True, 0.0, "red")
    assert "missing" in r["flags"]


def test_march_mengyin_foreign_capital_is_missing():
    r = row("2026-03", "371328")
    assert r["indicators"]["sywz"]["missing"] and "missing" in r["flags"]


def test_gaoxin_is_exempt_from_pm25():
    assert all(row(m, "371391")["indicators"]["pm25"] is None for m in CONTEST.months)


def test_feixian_is_vetoed_in_september_and_ranks_last():
    r = row("2026-09", "371325")
    assert "vetoed" in r["flags"] and r["rank"] == 12 and r["board"] != "dragon"
    q3 = row("2026-Q3", "371325")  # vetoed in one month of the quarter: vetoed for it, no red flag
    assert "vetoed" in q3["flags"] and "red_flag" not in q3["flags"] and q3["rank"] == 12


@pytest.mark.parametrize("seed", [2026, 1, 99])
def test_pingyi_last_in_may_and_june_is_warned(seed):
    results = by_month(generate_results(CONTEST, seed=seed))
    ranks = [next(u for g in score(CONTEST, m, results)["groups"] for u in g["units"] if u["unit"] == "371326")
             for m in ("2026-05", "2026-06")]
    assert [u["rank"] for u in ranks] == [12, 12]
    assert "warning" in ranks[1]["flags"]


def test_deaths_over_control_are_deducted():
    # 兰陵 August: count c over its control of 4, c * -2 points
    assert row("2026-08", "371324")["adjustments"]["deaths_over"] == -2 * RESULTS["2026-08"]["371324"]["deaths_over"]


def test_each_quarter_awards_red_flags():
    for q in range(1, 5):
        flagged = [u for g in sheet(f"2026-Q{q}")["groups"] for u in g["units"] if "red_flag" in u["flags"]]
        assert 4 <= len(flagged) <= 6  # county 3 + zone 1, more only through ties


def test_a_zone_that_did_not_report_stands_on_no_honour_board():
    # 功能区组 has 3 units and the demo's board is dragon 1, tiger 1: with no rows at all for
    # 临港 (371392) in March it scores 0, ranks 3 of 3 and stands on the tiger side; a board of
    # dragon 3 would have put it on the dragon side (rank 3 <= 3)
    assert (CONTEST.board.dragon, CONTEST.board.tiger) == (1, 1)
    results = by_month([r for r in ROWS if (r["unit"], r["period"]) != ("371392", "2026-03")])
    march = score(CONTEST, "2026-03", results)
    zone = next(g for g in march["groups"] if g["id"] == "zone")
    sides = {u["unit"]: u["board"] for u in zone["units"]}
    assert sides["371392"] == "tiger" and list(sides.values()).count("dragon") == 1
    assert next(u for u in zone["units"] if u["unit"] == "371392")["rank"] == 3
