"""Reading an XLSX result file: the first sheet, a header row naming the columns.

Rows are numbered as the sheet numbers them; cell values are kept as openpyxl reads them
(numbers, dates, text). A zip that would unpack to gigabytes is refused before it is opened.
"""

from __future__ import annotations

import io
import zipfile

from arena.errors import BadRequest, PayloadTooLarge
from arena.ingest_rows import Problems, RawRow, read_header, too_many

MAX_UNPACKED = 1 << 30  # an .xlsx is a zip: refuse one that would unpack to gigabytes


def parse_xlsx(data: bytes, max_rows: int) -> list[RawRow]:
    from openpyxl import load_workbook  # heavy import, needed only here
    from openpyxl.utils import get_column_letter

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadRequest("this is an old .xls workbook (or another OLE file): save it as .xlsx")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise BadRequest("not an .xlsx workbook: the file is not a zip archive")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # zipfile enforces these declared sizes
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise BadRequest(f"the workbook unpacks to more than {MAX_UNPACKED >> 20} MiB")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a broken package
        raise BadRequest(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    problems, rows = Problems(), []
    try:
        sheet.reset_dimensions()  # trust the cells, not the stored (often wrong) dimension
        columns, width = None, 0
        for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            if columns is None:
                columns, width = read_header(list(cells), problems, n)
                continue
            extra = next((i for i in range(width, len(cells)) if cells[i] is not None and str(cells[i]).strip()), None)
            if extra is not None:
                problems.add(n, None, f"cell {get_column_letter(extra + 1)}{n} is outside the named columns")
                continue
            padded = tuple(cells) + (None,) * (width - len(cells))
            rows.append(RawRow(n, *(padded[i] for i in columns)))
            if len(rows) > max_rows:
                raise too_many(max_rows)
    except (BadRequest, PayloadTooLarge):
        raise
    except Exception as exc:  # a broken sheet inside a valid zip
        raise BadRequest(f"the first sheet cannot be read ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()
    if columns is None:
        raise BadRequest("the first sheet is empty: it needs a header row unit, key, period, value")
    problems.raise_if_any("workbook")
    return rows
