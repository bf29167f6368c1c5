"""The year's list across contests: the programme file and its sheet, hand-computed."""

import pytest

from arena.engine.programme import ProgrammeError, load_programme, score_programme

FILE = """\
version: 1
programme: {id: p-2026, name: 2026年度总榜, year: 2026}
contests:
  - {id: c1, weight: 60}
  - {id: c2, weight: 40}
flag_points: 0.5
honours: {count: 1, name: 先进单位}
penalties: {count: 1, name: 通报批评}
"""

GROUPS = [{"id": "county", "name": "区县组",
           "units": [{"code": c, "name": n} for c, n in (("A", "甲"), ("B", "乙"), ("C", "丙"), ("D", "丁"))]}]


def year(rows):
    return {"kind": "year", "groups": [{"id": "county", "units": [
        {"unit": u, "total": t, "rank": None, "flags": list(f), "red_flags": r} for u, t, r, f in rows]}]}


def by_unit(sheet):
    return {u["unit"]: u for g in sheet["groups"] for u in g["units"]}


def test_missing_unit_veto_and_flag_points():
    prog = load_programme(FILE)
    c1 = year([("A", 90.0, 1, ()), ("B", 80.0, 0, ()), ("C", 70.0, 0, ("vetoed",)), ("D", 60.0, 0, ())])
    c2 = year([("A", 50.0, 0, ()), ("B", 80.0, 0, ()), ("C", 90.0, 0, ())])  # D absent
    sheet = score_programme(prog, GROUPS, {"c1": c1, "c2": c2})
    rows = by_unit(sheet)
    # A = 60*90/100 + 40*50/100 + 0.5*1 = 54 + 20 + 0.5; B = 48 + 32; C = 42 + 36, vetoed; D = 36 + 0
    assert [(u, rows[u]["total"], rows[u]["rank"]) for u in "BADC"] == [
        ("B", 80.0, 1), ("A", 74.5, 2), ("D", 36.0, 3), ("C", 78.0, 4)]
    assert [u["unit"] for u in sheet["groups"][0]["units"]] == ["B", "A", "D", "C"]
    assert rows["A"]["flag_points"] == 0.5 and rows["A"]["red_flags"] == 1
    assert rows["D"]["flags"] == ["missing"] and rows["D"]["contests"]["c2"] == {
        "total": None, "points": 0.0, "rank": None, "missing": True}
    assert rows["C"]["flags"] == ["vetoed"]
    assert {u for u, r in rows.items() if r["honour"]} == {"B"}
    assert {u for u, r in rows.items() if r["penalty"]} == {"C"}  # the vetoed unit is last
    assert rows["B"]["board"] == "dragon" and rows["C"]["board"] == "tiger"
    assert sheet["kind"] == "programme" and sheet["period"] == "2026"


def test_tied_honours_share_the_place():
    prog = load_programme(FILE)
    c1 = year([("A", 80.0, 0, ()), ("B", 80.0, 0, ()), ("C", 50.0, 0, ()), ("D", 50.0, 0, ())])
    c2 = year([("A", 70.0, 0, ()), ("B", 70.0, 0, ()), ("C", 60.0, 0, ()), ("D", 60.0, 0, ())])
    rows = by_unit(score_programme(prog, GROUPS, {"c1": c1, "c2": c2}))
    # A = B = 48 + 28 = 76, both rank 1: both honoured; C = D = 30 + 24 = 54 share the last place
    assert rows["A"]["rank"] == rows["B"]["rank"] == 1 and rows["A"]["total"] == 76.0
    assert {u for u, r in rows.items() if r["honour"]} == {"A", "B"}
    assert {u for u, r in rows.items() if r["penalty"]} == {"C", "D"}


def test_a_contest_without_a_year_sheet_counts_zero_for_everyone():
    prog = load_programme(FILE)
    c1 = year([("A", 90.0, 0, ()), ("B", 80.0, 0, ()), ("C", 70.0, 0, ()), ("D", 60.0, 0, ())])
    rows = by_unit(score_programme(prog, GROUPS, {"c1": c1, "c2": None}))
    assert rows["A"]["total"] == 54.0 and rows["A"]["flags"] == ["missing"]


def test_every_problem_at_once_with_lines():
    bad = FILE.replace("weight: 40", "weight: 30").replace("year: 2026", "year: soon").replace(
        "flag_points: 0.5", "flag_points: -1\ncolour: red")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(bad)
    found = {(d["path"], d["line"]) for d in caught.value.details}
    assert found == {("programme.year", 2), ("contests", 3), ("flag_points", 6), ("colour", 7)}
    assert "sum to 90" in next(d["message"] for d in caught.value.details if d["path"] == "contests")


def test_duplicate_contest_and_bad_id():
    bad = FILE.replace("id: c2", "id: c1").replace("id: p-2026", "id: P 2026")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(bad)
    assert {d["path"] for d in caught.value.details} == {"programme.id", "contests[1].id"}
