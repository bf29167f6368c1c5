"""The fill-in workbook's layout (填报表, arena.render.template writes it) and reading it back.

The first worksheet: A1 holds MARKER, A2 the period, row 3 (hidden) the contest id in A3 and an
indicator or adjustment id above each value column, row 4 the visible header, then one row per
unit with its code in column A (hidden) and its name in B. The hidden cells say exactly what
each value is, so a renamed header or unit changes nothing; empty value cells are skipped. A
reporter's workbook (a department's, a unit's: it goes in as a submission) ends with a 说明
column, keyed EXPLANATION, whose text explains each value of its row.
"""

from __future__ import annotations

from typing import Any, Iterator

from arena.engine.result_problems import show_text
from arena.errors import BadRequest, ValidationFailed
from arena.ingest.rows import Problems, RawRow

MARKER = "arena-template/1"
EXPLANATION = "#explanation"  # the 说明 column's key: no indicator id starts with #
PERIOD_ROW, KEY_ROW, HEADER_ROW, FIRST_UNIT_ROW = 2, 3, 4, 5
CODE_COLUMN, NAME_COLUMN, FIRST_VALUE_COLUMN = 1, 2, 3  # 1-based, as openpyxl numbers columns


def is_template(first_row: tuple) -> bool:
    return bool(first_row) and getattr(first_row[0], "value", None) == MARKER


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code Excel turned into a number
    return "" if value is None else str(value).strip()


def read_template(rows: Iterator[tuple[int, tuple]], contest: str | None, percent, column_letter,
                  add_row, explanations: bool = False) -> None:
    """Read a fill-in workbook's rows ((sheet row, cells) after the first) into raw rows through
    ``add_row``; ``percent(cell)`` tells a %-formatted number, which is refused as the CSV reader
    does. ``explanations`` (submissions): the 说明 column is read; elsewhere text in it is refused."""
    period = keys = None
    problems = Problems()
    for n, cells in rows:
        values = [getattr(c, "value", None) for c in cells]
        if n == PERIOD_ROW:
            period = _text(values[0] if values else None)
        elif n == KEY_ROW:
            owner = _text(values[0] if values else None)
            if contest is not None and owner != contest:
                raise ValidationFailed(f"这是比赛 {show_text(owner)} 的填报表，不能导入比赛 {contest}：请下载本比赛的填报表",
                                       [{"row": KEY_ROW, "field": None, "message": "隐藏的第 3 行 A 列是比赛标识"}])
            keys = {i: _text(v) for i, v in enumerate(values) if i >= FIRST_VALUE_COLUMN - 1 and not _blank(v)}
        elif n >= FIRST_UNIT_ROW:
            if keys is None or not period:
                raise BadRequest("填报表的隐藏行（期间、指标标识）被删改：请重新下载填报表")
            _unit_row(n, cells, values, keys, period, problems, percent, column_letter, add_row, explanations)
    if keys is None or not keys:
        raise BadRequest("填报表没有指标列（隐藏的第 3 行是空的）：请重新下载填报表")
    problems.raise_if_any("填报表")


def _unit_row(n, cells, values, keys, period, problems, percent, column_letter, add_row, explanations) -> None:
    said = next((values[i] for i, key in keys.items() if key == EXPLANATION and i < len(values)), None)
    said = None if _blank(said) else said
    filled = [i for i in range(FIRST_VALUE_COLUMN - 1, len(values))
              if not _blank(values[i]) and keys.get(i) != EXPLANATION]
    if said is not None and not explanations:
        problems.add(n, "explanation", f"第 {n} 行写了说明：说明只随报送（submissions）读取，导入成绩时请清空说明列")
        return
    if not filled:
        if said is not None:
            problems.add(n, "explanation", f"第 {n} 行写了说明，但没有填写数值")
        return
    code = values[0] if values else None
    if _blank(code):
        problems.add(n, "unit", f"第 {n} 行填了数值，但没有单位代码（隐藏的 A 列）：请在下载的填报表中填写")
        return
    for i in filled:
        where = f"{column_letter(i + 1)}{n}"
        if i not in keys:
            problems.add(n, "key", f"单元格 {where} 不在指标列中（隐藏的第 3 行此列为空）")
        elif percent(cells[i]):
            shown = f"{values[i] * 100:.15g}"
            problems.add(n, "value", f"单元格 {where} 是百分比格式，显示 {shown}%，而 Excel 存的是 {values[i]:.15g}："
                                     f"请把该列设为“常规”或“数值”格式，填写 {shown}")
        else:
            add_row(RawRow(n, code, keys[i], period, values[i], explanation=said, coded=True))
