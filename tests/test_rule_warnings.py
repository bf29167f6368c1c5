"""Rule files accepted with a warning: a board whose dragon side holds every unit of a group.
The loader carries warnings on the model; the CLI (stderr, exit 0), the API (a `warnings`
list) and the console (check and save) show them."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.cli import main
from arena.engine.rules import load_rules
from console_client import post, text
from helpers import SMALL_RULES

DEMO_RULES = Path(__file__).resolve().parents[1] / "rules" / "linyi-2026.yaml"
# SMALL_RULES has one group (county) of 3 units and no board: dragon defaults to 3 >= 3
BOARD_2 = SMALL_RULES.replace("publish:\n", "board: {dragon: 2, tiger: 1}\npublish:\n")
BOARD_3 = SMALL_RULES.replace("publish:\n", "board: {dragon: 3, tiger: 1}\npublish:\n")


def test_the_default_board_of_a_three_unit_group_warns_naming_the_group():
    [w] = load_rules(SMALL_RULES).warnings
    assert (w["path"], w["line"]) == ("", 1)  # no board key: the file as a whole
    assert "group county (区县组) has 3 units" in w["message"] and "default 3" in w["message"]


def test_a_written_dragon_count_is_named_with_its_line():
    [w] = load_rules(BOARD_3).warnings
    # SMALL_RULES has 19 lines before "publish:"; the board is line 20
    assert (w["path"], w["line"]) == ("board.dragon", 20)
    assert "board.dragon is 3, and group county (区县组) has 3 units" in w["message"]


def test_a_dragon_side_smaller_than_every_group_is_no_warning():
    assert load_rules(BOARD_2).warnings == ()


def test_the_demo_rules_carry_no_warning():
    # 区县组 has 12 units, 功能区组 3; the demo's board is dragon 1, tiger 1
    contest = load_rules(DEMO_RULES.read_text(encoding="utf-8"))
    assert contest.warnings == () and (contest.board.dragon, contest.board.tiger) == (1, 1)


def test_the_cli_prints_warnings_on_stderr_and_still_loads(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ARENA_DATABASE", str(tmp_path / "arena.db"))
    (tmp_path / "r.yaml").write_text(BOARD_3, encoding="utf-8")
    assert main(["contest", "load", str(tmp_path / "r.yaml")]) == 0
    out, err = capsys.readouterr()
    assert "created" in out
    assert err.startswith("warning: board.dragon, line 20: board.dragon is 3") and "group county" in err
    (tmp_path / "r.yaml").write_text(BOARD_2, encoding="utf-8")
    assert main(["contest", "load", str(tmp_path / "r.yaml")]) == 0
    assert capsys.readouterr().err == ""


def test_the_api_answers_warnings_with_post_and_put(world):
    client = world.client()
    headers = world.headers("organizer", **{"Content-Type": "application/yaml"})
    made = client.post("/api/contests", data=BOARD_3.replace("id: small", "id: other"), headers=headers)
    assert made.status_code == 201
    [w] = made.get_json()["warnings"]
    assert (w["path"], w["line"]) == ("board.dragon", 20) and "group county" in w["message"]
    saved = client.put("/api/contests/small/rules?note=board", data=BOARD_2, headers=headers)
    assert saved.status_code == 200 and saved.get_json()["warnings"] == []


@pytest.mark.parametrize("action", ["check", "save"])
def test_the_console_shows_warnings_on_check_and_save(organizer, action):
    answer = post(organizer, "/console/contests/small/rules", {"yaml": BOARD_3, "action": action, "note": "龙虎榜"})
    if action == "save":
        assert answer.status_code == 302
        answer = organizer.get(answer.headers["Location"])
    page = text(answer)
    assert "flash-warn" in page and "提醒（第 20 行，board.dragon）" in page and "group county" in page
