"""Plain-text tables for the terminal, aligned by display width (a Chinese character is two)."""

from __future__ import annotations

import unicodedata
from typing import Any, Sequence


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int, right: bool = False) -> str:
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    sizes = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, sizes[i], numeric[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * s for s in sizes))
    for row in cells:
        lines.append("  ".join(pad(v, sizes[i], numeric[i]) for i, v in enumerate(row)).rstrip())
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 1e6 else f"{value:.10g}"
    return str(value)


def sheet_text(sheet: dict[str, Any], indicator_names: dict[str, str] | None = None) -> str:
    """A sheet as one table per group: rank, unit, total, change, flags, board, indicator points."""
    if sheet.get("kind") == "week":
        return week_text(sheet, indicator_names)
    flag_words = {"missing": "未报", "warning": "约谈", "vetoed": "否决", "red_flag": "红旗", "yellow_flag": "黄旗"}
    out = [f"{sheet['contest']}  {sheet['period']}  ({'草稿 draft' if sheet.get('revision') is None else '第%s版' % sheet['revision']})"]
    for group in sheet["groups"]:
        ids = list(group["units"][0]["indicators"]) if group["units"] else []
        headers = ["名次", "代码", "单位", "总分", "变化", "标记", "榜"] + ids
        rows = []
        for u in group["units"]:
            change = u.get("change")
            arrow = "" if change is None else ("↑%d" % change if change > 0 else "↓%d" % -change if change < 0 else "—")
            points = [_points(u["indicators"].get(i)) for i in ids]
            board = {"dragon": "龙", "tiger": "虎"}.get(u.get("board") or "", "")
            flags = " ".join(flag_words.get(f, f) for f in u.get("flags", []))
            rows.append([u["rank"], u["unit"], u["name"], u["total"], arrow, flags, board] + points)
        numeric = [True, False, False, True, True, False, False] + [True] * len(ids)
        out.append("")
        out.append(f"【{group['name']}】")
        out.append(table(headers, rows, numeric))
    if indicator_names:
        out.append("")
        out.append("  ".join(f"{k}={v}" for k, v in indicator_names.items()))
    return "\n".join(out)


_LIGHTS = {"green": "绿", "yellow": "黄", "red": "红"}


def week_text(sheet: dict[str, Any], indicator_names: dict[str, str] | None = None) -> str:
    """A week's dispatch (周调度) as one table per group: each indicator's value / target, lag
    (percentage points behind the time schedule; negative is ahead) and light; no ranks."""
    week = sheet["week"]
    out = [f"{sheet['contest']}  {sheet['period']}  {week['from']} 至 {week['to']}  "
           f"({'草稿 draft' if sheet.get('revision') is None else '第%s版' % sheet['revision']})"]
    ids = [i["id"] for i in sheet["indicators"]]
    for group in sheet["groups"]:
        headers = ["代码", "单位"] + [f"{i} 完成/目标" for i in ids] + [f"{i} 落后" for i in ids]
        rows = []
        for u in group["units"]:
            cells = [u["indicators"].get(i) for i in ids]
            done = ["未报" if c and c["missing"] else None if c is None else f"{_cell(c['value'])}/{_cell(c['target'])}"
                    for c in cells]
            lag = [None if c is None or c["lag"] is None else f"{c['lag']:.2f} {_LIGHTS.get(c['light'] or '', '')}".rstrip()
                   for c in cells]
            rows.append([u["unit"], u["name"], *done, *lag])
        out.append("")
        out.append(f"【{group['name']}】")
        out.append(table(headers, rows, [False, False] + [True] * (2 * len(ids))))
    out.append("")
    out.append("  ".join(f"{i['id']}={i['name']} 时间进度 {100 * i['progress']:.1f}%" for i in sheet["indicators"]))
    return "\n".join(out)


def _points(entry: Any) -> Any:
    if entry is None:
        return None
    if isinstance(entry, dict):
        return "未报" if entry.get("missing") else entry.get("points")
    return entry
