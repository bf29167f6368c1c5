"""Reading an XLSX result file: the first sheet, a header row naming the columns, or the
fill-in workbook (xlsx_template) recognised by its marker.

Rows are numbered as the sheet numbers them; cell values are kept as openpyxl reads them
(numbers, dates, text). A zip that would unpack to gigabytes, or whose sheets would cost more
than ``XlsxLimits`` allow, is refused before it is opened (limits); parsing stops at the
row cap and at the deadline.
"""

from __future__ import annotations

import io
import itertools
import re
import time
import zipfile

from arena.errors import BadRequest, PayloadTooLarge, ValidationFailed
from arena.ingest.limits import MAX_COLUMNS, XlsxLimits, check_package
from arena.ingest.rows import Problems, RawRow, read_header, too_many
from arena.ingest.xlsx_template import is_template, read_template

MAX_UNPACKED = 1 << 30  # an .xlsx is a zip: refuse one that would unpack to gigabytes


def _percent(cell) -> bool:
    """A number shown with a percent format: "12.5%" typed into it is stored as 0.125, and
    indicators in % mean 12.5. Refused rather than guessed."""
    value = getattr(cell, "value", None)
    shown = re.sub(r'"[^"]*"|\\.', "", getattr(cell, "number_format", None) or "")  # 0.0"%" shows, not scales
    return isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in shown


def _numbered(rows, deadline: float, seconds: float):
    """(sheet row, cells), stopping at the deadline."""
    for n, row in enumerate(rows, start=1):
        if n % 1000 == 0 and time.monotonic() > deadline:
            raise PayloadTooLarge(f"工作簿读取超过 {seconds:g} 秒（已读到第 {n} 行），已停止："
                                  "请拆分文件，或另存为 CSV 再上传")
        yield n, row


def parse_xlsx(data: bytes, max_rows: int, limits: XlsxLimits | None = None,
               contest: str | None = None, optional: tuple[str, ...] = ()) -> list[RawRow]:
    """Rows of a ``unit, key, period, value`` sheet, or of the fill-in workbook (xlsx_template),
    told apart by the template's marker; ``contest``: the contest a template must belong to;
    ``optional``: columns a sheet may add (``explanation``, for submissions)."""
    from openpyxl import load_workbook  # heavy import, needed only here
    from openpyxl.utils import get_column_letter

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadRequest("这是旧版 .xls 工作簿（或其他 OLE 文件）：请另存为 .xlsx")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise BadRequest("不是 .xlsx 工作簿：文件不是 zip 压缩包")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # zipfile enforces these declared sizes
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise BadRequest(f"工作簿解压后超过 {MAX_UNPACKED >> 20} MiB")
        limits = limits or XlsxLimits()
        wide = check_package(archive, limits)
    max_rows = min(max_rows, limits.rows)
    deadline = time.monotonic() + limits.seconds  # monotonic: a cap on work, not a time of day
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a broken package
        raise BadRequest(f"无法读取的 .xlsx 工作簿（{type(exc).__name__}: {exc}）") from None
    problems, rows = Problems(), []

    def add(raw: RawRow) -> None:
        rows.append(raw)
        if len(rows) > max_rows:
            raise too_many(max_rows)

    try:
        sheet.reset_dimensions()  # trust the cells, not the stored (often wrong) dimension
        numbered = _numbered(sheet.iter_rows(max_col=MAX_COLUMNS if wide else None), deadline, limits.seconds)
        first = next(numbered, None)
        if first is not None and first[0] == 1 and is_template(first[1]):
            read_template(numbered, contest, _percent, get_column_letter, add, "explanation" in optional)
            return rows
        columns, width = None, 0
        for n, row in itertools.chain([first] if first is not None else [], numbered):
            cells = [c.value for c in row]
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            if columns is None:
                columns, width = read_header(cells, problems, n, optional)
                continue
            extra = next((i for i in range(width, len(cells)) if cells[i] is not None and str(cells[i]).strip()), None)
            if extra is not None:
                problems.add(n, None, f"单元格 {get_column_letter(extra + 1)}{n} 在有列名的列之外")
                continue
            padded = tuple(cells) + (None,) * (width - len(cells))
            at = columns[3]  # the value's column
            if at < len(row) and _percent(row[at]):
                shown = f"{row[at].value * 100:.15g}"
                problems.add(n, "value", f"单元格 {get_column_letter(at + 1)}{n} 是百分比格式，显示 {shown}%，"
                                         f"而 Excel 存的是 {row[at].value:.15g}：请把该列设为“常规”或“数值”格式，填写 {shown}")
                continue
            add(RawRow(n, *(padded[i] for i in columns[:4]),
                       explanation=padded[columns[4]] if optional and columns[4] >= 0 else None))
    except (BadRequest, PayloadTooLarge, ValidationFailed):
        raise
    except Exception as exc:  # a broken sheet inside a valid zip
        raise BadRequest(f"第一个工作表无法读取（{type(exc).__name__}: {exc}）") from None
    finally:
        book.close()
    if columns is None:
        raise BadRequest("第一个工作表是空的：需要表头行 unit、key、period、value（或 单位、指标、期间、数值）")
    problems.raise_if_any("工作簿")
    return rows
