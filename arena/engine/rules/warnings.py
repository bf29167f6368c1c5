"""What a rule file may say but probably does not mean: accepted, with a warning.

A warning has the shape of a problem (path, line, message) and is carried by the model
(``Contest.warnings``); the CLI, the API and the console show it beside "saved".
"""

from __future__ import annotations

from typing import Any

from arena.engine.rules.model import Board
from arena.engine.rules.problems import Problem


def rule_warnings(data: dict[str, Any]) -> list[Problem]:
    """Every warning of a rule file that has passed every check."""
    return board_warnings(data)


def board_warnings(data: dict[str, Any]) -> list[Problem]:
    """A board whose dragon side holds every unit of a group: a unit that did not report (0
    points, last) would still stand on the honour board."""
    board = data.get("board") or {}
    dragon = board.get("dragon", Board.dragon)
    path = ("board", "dragon") if "dragon" in board else ("board",) if "board" in data else ()
    sizes: dict[str, int] = {}
    for unit in data["units"]:
        sizes[unit["group"]] = sizes.get(unit["group"], 0) + 1
    where = "board.dragon" if "dragon" in board else "board.dragon (default 3)"
    return [(path, f"{where} is {dragon}, and group {g} ({data['groups'][g]}) has {n} unit"
                   f"{'' if n == 1 else 's'}: every unit of it stands on the dragon side, even one "
                   f"that did not report; set board.dragon below {n}")
            for g, n in sizes.items() if dragon >= n]
