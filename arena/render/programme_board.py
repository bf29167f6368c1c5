"""The board image of a programme's sheet (全年列榜单): per group, its honours (年奖) on red and
its penalties (年惩) on slate, every other unit between them, with the draft mark (草稿) while
some contest's year is not published. Drawn with the boards' Pen and CJK font."""

from __future__ import annotations

from typing import Any

from arena.render import words
from arena.render.boards import GOLD, INK, MUTED, PHONE_WIDTH, RED, SLATE
from arena.render.canvas import Pen, check_format

ROW, HEAD = 84, 96


def programme_board(sheet: dict[str, Any], names: dict[str, str], honour: str, penalty: str, *,
                    fmt: str = "png") -> bytes:
    """PNG or SVG bytes; ``names``: contest id -> name, for the footnote."""
    check_format(fmt)
    return programme_pen(sheet, names, honour, penalty).bytes(fmt)


def programme_pen(sheet: dict[str, Any], names: dict[str, str], honour: str, penalty: str) -> Pen:
    rows = sum(len(g["units"]) for g in sheet["groups"])
    band = 70 if sheet.get("draft") else 0
    height = 220 + band + len(sheet["groups"]) * HEAD + rows * ROW + 150
    pen = Pen(PHONE_WIDTH, height)
    pen.rect(0, 0, PHONE_WIDTH, 220, RED)
    pen.text(540, 70, *words.fit(sheet.get("name") or sheet["programme"], 44, 1000, 26), "#ffffff", bold=True, ha="center")
    pen.text(540, 145, f"{sheet['period']}年度全年列榜单", 56, GOLD, bold=True, ha="center")
    edition = (f"第{sheet['revision']}版 · {words.time_label(sheet['published_at'])} 发布" if sheet.get("revision")
               else "未发布")
    pen.text(540, 196, edition, 26, "#ffe0e0", ha="center")
    y = 220.0
    if band:
        pen.rect(0, y, PHONE_WIDTH, band, "#fff4d6")
        pen.text(40, y + 46, "草稿", 32, "#ffffff", bold=True, box=RED)
        pen.text(160, y + 46, "未发布：依据各擂台赛目前已发布的成绩计算", 28, "#8d3b00", bold=True)
        y += band
    for g in sheet["groups"]:
        pen.text(40, y + 64, g["name"], 40, INK, bold=True)
        y += HEAD
        for u in g["units"]:
            paper, ink = ("#fff6f0", RED) if u["honour"] else ("#f2f4f7", SLATE) if u["penalty"] else ("#ffffff", INK)
            pen.rect(20, y + 6, PHONE_WIDTH - 40, ROW - 12, paper, radius=12)
            pen.text(60, y + 54, str(u["rank"]), 34, ink, bold=True)
            pen.text(150, y + 54, *words.fit(u["name"], 34, 520, 22), ink, bold=u["honour"] or u["penalty"])
            pen.text(820, y + 54, words.score_text(u["total"]), 34, ink, bold=True, ha="right")
            mark = honour if u["honour"] else penalty if u["penalty"] else ""
            mark += ("·一票否决" if "vetoed" in u["flags"] else "") + ("·缺项" if "missing" in u["flags"] else "")
            if mark:
                pen.text(1040, y + 54, mark.lstrip("·"), 26, ink, bold=True, ha="right")
            y += ROW
    listed = "、".join(f"{names.get(s['contest'], s['contest'])} {s['weight']:g}%" for s in sheet["sources"])
    pen.text(40, y + 56, *words.fit(f"参评：{listed}", 24, 1000, 16), MUTED)
    pen.text(40, y + 100, f"红旗加分、缺项计 0 分、一票否决者排在最后；{honour}与{penalty}按名次认定", 22, MUTED)
    return pen
