"""The board of a week's dispatch (周调度): a lag chart, who is ahead of and behind the time
schedule (时间过半、任务过半).

One panel per indicator of the dispatch; in each group a bar per unit from the time schedule's
line: to the right by how many percentage points it is ahead (-lag), to the left by how many
behind, in its light's colour; most ahead first, 未报 last. No ranks: a week is not a contest.
"""

from __future__ import annotations

from typing import Any

from arena.engine.rules.model import Contest
from arena.render import words
from arena.render.boards import LIGHTS, NO_LIGHT
from arena.render.canvas import Pen

INK, MUTED, AXIS, BAND = "#1f2329", "#6b7280", "#9aa3af", "#f2f4f7"
HEAD, ROW, PANEL_HEAD, GROUP_HEAD, MARGIN = 190, 46, 64, 44, 40
WIDTHS = {"phone": 1080, "screen": 1920}
LEGEND = "条形：完成进度领先（右）或落后（左）时间进度的百分点；颜色为指标的红黄绿灯"


def _order(units: list[dict[str, Any]], ind: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(unit row, its cell) for the units that are assessed, most ahead first, 未报 last."""
    assessed = [(u, u["indicators"][ind]) for u in units if u["indicators"].get(ind) is not None]
    return sorted(assessed, key=lambda uc: (uc[1]["lag"] is None, uc[1]["lag"] or 0.0, uc[0]["unit"]))


def _height(sheet: dict[str, Any]) -> int:
    rows = 0
    for ind in sheet["indicators"]:
        counts = [len(_order(g["units"], ind["id"])) for g in sheet["groups"]]
        rows += PANEL_HEAD + sum(GROUP_HEAD + ROW * n for n in counts if n)  # a group not assessed: left out
    return HEAD + rows + 70


def lag_pen(sheet: dict[str, Any], contest: Contest, size: str = "phone") -> Pen:
    """The lag chart drawn but not saved: its ``texts`` are what it says."""
    width = WIDTHS[size]
    pen = Pen(width, _height(sheet))
    period = sheet["period"]
    pen.rect(0, 0, width, HEAD - 30, "#b71c1c")
    title = f"{words.period_label(period)} 周调度 · 时间过半、任务过半"
    pen.text(MARGIN, 60, *words.fit(title, 38, width - 2 * MARGIN, 24), "#ffffff", bold=True)
    pen.text(MARGIN, 104, *words.fit(f"{contest.name} · {words.week_span(period)}", 24, width - 2 * MARGIN, 16),
             "#ffe0e0")
    pen.text(MARGIN, 140, *words.fit(LEGEND, 20, width - 2 * MARGIN, 14), "#ffe0e0")
    name_w = 300 if size == "phone" else 420
    label_w = 230
    left, right = MARGIN + name_w, width - MARGIN - label_w
    zero = (left + right) / 2
    y = float(HEAD)
    for ind in sheet["indicators"]:
        cells = [c for g in sheet["groups"] for _, c in _order(g["units"], ind["id"])]
        reach = max([abs(c["lag"]) for c in cells if c["lag"] is not None] + [10.0])
        scale = (right - left) / 2 / reach
        head = f"{ind['name']}（{ind['unit']}）· 时间进度 {100 * ind['progress']:.1f}%" if ind["unit"] else \
            f"{ind['name']} · 时间进度 {100 * ind['progress']:.1f}%"
        pen.text(MARGIN, y + 40, *words.fit(head, 28, width - 2 * MARGIN, 18), INK, bold=True)
        y += PANEL_HEAD
        for group in sheet["groups"]:
            rows = _order(group["units"], ind["id"])
            if not rows:
                continue
            top = y
            pen.rect(MARGIN, y + 4, width - 2 * MARGIN, GROUP_HEAD - 8, BAND, radius=6)
            pen.text(MARGIN + 12, y + 30, group["name"], 22, INK, bold=True)
            pen.text(zero, y + 30, "时间进度", 18, MUTED, ha="center")
            y += GROUP_HEAD
            for unit, cell in rows:
                pen.text(MARGIN + 8, y + ROW / 2 + 8, *words.fit(unit["name"], 22, name_w - 16, 14), INK)
                lag = cell["lag"]
                colour = LIGHTS.get(cell["light"] or "", NO_LIGHT)
                if lag is not None and lag != 0:
                    length = abs(lag) * scale
                    x = zero if lag < 0 else zero - length
                    pen.rect(x, y + 9, max(length, 2.0), ROW - 18, colour, radius=3)
                label = words.lag_text(lag) if cell["target"] is not None else "无目标"
                pen.text(right + 12, y + ROW / 2 + 8, label, 20, colour if lag is not None else MUTED)
                y += ROW
            pen.rect(zero - 1, top + GROUP_HEAD, 2, y - top - GROUP_HEAD, AXIS)  # the time schedule's line
    pen.text(MARGIN, y + 44, f"数据截至{words.cutoff_label(period)}（本周日）；周调度不计分、不排名", 18, MUTED)
    return pen
