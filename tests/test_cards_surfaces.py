"""红黄蓝 cards everywhere a person looks: the sheet's JSON, the page, the big screen, the board,
the workbook, the 通报 and the 考核细则, each naming the colours as the rules do."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from arena import services
from arena.engine.rules import load_rules
from arena.render.board_plan import card_words
from arena.render.boards import board_image
from arena.render.notice_text import sheet_notice
from arena.render.workbook import sheet_workbook
from arena.services import publishing
from helpers import SMALL_RULES, month_rows

ARTIFACTS = Path(__file__).parent / "artifacts"
# the rules' own names: 标兵 for blue, 警示 for red, as a city may choose
CARDS = """
cards:
  position: {blue: {top: 1}, red: {bottom: 1}}
  progress: {blue: {rose: 1}, red: {fell: 1}}
  labels: {blue: 标兵, red: 警示}
"""
DUE = datetime(2026, 4, 20, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def carded(db, tmp_path, monkeypatch):
    """February: 甲 1st, 乙 2nd, 丙 3rd; March reversed: 丙 rose 2, 甲 fell 2."""
    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path / "instance"))
    services.save_rules(db, SMALL_RULES + CARDS, actor="t")
    rows = month_rows("2026-02") + month_rows("2026-03", gdp=(5.0, 6.0, 7.0), inv=(8.0, 10.0, 12.0))
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")
    for period in ("2026-02", "2026-03"):
        publishing.publish(db, "small", period, actor="t", now=DUE)
    from arena.http.app import create_app

    return create_app({"DATABASE": str(tmp_path / "arena.db"), "TESTING": True})


def march(app):
    return app.test_client().get("/api/contests/small/scores/2026-03").get_json()


def test_the_sheet_rows_carry_both_cards(carded):
    rows = {u["unit"]: u["cards"] for u in march(carded)["groups"][0]["units"]}
    # March: 丙 1st (blue, rose 2: blue), 乙 2nd (none), 甲 3rd (red, fell 2: red)
    assert rows == {"C": {"position": "blue", "progress": "blue"}, "B": {"position": None, "progress": None},
                    "A": {"position": "red", "progress": "red"}}
    february = carded.test_client().get("/api/contests/small/scores/2026-02").get_json()
    assert {u["cards"]["progress"] for u in february["groups"][0]["units"]} == {None}  # the first month


def test_the_page_and_the_screen_name_the_cards_by_the_rules(carded):
    client = carded.test_client()
    page = client.get("/contests/small/2026-03").get_data(as_text=True)
    assert "<th class=\"left\">亮牌</th>" in page
    assert "位次·标兵" in page and "进位·标兵" in page and "位次·警示" in page and "退位·警示" in page
    screen = client.get("/contests/small/screen").get_data(as_text=True)
    assert "位次·标兵" in screen and "退位·警示" in screen
    rules = client.get("/contests/small/rules").get_data(as_text=True)
    assert "蓝牌（标兵）：本组前 1 名且未被否决" in rules and "较上月下降 1 位及以上" in rules
    unit = client.get("/contests/small/units/A").get_data(as_text=True)  # 甲: 1st in February, last in March
    assert "位次·标兵" in unit and "退位·警示" in unit
    quarter_less = client.get("/contests/small/2026-02").get_data(as_text=True)
    assert "进位·" not in quarter_less and "退位·" not in quarter_less  # no progress in the first month


def test_the_board_the_workbook_and_the_notice_show_the_cards(carded):
    sheet = march(carded)
    contest = load_rules(SMALL_RULES + CARDS)
    rows = {u["unit"]: u for u in sheet["groups"][0]["units"]}
    assert card_words(rows["A"]["cards"], contest) == [("位次·警示", "red"), ("退位·警示", "red")]
    assert card_words(rows["B"]["cards"], contest) == []
    png = board_image(sheet, contest)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "board-with-cards.png").write_bytes(png)

    ws = load_workbook(io.BytesIO(sheet_workbook(sheet, contest)))[sheet["groups"][0]["name"]]
    header = [c.value for c in ws[6]]
    pos, prog = header.index("位次牌") + 1, header.index("进位牌") + 1
    by_name = {ws.cell(row=r, column=3).value: (ws.cell(row=r, column=pos).value, ws.cell(row=r, column=prog).value)
               for r in range(7, 10)}
    assert by_name == {"丙县": ("蓝牌·标兵", "蓝牌·标兵"), "乙县": (None, None), "甲县": ("红牌·警示", "红牌·警示")}

    text = "\n".join(p.text for p in sheet_notice(sheet, contest).body)
    assert "位次牌：蓝牌（标兵）丙县；红牌（警示）甲县。" in text
    assert "进位牌：蓝牌（标兵）丙县；红牌（警示）甲县。" in text
