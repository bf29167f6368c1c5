"""The year's list across contests: the programme file and the list, hand-computed."""

from __future__ import annotations

import pytest

from arena.engine.programme import programme_sheet
from arena.engine.rules.load import RulesError
from arena.engine.rules.programme import Part, Programme, load_programme
from builders import column, contest

FOUR = {"g": ["u1", "u2", "u3", "u4"]}
FIRST = contest(units=FOUR)


def year(*rows):
    """A year sheet: (unit, total, rank, flags, red_flags) rows in one group."""
    return {"groups": [{"id": "g", "name": "G-g", "units": [
        {"unit": u, "total": t, "rank": r, "flags": list(f), "red_flags": rf} for u, t, r, f, rf in rows]}]}


def test_weighted_totals_flag_points_a_missing_unit_and_a_veto():
    p = Programme("all", "总榜", 2026, (Part("a", 60), Part("b", 40)), flag_points=0.5,
                  honours=1, penalties=1)
    a = year(("u1", 90, 1, (), 2), ("u2", 80, 2, (), 1), ("u3", 70, 4, ("vetoed",), 0), ("u4", 60, 3, (), 0))
    b = year(("u1", 50, 3, (), 0), ("u2", 100, 1, (), 0), ("u4", 70, 2, (), 0))  # u3 is not in b
    sheet = programme_sheet(p, FIRST, {"a": a, "b": b})
    # u1 .6*90 + .4*50 + .5*2 = 75; u2 48 + 40 + .5 = 88.5; u3 42 + 0 (missing), vetoed; u4 36 + 28 = 64
    assert column(sheet, "total") == {"u1": 75.0, "u2": 88.5, "u3": 42.0, "u4": 64.0}
    assert column(sheet, "rank") == {"u2": 1, "u1": 2, "u4": 3, "u3": 4}  # the vetoed unit last
    assert column(sheet, "flags") == {"u1": [], "u2": [], "u3": ["missing", "vetoed"], "u4": []}
    assert column(sheet, "red_flags") == {"u1": 2, "u2": 1, "u3": 0, "u4": 0}
    assert column(sheet, "honour") == {"u2": "先进单位", "u1": None, "u4": None, "u3": None}
    assert column(sheet, "penalty") == {"u3": "通报批评", "u2": None, "u1": None, "u4": None}
    assert column(sheet, "contests")["u3"] == {"a": {"total": 70, "rank": 4, "red_flags": 0}, "b": None}
    assert sheet["kind"] == "programme" and sheet["period"] == "2026"


def test_tied_honours_share_and_a_vetoed_unit_is_never_honoured():
    p = Programme("all", "总榜", 2026, (Part("a", 100),), honours=1, penalties=1)
    a = year(("u1", 80, 1, (), 0), ("u2", 80, 1, (), 0), ("u3", 70, 3, (), 0), ("u4", 95, 4, ("vetoed",), 0))
    sheet = programme_sheet(p, FIRST, {"a": a})
    assert column(sheet, "rank") == {"u1": 1, "u2": 1, "u3": 3, "u4": 4}
    assert {u for u, h in column(sheet, "honour").items() if h} == {"u1", "u2"}
    assert {u for u, h in column(sheet, "penalty").items() if h} == {"u4"}


def test_a_contest_with_no_year_sheet_counts_0_and_marks_everyone_missing():
    p = Programme("all", "总榜", 2026, (Part("a", 50), Part("b", 50)))
    a = year(("u1", 80, 1, (), 0), ("u2", 60, 2, (), 0), ("u3", 40, 3, (), 0), ("u4", 20, 4, (), 0))
    sheet = programme_sheet(p, FIRST, {"a": a, "b": None})
    assert column(sheet, "total") == {"u1": 40.0, "u2": 30.0, "u3": 20.0, "u4": 10.0}
    assert all(f == ["missing"] for f in column(sheet, "flags").values())


GOOD = """version: 1
programme: {id: linyi-2026-all, name: 2026年度全市擂台赛总榜, year: 2026}
contests:
  - {id: linyi-2026, weight: 60}
  - {id: linyi-zx-2026, weight: 20}
  - {id: linyi-zs-2026, weight: 20}
flag_points: 0.5
honours: {count: 3, name: 先进单位}
penalties: {count: 1, name: 通报批评}
"""


def test_the_programme_file_is_read():
    p = load_programme(GOOD)
    assert (p.id, p.year, p.flag_points, p.honours, p.penalties) == ("linyi-2026-all", 2026, 0.5, 3, 1)
    assert p.parts == (Part("linyi-2026", 60.0), Part("linyi-zx-2026", 20.0), Part("linyi-zs-2026", 20.0))


@pytest.mark.parametrize("change, path, words", [
    (("weight: 60", "weight: 50"), "contests", "sum to 90"),
    (("linyi-zx-2026", "linyi-2026"), "contests[1].id", "listed twice"),
    (("year: 2026", "year: 26"), "programme.year", "2000 to 2100"),
    (("flag_points: 0.5", "flag_points: -1"), "flag_points", "negative"),
    (("count: 3", "count: -1"), "honours.count", ""),
    (("flag_points: 0.5", "flag_point: 0.5"), "flag_point", "unknown key"),
])
def test_a_bad_programme_is_refused_naming_where(change, path, words):
    with pytest.raises(RulesError) as err:
        load_programme(GOOD.replace(*change))
    problems = err.value.details
    assert any(p["path"] == path and words in p["message"] for p in problems), problems
