"""The sheet as an Excel workbook (成绩单): one worksheet per group, for offices to forward.

Each worksheet: title rows (contest, period, revision, publication time, cut-off, note, and for
a sheet under notice 公示稿 with its deadline), then
a frozen header row in Chinese and one row per unit in rank order. Numbers are numbers (the
change too: a number format shows it as ↑2 / ↓1); lights are cell colours on the values.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone
from typing import Any, Mapping

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from arena.engine.rules.model import Contest
from arena.render import words

FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}
BOARD_FILLS = {"dragon": "FDE9E7", "tiger": "E8ECF1"}
EXEMPT_FILL = "EDEDED"  # not assessed (免考核 or not scored by the group)
CHANGE_FORMAT = '"↑"0;"↓"0;"—"'
HEADER_ROW = 6
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


CARD_FILLS = {"blue": "90CAF9", "yellow": "FFE082", "red": "EF9A9A"}


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=colour, end_color=colour)


def _title(name: str, taken: set[str]) -> str:
    """A worksheet title Excel accepts: no []:*?/\\, at most 31 characters, unique."""
    base = _BAD_TITLE.sub("_", name).strip("'") or "组"
    title, n = base[:31], 2
    while title in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _columns(sheet: dict[str, Any], contest: Contest) -> list[tuple[str, str, str | None]]:
    """(header, what, key) for each column after the fixed ones."""
    cols: list[tuple[str, str, str | None]] = []
    for ind in contest.indicators:
        if sheet["kind"] == "month":
            unit = f"（{ind.unit}）" if ind.unit else ""
            cols.append((f"{ind.name}{unit}完成值", "value", ind.id))
            if ind.has_target:
                cols.append((f"{ind.name}{unit}目标", "target", ind.id))
                cols.append((f"{ind.name}完成率", "ratio", ind.id))
            cols.append((f"{ind.name}得分", "points", ind.id))
        else:
            cols.append((f"{ind.name}平均得分", "mean", ind.id))
    if sheet["kind"] == "month":
        cols += [(f"{a.name}", "adjustment", a.id) for a in contest.adjustments if not a.veto]
    if sheet["kind"] in ("half", "year"):
        cols.append(("流动红旗（面）", "red_flags", None))
    if any("cards" in u for g in sheet["groups"] for u in g["units"]):  # 红黄蓝 cards (双亮牌)
        cols += [("位次牌", "card", "position"), ("进位牌", "card", "progress")]
    return cols


FIXED = ("名次", "单位代码", "单位", "总分", "较上期", "标记", "龙虎榜")


def _title_rows(ws, sheet: dict[str, Any], contest: Contest, group: dict[str, Any], width: int) -> None:
    edition = f"第{sheet['revision']}版" if sheet.get("revision") else "草稿（未发布）"
    mark = f"（{words.NOTICE_MARK}）" if words.under_notice(sheet) else ""
    lines = [
        (contest.name, Font(bold=True, size=16)),
        (f"{words.period_label(sheet['period'])}成绩单{mark} · {group['name']}", Font(bold=True, size=13)),
        (f"{edition} · 发布时间 {words.time_label(sheet.get('published_at'))} · "
         f"数据截至{words.cutoff_label(sheet['period'])} · 时序进度{words.progress_label(sheet['period'])}", Font(size=11)),
        (f"更正说明：{sheet.get('note') or '无'}", Font(size=11, color="8D3B00" if sheet.get("note") else "6B7280")),
    ]
    # on the row before the header: a notice (公示) and a stale notice (staleness.public_notice)
    notice = words.notice_line(sheet, contest.timezone)
    warnings = [f"{words.NOTICE_MARK} · {notice}（公示期间可对本单位数据提出异议）" if notice else None,
                sheet.get("stale_notice")]
    if any(warnings):
        lines.append((" · ".join(w for w in warnings if w), Font(size=11, bold=True, color="A11111")))
    for row, (text, font) in enumerate(lines, 1):
        ws.cell(row=row, column=1, value=text).font = font
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 1))


def _unit_row(ws, r: int, u: dict[str, Any], cols, number_format: str, card_labels: Mapping[str, str]) -> None:
    flags = "、".join(w for _, w in words.flag_words(u.get("flags", [])))
    fixed = (u["rank"], u["unit"], u["name"], u["total"], u.get("change"), flags,
             words.BOARD_WORDS.get(u.get("board") or "", ""))
    for c, value in enumerate(fixed, 1):
        # no earlier month to compare with: an empty cell, never text in a numeric column
        cell = ws.cell(row=r, column=c, value=value)
        if c == 4:
            cell.number_format = number_format
        if c == 5:
            cell.number_format = CHANGE_FORMAT
    if u.get("board") in BOARD_FILLS:
        for c in (1, 2, 3):
            ws.cell(row=r, column=c).fill = _fill(BOARD_FILLS[u["board"]])
    for k, (_, what, key) in enumerate(cols, len(FIXED) + 1):
        cell = ws.cell(row=r, column=k)
        raw = u["indicators"].get(key) if key else None
        # numeric columns hold numbers or nothing: 免考核 is an empty grey cell, 未报 an empty
        # cell with a comment, so sums and sorts in Excel never meet text
        if raw is None and what in ("value", "target", "ratio", "points", "mean"):
            cell.fill = _fill(EXEMPT_FILL)
        if what == "value":
            if isinstance(raw, dict) and raw.get("missing"):
                cell.comment = Comment("未报", "Arena")
            elif isinstance(raw, dict):
                cell.value = raw.get("value")
            if isinstance(raw, dict) and raw.get("light") in FILLS:
                cell.fill = _fill(FILLS[raw["light"]])
        elif what == "target":
            cell.value = raw.get("target") if isinstance(raw, dict) else None
        elif what == "ratio":
            cell.value = raw.get("ratio") if isinstance(raw, dict) else None
            cell.number_format = "0.0%"
        elif what == "points":
            cell.value = raw.get("points") if isinstance(raw, dict) else None
            cell.number_format = number_format
        elif what == "mean":
            cell.value = raw
            cell.number_format = number_format
        elif what == "adjustment":
            cell.value = u.get("adjustments", {}).get(key)
            cell.number_format = number_format
        elif what == "red_flags":
            cell.value = u.get("red_flags", 0)
        elif what == "card":
            colour = (u.get("cards") or {}).get(key)
            if colour:  # the colour's name from the rules, on the colour
                cell.value = f"{words.CARD_COLOURS[colour]}牌·{card_labels[colour]}"
                cell.fill = _fill(CARD_FILLS[colour])


def _print_setup(ws) -> None:
    """Printed as offices print it: A4 landscape, the whole width on one page, the titles and
    the header repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # 0: as many pages tall as it needs
    ws.print_title_rows = f"1:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def sheet_workbook(sheet: dict[str, Any], contest: Contest) -> bytes:
    """The .xlsx bytes of ``sheet``: one worksheet per group, in the order of the rules."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "Arena"
    wb.properties.title = f"{contest.name} {words.period_label(sheet['period'])}成绩单"
    number_format = "0" if contest.precision == 0 else "0." + "0" * contest.precision
    cols = _columns(sheet, contest)
    taken: set[str] = set()
    for group in sheet["groups"]:
        ws = wb.create_sheet(_title(group["name"], taken))
        width = len(FIXED) + len(cols)
        _title_rows(ws, sheet, contest, group, width)
        for c, header in enumerate(list(FIXED) + [h for h, _, _ in cols], 1):
            cell = ws.cell(row=HEADER_ROW, column=c, value=header)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = _fill("B71C1C")
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            ws.column_dimensions[get_column_letter(c)].width = 24 if c == 3 else 14 if c > len(FIXED) else 10
        ws.row_dimensions[HEADER_ROW].height = 48
        for r, u in enumerate(group["units"], HEADER_ROW + 1):
            _unit_row(ws, r, u, cols, number_format, contest.card_labels)
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=4)  # header row and rank, code, unit
        _print_setup(ws)
    legend = wb.create_sheet("说明")
    notes = ["灯号：单元格底色为该指标的红黄绿灯（绿=达到进度，黄=接近，红=滞后或未报）。",
             "较上期：↑为名次上升，↓为下降，—为不变或无可比。",
             "灰色空格表示该单位不考核此项（免考核或本组不考核）；带批注的空格为未报。",
             f"依据已发布成绩单生成 · 规则 sha256 {sheet.get('rules_sha256') or '—'} · 数据 sha256 {sheet.get('data_sha256') or '—'}"]
    for r, text in enumerate(notes, 1):
        legend.cell(row=r, column=1, value=text)
    legend.column_dimensions["A"].width = 100
    no_formulas(wb)
    when = _moment(sheet.get("published_at"))
    wb.properties.created = when
    buf = io.BytesIO()
    wb.save(buf)
    return _stable(buf.getvalue(), when)


def _moment(published_at: str | None) -> datetime:
    """The publication time in UTC (naive, as openpyxl writes it); a draft has none: 1980-01-01."""
    if not published_at:
        return datetime(1980, 1, 1)
    return datetime.fromisoformat(published_at).astimezone(timezone.utc).replace(tzinfo=None)


def _stable(data: bytes, when: datetime) -> bytes:
    """The same bytes for the same publication, whoever renders it when: openpyxl stamps the
    save time into docProps/core.xml and every zip entry, and a strong ETag names one body."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)
    return out.getvalue()


def no_formulas(wb: Workbook) -> None:
    """openpyxl stores any text starting with "=" as a formula; a unit or indicator named so
    must show as text, never run (a HYPERLINK in a public 成绩单)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
