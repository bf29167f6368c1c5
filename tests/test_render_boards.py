"""Board images: their words, their layout plan, their size, byte-stable rendering, the cache."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from arena.errors import BadRequest
from arena.render import words

DUE = datetime(2026, 7, 10, 1, 0, tzinfo=timezone.utc)  # 2026-07-10 09:00 in Asia/Shanghai


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (bytes 16-24)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo contest with May, June and the second quarter published; (db, contest, {period: row})."""
    from arena import services
    from arena.engine.results import check_rows
    from arena.ingest import RawRow
    from arena.services import demo as demo_data
    from arena.services import publishing
    from arena.store import publications
    from arena.store.db import connect, migrate

    db = connect(str(tmp_path_factory.mktemp("boards") / "arena.db"))
    migrate(db)
    services.save_rules(db, Path(demo_data.DEMO_RULES).read_text(encoding="utf-8"), actor="t")
    contest, _ = services.contest_rules(db, "linyi-2026")
    raw = [RawRow(i, r["unit"], r["key"], r["period"], r["value"])
           for i, r in enumerate(demo_data.generate_results(contest), 1)]
    services.store_results(db, contest, check_rows(contest, raw), actor="t")
    for period in ("2026-05", "2026-06", "2026-Q2"):
        publishing.publish(db, "linyi-2026", period, actor="t", now=DUE)
    rows = {p: publications.get(db, "linyi-2026", p) for p in ("2026-05", "2026-06", "2026-Q2")}
    yield db, contest, rows
    db.close()


# ---- words: hand-computed labels ----

@pytest.mark.parametrize("period, label", [
    ("2026-06", "2026年6月"),        # a month: year, month number without a leading zero
    ("2026-12", "2026年12月"),
    ("2026-Q2", "2026年第二季度"),    # quarter 2 -> 二
    ("2026-H1", "2026年上半年"),
    ("2026-H2", "2026年下半年"),
    ("2026", "2026年度"),
])
def test_period_label(period, label):
    assert words.period_label(period) == label


@pytest.mark.parametrize("period, cutoff, progress, share", [
    ("2026-06", "2026年6月30日", "50.0%（6/12）", 0.5),        # k = 6: 6/12
    ("2026-02", "2026年2月28日", "16.7%（2/12）", 2 / 12),     # 2026 is not a leap year; 2/12 = 16.67%
    ("2026-Q1", "2026年3月31日", "25.0%（3/12）", 0.25),       # a quarter ends with its last month, k = 3
    ("2026-H2", "2026年12月31日", "100.0%（12/12）", 1.0),
    ("2026", "2026年12月31日", "100.0%（12/12）", 1.0),
])
def test_cutoff_and_schedule_progress(period, cutoff, progress, share):
    assert words.cutoff_label(period) == cutoff
    assert words.progress_label(period) == progress
    assert words.schedule_progress(period) == pytest.approx(share)


@pytest.mark.parametrize("change, text, css", [
    (2, "↑2", "up"),       # moved up two places
    (-1, "↓1", "down"),    # moved down one
    (0, "—", "flat"),      # no move
    (None, "—", "flat"),   # first scored month: nothing to compare with
])
def test_change_words(change, text, css):
    assert words.change_text(change) == text
    assert words.change_class(change) == css


@pytest.mark.parametrize("value, precision, text", [
    (91.7, 2, "91.70"),   # the contest's decimals are always shown
    (57.43, 2, "57.43"),
    (8, 1, "8.0"),
    (None, 2, "—"),
])
def test_score_text(value, precision, text):
    assert words.score_text(value, precision) == text


@pytest.mark.parametrize("iso, text", [
    ("2026-07-10T09:00:00+08:00", "2026年7月10日 09:00"),
    (None, "未发布（草稿）"),
])
def test_time_label(iso, text):
    assert words.time_label(iso) == text


@pytest.mark.parametrize("text, size, width, lines", [
    ("临沂沂河新区", 10, 30, ["临沂沂", "河新区"]),  # 3 CJK characters of 10 fill 30 exactly; a 4th is 40 > 30
    ("ab临沂", 10, 20, ["ab", "临沂"]),             # Latin is 5.6: ab = 11.2, ab临 = 21.2 > 20; 临沂 = 20
    ("", 10, 20, []),
    ("一、甲\n二、乙县\r\n\n三", 10, 30, ["一、甲", "二、乙", "县", "三"]),  # its own breaks first; blank lines dropped
])
def test_wrap(text, size, width, lines):
    assert words.wrap(text, size, width) == lines


def test_flag_words_in_fixed_order():
    assert words.flag_words(["missing", "warning", "red_flag"]) == [
        ("red_flag", "流动红旗"), ("warning", "约谈"), ("missing", "未报")]


# ---- the layout plan, on hand-made sheets ----

def _unit(code, rank, board, flags=(), **extra):
    return {"unit": code, "name": f"单位{code}", "rank": rank, "total": 90.0 - rank, "change": None,
            "flags": list(flags), "indicators": {}, "adjustments": {}, "board": board, **extra}


def test_plan_splits_each_group_into_its_two_sides():
    from arena.render.board_plan import plan

    sheet = {"kind": "month", "groups": [{"id": "g", "name": "区县组", "units": [
        _unit("A", 1, "dragon"), _unit("B", 2, "dragon"), _unit("C", 3, None), _unit("D", 4, "tiger")]}]}
    (g,) = plan(sheet)
    assert (g.name, g.size) == ("区县组", 4)
    assert [u["unit"] for u in g.dragon] == ["A", "B"]
    assert [u["unit"] for u in g.tiger] == ["D"]
    assert g.flag_lines == []  # a month board lists no flags


def test_plan_lists_quarter_flags_and_half_year_counts():
    from arena.render.board_plan import plan

    quarter = {"kind": "quarter", "groups": [{"id": "g", "name": "区县组", "units": [
        _unit("A", 1, "dragon", ["red_flag"]), _unit("B", 2, None), _unit("C", 3, "tiger", ["yellow_flag"])]}]}
    assert [text for _, text in plan(quarter)[0].flag_lines] == ["流动红旗：单位A", "黄旗：单位C"]
    no_yellow = {"kind": "quarter", "groups": [{"id": "g", "name": "功能区组", "units": [_unit("A", 1, "dragon")]}]}
    assert [text for _, text in plan(no_yellow)[0].flag_lines] == ["流动红旗：无"]  # and no yellow line
    half = {"kind": "half", "groups": [{"id": "g", "name": "区县组", "units": [
        _unit("A", 1, "dragon", red_flags=2), _unit("B", 2, None, red_flags=0)]}]}
    assert [text for _, text in plan(half)[0].flag_lines] == ["半年累计流动红旗（各季度合计）：单位A×2"]
    # the year's tally: most flags first, ties in rank order, and it says it is the year's
    year = {"kind": "year", "groups": [{"id": "g", "name": "区县组", "units": [
        _unit("A", 1, "dragon", red_flags=1), _unit("B", 2, None, red_flags=3), _unit("C", 3, None, red_flags=1),
        _unit("D", 4, "tiger", red_flags=0)]}]}
    assert [text for _, text in plan(year)[0].flag_lines] == ["全年累计流动红旗（各季度合计）：单位B×3、单位A×1、单位C×1"]


def test_light_ids_follow_the_rules_order(demo):
    from arena.render.board_plan import light_ids

    _, contest, rows = demo
    sheet = json.loads(rows["2026-06"]["sheet"])
    # the demo's indicators with a target (and so a light), in the order of the rule file
    assert light_ids(sheet, contest) == ["jgtz", "xzqy", "zsyz", "ybys", "sszb", "sywz", "xkgxm", "nhzb"]
    assert light_ids(json.loads(rows["2026-Q2"]["sheet"]), contest) == []  # quarters carry mean points only


# ---- the images ----

def test_phone_board_is_1080_wide_and_screen_board_is_1920_by_1080(demo):
    from arena.render.boards import board_image

    _, contest, rows = demo
    sheet = json.loads(rows["2026-06"]["sheet"])
    width, height = png_size(board_image(sheet, contest, fmt="png", size="phone"))
    # two groups of one dragon and one tiger row each (the demo board is dragon 1, tiger 1), title
    # and footnote: taller than a screen is wide, and a phone scrolls it
    assert width == 1080 and height > 1080
    assert png_size(board_image(sheet, contest, fmt="png", size="screen")) == (1920, 1080)


@pytest.mark.parametrize("period, fmt, size", [
    ("2026-06", "png", "phone"), ("2026-06", "png", "screen"), ("2026-Q2", "png", "phone"),
    ("2026-06", "svg", "phone"), ("2026-Q2", "svg", "screen"),
])
def test_same_publication_gives_the_same_bytes(demo, period, fmt, size):
    from arena.render.boards import board_image

    _, contest, rows = demo
    first = board_image(json.loads(rows[period]["sheet"]), contest, fmt=fmt, size=size)
    again = board_image(json.loads(rows[period]["sheet"]), contest, fmt=fmt, size=size)
    assert first == again
    assert b"matplotlib" not in first.lower() or fmt == "svg"  # no software tag in the PNG
    if fmt == "svg":
        assert first.startswith(b"<?xml") and b"<dc:date>" not in first


def test_a_different_sheet_gives_different_bytes(demo):
    from arena.render.boards import board_image

    _, contest, rows = demo
    sheet = json.loads(rows["2026-06"]["sheet"])
    corrected = dict(sheet, revision=2, note="更正：数据核实")
    assert board_image(sheet, contest) != board_image(corrected, contest)


@pytest.mark.parametrize("fmt, size, field", [("gif", "phone", "format"), ("png", "huge", "size")])
def test_unknown_format_or_size_is_a_bad_request(demo, fmt, size, field):
    from arena.render.boards import board_image

    _, contest, rows = demo
    with pytest.raises(BadRequest) as caught:
        board_image(json.loads(rows["2026-06"]["sheet"]), contest, fmt=fmt, size=size)
    assert caught.value.details[0]["field"] == field


# ---- the cache ----

def test_board_is_rendered_once_per_publication_and_kept_on_disk(demo, tmp_path, monkeypatch):
    from arena.render import boards, cache

    _, contest, rows = demo
    calls = []
    real = boards.board_image
    monkeypatch.setattr(boards, "board_image", lambda *a, **k: calls.append(1) or real(*a, **k))
    pub = rows["2026-06"]
    first = cache.board_bytes(str(tmp_path), pub, contest, "png", "phone")
    again = cache.board_bytes(str(tmp_path), pub, contest, "png", "phone")
    assert first == again and len(calls) == 1
    kept = tmp_path / "cache" / "boards" / f"{pub['sheet_sha256']}-phone-v{cache.RENDER_VERSION}.png"
    assert kept.read_bytes() == first
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]  # no temporary file left behind
    cache.board_bytes(str(tmp_path), pub, contest, "svg", "screen")
    assert len(calls) == 2  # another format or size is another file


def test_concurrent_requests_all_get_the_whole_file(demo, tmp_path):
    from arena.render import cache

    _, contest, rows = demo
    got: list[bytes] = []
    threads = [threading.Thread(target=lambda: got.append(
        cache.board_bytes(str(tmp_path), rows["2026-05"], contest, "png", "screen"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and len(set(got)) == 1
    assert png_size(got[0]) == (1920, 1080)


@pytest.mark.parametrize("sha", ["", "../../etc/passwd", "A" * 64])
def test_cache_refuses_a_publication_without_a_clean_hash(demo, tmp_path, sha):
    from arena.render import cache

    _, contest, rows = demo
    with pytest.raises(BadRequest):
        cache.board_bytes(str(tmp_path), dict(rows["2026-06"], sheet_sha256=sha), contest, "png", "phone")


@pytest.mark.parametrize("text, size, width, smallest, expected", [
    ("费县", 38, 500, 26, ("费县", 38)),                                  # fits as it is
    ("临沂高新技术产业开发区", 40, 400, 20, ("临沂高新技术产业开发区", 40 * 400 / 440)),  # 11 em of 40 = 440: shrunk to fit
    # at 20: 9 em + … (ambiguous width, 0.56 em) = 191.2 <= 200; 10 em + … = 211.2 > 200
    ("临沂高新技术产业开发区", 40, 200, 20, ("临沂高新技术产业开…", 20)),
])
def test_fit(text, size, width, smallest, expected):
    got = words.fit(text, size, width, smallest)
    assert got[0] == expected[0] and got[1] == pytest.approx(expected[1])


# ---- the lights, labelled ----

DEMO_LIGHTS = ["工业技改投资", "新增规上工业企业", "省外到位资金", "一般公共预算收入", "税收占比", "实际使用外资",
               "亿元以上新开工项目", "单位工业增加值能耗"]  # the demo's indicators with a target, in rule order


def test_each_light_column_is_numbered_as_in_the_legend(demo):
    from arena.render.board_plan import legend_text, light_ids, light_labels

    _, contest, rows = demo
    sheet = json.loads(rows["2026-06"]["sheet"])
    labels = light_labels(contest, light_ids(sheet, contest))
    assert labels == [(str(n), name) for n, name in enumerate(DEMO_LIGHTS, 1)]
    assert legend_text(contest, light_ids(sheet, contest)).startswith("灯号：1 工业技改投资　2 新增规上工业企业")


@pytest.mark.parametrize("size", ["phone", "screen"])
def test_the_number_above_each_column_stands_over_its_dots(demo, size):
    from arena.render.boards import board_pen

    _, contest, rows = demo
    pen = board_pen(json.loads(rows["2026-06"]["sheet"]), contest, size)
    # the demo board: two groups of a dragon and a tiger row, so four headed sections of 8 lights
    numbers = [t for t in pen._labels if t.text.isdigit() and t.color == "#6b7280" and not t.box]  # not ranks
    rank_dot = max(d[2] for d in pen._dots)  # a light is 10 design units across where a rank's dot is 32
    row_dots = sorted({round(x, 3) for x, _, r, _, _ in pen._dots if r == pytest.approx(rank_dot * 10 / 32)})
    assert len(numbers) == 4 * 8
    assert sorted({round(t.x, 3) for t in numbers}) == row_dots  # one number a column, centred on it
    legend = [t.text for t in pen._labels if t.box == "#6b7280"]  # the legend's numbered chips
    assert legend == [str(n) for n in range(1, 9)]
    for name in DEMO_LIGHTS:
        assert name in pen.texts
    artifacts = Path(__file__).parent / "artifacts" / "boards"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / f"lights-{size}.png").write_bytes(pen.bytes("png"))


def test_a_quarter_board_has_no_light_numbers(demo):
    from arena.render.boards import board_pen

    _, contest, rows = demo
    pen = board_pen(json.loads(rows["2026-Q2"]["sheet"]), contest, "phone")
    assert "工业技改投资" not in pen.texts
    assert not [t for t in pen._labels if t.text.isdigit() and t.color == "#6b7280"]  # no column numbers


def test_the_screen_boards_correction_note_takes_two_lines(demo):
    from arena.render.boards import board_pen

    _, contest, rows = demo
    note = "因兰山区一般公共预算收入数据报送有误，经核实更正后重新发布，本次更正涉及区县组第二名至第五名的名次变化。" * 2
    pen = board_pen(dict(json.loads(rows["2026-06"]["sheet"]), revision=2, note=note), contest, "screen")
    lines = [t for t in pen.texts if t.startswith("更正说明：") or note[20:30] in t]
    assert lines[0].startswith("更正说明：因兰山区") and len(lines) == 2
    assert lines[1].endswith("…")  # a note longer than two lines ends in …; the pages have it whole
    assert words.text_width(lines[0], 20) <= 900 and words.text_width(lines[1], 20) <= 900
