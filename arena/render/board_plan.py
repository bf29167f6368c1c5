"""What a board shows, before any drawing: each group's dragon and tiger sides, its flag lines,
and which indicators carry a light. Pure data from the sheet and the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from arena.engine.rules.model import Contest
from arena.render import words

RED = "#b71c1c"


@dataclass
class GroupPlan:
    name: str
    size: int
    dragon: list[dict[str, Any]]
    tiger: list[dict[str, Any]]
    flag_lines: list[tuple[str, str]] = field(default_factory=list)  # (colour, text)


def _flag_lines(kind: str, units: list[dict[str, Any]], yellow_counted: bool) -> list[tuple[str, str]]:
    """Quarter: red and yellow flag holders (yellow only where the rules give the group any);
    half and year: the red flags won in their quarters."""
    if kind == "quarter":
        red = [u["name"] for u in units if "red_flag" in u["flags"]]
        yellow = [u["name"] for u in units if "yellow_flag" in u["flags"]]
        lines = [(RED, "流动红旗：" + ("、".join(red) or "无"))]
        return lines + ([("#9a6b00", "黄旗：" + ("、".join(yellow) or "无"))] if yellow or yellow_counted else [])
    if kind in ("half", "year"):  # a tally: most flags first, then in rank order (sorted is stable)
        holders = sorted((u for u in units if u.get("red_flags")), key=lambda u: -u["red_flags"])
        won = [f"{u['name']}×{u['red_flags']}" for u in holders]
        what = "全年" if kind == "year" else "半年"
        return [(RED, f"{what}累计流动红旗（各季度合计）：" + ("、".join(won) or "无"))]
    return []


def plan(sheet: dict[str, Any], contest: Contest | None = None) -> list[GroupPlan]:
    """Each group's two sides, in rank order, and its flag lines."""
    yellow = contest.awards.yellow_flags if contest is not None else None
    return [GroupPlan(g["name"], len(g["units"]),
                      [u for u in g["units"] if u.get("board") == "dragon"],
                      [u for u in g["units"] if u.get("board") == "tiger"],
                      _flag_lines(sheet["kind"], g["units"], yellow is not None and g["id"] in yellow.count))
            for g in sheet["groups"]]


def notice_lines(sheet: dict[str, Any], contest: Contest) -> tuple[str, str] | None:
    """(公示稿, 公示截止 <local time>) for a sheet under notice, else None: a board says so plainly."""
    line = words.notice_line(sheet, contest.timezone)
    return (words.NOTICE_MARK, line) if line else None


def light_ids(sheet: dict[str, Any], contest: Contest) -> list[str]:
    """Indicators that carry a light in this sheet, in the order of the rules."""
    possible = {i.id for i in contest.indicators if i.has_target}  # only these can carry one
    seen: set[str] = set()
    for group in sheet["groups"]:
        for u in group["units"]:
            seen.update(key for key in possible - seen
                        if isinstance(cell := u["indicators"].get(key), dict) and cell.get("light"))
            if seen == possible:  # usually after the first unit: a national sheet need not be read through
                return [i.id for i in contest.indicators if i.id in seen]
    return [i.id for i in contest.indicators if i.id in seen]


def light_labels(contest: Contest, lights: list[str]) -> list[tuple[str, str]]:
    """(number, indicator name) of each light column: the board prints the number above its
    column of dots and the pair in its legend, so a dot is read without counting."""
    names = {i.id: i.name for i in contest.indicators}
    return [(str(n), names[key]) for n, key in enumerate(lights, 1)]


def legend_text(contest: Contest, lights: list[str]) -> str:
    """The legend in one line of words, as the pages print it under the board."""
    return "灯号：" + "　".join(f"{n} {name}" for n, name in light_labels(contest, lights))


def card_words(cards: dict[str, Any] | None, contest: Contest) -> list[tuple[str, str]]:
    """A row's 红黄蓝 cards as (word, colour): 位次·<name> for the position card, 进位·<name> or
    退位·<name> for the progress card, each colour named as the rules name it."""
    if not cards:
        return []
    labels = contest.card_labels
    shown = []
    if cards.get("position"):
        shown.append((f"位次·{labels[cards['position']]}", cards["position"]))
    if cards.get("progress"):
        shown.append((f"{'进位' if cards['progress'] == 'blue' else '退位'}·{labels[cards['progress']]}", cards["progress"]))
    return shown
