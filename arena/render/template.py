"""The fill-in workbook (填报表): one row per unit a reporter reports for, one column per indicator.

The layout is arena.ingest.xlsx_template's, which reads it back: names are shown, codes sit in a
hidden column and a hidden row. Only standard features (data validation, sheet protection
without a password, frozen panes), so Excel and WPS open it without repairs. Cells a unit has no
value for (免考核, or its group does not score the indicator) are grey and locked. A department's
or a unit's workbook, which goes in as a submission, ends with a 说明 column for each row.
"""

from __future__ import annotations

import io
from typing import Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from arena.engine.reporting import Reporter, fills
from arena.engine.result_problems import MAX_ABS
from arena.engine.rules.model import Contest
from arena.ingest.xlsx_template import (CODE_COLUMN, EXPLANATION, FIRST_UNIT_ROW, FIRST_VALUE_COLUMN, HEADER_ROW,
                                        KEY_ROW, MARKER, NAME_COLUMN, PERIOD_ROW)
from arena.render import words
from arena.render.workbook import no_formulas

HEAD_FILL = PatternFill("solid", start_color="B71C1C", end_color="B71C1C")
NONE_FILL = PatternFill("solid", start_color="E5E7EB", end_color="E5E7EB")
OPEN = Protection(locked=False)


def _width(text: str, smallest: float = 10, largest: float = 40) -> float:
    """A column width (in characters of the default font) that fits ``text``: a CJK character
    takes about two."""
    return min(largest, max(smallest, words.text_width(text, 2) + 2))


def _headers(contest: Contest, keys: tuple[str, ...]) -> list[str]:
    """规上工业增加值增速（%）: the name and its unit of measure; an adjustment's name and （次）."""
    named = {i.id: f"{i.name}（{i.unit}）" if i.unit else i.name for i in contest.indicators}
    named.update({a.id: f"{a.name}（次）" for a in contest.adjustments})
    return [named[k] for k in keys]


def _validation(counts: bool) -> DataValidation:
    if counts:  # adjustments count events: whole numbers from 0
        rule = DataValidation(type="whole", operator="between", formula1="0", formula2=str(int(MAX_ABS)))
        rule.error = "请填写 0 或正整数（次数）"
    else:
        rule = DataValidation(type="decimal", operator="between", formula1=str(-int(MAX_ABS)), formula2=str(int(MAX_ABS)))
        rule.error = "请填写数字，如 12.5（不要填写文字、百分号或单位）"
    rule.errorTitle, rule.showErrorMessage, rule.allow_blank = "数值有误", True, True
    rule.promptTitle, rule.prompt, rule.showInputMessage = "填写数值", "只填数字；不报的留空", True
    return rule


def _runs(open_cells: list[bool]) -> list[tuple[int, int]]:
    """[start, end) of each run of True: a column's validation as a few ranges, not a cell each."""
    runs, start = [], None
    for i, on in enumerate(open_cells + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            runs.append((start, i))
            start = None
    return runs


def fill_in_workbook(contest: Contest, period: str, reporter: Reporter,
                     stored: Mapping[tuple[str, str], float] | None = None) -> bytes:
    """The .xlsx bytes of ``reporter``'s fill-in workbook for month ``period``; ``stored``:
    (unit, key) -> the value on file, prefilled in the reporter's own cells."""
    stored = stored or {}
    wb = Workbook()
    ws = wb.active
    ws.title = "填报"
    wb.properties.creator = "Arena"
    wb.properties.title = f"{contest.name} {words.period_label(period)}数据填报表"
    keys, last = reporter.keys, FIRST_VALUE_COLUMN + len(reporter.keys) - 1
    counts = {a.id for a in contest.adjustments}
    explained = reporter.id != "organizer"  # its workbook goes in as a submission, which reads 说明
    if explained:
        last += 1

    ws.cell(row=1, column=CODE_COLUMN, value=MARKER)
    ws.cell(row=PERIOD_ROW, column=CODE_COLUMN, value=period)
    ws.cell(row=KEY_ROW, column=CODE_COLUMN, value=contest.id)
    title = ws.cell(row=1, column=NAME_COLUMN, value=f"{contest.name} {words.period_label(period)}数据填报表")
    title.font = Font(bold=True, size=14)
    info = ws.cell(row=PERIOD_ROW, column=NAME_COLUMN,
                   value=f"期间 {period} · 填报：{reporter.name} · 只在白色单元格填写数字，不报的留空"
                         f"{'（说明列填文字）' if explained else ''}；请勿增删行列或改动表头，填好后原样上传")
    info.font = Font(size=10, color="6B7280")
    for row in (1, PERIOD_ROW):
        ws.merge_cells(start_row=row, start_column=NAME_COLUMN, end_row=row, end_column=max(last, NAME_COLUMN))
    ws.row_dimensions[1].height = 24

    for c, text in ((CODE_COLUMN, "单位代码"), (NAME_COLUMN, "单位")):
        ws.cell(row=HEADER_ROW, column=c, value=text)
    for c, (key, header) in enumerate(zip(keys, _headers(contest, keys)), FIRST_VALUE_COLUMN):
        ws.cell(row=KEY_ROW, column=c, value=key)
        ws.cell(row=HEADER_ROW, column=c, value=header)
        ws.column_dimensions[get_column_letter(c)].width = _width(header, 12, 24)
    if explained:
        swing = contest.reporting.swing
        header = f"说明（与上月相比变动超过 {swing:.0%} 的须填写）" if swing is not None else "说明"
        ws.cell(row=KEY_ROW, column=last, value=EXPLANATION)
        ws.cell(row=HEADER_ROW, column=last, value=header)
        ws.column_dimensions[get_column_letter(last)].width = 36
    for c in range(CODE_COLUMN, last + 1):
        cell = ws.cell(row=HEADER_ROW, column=c)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    ws.row_dimensions[HEADER_ROW].height = 36
    ws.row_dimensions[KEY_ROW].hidden = True
    ws.column_dimensions[get_column_letter(CODE_COLUMN)].hidden = True
    units = contest.unit_by_code
    ws.column_dimensions[get_column_letter(NAME_COLUMN)].width = max(
        [_width(units[code].name, 16, 40) for code in reporter.units] or [16])

    decimal, whole = _validation(False), _validation(True)
    for r, code in enumerate(reporter.units, FIRST_UNIT_ROW):
        ws.cell(row=r, column=CODE_COLUMN, value=code).number_format = "@"
        ws.cell(row=r, column=NAME_COLUMN, value=units[code].name)
        for c, key in enumerate(keys, FIRST_VALUE_COLUMN):
            cell = ws.cell(row=r, column=c)
            if not fills(contest, code, key):
                cell.fill = NONE_FILL  # locked with the sheet: nothing to report here
                continue
            cell.value = stored.get((code, key))
            cell.protection = OPEN
        if explained:
            note = ws.cell(row=r, column=last)
            note.protection, note.alignment = OPEN, Alignment(wrap_text=True, vertical="top")
    for c, key in enumerate(keys, FIRST_VALUE_COLUMN):
        rule = whole if key in counts else decimal
        for first, end in _runs([fills(contest, code, key) for code in reporter.units]):
            letter = get_column_letter(c)
            rule.add(f"{letter}{FIRST_UNIT_ROW + first}:{letter}{FIRST_UNIT_ROW + end - 1}")
    for rule in (decimal, whole):
        if rule.sqref:
            ws.add_data_validation(rule)

    ws.freeze_panes = ws.cell(row=FIRST_UNIT_ROW, column=FIRST_VALUE_COLUMN)
    ws.protection.sheet = True  # no password: protection guards against slips, not people
    ws.protection.formatColumns = False  # columns may still be widened
    ws.protection.formatRows = False
    no_formulas(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
