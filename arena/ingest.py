"""Reading result files (JSON, CSV, XLSX) into raw rows, before any check against a contest.

Each row keeps the number a person sees: the JSON item number (from 1), the CSV line number
(header = 1), the XLSX sheet row. A file that cannot be read raises BadRequest saying where;
values are left as found (strings in CSV) for ``arena.engine.results.check_rows``.

Columns (CSV and XLSX): the header names the four columns, in any order, in English or
Chinese: unit | 单位 | 单位代码, key | 指标 | 指标代码, period | 期间, value | 数值
(English names in any case). Any other named column is refused, so a typo is never silently
dropped; empty trailing header cells (Excel leaves them) are ignored.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from arena.engine.results import paused_gc, show_text
from arena.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

MAX_ROWS = 5_000_000
MAX_DETAILS = 1000
MAX_UNPACKED = 1 << 30  # an .xlsx is a zip: refuse one that would unpack to gigabytes
FIELDS = ("unit", "key", "period", "value")
HEADERS = {"unit": "unit", "单位": "unit", "单位代码": "unit", "key": "key", "指标": "key", "指标代码": "key",
           "period": "period", "期间": "period", "value": "value", "数值": "value"}
_CONTENT_TYPES = {"application/json": "json", "text/json": "json", "text/csv": "csv", "application/csv": "csv",
                  "text/comma-separated-values": "csv",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}


@dataclass(slots=True)
class RawRow:
    row: int
    unit: Any
    key: Any
    period: Any
    value: Any


def detect_format(filename: str | None, content_type: str | None) -> str:
    """json | csv | xlsx: the file name's extension first (Windows browsers label .csv files
    application/vnd.ms-excel), then the content type; UnsupportedMediaType otherwise."""
    ext = (filename or "").rpartition(".")[2].lower() if "." in (filename or "") else ""
    if ext == "xls":
        raise UnsupportedMediaType("old .xls workbooks are not read: save the file as .xlsx")
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if ext in ("json", "csv", "xlsx"):
        return ext
    if media in _CONTENT_TYPES or media.endswith("+json"):
        return _CONTENT_TYPES.get(media, "json")
    raise UnsupportedMediaType(
        f"cannot tell the format of {filename or 'the upload'} ({media or 'no content type'}): "
        "send JSON (application/json), CSV (text/csv) or an .xlsx workbook"
    )


def parse_results(data: bytes, fmt: str, *, max_rows: int = MAX_ROWS) -> list[RawRow]:
    """Read ``data`` as ``fmt`` (json | csv | xlsx) into raw rows; blank lines and rows are skipped."""
    readers = {"json": _parse_json, "csv": _parse_csv, "xlsx": _parse_xlsx}
    if fmt not in readers:
        raise UnsupportedMediaType(f"unknown format {fmt!r}: use json, csv or xlsx")
    with paused_gc():
        return readers[fmt](bytes(data), max_rows)


class _Problems:
    """Every problem of a file, listed up to MAX_DETAILS, counted beyond."""

    def __init__(self) -> None:
        self.details: list[dict[str, Any]] = []
        self.count = 0

    def add(self, row: int | None, field: str | None, message: str) -> None:
        self.count += 1
        if len(self.details) < MAX_DETAILS:
            self.details.append({"row": row, "field": field, "message": message})

    def raise_if_any(self, what: str) -> None:
        if not self.count:
            return
        more = self.count - len(self.details)
        tail = [{"row": None, "field": None, "message": f"and {more} more not listed"}] if more else []
        noun = "problem" if self.count == 1 else "problems"
        raise BadRequest(f"the {what} cannot be read: {self.count} {noun}", self.details + tail)


def _too_many(max_rows: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"more than {max_rows:,} result rows in one file; split it")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# -- JSON ---------------------------------------------------------------------------------

# The parser's hooks leave marks instead of raising, so each refusal can name its item.
class _Refused(str):
    """A number JSON may spell but we refuse (NaN, Infinity, 1e999); the text says why."""


_REPEATED = object()  # a key no JSON text can write: it lists an object's repeated keys


def _pairs(pairs: list[tuple[Any, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) < len(pairs):
        names = [k for k, _ in pairs]
        obj[_REPEATED] = sorted({k for k in names if names.count(k) > 1})
    return obj


def _float(text: str) -> float | _Refused:
    number = float(text)
    return number if number - number == 0 else _Refused(f"{text[:20]} overflows to infinity")  # inf - inf is nan


def _int(text: str) -> int | _Refused:
    # int() refuses over 4300 digits with a bare ValueError; no real figure has 30
    return int(text) if len(text) <= 30 else _Refused(f"a {len(text)}-digit number is absurd")


_HOOKS: dict[str, Any] = dict(parse_constant=lambda text: _Refused(f"{text} is not a finite number"),
                              parse_float=_float, parse_int=_int, object_pairs_hook=_pairs)


def _parse_json(data: bytes, max_rows: int) -> list[RawRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = {"line": _line_of(data, exc.start), "message": f"byte {exc.start} is not UTF-8"}
        raise BadRequest("JSON must be UTF-8 text", [where]) from None
    try:
        items = json.loads(text, **_HOOKS)
    except json.JSONDecodeError as exc:
        raise BadRequest("malformed JSON", [{"line": exc.lineno, "column": exc.colno, "message": exc.msg}]) from None
    except RecursionError:
        raise BadRequest("malformed JSON", [{"message": "nested too deeply"}]) from None
    if not isinstance(items, list):
        raise BadRequest("expected a JSON list of objects with unit, key, period and value")
    if len(items) > max_rows:
        raise _too_many(max_rows)
    problems, rows = _Problems(), []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.add(n, None, "item is not an object with unit, key, period and value")
            continue
        for name in item.pop(_REPEATED, ()):
            problems.add(n, name, f"key {show_text(name)} appears twice in the object")
        for name in FIELDS:
            if name not in item:
                problems.add(n, name, f"missing key {name!r}")
            elif isinstance(item[name], _Refused):
                problems.add(n, name, str(item[name]))
        for name in item:
            if name not in FIELDS:
                message = f"unknown key {show_text(name)} (allowed: unit, key, period, value)"
                problems.add(n, name if name.isprintable() else None, message)
        rows.append(RawRow(n, item.get("unit"), item.get("key"), item.get("period"), item.get("value")))
    problems.raise_if_any("JSON")
    return rows


# -- CSV ----------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK/GB18030 as Chinese office software writes it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadRequest("UTF-16 text is not read: save the file as CSV UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):  # GB18030 is GBK's superset
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            where = [{"line": _line_of(data, exc.start), "message": "undecodable bytes"}]
    raise BadRequest("the file is neither UTF-8 nor GBK text", where)


def _columns(header: list[Any], problems: _Problems, row: int) -> tuple[list[int], int]:
    """Positions of unit, key, period, value in the header, and how many columns are named."""
    names = ["" if h is None else str(h).strip().lstrip("\ufeff") for h in header]
    while names and not names[-1]:
        names.pop()
    found: dict[str, int] = {}
    for i, name in enumerate(names):
        field = HEADERS.get(name.lower() if name.isascii() else name)
        if field is None:
            label = f"column {i + 1} has no name" if not name else f"unknown column {show_text(name)}"
            problems.add(row, None, f"{label}; the columns are unit, key, period, value (or 单位, 指标, 期间, 数值)")
        elif field in found:
            problems.add(row, field, f"column {field} appears twice (columns {found[field] + 1} and {i + 1})")
        else:
            found[field] = i
    for field in FIELDS:
        if field not in found:
            problems.add(row, field, f"the header has no {field} column")
    problems.raise_if_any("header")
    return [found[f] for f in FIELDS], len(names)


def _parse_csv(data: bytes, max_rows: int) -> list[RawRow]:
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    problems, rows = _Problems(), []
    last_line, columns, width = 0, None, 0
    try:
        for record in reader:
            line, last_line = last_line + 1, reader.line_num  # a quoted field may span lines
            blank = not (record and (record[0] and not record[0].isspace() or "".join(record).strip()))
            if columns is not None and len(record) >= width and not blank:
                if len(record) == width or not "".join(record[width:]).strip():
                    rows.append(RawRow(line, record[iu], record[ik], record[ip], record[iv]))
                    if len(rows) > max_rows:
                        raise _too_many(max_rows)
                    continue
            elif blank:
                continue
            elif columns is None:
                columns, width = _columns(record, problems, line)
                iu, ik, ip, iv = columns
                continue
            problems.add(line, None, f"{len(record)} field{'s' * (len(record) != 1)} where the header has {width}")
    except csv.Error as exc:
        problems.add(last_line + 1, None, f"malformed CSV: {exc}")
    if columns is None and not problems.count:
        raise BadRequest("the CSV file is empty: it needs a header unit,key,period,value")
    problems.raise_if_any("CSV file")
    return rows


# -- XLSX ---------------------------------------------------------------------------------

def _parse_xlsx(data: bytes, max_rows: int) -> list[RawRow]:
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
    problems, rows = _Problems(), []
    try:
        sheet.reset_dimensions()  # trust the cells, not the stored (often wrong) dimension
        columns, width = None, 0
        for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            if columns is None:
                columns, width = _columns(list(cells), problems, n)
                continue
            extra = next((i for i in range(width, len(cells)) if cells[i] is not None and str(cells[i]).strip()), None)
            if extra is not None:
                problems.add(n, None, f"cell {get_column_letter(extra + 1)}{n} is outside the named columns")
                continue
            padded = tuple(cells) + (None,) * (width - len(cells))
            rows.append(RawRow(n, *(padded[i] for i in columns)))
            if len(rows) > max_rows:
                raise _too_many(max_rows)
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
