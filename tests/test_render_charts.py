"""Charts: a unit's rank and score by month, and the heat map of units by indicator points."""

from __future__ import annotations

import pytest


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("points, full, colour", [
    (0.0, 10.0, "#d93a3a"),    # 0 of 10: the red end
    (10.0, 10.0, "#2e9d57"),   # full points: the green end
    (12.0, 10.0, "#2e9d57"),   # above full (cap > 1) stays green
    (-1.0, 10.0, "#d93a3a"),   # below zero stays red
    (None, 10.0, "#eceff3"),   # not scored: grey
    (5.0, 0.0, "#eceff3"),     # a group without the indicator: grey
])
def test_share_colour_ends(points, full, colour):
    from arena.render.charts import share_colour

    assert share_colour(points, full) == colour


def test_share_colour_midpoint_is_the_yellow_stop():
    from arena.render.charts import share_colour

    # 5/10 = 0.5: the middle stop #f6c445, give or take one step of the 256-colour table
    got = share_colour(5.0, 10.0)
    rgb = [int(got[i:i + 2], 16) for i in (1, 3, 5)]
    assert all(abs(a - b) <= 2 for a, b in zip(rgb, (0xf6, 0xc4, 0x45)))


@pytest.fixture
def small_sheets(small):
    """The small contest's March month sheet and first-quarter sheet (drafts are fine for drawing)."""
    from arena import services

    contest, _ = services.contest_rules(small, "small")
    return contest, services.draft(small, "small", "2026-03"), services.draft(small, "small", "2026-Q1")


def test_heatmap_has_a_row_per_unit_and_a_column_per_indicator(small_sheets):
    from arena.render.charts import CELL_H, CELL_W, LEGEND, MARGIN, NAME_W, heatmap
    from arena.render.words import text_width

    contest, month, quarter = small_sheets
    for sheet in (month, quarter):  # month cells hold dicts, quarter cells the mean points
        width, height = png_size(heatmap(sheet, contest))
        # two indicators' cells (562 px) are narrower than the colour legend: 31 em of 20 + "×" 11.2
        assert NAME_W + 2 * CELL_W < text_width(LEGEND, 20) == 631.2
        assert width == 2 * MARGIN + 632
        # title 150 + names (two-character names: one line, 21 + 36) + one group header 56 + 3 rows + footer 110
        assert height == 150 + (20 + 1 * 21 + 16) + 56 + 3 * CELL_H + 110


@pytest.mark.parametrize("name, lines", [
    ("增速", ["增速"]), ("固定资产投资", ["固定资", "产投资"]), ("规上工业增加值增速", ["规上工", "业增加", "值增速"]),
    ("新增专精特新中小企业", ["新增专精", "特新中小", "企业"]),
])
def test_heatmap_headers_go_across_in_even_lines_not_a_character_each(name, lines):
    from arena.render.charts import header_lines

    assert header_lines(name) == lines and all(len(line) <= 4 for line in lines)


def test_heatmap_is_byte_stable(small_sheets):
    from arena.render.charts import heatmap

    contest, month, _ = small_sheets
    assert heatmap(month, contest) == heatmap(month, contest)


def test_unit_chart_is_a_1080_by_760_png():
    from arena.render.charts import unit_chart

    history = [{"period": "2026-01", "rank": 3, "total": 80.5, "size": 12},
               {"period": "2026-02", "rank": 1, "total": 91.25, "size": 12}]
    first = unit_chart(history, "兰山区", "2026年度临沂市综合擂台赛")
    assert png_size(first) == (1080, 760)
    assert first == unit_chart(history, "兰山区", "2026年度临沂市综合擂台赛")
    assert first != unit_chart(history[:1], "兰山区", "2026年度临沂市综合擂台赛")

