"""The 龙虎榜 image of a sheet: each group's dragon side and tiger side.

Each row shows rank, unit, total, change (↑2 red, ↓1 green), its marks (流动红旗, 黄旗, 约谈,
一票否决, 未报) and, on month boards, one light per indicator with a target: each column of
lights is headed by its number and the numbers are named in a legend under the groups. The title names
the contest, period, publication time and revision, and a sheet under notice carries a 公示稿
mark and its deadline (公示截止, in the contest's time zone); the footnote gives the data cut-off and
时序进度 = k(m)/12 (m the period's last month). Quarter boards list each group's red and yellow
flags; half and year boards the red flags won in their quarters.

Layout is written for a 1080-px-wide column (design units) and scaled: one column for a phone
(1080 px wide, as tall as it needs), a grid of group columns for a 1920x1080 screen.
"""

from __future__ import annotations

import math
from typing import Any

from arena.engine.rules.model import Contest
from arena.errors import BadRequest
from arena.render import words
from arena.render.board_plan import RED, GroupPlan, card_words, light_ids, light_labels, notice_lines, plan
from arena.render.canvas import Pen, check_format

SIZES = ("phone", "screen")
SCREEN = (1920, 1080)
PHONE_WIDTH = 1080

INK, MUTED, PAPER = "#1f2329", "#6b7280", "#ffffff"
GOLD, SLATE = "#ffd54f", "#37474f"
UP, DOWN = "#d32f2f", "#2e7d32"
LIGHTS = {"green": "#2e9d57", "yellow": "#f2b01e", "red": "#d93a3a"}
NO_LIGHT = "#c4c9d0"
BADGES = {"red_flag": "#c62828", "yellow_flag": "#f2b01e", "warning": "#ef6c00", "vetoed": "#212121",
          "missing": "#9e9e9e"}
CARD_BOXES = {"blue": "#1565c0", "yellow": "#f2b01e", "red": "#c62828"}
SIDE_STYLE = {"dragon": ("龙榜", RED, GOLD, "#fff6f0"), "tiger": ("虎榜", SLATE, "#ffffff", "#f2f4f7")}

ROW, SECTION, GROUP_HEAD, EMPTY, FLAG_LINE, GROUP_GAP = 112, 64, 88, 48, 42, 28
NOTICE_BAND, NOTICE_PAPER, NOTICE_INK = 76, "#fff4d6", "#8d3b00"
NOTICE_HINT = "公示期间，各单位可对本单位数据提出异议"
# lights: a column every LIGHT_STEP units, its number above it in each side's header line
LIGHT_STEP, LIGHT_NUMBER = 30, 20
LEGEND_HINT = "圆点上方的数字即下列指标的序号"
LEGEND_ROW = 34  # design units a line of the numbered legend takes
SCREEN_LEGEND_COLUMNS = 8


def _wrapped(lines: list[tuple[str, str]], size: float, width: float) -> list[tuple[str, str]]:
    return [(colour, part) for colour, text in lines for part in words.wrap(text, size, width)]


def group_height(g: GroupPlan) -> float:
    """Height in design units of one group's block."""
    rows = len(g.dragon) + len(g.tiger)
    empties = (not g.dragon) + (not g.tiger)
    return (GROUP_HEAD + 2 * SECTION + rows * ROW + empties * EMPTY
            + len(_wrapped(g.flag_lines, 28, 1000)) * FLAG_LINE + GROUP_GAP)


class _Board:
    def __init__(self, pen: Pen, sheet: dict[str, Any], contest: Contest):
        self.pen, self.sheet, self.contest = pen, sheet, contest
        self.precision = contest.precision
        self.lights = light_ids(sheet, contest)
        self.labels = light_labels(contest, self.lights)

    def light_x(self, k: int) -> float:
        """x (design units) of light column k: the last one ends at the row's right edge."""
        return 1036 - 10 - (len(self.lights) - 1 - k) * LIGHT_STEP

    # one group's block, design units scaled by s from (x0, y0)
    def group(self, g: GroupPlan, x0: float, y0: float, s: float) -> None:
        pen, X = self.pen, (lambda x: x0 + x * s)
        count = f"共{g.size}个单位"
        name, size = words.fit(g.name, 42, 1000 - 24 - words.text_width(count, 24), 28)
        pen.text(X(40), y0 + 58 * s, name, size * s, INK, bold=True)
        pen.text(X(1040), y0 + 58 * s, count, 24 * s, MUTED, ha="right")
        pen.rect(X(24), y0 + 76 * s, 1032 * s, 3 * s, INK)
        y = y0 + GROUP_HEAD * s
        for side, units in (("dragon", g.dragon), ("tiger", g.tiger)):
            word, bg, fg, _ = SIDE_STYLE[side]
            pen.rect(X(24), y + 10 * s, 120 * s, 44 * s, bg, radius=8 * s)
            pen.text(X(84), y + 42 * s, word, 28 * s, fg, bold=True, ha="center")
            count = self.contest.board.dragon if side == "dragon" else self.contest.board.tiger
            pen.text(X(160), y + 42 * s, f"{'前' if side == 'dragon' else '后'}{count}名", 24 * s, MUTED)
            if units:  # each column of dots headed by its number in the legend
                for k, (number, _) in enumerate(self.labels):
                    pen.text(X(self.light_x(k)), y + 52 * s, number, LIGHT_NUMBER * s, MUTED, bold=True, ha="center")
            y += SECTION * s
            if not units:
                pen.text(X(40), y + 32 * s, "（本期无）", 24 * s, MUTED)
                y += EMPTY * s
            for i, u in enumerate(units):
                self.row(u, side, i, x0, y, s)
                y += ROW * s
        for colour, line in _wrapped(g.flag_lines, 28, 1000):
            pen.text(X(40), y + 32 * s, line, 28 * s, colour, bold=True)
            y += FLAG_LINE * s

    def row(self, u: dict[str, Any], side: str, i: int, x0: float, y: float, s: float) -> None:
        pen, X = self.pen, (lambda x: x0 + x * s)
        _, bg, fg, stripe = SIDE_STYLE[side]
        pen.rect(X(24), y + 4 * s, 1032 * s, (ROW - 8) * s, stripe if i % 2 == 0 else PAPER, radius=12 * s)
        pen.dot(X(78), y + ROW / 2 * s, 32 * s, bg)
        pen.text(X(78), y + (ROW / 2 + 11) * s, str(u["rank"]), 32 * s, fg, bold=True, ha="center")
        total = words.score_text(u["total"], self.precision)
        name, size = words.fit(u["name"], 38, 880 - 24 - words.text_width(total, 42) - 130, 24)
        pen.text(X(130), y + 48 * s, name, size * s, INK, bold=True)
        pen.text(X(880), y + 50 * s, total, 42 * s, INK, bold=True, ha="right")
        change = u.get("change")
        colour = {"up": UP, "down": DOWN}.get(words.change_class(change), MUTED)
        pen.text(X(1036), y + 48 * s, words.change_text(change), 32 * s, colour, bold=True, ha="right")
        x = 136.0
        for flag, word in words.flag_words(u.get("flags", [])):
            text_colour = INK if flag == "yellow_flag" else "#ffffff"
            pen.text(X(x), y + 90 * s, word, 22 * s, text_colour, box=BADGES[flag])
            x += words.text_width(word, 22) + 26
        for word, colour in card_words(u.get("cards"), self.contest):  # 红黄蓝 cards, by the rules' names
            pen.text(X(x), y + 90 * s, word, 22 * s, INK if colour == "yellow" else "#ffffff", box=CARD_BOXES[colour])
            x += words.text_width(word, 22) + 26
        for k, key in enumerate(self.lights):
            cell = u["indicators"].get(key)
            light = cell.get("light") if isinstance(cell, dict) else None
            pen.dot(X(self.light_x(k)), y + 83 * s, 10 * s, LIGHTS.get(light or "", NO_LIGHT), hollow=light is None)

    def legend(self, x0: float, baseline: float, s: float) -> float:
        """The three light colours with their words; returns the x after them."""
        pen, x = self.pen, x0
        for light, word in words.LIGHT_WORDS.items():
            pen.dot(x + 9 * s, baseline - 8 * s, 9 * s, LIGHTS[light])
            pen.text(x + 24 * s, baseline, word, 22 * s, MUTED)
            x += 60 * s
        return x

    def numbered_legend(self, x0: float, top: float, width: float, columns: int, size: float) -> float:
        """Each light's number and indicator name, in ``columns`` columns across ``width`` from
        (x0, top); returns the y under it."""
        pen, cell = self.pen, width / columns
        for n, (number, name) in enumerate(self.labels):
            r, c = divmod(n, columns)
            x, baseline = x0 + c * cell, top + (r + 0.75) * LEGEND_ROW * size / 22
            pen.text(x + 12 * size / 22, baseline, number, size, "#ffffff", bold=True, ha="center", box=MUTED)
            room = cell - 36 * size / 22 - 12
            pen.text(x + 30 * size / 22, baseline, *words.fit(name, size, room, size * 0.75), INK)
        return top + math.ceil(len(self.labels) / columns) * LEGEND_ROW * size / 22

    def title_lines(self) -> tuple[str, str, str]:
        sheet = self.sheet
        published = (f"第{sheet['revision']}版 · {words.time_label(sheet.get('published_at'))} 发布"
                     if sheet.get("revision") else "草稿 · 未发布")
        return self.contest.name, f"{words.period_label(sheet['period'])} 龙虎榜", published

    def footnote(self) -> str:
        period = self.sheet["period"]
        return f"数据截至{words.cutoff_label(period)} · 时序进度{words.progress_label(period)}"

    def provenance(self) -> str:
        sheet = self.sheet
        rules, data = (sheet.get("rules_sha256") or "")[:8], (sheet.get("data_sha256") or "")[:8]
        return f"依据已发布成绩单生成 · 规则 {rules or '—'} · 数据 {data or '—'}"


def _phone(sheet: dict[str, Any], contest: Contest) -> Pen:
    groups = plan(sheet, contest)
    note = words.wrap(f"更正说明：{sheet['note']}", 24, 1000) if sheet.get("note") else []
    stale = words.wrap(sheet["stale_notice"], 24, 1000) if sheet.get("stale_notice") else []
    notice = notice_lines(sheet, contest)
    head = (214 + (NOTICE_BAND if notice else 0) + (len(note) * 36 + 20 if note else 0)
            + (len(stale) * 36 + 20 if stale else 0))
    legend = math.ceil(len(light_ids(sheet, contest)) / 3)  # rows of the numbered legend
    foot = 40 + (44 + legend * LEGEND_ROW + 8 if legend else 0) + 40 + 34 + 40
    height = math.ceil(head + sum(group_height(g) for g in groups) + foot)
    pen = Pen(PHONE_WIDTH, height)
    board = _Board(pen, sheet, contest)
    title, subtitle, edition = board.title_lines()
    pen.rect(0, 0, PHONE_WIDTH, 214, RED)
    pen.text(540, 62, *words.fit(title, 40, 1000, 26), "#ffffff", bold=True, ha="center")
    pen.text(540, 136, subtitle, 60, GOLD, bold=True, ha="center")
    pen.text(540, 188, edition, 26, "#ffe0e0", ha="center")
    y = 214.0
    if notice:  # under notice (公示): not final yet, and it says until when
        mark, line = notice
        pen.rect(0, y, PHONE_WIDTH, NOTICE_BAND, NOTICE_PAPER)
        pen.text(40, y + 50, mark, 32, "#ffffff", bold=True, box=RED)
        x = 40 + words.text_width(mark, 32) + 40
        pen.text(x, y + 50, line, 30, NOTICE_INK, bold=True)
        pen.text(1040, y + 50, NOTICE_HINT, 20, NOTICE_INK, ha="right")
        y += NOTICE_BAND
    if note:
        pen.rect(0, y, PHONE_WIDTH, len(note) * 36 + 20, "#fff3e0")
        for line in note:
            pen.text(40, y + 36, line, 24, "#8d3b00")
            y += 36
        y += 20
    if stale:  # staleness.public_notice: a month it is built from was corrected after it
        pen.rect(0, y, PHONE_WIDTH, len(stale) * 36 + 20, "#fde2e1")
        for line in stale:
            pen.text(40, y + 36, line, 24, "#a11111", bold=True)
            y += 36
        y += 20
    y += 16
    for g in groups:
        board.group(g, 0, y, 1.0)
        y += group_height(g)
    y += 24
    if legend:
        x = board.legend(40, y + 30, 1.0)
        pen.text(x + 16, y + 30, LEGEND_HINT, 22, MUTED)
        y = board.numbered_legend(40, y + 44, 1000, 3, 22) + 8
    pen.text(40, y + 40, board.footnote(), 26, INK, bold=True)
    pen.text(40, y + 78, board.provenance(), 20, MUTED)
    return pen


def _screen(sheet: dict[str, Any], contest: Contest) -> Pen:
    width, height = SCREEN
    groups = plan(sheet, contest)
    pen = Pen(width, height)
    board = _Board(pen, sheet, contest)
    title, subtitle, edition = board.title_lines()
    pen.rect(0, 0, width, 120, RED)
    room = width - 80 - (900 + 40 if sheet.get("note") else 0)  # the note's line is on its right
    pen.text(40, 50, *words.fit(title, 32, room, 22), "#ffffff", bold=True)
    pen.text(40, 102, subtitle, 46, GOLD, bold=True)
    notice = notice_lines(sheet, contest)
    if notice:  # the mark beside the title, the deadline after the edition
        pen.text(40 + words.text_width(subtitle, 46) + 30, 100, notice[0], 32, RED, bold=True, box=GOLD)
        edition = f"{edition} · {notice[1]}"
    pen.text(width - 40, 102, edition, 26, "#ffe0e0", ha="right")
    if sheet.get("note"):  # two lines above the edition; a longer note ends in …, the page has it whole
        lines = words.wrap("更正说明：" + " ".join(sheet["note"].split()), 20, 900)
        if len(lines) > 2:
            lines = [lines[0], words.fit(lines[1] + "".join(lines[2:]), 20, 900, 20)[0]]
        for k, line in enumerate(lines):
            pen.text(width - 40 - (900 if k else 0), 34 + 28 * k, line, 20, "#ffe0e0", ha="left" if k else "right")
    legend_rows = math.ceil(len(board.labels) / SCREEN_LEGEND_COLUMNS)
    top, bottom, gap = 134.0, height - 64.0 - legend_rows * LEGEND_ROW, 24.0
    ncol = max(1, min(len(groups), 3))
    nrow = max(1, math.ceil(len(groups) / ncol))
    col_w = (width - gap * (ncol + 1)) / ncol
    cell_h = (bottom - top - gap * (nrow - 1)) / nrow
    tallest = max((group_height(g) for g in groups), default=1.0)
    s = min(col_w / PHONE_WIDTH, cell_h / tallest)
    for n, g in enumerate(groups):
        r, c = divmod(n, ncol)
        board.group(g, gap + c * (col_w + gap) + (col_w - PHONE_WIDTH * s) / 2, top + r * (cell_h + gap), s)
    pen.rect(0, bottom, width, height - bottom, "#f2f4f7")
    pen.text(40, bottom + 42, board.footnote(), 26, INK, bold=True)
    if sheet.get("stale_notice"):  # in place of the legend: the notice matters more
        room = width - 80 - words.text_width(board.footnote(), 26) - 40
        pen.rect(width - 40 - room - 12, bottom + 8, room + 24, 48, "#fde2e1", radius=8)
        pen.text(width - 40, bottom + 42, words.wrap(sheet["stale_notice"], 22, room)[0], 22, "#a11111",
                 bold=True, ha="right")
    elif board.lights:
        x = board.legend(width - 40 - 180 - words.text_width(LEGEND_HINT, 20) - 10, bottom + 42, 1.0)
        pen.text(x + 10, bottom + 42, LEGEND_HINT, 20, MUTED)
    if board.lights:
        board.numbered_legend(40, bottom + 58, width - 80, SCREEN_LEGEND_COLUMNS, 22)
    return pen


def board_pen(sheet: dict[str, Any], contest: Contest, size: str = "phone") -> Pen:
    """The board drawn but not saved: its ``texts`` are what it says."""
    if size not in SIZES:
        raise BadRequest(f"unknown board size {size!r}: use phone or screen",
                         [{"field": "size", "message": "phone or screen"}])
    if sheet.get("kind") == "week":  # a week's dispatch has no 龙虎榜: its board is the lag chart
        from arena.render.lag_chart import lag_pen

        return lag_pen(sheet, contest, size)
    return _phone(sheet, contest) if size == "phone" else _screen(sheet, contest)


def board_image(sheet: dict[str, Any], contest: Contest, *, fmt: str = "png", size: str = "phone") -> bytes:
    """The board of ``sheet`` as PNG or SVG bytes; ``size`` phone (1080 px wide) or screen (1920x1080).

    The same sheet and contest always give the same bytes.
    """
    check_format(fmt)
    return board_pen(sheet, contest, size).bytes(fmt)
