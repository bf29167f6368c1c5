"""Charts from published sheets: a unit's rank and score over the months, and a heat map.

The heat map colours each unit's points on each indicator as a share of the full points its
group can get there (weight * cap), so a glance shows who is strong where; grey is not scored.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from matplotlib.colors import LinearSegmentedColormap, to_hex
from matplotlib.ticker import MaxNLocator

from arena.engine.rules.model import Contest
from arena.render import fonts, words
from arena.render.canvas import Pen, figure, save

INK, MUTED, GRID = "#1f2329", "#6b7280", "#e5e7eb"
SHARE = LinearSegmentedColormap.from_list("share", ["#d93a3a", "#f6c445", "#2e9d57"])
NAME_W, CELL_W, CELL_H, MARGIN = 330, 86, 46, 30
LEGEND = "颜色：得分占本组满分（权重×上限）的比例，红低绿高；灰色为不考核"


def _points(cell: Any) -> float | None:
    """A month cell holds a dict with points; longer periods hold the mean points itself."""
    if isinstance(cell, dict):
        return cell.get("points")
    return cell


def share_colour(points: float | None, full: float) -> str:
    """Colour of points / full on red (0) - yellow - green (1 and above)."""
    if points is None or full <= 0:
        return "#eceff3"
    return to_hex(SHARE(min(max(points / full, 0.0), 1.0)))


HEADER_CHARS = 4  # 18-px characters across an 86-px column


def header_lines(name: str, per_line: int = HEADER_CHARS) -> list[str]:
    """A column header broken into lines of even length, at most ``per_line`` characters each
    (规上工业增加值增速 -> 规上工, 业增加, 值增速), never one character a line."""
    count = max(1, math.ceil(len(name) / per_line))
    size = math.ceil(len(name) / count)
    return [name[i:i + size] for i in range(0, len(name), size)] or [""]


def heatmap(sheet: dict[str, Any], contest: Contest) -> bytes:
    """PNG: one row per unit (groups in order, units by rank), one column per indicator."""
    indicators = contest.indicators
    names = [header_lines(i.name) for i in indicators]
    head = 20 + max((len(lines) for lines in names), default=1) * 21 + 16
    rows = sum(len(g["units"]) for g in sheet["groups"])
    title = f"{words.period_label(sheet['period'])} 各指标得分热力图"
    width = math.ceil(MARGIN * 2 + max(NAME_W + CELL_W * len(indicators), words.text_width(title, 36),
                                       words.text_width(contest.name, 24), words.text_width(LEGEND, 20)))
    top = 150 + head
    height = top + rows * CELL_H + len(sheet["groups"]) * 56 + 110
    pen = Pen(width, height)
    pen.text(MARGIN, 56, title, 36, INK, bold=True)
    pen.text(MARGIN, 98, contest.name, 24, MUTED)
    pen.text(MARGIN, 134, LEGEND, 20, MUTED)
    for c, lines in enumerate(names):  # each name across its column, in as few lines as fit
        x = MARGIN + NAME_W + c * CELL_W + CELL_W / 2
        for k, line in enumerate(lines):
            pen.text(x, 150 + 24 + k * 21, line, 18, INK, ha="center")
    y = float(top)
    for group in sheet["groups"]:
        pen.text(MARGIN, y + 38, group["name"], 26, INK, bold=True)
        y += 56
        for u in group["units"]:
            pen.text(MARGIN + 6, y + CELL_H / 2 + 8, *words.fit(f"{u['rank']}. {u['name']}", 21, NAME_W - 16, 14), INK)
            for c, ind in enumerate(indicators):
                cell = u["indicators"].get(ind.id)
                pts = _points(cell)
                full = ind.weight.get(group["id"], 0.0) * ind.cap
                x = MARGIN + NAME_W + c * CELL_W
                pen.rect(x + 2, y + 2, CELL_W - 4, CELL_H - 4, share_colour(pts, full), radius=4)
                # a missing value scores 0 (so red), but reads 未报 as on the pages
                missing = isinstance(cell, dict) and cell.get("missing")
                label = "未报" if missing else words.score_text(pts, 1) if pts is not None else "—"
                pen.text(x + CELL_W / 2, y + CELL_H / 2 + 7, label, 18, INK if pts is not None else MUTED, ha="center")
            y += CELL_H
    # a colour bar from 0% to 100%
    bar_x, bar_w = MARGIN + NAME_W, min(CELL_W * len(indicators), 600)
    for k in range(50):
        pen.rect(bar_x + bar_w * k / 50, y + 30, bar_w / 50 + 0.5, 22, to_hex(SHARE(k / 49)))
    pen.text(bar_x, y + 80, "0%", 18, MUTED)
    pen.text(bar_x + bar_w, y + 80, "100%", 18, MUTED, ha="right")
    pen.text(MARGIN, y + 80, f"数据截至{words.cutoff_label(sheet['period'])}", 18, MUTED)
    return pen.bytes("png")


def unit_chart(history: Sequence[dict[str, Any]], unit_name: str, contest_name: str, precision: int = 2) -> bytes:
    """PNG of rank (above, 1 at the top) and total (below) by published month.

    ``history``: [{"period": "2026-01", "rank": 3, "total": 88.1, "size": 12}, ...] in order.
    """
    fig = figure(1080, 760)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1], "hspace": 0.12})
    fig.subplots_adjust(left=0.09, right=0.97, top=0.86, bottom=0.09)
    fig.text(0.03, 0.95, f"{unit_name} 历月名次与得分", fontproperties=fonts.font(30, True), color=INK)
    fig.text(0.03, 0.905, f"{contest_name} · 仅含已发布的月度成绩", fontproperties=fonts.font(18), color=MUTED)
    xs = list(range(len(history)))
    labels = [f"{int(h['period'][5:7])}月" for h in history]
    ranks = [h["rank"] for h in history]
    totals = [h["total"] for h in history]
    size = max([h.get("size") or 1 for h in history] + [max(ranks, default=1)])
    top.plot(xs, ranks, color="#b71c1c", marker="o", markersize=10, linewidth=3)
    top.set_ylim(size + 0.5, 0.5)
    top.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(size, 12)))
    top.set_ylabel("名次", fontproperties=fonts.font(20), rotation=0, ha="right", va="center")
    for x, r in zip(xs, ranks):
        top.annotate(str(r), (x, r), textcoords="offset points", xytext=(0, 12), ha="center",
                     fontproperties=fonts.font(18, True), color="#b71c1c")
    bottom.plot(xs, totals, color="#1f4e9c", marker="s", markersize=8, linewidth=3)
    low, high = min(totals, default=0.0), max(totals, default=1.0)
    pad = max(1.0, (high - low) * 0.25)
    bottom.set_ylim(math.floor(low - pad), math.ceil(high + pad))
    bottom.set_ylabel("得分", fontproperties=fonts.font(20), rotation=0, ha="right", va="center")
    for x, t in zip(xs, totals):
        bottom.annotate(words.score_text(t, precision), (x, t), textcoords="offset points", xytext=(0, 12), ha="center",
                        fontproperties=fonts.font(16), color="#1f4e9c")
    bottom.set_xticks(xs, labels)
    for ax in (top, bottom):
        ax.grid(True, color=GRID)
        ax.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for label in ax.get_xticklabels() + ax.get_yticklabels():
            label.set_fontproperties(fonts.font(16))
    return save(fig, "png")
