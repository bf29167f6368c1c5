"""A plain CSV file is read and checked a column at a time (RawColumns, CheckedRows): it must
accept exactly the rows, and refuse with exactly the problems, of the row-by-row way."""

from __future__ import annotations

import pytest

from arena.engine.results import CheckedRows, RawColumns, ResultRow, check_rows, result_columns
from arena.errors import ValidationFailed
from arena.ingest import parse_results
from arena.ingest.csv_file import _rows
from arena.services.results import data_sha256

from test_results_check import CONTEST

HEADER = "unit,key,period,value\n"


def both_ways(body: str):
    """(columns way, row-by-row way) of one CSV body: each the checked rows or the error's details."""
    def outcome(raw):
        try:
            return list(check_rows(CONTEST, raw))
        except ValidationFailed as exc:
            return exc.message, exc.details

    data = body.encode()
    return outcome(parse_results(data, "csv")), outcome(_rows(body, 100, ()))


PLAIN = [
    # codes, names for codes (resolved once per distinct name), spaces around a number
    HEADER + "371302,gdzctz,2026-03,41\n371311,gyzjz,2026-03,-2.5\n",
    HEADER + "兰山区,固定资产投资,2026-03,41\n371311,规上工业增加值增速,2026-04, 7 \n",
    HEADER + "371302,award,2026-03,2\n371302,accident,2026-04,0\n371371,gdzctz,2026-05,1e-12\n",
    "期间,数值,单位,指标\n2026-01,0,371302,gdzctz\n2026-02,-0.0,371302,gdzctz\n",
]


@pytest.mark.parametrize("body", PLAIN, ids=["codes", "names", "adjustments", "reordered"])
def test_a_plain_file_goes_the_column_way_and_agrees_with_the_row_way(body):
    raw = parse_results(body.encode(), "csv")
    assert isinstance(raw, RawColumns)
    checked = check_rows(CONTEST, raw)
    assert isinstance(checked, CheckedRows)
    fast, slow = both_ways(body)
    assert fast == slow and fast == checked


def test_checked_columns_are_rows_numbered_by_line_for_whoever_reads_them():
    checked = check_rows(CONTEST, parse_results((HEADER + "兰山区,gdzctz,2026-03,41\n371311,gdzctz,2026-03,1.5\n").encode(), "csv"))
    assert checked[0] == ResultRow("371302", "gdzctz", "2026-03", 41.0, 2)
    assert checked[1].row == 3 and len(checked) == 2
    assert result_columns(checked) == (["371302", "371311"], ("gdzctz", "gdzctz"), ("2026-03", "2026-03"), [41.0, 1.5])
    as_tuples = [tuple(r) for r in checked]
    assert data_sha256(checked) == data_sha256(as_tuples) == data_sha256(as_tuples[::-1])


REFUSED = {
    "unknown_unit": HEADER + "371302,gdzctz,2026-03,41\n999999,gdzctz,2026-03,1\n",
    "unknown_key": HEADER + "371302,nope,2026-03,41\n",
    "empty_key": HEADER + "371302,,2026-03,41\n",
    "outside_season": HEADER + "371302,gdzctz,2027-01,41\n",
    "a_week": HEADER + "371302,gdzctz,2026-W10,41\n",
    "empty_value": HEADER + "371302,gdzctz,2026-03,\n",
    "underscore": HEADER + "371302,gdzctz,2026-03,1_000\n",
    "full_width": HEADER + "371302,gdzctz,2026-03,１２\n",
    "words": HEADER + "371302,gdzctz,2026-03,twelve\n",
    "nan_later": HEADER + "371302,gdzctz,2026-03,1\n371311,gdzctz,2026-03,nan\n",
    "nan_first": HEADER + "371302,gdzctz,2026-03,NaN\n371311,gdzctz,2026-03,1\n",
    "infinity": HEADER + "371302,gdzctz,2026-03,-inf\n",
    "too_big": HEADER + "371302,gdzctz,2026-03,1e13\n",
    "too_small": HEADER + "371302,gdzctz,2026-03,1e-13\n",
    "negative_count": HEADER + "371302,award,2026-03,-1\n",
    "fractional_count": HEADER + "371302,award,2026-03,1.5\n",
    "repeat": HEADER + "371302,gdzctz,2026-03,1\n371311,gdzctz,2026-03,2\n371302,gdzctz,2026-03,3\n",
    "repeat_by_name": HEADER + "371302,gdzctz,2026-03,1\n兰山区,gdzctz,2026-03,1\n",
}


@pytest.mark.parametrize("body", REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_file_is_explained_exactly_as_row_by_row(body):
    fast, slow = both_ways(body)
    assert isinstance(fast, tuple) and fast == slow


OFF_THE_COLUMN_WAY = {
    "blank_line": HEADER + "371302,gdzctz,2026-03,1\n\n371311,gdzctz,2026-03,2\n",
    "blank_row": HEADER + "371302,gdzctz,2026-03,1\n , , , \n",
    "field_over_lines": HEADER + '"371302",gdzctz,2026-03,"1\n"\n371311,gdzctz,2026-03,2\n',
    "trailing_cells": "unit,key,period,value,\n371302,gdzctz,2026-03,1,\n",
    "blank_before_header": "\n" + HEADER + "371302,gdzctz,2026-03,1\n",
}


@pytest.mark.parametrize("body", OFF_THE_COLUMN_WAY.values(), ids=OFF_THE_COLUMN_WAY.keys())
def test_a_file_that_is_not_plain_is_read_row_by_row(body):
    raw = parse_results(body.encode(), "csv")
    assert not isinstance(raw, RawColumns)
    assert [(r.row, r.unit) for r in raw] == [(r.row, r.unit) for r in _rows(body, 100, ())]


@pytest.mark.parametrize("month", ["2026-04", "2026-03"], ids=["new_month", "stored_month"])
def test_an_import_with_a_repeated_cell_names_its_rows_and_stores_nothing(small, month):
    # the column way leaves repeats to the results' key; the refusal must still name the rows
    from arena import services
    from arena.store import results

    before = results.list_results(small, "small")
    batch = results.current_batch(small, "small")
    body = f"unit,key,period,value\nA,gdp,{month},1\nB,gdp,{month},2\n甲县,gdp,{month},3\n".encode()
    with pytest.raises(ValidationFailed) as info:
        services.import_results(small, "small", body, fmt="csv", actor="t")
    assert [(d["row"], d["message"][:9]) for d in info.value.details] == [(4, "与第 2 行重复：")]
    assert results.list_results(small, "small") == before and results.current_batch(small, "small") == batch
    assert small.conn.execute("PRAGMA foreign_key_check").fetchall() == []
