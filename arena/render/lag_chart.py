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


def _panel_height(sheet: dict[str, Any], ind: dict[str, Any], row: float) -> float:
    counts = [len(_order(g["units"], ind["id"])) for g in sheet["groups"]]
    return PANEL_HEAD + sum(GROUP_HEAD + row * n for n in counts if n)  # a group not assessed: left out


def _layout(sheet: dict[str, Any], size: str) -> tuple[int, float, list[list[dict[str, Any]]]]:
    """(panels across, row height, the indicators in rows of panels): the phone stacks them; the
    big screen sets up to three side by side, with rows that fit 1080 px where they can."""
    inds = sheet["indicators"]
    across = 1 if size == "phone" else max(1, min(3, len(inds)))
    lines = [inds[k:k + across] for k in range(0, len(inds), across)]
    row = float(ROW)
    if size == "screen":
        fixed = sum(max(_panel_height(sheet, i, 0.0) for i in line) for line in lines)
        units = sum(max(_panel_height(sheet, i, 1.0) - _panel_height(sheet, i, 0.0) for i in line) for line in lines)
        if units:
            row = max(24.0, min(float(ROW), (1080 - HEAD - 70 - fixed) / units))
    return across, row, lines


def _panel(pen: Pen, sheet: dict[str, Any], ind: dict[str, Any], x0: float, y: float, w: float, row: float,
           small: bool) -> float:
    """One indicator's panel at (x0, y), ``w`` wide; returns where it ends."""
    name_w, label_w = (300, 230) if not small else (min(220, w * 0.3), 170)
    left, right = x0 + name_w, x0 + w - label_w
    zero = (left + right) / 2
    cells = [c for g in sheet["groups"] for _, c in _order(g["units"], ind["id"])]
    reach = max([abs(c["lag"]) for c in cells if c["lag"] is not None] + [10.0])
    scale = (right - left) / 2 / reach
    unit = f"（{ind['unit']}）" if ind["unit"] else ""
    head = f"{ind['name']}{unit}· 时间进度 {100 * ind['progress']:.1f}%"
    pen.text(x0, y + 40, *words.fit(head, 28, w, 16), INK, bold=True)
    y += PANEL_HEAD
    text = min(22.0, row * 0.5)
    for group in sheet["groups"]:
        rows = _order(group["units"], ind["id"])
        if not rows:
            continue
        top = y
        pen.rect(x0, y + 4, w, GROUP_HEAD - 8, BAND, radius=6)
        pen.text(x0 + 12, y + 30, group["name"], 22, INK, bold=True)
        pen.text(zero, y + 30, "时间进度", 18, MUTED, ha="center")
        y += GROUP_HEAD
        for unit_row, cell in rows:
            pen.text(x0 + 8, y + row / 2 + text / 3, *words.fit(unit_row["name"], text, name_w - 16, 12), INK)
            lag = cell["lag"]
            colour = LIGHTS.get(cell["light"] or "", NO_LIGHT)
            if lag is not None and lag != 0:
                length = abs(lag) * scale
                pen.rect(zero if lag < 0 else zero - length, y + row * 0.2, max(length, 2.0), row * 0.6, colour,
                         radius=3)
            label = words.lag_text(lag) if cell["target"] is not None else "无目标"
            pen.text(right + 10, y + row / 2 + text / 3, *words.fit(label, text - 2, label_w - 12, 11),
                     colour if lag is not None else MUTED)
            y += row
        pen.rect(zero - 1, top + GROUP_HEAD, 2, y - top - GROUP_HEAD, AXIS)  # the time schedule's line
    return y


def lag_pen(sheet: dict[str, Any], contest: Contest, size: str = "phone") -> Pen:
    """The lag chart drawn but not saved: its ``texts`` are what it says."""
    width = WIDTHS[size]
    across, row, lines = _layout(sheet, size)
    gap = 40
    panel_w = (width - 2 * MARGIN - gap * (across - 1)) / across
    height = HEAD + sum(max(_panel_height(sheet, i, row) for i in line) for line in lines) + 70
    pen = Pen(width, int(max(height, 1080 if size == "screen" else 0)))
    period = sheet["period"]
    pen.rect(0, 0, width, HEAD - 30, "#b71c1c")
    title = f"{words.period_label(period)} 周调度 · 时间过半、任务过半"
    pen.text(MARGIN, 60, *words.fit(title, 38, width - 2 * MARGIN, 24), "#ffffff", bold=True)
    pen.text(MARGIN, 104, *words.fit(f"{contest.name} · {words.week_span(period)}", 24, width - 2 * MARGIN, 16),
             "#ffe0e0")
    pen.text(MARGIN, 140, *words.fit(LEGEND, 20, width - 2 * MARGIN, 14), "#ffe0e0")
    y = float(HEAD)
    for line in lines:
        ends = [_panel(pen, sheet, ind, MARGIN + k * (panel_w + gap), y, panel_w, row, size == "screen")
                for k, ind in enumerate(line)]
        y = max(ends)
    pen.text(MARGIN, y + 44, f"数据截至{words.cutoff_label(period)}（本周日）；周调度不计分、不排名", 18, MUTED)
    return pen
