"""Reading result files (JSON, CSV, XLSX) into raw rows, before any check against a contest.

Each row keeps the number a person sees: the JSON item number (from 1), the CSV line number
(header = 1), the XLSX sheet row. A file that cannot be read raises BadRequest saying where;
values are left as found (strings in CSV) for ``arena.engine.results.check_rows``. The readers
are json_file, csv_file and xlsx_file (with xlsx_template, the fill-in workbook); what they share
is in rows.
"""

from __future__ import annotations

from arena.engine.results import paused_gc
from arena.errors import UnsupportedMediaType
from arena.ingest.csv_file import parse_csv
from arena.ingest.json_file import parse_json
from arena.ingest.limits import XlsxLimits
from arena.ingest.rows import RawRow
from arena.ingest.xlsx_file import parse_xlsx

MAX_ROWS = 5_000_000
_CONTENT_TYPES = {"application/json": "json", "text/json": "json", "text/csv": "csv", "application/csv": "csv",
                  "text/comma-separated-values": "csv",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}


def detect_format(filename: str | None, content_type: str | None) -> str:
    """json | csv | xlsx: the file name's extension first (Windows browsers label .csv files
    application/vnd.ms-excel), then the content type; UnsupportedMediaType otherwise."""
    ext = (filename or "").rpartition(".")[2].lower() if "." in (filename or "") else ""
    if ext == "xls":
        raise UnsupportedMediaType("不读取旧版 .xls 工作簿：请另存为 .xlsx")
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if ext in ("json", "csv", "xlsx"):
        return ext
    if media in _CONTENT_TYPES or media.endswith("+json"):
        return _CONTENT_TYPES.get(media, "json")
    raise UnsupportedMediaType(
        f"无法判断{f' {filename} ' if filename else '上传内容'}的格式（{media or '没有 Content-Type'}）："
        "请上传 JSON（application/json）、CSV（text/csv）或 .xlsx 工作簿"
    )


def parse_results(data: bytes, fmt: str, *, max_rows: int = MAX_ROWS,
                  xlsx: XlsxLimits | None = None, contest: str | None = None,
                  explanations: bool = False) -> list[RawRow]:
    """Read ``data`` as ``fmt`` (json | csv | xlsx) into raw rows; blank lines and rows are skipped.
    A workbook is also bounded by ``xlsx`` (default: the settings' defaults); it may be the
    fill-in workbook (xlsx_template), which must then be ``contest``'s when that is given. With
    ``explanations`` (submissions) a row may carry an ``explanation`` (说明) key or column."""
    readers = {"json": parse_json, "csv": parse_csv, "xlsx": parse_xlsx}
    if fmt not in readers:
        raise UnsupportedMediaType(f"未知的格式 {fmt!r}：请用 json、csv 或 xlsx")
    optional = ("explanation",) if explanations else ()
    with paused_gc():
        if fmt == "xlsx":
            return parse_xlsx(bytes(data), max_rows, xlsx, contest, optional)
        return readers[fmt](bytes(data), max_rows, optional)
