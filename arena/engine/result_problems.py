"""Why a result row is refused: what a contest allows, and the helpers that explain a refusal.

They run only for rows that fail the fast checks in results.py, so they may take their time:
a name for a code (taken when exactly one unit or indicator has it), a month Excel turned into a
date, "１２" or "1_000" for a number.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from arena.engine.periods import Period, PeriodError, parse_period, week_day
from arena.engine.rules.model import Contest

MAX_ABS = 1e12  # larger figures are typing accidents, not statistics
MIN_ABS = 1e-12  # so are smaller ones other than 0; and t / x stays finite (at most 1e24)
# Messages name the fields as the Chinese headers do: a county's data clerk reads them.
FIELD_WORDS = {"unit": "单位", "key": "指标", "period": "期间", "value": "数值"}
_KIND_WORDS = {"quarter": "季度", "half": "半年", "year": "年度"}
_LIST_UNITS, _LIST_KEYS = 10, 20  # name the valid codes when there are this few


def show_text(text: str, limit: int = 40) -> str:
    """Quote text for a message: escape control characters and lone surrogates, cut long text."""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return "'" + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in cut) + "'"


def show_number(x: float) -> str:
    return format(x, ".15g")  # 1e13 -> 10000000000000, 12.5 -> 12.5, nan -> nan


class Context:
    """What a contest allows, prepared once, and the helpers that explain a refusal."""

    def __init__(self, contest: Contest):
        self.contest = contest
        self.unit_codes = frozenset(u.code for u in contest.units)
        self.keys = contest.keys
        self.counts = frozenset(a.id for a in contest.adjustments)
        self.months = frozenset(contest.months)
        self.weeks: set[str] = set()  # weeks already found good, so a week's rows check fast
        self.week_keys = frozenset(i.id for i in contest.weekly_indicators)
        codes = [u.code for u in contest.units]
        unit_names = _names((u.name, u.code) for u in contest.units)
        key_names = _names((i.name, i.id) for i in (*contest.indicators, *contest.adjustments))
        # field -> (valid codes, {name: codes}, the codes listed in a message when few, what a code is)
        self.known = {
            "unit": (self.unit_codes, unit_names, "、".join(codes) if len(codes) <= _LIST_UNITS else None, "代码"),
            "key": (self.keys, key_names, "、".join(sorted(self.keys)) if len(self.keys) <= _LIST_KEYS else None,
                    "标识"),
        }
        # codes that are also another unit's (key's) name: ambiguous, so off the fast path
        self.plain_units = self.unit_codes - _clashes(unit_names)
        self.plain_keys = self.keys - _clashes(key_names)
        self._shown = {"unit": {u.code: u.name for u in contest.units},
                       "key": {i.id: i.name for i in (*contest.indicators, *contest.adjustments)}}

    def code(self, field: str, raw: Any, found: list, coded: bool = False) -> str | None:
        """A unit or key as its code: a code, or exactly one unit's (indicator's) name; None with
        the reason otherwise (a typo, a name two of them share). ``coded``: the cell holds a code
        for certain (the fill-in workbook's hidden cells), so a code is never read as a name."""
        valid, names, listing, word = self.known[field]
        text = _code_text(field, raw, found)
        if text is None:
            return None
        what = FIELD_WORDS[field]
        candidates = tuple(dict.fromkeys(((text,) if text in valid else ()) + (() if coded else names.get(text, ()))))
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            shown = "、".join(f"{c}（{self._shown[field][c]}）" for c in candidates)
            found.append((field, f"{what} {show_text(text)} 不明确：可能是{what} {shown}；请填写其{word}"))
            return None
        hint = f"；可填的{what}{word}有 {listing}" if listing else ""
        found.append((field, f"未知的{what} {show_text(text)}{hint}"))
        return None

    def period(self, period: Any, found: list) -> str | None:
        if isinstance(period, dt.date):  # an Excel cell that turned 2026-03 into a date
            at_midnight = not isinstance(period, dt.datetime) or period.time() == dt.time()
            if period.day == 1 and at_midnight:
                period = f"{period.year:04d}-{period.month:02d}"
            else:
                found.append(("period", f"期间 {period.isoformat()} 是日期：请按月份写作 YYYY-MM"))
                return None
        text = _code_text("period", period, found)
        if text is None or text in self.months:
            return text
        if text in self.weeks:
            return text
        try:
            parsed = parse_period(text)
        except PeriodError as exc:
            if str(exc).startswith("not a week"):  # written as a week, but none such: 2025-W53
                found.append(("period", f"期间 {show_text(text)} 不是存在的 ISO 周：{exc}"))
            else:
                weeks = "，或按周写作 YYYY-Www，如 2026-W14" if self.contest.weekly else ""
                found.append(("period", f"期间 {show_text(text)} 不是月份：请写作 YYYY-MM，如 2026-03{weeks}"))
            return None
        c = self.contest
        if parsed.kind == "week":
            return self.week(parsed, found)
        if parsed.kind != "month":
            found.append(("period", f"期间 {text} 是{_KIND_WORDS.get(parsed.kind, parsed.kind)}：成绩按月报送（YYYY-MM）"))
        else:
            found.append(("period", f"期间 {text} 不在本赛季（{c.season_start} 至 {c.season_end}）内"))
        return None

    def week(self, week: Period, found: list) -> str | None:
        """A week of the dispatch (周调度): the rules must have one, and its Thursday lie in the season."""
        c, text = self.contest, str(week)
        if c.weekly is None:
            found.append(("period", f"期间 {text} 是周：本擂台赛未设周调度（规则中没有 weekly），成绩按月报送（YYYY-MM）"))
            return None
        if week.months[0] not in self.months:
            found.append(("period", f"期间 {text}（{week_day(week, 1)} 至 {week_day(week, 7)}）"
                                    f"不在本赛季（{c.season_start} 至 {c.season_end}）内"))
            return None
        self.weeks.add(text)
        return text

    def week_key(self, key: str, found: list) -> None:
        """A week's row is a value to date of an indicator of the dispatch, never an adjustment."""
        if key not in self.week_keys:
            listed = "、".join(sorted(self.week_keys))
            found.append(("key", f"指标 {key} 不在周调度中：按周只报送周调度的指标（{listed}）"))


def _names(pairs) -> dict[str, tuple[str, ...]]:
    """name (trimmed) -> the codes of everything so named, in the file's order."""
    found: dict[str, tuple[str, ...]] = {}
    for name, code in pairs:
        found[name.strip()] = found.get(name.strip(), ()) + (code,)
    return found


def _clashes(names: dict[str, tuple[str, ...]]) -> frozenset[str]:
    """Texts that are a code and also the name of something else."""
    return frozenset(name for name, codes in names.items() if any(c != name for c in codes))


def _code_text(field: str, value: Any, found: list) -> str | None:
    """A unit, key or period cell as text: Excel and JSON numbers become their decimal string."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        kind = "true/false" if isinstance(value, bool) else type(value).__name__
        what = FIELD_WORDS[field]
        found.append((field, f"{what}为空" if value is None else f"{what}应为文字，不能是 {kind}"))
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return show_number(value)
        value = int(value)
    text = str(value).strip()
    if not text:
        found.append((field, f"{FIELD_WORDS[field]}为空"))
        return None
    bad = next((c for c in text if not c.isprintable()), None)
    if bad is not None:
        what = "孤立的代理码位" if "\ud800" <= bad <= "\udfff" else "控制字符"
        found.append((field, f"{FIELD_WORDS[field]} {show_text(text)} 含有{what}（\\u{ord(bad):04x}）"))
        return None
    return text


def check_value(value: Any, found: list) -> float | None:
    """Explain why a value is refused, or return it as a float when it is fine after all."""
    if value is None or (isinstance(value, str) and not value.strip()):
        found.append(("value", "数值为空"))
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        kind = "true/false" if isinstance(value, bool) else type(value).__name__
        found.append(("value", f"数值应为数字，不能是 {kind}"))
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if not text.isascii() or "_" in text:  # float() itself takes "1_000" and full-width "１２"
                raise ValueError(text)
            number = float(text)
        except ValueError:
            found.append(("value", f"数值 {show_text(text)} 不是十进制数字（应写作如 12.5）"))
            return None
    elif isinstance(value, int):
        if abs(value) > MAX_ABS:  # before float(), which overflows on huge ints
            shown = f"{value:.6g}" if abs(value) < 10**300 else "（超过 300 位）"
            found.append(("value", f"数值 {shown} 不合理：绝对值超过 {MAX_ABS:g}"))
            return None
        number = float(value)
    else:
        number = value
    if math.isfinite(number) and abs(number) <= MAX_ABS:
        if number == 0 or abs(number) >= MIN_ABS:
            return number
        found.append(("value", f"数值 {show_number(number)} 过小：非零数值的绝对值不能小于 {MIN_ABS:g}"))
        return None
    why = "不是有限数" if not math.isfinite(number) else f"不合理：绝对值超过 {MAX_ABS:g}"
    found.append(("value", f"数值 {show_number(number)} {why}"))
    return None
