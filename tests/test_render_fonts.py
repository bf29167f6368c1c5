"""The CJK font: found at start in the documented order, a clear error without one, never boxes."""

from __future__ import annotations

import json
import warnings
from datetime import datetime, timezone
from pathlib import Path

import matplotlib
import pytest

from arena.errors import ConfigError
from arena.render import fonts

DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"  # Latin only


@pytest.fixture(autouse=True)
def found_again():
    """Every test leaves the process with the font found as at start."""
    yield
    fonts.configure(None)


def test_the_setting_wins():
    chosen = fonts.package_fonts()[0]
    assert fonts.find_cjk_font(chosen) == Path(chosen).resolve()


def test_a_setting_naming_no_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError) as caught:
        fonts.find_cjk_font(str(tmp_path / "nope.otf"))
    assert caught.value.details[0]["field"] == "CJK_FONT"
    assert "does not exist" in caught.value.details[0]["message"]


def test_a_setting_naming_a_font_without_chinese_is_refused():
    with pytest.raises(ConfigError, match="no Chinese glyphs"):
        fonts.find_cjk_font(str(DEJAVU))


def test_a_system_font_comes_before_the_package_font(monkeypatch):
    system = fonts.package_fonts()[-1]  # stands in for an installed font with Chinese glyphs
    monkeypatch.setattr(fonts, "system_fonts", lambda: [str(DEJAVU), system])
    assert fonts.find_cjk_font(None) == Path(system).resolve()  # DejaVu is listed first but lacks 中


def test_without_system_fonts_the_package_font_is_used(monkeypatch):
    monkeypatch.setattr(fonts, "system_fonts", lambda: [])
    assert fonts.find_cjk_font(None) == Path(fonts.package_fonts()[0]).resolve()


def test_no_font_at_all_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(fonts, "system_fonts", lambda: [str(DEJAVU)])
    monkeypatch.setattr(fonts, "package_fonts", lambda: [])
    with pytest.raises(ConfigError, match="no font with Chinese glyphs"):
        fonts.find_cjk_font(None)


def test_the_package_fonts_are_found_without_importing_mpl_font():
    import sys

    found = fonts.package_fonts()
    assert found and all(Path(f).is_file() for f in found)
    assert "mpl_font" not in sys.modules  # it would import pyplot and rewrite global rcParams


def test_the_app_refuses_to_start_with_a_bad_font_setting(tmp_path, monkeypatch):
    from arena.http.app import create_app

    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path))
    with pytest.raises(ConfigError, match="CJK_FONT"):
        create_app({"DATABASE": str(tmp_path / "a.db"), "CJK_FONT": str(DEJAVU)})


def test_a_bold_face_is_used_beside_the_regular_one():
    fonts.configure(None)
    regular, bold = fonts.font_path(), fonts.bold_path()
    assert fonts.has_glyphs(bold)
    if "Regular" in regular.name and regular.with_name(regular.name.replace("Regular", "Bold")).exists():
        assert bold != regular


def test_a_missing_glyph_does_warn_so_the_check_below_can_fail():
    from matplotlib.font_manager import FontProperties

    from arena.render.canvas import figure, save

    fig = figure(200, 100)
    fig.text(0.1, 0.5, "兰山区", fontproperties=FontProperties(fname=str(DEJAVU)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="missing from font"):
            save(fig, "png")


def test_every_unit_name_of_the_demo_is_drawn_without_a_missing_glyph(tmp_path):
    """Every demo name, group, indicator and mark on every picture, with warnings as errors."""
    from arena import services
    from arena.engine.results import check_rows
    from arena.ingest import RawRow
    from arena.render.boards import board_image
    from arena.render.canvas import Pen
    from arena.render.charts import heatmap, unit_chart
    from arena.services import demo, publishing
    from arena.store import publications
    from arena.store.db import connect, migrate

    db = connect(str(tmp_path / "arena.db"))
    migrate(db)
    services.save_rules(db, Path(demo.DEMO_RULES).read_text(encoding="utf-8"), actor="t")
    contest, _ = services.contest_rules(db, "linyi-2026")
    raw = [RawRow(i, r["unit"], r["key"], r["period"], r["value"])
           for i, r in enumerate(demo.generate_results(contest), 1)]
    services.store_results(db, contest, check_rows(contest, raw), actor="t")
    due = datetime(2026, 10, 15, 1, 0, tzinfo=timezone.utc)
    for period in ("2026-06", "2026-09", "2026-Q3"):  # September holds the veto (一票否决)
        publishing.publish(db, "linyi-2026", period, actor="t", now=due)
    fonts.configure(None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pen = Pen(1600, 80 * (len(contest.units) + len(contest.indicators) + 4))
        texts = ([u.name for u in contest.units] + list(contest.groups.values())
                 + [i.name + i.unit for i in contest.indicators] + [a.name for a in contest.adjustments]
                 + ["龙榜 虎榜 流动红旗 黄旗 约谈 一票否决 未报 ↑2 ↓1 — 时序进度 数据截至"])
        for k, text in enumerate(texts):
            pen.text(10, 60 + 70 * k, text, 40, bold=k % 2 == 0)
        pen.bytes("png")
        for period in ("2026-06", "2026-09", "2026-Q3"):
            sheet = json.loads(publications.get(db, "linyi-2026", period)["sheet"])
            board_image(sheet, contest, size="phone")
            board_image(sheet, contest, fmt="svg", size="screen")
        heatmap(json.loads(publications.get(db, "linyi-2026", "2026-09")["sheet"]), contest)
        unit_chart([{"period": "2026-06", "rank": 2, "total": 88.0, "size": 3}],
                   max((u.name for u in contest.units), key=len), contest.name)
    db.close()
