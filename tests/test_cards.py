"""红黄蓝 cards (RULES.md "红黄蓝 cards"): hand-computed position and progress cards."""

from __future__ import annotations

import pytest

from arena.engine.rules import load_rules
from arena.engine.rules.load import RulesError
from arena.engine.rules.model import Cards
from arena.engine.sheet import score
from builders import adjustment, column, contest, indicator
from helpers import SMALL_RULES

VALUE = indicator("a", "formula", weight=100, expr="value")  # the total is the value
EIGHT = {"g": [f"u{n}" for n in range(1, 9)]}
USUAL = Cards(blue_top=3, yellow_bottom=3, red_bottom=1, rose=3, fell=3)
VETO = [adjustment("major", veto=True)]


def cards_of(values: dict[str, float], cards: Cards = USUAL, units=EIGHT, before: dict | None = None, **rows):
    months = {"2026-02": {u: {"a": v, **rows.get(u, {})} for u, v in values.items()}}
    if before is not None:
        months["2026-01"] = {u: {"a": v} for u, v in before.items()}
    c = contest([VALUE], units=units, adjustments=VETO, cards=cards)
    sheet = score(c, "2026-02", months)
    return {u: (cs["position"], cs["progress"]) for u, cs in column(sheet, "cards").items()}


def position(values, cards=USUAL, units=EIGHT, **rows):
    return {u: p for u, (p, _) in cards_of(values, cards, units, **rows).items()}


def test_ties_at_the_borders_share_the_card():
    # ranks 1 2 3 3 5 6 7 8; from the bottom u8 1, u7 2, u6 3, u5 4, u3 and u4 5 (four below them)
    values = dict(u1=80, u2=70, u3=60, u4=60, u5=50, u6=40, u7=30, u8=20)
    assert position(values) == dict(u1="blue", u2="blue", u3="blue", u4="blue", u5=None, u6="yellow",
                                    u7="yellow", u8="red")
    # u6 and u7 tied at rank 6: both 2nd from the bottom; red bottom 2 makes both red, u8 too
    values = dict(u1=80, u2=70, u3=60, u4=55, u5=50, u6=30, u7=30, u8=20)
    assert position(values, Cards(blue_top=3, yellow_bottom=3, red_bottom=2)) == dict(
        u1="blue", u2="blue", u3="blue", u4=None, u5=None, u6="red", u7="red", u8="red")
    # two units tied last share bottom rank 1: both red
    assert position(dict(u1=80, u2=70, u3=60, u4=55, u5=50, u6=40, u7=20, u8=20))["u7"] == "red"


def test_a_vetoed_unit_is_always_red_and_never_blue():
    # u1 scores most but is vetoed: ranked last (8), red; u2 now 1st
    values = dict(u1=90, u2=80, u3=70, u4=60, u5=50, u6=40, u7=30, u8=20)
    got = position(values, u1={"major": 1})
    assert got == dict(u1="red", u2="blue", u3="blue", u4="blue", u5=None, u6=None, u7="yellow", u8="yellow")
    # without a red colour at all, a vetoed unit is still red
    assert position(values, Cards(blue_top=3), u1={"major": 1})["u1"] == "red"


def test_in_a_small_group_the_warning_wins_where_blue_meets_red():
    # three units: rank 1 2 3, from the bottom 3 2 1; blue top 3, yellow bottom 2, red bottom 1
    three = {"g": ["u1", "u2", "u3"]}
    got = position(dict(u1=30, u2=20, u3=10), Cards(blue_top=3, yellow_bottom=2, red_bottom=1), three)
    assert got == dict(u1="blue", u2="yellow", u3="red")


def test_a_colour_left_out_gives_no_card_of_it():
    values = dict(u1=80, u2=70, u3=60, u4=55, u5=50, u6=40, u7=30, u8=20)
    assert set(position(values, Cards(blue_top=2)).values()) == {"blue", None}
    assert set(position(values, Cards(position=False)).values()) == {None}


def test_progress_cards_by_places_moved_and_none_in_the_first_month():
    values = dict(u1=80, u2=70, u3=60, u4=55, u5=50, u6=40, u7=30, u8=20)
    first = cards_of(values)
    assert {p for _, p in first.values()} == {None}  # 2026-02 is the first scored month
    # January's ranks: u8 1st .. u1 8th; February's: u1 1st .. u8 8th; change = before - now
    before = dict(u1=10, u2=75, u3=62, u4=61, u5=12, u6=66, u7=11, u8=90)
    # January ranks: u8 1, u2 2, u6 3, u3 4, u4 5, u5 6, u7 7, u1 8
    # changes: u1 +7, u2 0, u3 +1, u4 +1, u5 +1, u6 -3, u7 0, u8 -7
    got = {u: p for u, (_, p) in cards_of(values, before=before).items()}
    assert got == dict(u1="blue", u2=None, u3=None, u4=None, u5=None, u6="red", u7=None, u8="red")


def test_a_unit_that_reported_nothing_last_month_was_still_ranked_there():
    values = dict(u1=80, u2=70, u3=60, u4=55, u5=50, u6=40, u7=30, u8=20)
    before = {u: v for u, v in values.items() if u != "u1"}
    before["u8"] = 99  # u8 fell from 1st to 8th: red
    # u1 reported nothing in January: 0 points, ranked 8th there, 1st now: +7, blue
    got = {u: p for u, (_, p) in cards_of(values, before=before).items()}
    assert got["u8"] == "red" and got["u1"] == "blue"


def test_only_month_sheets_carry_cards_and_none_without_the_block():
    c = contest([VALUE], units=EIGHT, cards=USUAL)
    data = {m: {u: {"a": 1.0} for u in EIGHT["g"]} for m in ("2026-01", "2026-02", "2026-03")}
    assert all("cards" not in r for g in score(c, "2026-Q1", data)["groups"] for r in g["units"])
    plain = contest([VALUE], units=EIGHT)
    assert all("cards" not in r for g in score(plain, "2026-01", data)["groups"] for r in g["units"])


CARDS_YAML = """
cards:
  position:
    blue: {top: 1}
    red: {bottom: 1}
  progress:
    red: {fell: 1}
  labels: {blue: 红旗单位}
"""


def test_the_cards_block_is_read_with_default_labels():
    c = load_rules(SMALL_RULES + CARDS_YAML)
    assert c.cards == Cards(blue_top=1, red_bottom=1, fell=1,
                            labels={"blue": "红旗单位", "yellow": "提醒", "red": "警告"})


@pytest.mark.parametrize("block, path", [
    ("cards: {position: {blue: {bottom: 1}}}", "cards.position.blue.bottom"),
    ("cards: {position: {red: {bottom: 0}}}", "cards.position.red.bottom"),
    ("cards: {progress: {yellow: {rose: 2}}}", "cards.progress.yellow"),
    ("cards: {labels: {red: \"\"}}", "cards.labels.red"),
    ("cards: {position: {blue: {top: true}}}", "cards.position.blue.top"),
])
def test_a_bad_cards_block_is_refused_naming_where(block, path):
    with pytest.raises(RulesError) as err:
        load_rules(SMALL_RULES + block + "\n")
    assert path in str(err.value.details if hasattr(err.value, "details") else err.value)
