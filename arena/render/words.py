"""The Chinese words and labels that boards, charts, pages and workbooks share.

Pure: no matplotlib here, so the pages and the Excel export can use it cheaply.
"""

from __future__ import annotations

import calendar
import unicodedata
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from arena.engine.periods import month_number, parse_period, week_day

CARD_COLOURS = {"blue": "蓝", "yellow": "黄", "red": "红"}  # 红黄蓝 cards: 蓝牌, 黄牌, 红牌

FLAG_WORDS = {"red_flag": "流动红旗", "yellow_flag": "黄旗", "warning": "约谈", "vetoed": "一票否决",
              "missing": "未报"}
FLAG_ORDER = ("red_flag", "yellow_flag", "warning", "vetoed", "missing")
LIGHT_WORDS = {"green": "绿", "yellow": "黄", "red": "红"}
BOARD_WORDS = {"dragon": "龙榜", "tiger": "虎榜"}
_QUARTERS = ("一", "二", "三", "四")


def period_label(period: str) -> str:
    """2026-06 -> 2026年6月; 2026-Q2 -> 2026年第二季度; 2026-H1 -> 2026年上半年; 2026 -> 2026年度;
    2026-W14 -> 2026年第14周."""
    p = parse_period(period)
    if p.kind == "month":
        return f"{p.year}年{p.n}月"
    if p.kind == "quarter":
        return f"{p.year}年第{_QUARTERS[p.n - 1]}季度"
    if p.kind == "half":
        return f"{p.year}年{'上' if p.n == 1 else '下'}半年"
    if p.kind == "week":
        return f"{p.year}年第{p.n}周"
    return f"{p.year}年度"


def week_span(period: str) -> str:
    """2026-W14 -> 3月30日至4月5日 (2026-W01: 2025年12月29日至2026年1月4日, across the year)."""
    p = parse_period(period)
    first, last = week_day(p, 1), week_day(p, 7)
    start = f"{first.year}年{first.month}月{first.day}日" if first.year != p.year else f"{first.month}月{first.day}日"
    end = f"{last.year}年{last.month}月{last.day}日" if last.year != first.year else f"{last.month}月{last.day}日"
    return f"{start}至{end}"


def time_label(iso: str | None) -> str:
    """2026-07-10T09:00:00+08:00 -> 2026年7月10日 09:00 (the contest's own clock, as stored)."""
    if not iso:
        return "未发布（草稿）"
    moment = datetime.fromisoformat(iso)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def deadline_label(iso: str | None, timezone: str) -> str:
    """2026-04-13T01:00:00+00:00 in Asia/Shanghai -> 2026-04-13 09:00: a notice's deadline."""
    if not iso:
        return ""
    return f"{datetime.fromisoformat(iso).astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M}"


def under_notice(sheet: dict[str, Any]) -> bool:
    """A sheet published for notice (公示稿); drafts, final sheets and sheets from before schema 4 are not."""
    return sheet.get("status") == "notice"


def notice_line(sheet: dict[str, Any], timezone: str) -> str | None:
    """公示截止 2026-04-13 09:00 for a sheet under notice, else None."""
    if not under_notice(sheet):
        return None
    return f"公示截止 {deadline_label(sheet.get('notice_until'), timezone)}"


NOTICE_MARK = "公示稿"


def cutoff_label(period: str) -> str:
    """The data cut-off: the last day of the period's last month (a week: its Sunday)."""
    p = parse_period(period)
    if p.kind == "week":
        sunday = week_day(p, 7)
        return f"{sunday.year}年{sunday.month}月{sunday.day}日"
    last = p.months[-1]
    year, month = int(last[:4]), int(last[5:7])
    return f"{year}年{month}月{calendar.monthrange(year, month)[1]}日"


def schedule_progress(period: str) -> float:
    """时序进度 = k(m)/12, m the period's last month."""
    return month_number(parse_period(period).months[-1]) / 12


def progress_label(period: str) -> str:
    k = month_number(parse_period(period).months[-1])
    return f"{100 * schedule_progress(period):.1f}%（{k}/12）"


def lag_text(lag: float | None) -> str:
    """A week's lag (周调度) in words: 超前 1.37 个百分点, 落后 4.11 个百分点, 与时间进度持平; 未报."""
    if lag is None:
        return "未报"
    if lag == 0:
        return "与时间进度持平"
    return f"{'落后' if lag > 0 else '超前'} {abs(lag):.2f} 个百分点"


def change_text(change: int | None) -> str:
    """↑2, ↓1; — for no move or nothing to compare with."""
    if change is None:
        return "—"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "—"


def change_class(change: int | None) -> str:
    """up, down or flat: 位次上升 is red and 下降 green, as Chinese boards colour them."""
    if change is None or change == 0:
        return "flat"
    return "up" if change > 0 else "down"


def flag_words(flags: list[str]) -> list[tuple[str, str]]:
    """(flag, word) in a fixed order of importance."""
    return [(f, FLAG_WORDS[f]) for f in FLAG_ORDER if f in flags]


def score_text(value: Any, precision: int = 2) -> str:
    """A total or points with the contest's decimals (91.70, not 91.7); — for none."""
    if value is None:
        return "—"
    return f"{float(value):.{precision}f}"


def text_width(text: str, size: float) -> float:
    """Rough width in the units of ``size``: a Chinese character is one em, Latin about half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.56 * size for ch in text)


def fit(text: str, size: float, width: float, smallest: float) -> tuple[str, float]:
    """(text, size) that fit ``width``: the size shrunk as far as ``smallest``, then the text cut
    with "…". A long unit name (中国（山东）自由贸易试验区济南片区) must not run into the score."""
    if text_width(text, size) <= width:
        return text, size
    size = max(smallest, size * width / text_width(text, size))
    if text_width(text, size) <= width * (1 + 1e-9):  # shrunk to fit exactly: rounding aside
        return text, size
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…", size


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (by text_width), at its own line breaks
    (a note typed as 一、二、三、) and at any character."""
    lines = []
    for paragraph in text.splitlines():
        line = ""
        for ch in paragraph:
            if line and text_width(line + ch, size) > width:
                lines.append(line)
                line = ch.lstrip()
            else:
                line += ch
        if line.strip():
            lines.append(line)
    return lines
