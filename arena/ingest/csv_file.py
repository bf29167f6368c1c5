"""Reading a CSV result file: UTF-8 (with or without BOM) or GBK, a header row naming the columns.

Rows are numbered by line (header = 1; a quoted field may span lines, so a row is numbered by
the line it starts on); values are kept as the strings read. A plain file (one header line, then
one line per row, every row as wide as the header, none blank) is read at C speed into
columns; any other goes row by row, which skips blank lines and says what is wrong where.
"""

from __future__ import annotations

import csv
import io

from arena.engine.results import RawColumns
from arena.errors import BadRequest
from arena.ingest.rows import Problems, RawRow, line_of, read_header, too_many


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK/GB18030 as Chinese office software writes it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadRequest("不读取 UTF-16 文本：请另存为“CSV UTF-8”")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):  # GB18030 is GBK's superset
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            where = [{"line": line_of(data, exc.start), "message": "无法解码的字节"}]
    raise BadRequest("文件既不是 UTF-8 也不是 GBK 文本", where)


def parse_csv(data: bytes, max_rows: int, optional: tuple[str, ...] = ()) -> list[RawRow] | RawColumns:
    text = _decode(data)
    if not optional and (columns := _plain_columns(text, max_rows)) is not None:
        return columns
    return _rows(text, max_rows, optional)


def _plain_columns(text: str, max_rows: int) -> RawColumns | None:
    """A plain file's rows as columns, or None for the row-by-row reader."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error:
        return None
    if not 1 < len(records) <= max_rows + 1 or reader.line_num != len(records):  # a field spanning lines
        return None
    try:
        columns, width = read_header(records[0], Problems(), 1)
    except BadRequest:  # or a blank first line: the row-by-row reader says which
        return None
    if set(map(len, records)) != {width}:  # the header included
        return None  # the header's problems, or rows of other widths, are the row-by-row reader's to tell
    del records[0]
    cells = list(zip(*records))
    units, keys, periods, values = (cells[i] for i in columns[:4])
    if not all(map(str.strip, units)):  # a blank row, which is skipped, or a unit left empty
        return None
    return RawColumns(range(2, len(records) + 2), units, keys, periods, values)


def _rows(text: str, max_rows: int, optional: tuple[str, ...]) -> list[RawRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    problems, rows = Problems(), []
    last_line, columns, width = 0, None, 0
    iu = ik = ip = iv = 0  # the columns of unit, key, period, value: set from the header row
    ie = -1  # the explanation's column, when asked for and present
    try:
        for record in reader:
            line, last_line = last_line + 1, reader.line_num  # a quoted field may span lines
            blank = not (record and (record[0] and not record[0].isspace() or "".join(record).strip()))
            if columns is not None and len(record) >= width and not blank:
                if len(record) == width or not "".join(record[width:]).strip():
                    rows.append(RawRow(line, record[iu], record[ik], record[ip], record[iv],
                                       record[ie] if ie >= 0 else None))
                    if len(rows) > max_rows:
                        raise too_many(max_rows)
                    continue
            elif blank:
                continue
            elif columns is None:
                columns, width = read_header(record, problems, line, optional)
                iu, ik, ip, iv = columns[:4]
                ie = columns[4] if optional else -1
                continue
            problems.add(line, None, f"本行有 {len(record)} 列，表头有 {width} 列")
    except csv.Error as exc:
        problems.add(last_line + 1, None, f"CSV 格式错误：{exc}")
    if columns is None and not problems.count:
        raise BadRequest("CSV 文件是空的：需要表头 unit,key,period,value（或 单位,指标,期间,数值）")
    problems.raise_if_any("CSV 文件")
    return rows
