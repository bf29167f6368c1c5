"""The Excel workbook (成绩单): one worksheet per group, Chinese headers, numbers as numbers,
lights as cell colours, a frozen header row, and title rows naming what was published.

The small contest (tests/helpers.py), March: gdp is ranked (weight 60, 3 units):
A 7.0 -> 60, B 6.0 -> 60 - 60/2 = 30, C 5.0 -> 0. inv is completion of 120 with linear
progress: t = 120 * 3/12 = 30; A 12/30 = 0.4 -> 16, B 10/30 -> 13.33, C 8/30 -> 10.67.
Totals: A 76.00, B 43.33, C 10.67; every ratio < 0.9 is a red light. Ranks as in February:
change 0. Board dragon 3: all three units stand on the dragon side.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

DUE = datetime(2026, 4, 10, 1, 0, tzinfo=timezone.utc)  # 2026-04-10 09:00 in Asia/Shanghai


@pytest.fixture
def published(small):
    from arena import services
    from arena.services import publishing
    from arena.store import publications

    for period in ("2026-03", "2026-Q1"):
        publishing.publish(small, "small", period, actor="t", now=DUE)
    contest, _ = services.contest_rules(small, "small")
    return contest, {p: json.loads(publications.get(small, "small", p)["sheet"]) for p in ("2026-03", "2026-Q1")}


def workbook(sheet, contest):
    from arena.render.workbook import sheet_workbook

    return load_workbook(io.BytesIO(sheet_workbook(sheet, contest)))


def test_one_worksheet_per_group_then_the_legend(published):
    contest, sheets = published
    assert workbook(sheets["2026-03"], contest).sheetnames == ["区县组", "说明"]


def test_title_rows_name_contest_period_revision_time_and_cutoff(published):
    contest, sheets = published
    ws = workbook(sheets["2026-03"], contest)["区县组"]
    assert ws["A1"].value == "小擂台"
    assert ws["A2"].value == "2026年3月成绩单 · 区县组"
    assert ws["A3"].value == ("第1版 · 发布时间 2026年4月10日 09:00 · 数据截至2026年3月31日 · "
                              "时序进度25.0%（3/12）")
    assert ws["A4"].value == "更正说明：无"


def test_headers_are_chinese_and_the_header_row_is_frozen(published):
    contest, sheets = published
    ws = workbook(sheets["2026-03"], contest)["区县组"]
    headers = [c.value for c in ws[6]]
    assert headers == ["名次", "单位代码", "单位", "总分", "较上期", "标记", "龙虎榜",
                       "增速（%）完成值", "增速得分", "投资（亿元）完成值", "投资（亿元）目标", "投资完成率", "投资得分"]
    assert ws.freeze_panes == "D7"  # rows 1-6 and rank, code, unit stay in view


def test_each_sheet_prints_on_a4_landscape_fit_to_width_with_titles_repeated(published):
    contest, sheets = published
    for ws in workbook(sheets["2026-03"], contest).worksheets[:-1]:  # the legend is not a table
        setup = ws.page_setup
        assert (int(setup.paperSize), setup.orientation) == (9, "landscape")  # 9: A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == "$1:$6"


# March's inv target t = 120 * 3/12 = 30; ratio = x / 30
@pytest.mark.parametrize("row, code, name, total, gdp_points, inv_value, inv_ratio, inv_points", [
    (7, "A", "甲县", 76.0, 60.0, 12.0, 0.4, 16.0),       # 60 + 40 * 12/30
    (8, "B", "乙县", 43.33, 30.0, 10.0, 0.3333, 13.33),  # 30 + 40 * 10/30 = 43.333 -> 43.33
    (9, "C", "丙县", 10.67, 0.0, 8.0, 0.2667, 10.67),    # 0 + 40 * 8/30 = 10.667 -> 10.67
])
def test_unit_rows_hold_numbers(published, row, code, name, total, gdp_points, inv_value, inv_ratio, inv_points):
    contest, sheets = published
    ws = workbook(sheets["2026-03"], contest)["区县组"]
    assert [ws.cell(row=row, column=c).value for c in (1, 2, 3)] == [row - 6, code, name]
    assert ws.cell(row=row, column=12).number_format == "0.0%"
    for column, expected in ((4, total), (9, gdp_points), (10, inv_value), (11, 30.0), (12, inv_ratio),
                             (13, inv_points)):
        value = ws.cell(row=row, column=column).value
        assert isinstance(value, (int, float)) and value == pytest.approx(expected)
    assert ws.cell(row=row, column=4).number_format == "0.00"  # precision 2
    change = ws.cell(row=row, column=5)
    assert change.value == 0 and change.number_format == '"↑"0;"↓"0;"—"'  # shown as — but still a number
    assert ws.cell(row=row, column=7).value == "龙榜"


def test_numeric_columns_hold_numbers_or_nothing(published):
    import copy

    contest, sheets = published
    sheet = copy.deepcopy(sheets["2026-03"])
    units = sheet["groups"][0]["units"]
    units[0]["indicators"]["gdp"] = None  # 免考核
    units[1]["indicators"]["inv"].update(value=None, missing=True, ratio=None, points=0.0)  # 未报
    units[2]["change"] = None  # no earlier month
    ws = workbook(sheet, contest)["区县组"]
    numeric = [c for c in range(1, ws.max_column + 1) if c == 1 or c >= 4 and c not in (6, 7)]
    for row in range(7, 10):
        for c in numeric:
            assert ws.cell(row=row, column=c).data_type == "n", (row, c, ws.cell(row=row, column=c).value)
    assert ws["H7"].value is None and ws["H7"].fill.start_color.rgb.endswith("EDEDED")
    assert ws["J8"].value is None and ws["J8"].comment.text == "未报"
    assert ws["E9"].value is None


def test_lights_are_cell_colours(published):
    contest, sheets = published
    ws = workbook(sheets["2026-03"], contest)["区县组"]
    assert ws["J7"].fill.start_color.rgb.endswith("FFC7CE")  # inv ratio 0.4 < 0.9: red
    assert ws["H7"].fill.fill_type is None  # gdp has no target, so no light


def test_quarter_sheets_show_mean_points_and_flags(published):
    contest, sheets = published
    ws = workbook(sheets["2026-Q1"], contest)["区县组"]
    assert [c.value for c in ws[6]][7:] == ["增速平均得分", "投资平均得分"]
    # red_flags count {county: 1} and yellow {county: 1}: A first, C last
    assert ws["F7"].value == "流动红旗" and ws["F9"].value == "黄旗"
    # A's gdp is 60 every month; inv: January t = 10, 12/10 capped -> 40, February 12/20 -> 24,
    # March 16: mean (40 + 24 + 16) / 3 = 26.67
    assert ws["H7"].value == 60 and ws["I7"].value == pytest.approx(26.67)


@pytest.mark.parametrize("name, taken, title", [
    ("区县组", set(), "区县组"),
    ("a/b:c", set(), "a_b_c"),                        # characters Excel refuses
    ("组" * 40, set(), "组" * 31),                     # at most 31 characters
    ("区县组", {"区县组"}, "区县组(2)"),                # unique
])
def test_worksheet_titles(name, taken, title):
    from arena.render.workbook import _title

    assert _title(name, set(taken)) == title


def test_a_name_that_looks_like_a_formula_stays_text(published):
    import copy

    contest, sheets = published
    sheet = copy.deepcopy(sheets["2026-03"])
    evil = '=HYPERLINK("http://example.invalid/x","甲县")'
    sheet["groups"][0]["units"][0]["name"] = evil
    cells = [c for ws in workbook(sheet, contest).worksheets for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_same_publication_gives_the_same_workbook_bytes_at_any_time(published, monkeypatch):
    """openpyxl stamps the save time; two workers rendering a second apart must still agree,
    since one strong ETag names the body."""
    import time
    import zipfile

    from arena.render.workbook import sheet_workbook

    contest, sheets = published
    first = sheet_workbook(sheets["2026-03"], contest)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3600)
    monkeypatch.setattr(time, "localtime", lambda secs=None: time.gmtime((secs or real()) + 3600))
    assert sheet_workbook(sheets["2026-03"], contest) == first
    core = zipfile.ZipFile(io.BytesIO(first)).read("docProps/core.xml").decode()
    assert "2026-04-10T01:00:00Z" in core  # published 2026-04-10 09:00 in Asia/Shanghai
    assert load_workbook(io.BytesIO(first)).worksheets  # still a workbook Excel opens
