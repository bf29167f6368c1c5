"""What reading one .xlsx workbook may cost, checked from its zip before openpyxl parses it.

An .xlsx is zipped XML: 200 KB can unpack to 5 million shared strings or 600,000 rows, which
openpyxl would parse for minutes. So the zip's directory is read first (declared sizes and
compression ratios), then each sheet and the shared strings are streamed through zlib and
their rows, cells and strings counted, stopping as soon as a count passes its cap. Only then
does openpyxl run, under a row cap and a deadline (``XlsxLimits.seconds``). CSV and JSON need
none of this: their cost is bounded by the request's size (MAX_CONTENT_LENGTH).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import Any, Mapping

from arena.errors import PayloadTooLarge, ValidationFailed

MAX_COLUMNS = 64  # a result sheet names four columns; cells with content further right are refused
_CHUNK = 1 << 20
_TAIL = 512  # bytes kept between chunks: longer than any tag counted
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml\Z")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
_FAR_CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{2,3})(\d+)\"[^>]*?(/?)>")


@dataclass(frozen=True)
class XlsxLimits:
    rows: int = 200_000  # the defaults of MAX_XLSX_ROWS and MAX_XLSX_SECONDS
    seconds: float = 20.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "XlsxLimits":
        return cls(int(settings["MAX_XLSX_ROWS"]), float(settings["MAX_XLSX_SECONDS"]))

    @property
    def cells(self) -> int:
        return self.rows * 16 + 10_000  # four named columns, and room for styled empty cells

    @property
    def part_bytes(self) -> int:
        return self.cells * 64  # the XML of one cell, generously

    ratio = 200  # deflated sheet XML shrinks 5 to 30 times; hundreds is a bomb
    ratio_from = 1 << 20  # small parts may compress better: not worth refusing


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_package(archive: zipfile.ZipFile, limits: XlsxLimits) -> bool:
    """Refuse a workbook whose sheets or shared strings would cost more than ``limits`` to parse.
    Returns whether a sheet has (empty, styled) cells beyond MAX_COLUMNS, which openpyxl would
    pad every row out to: then read only the first MAX_COLUMNS columns."""
    wide = False
    for info in archive.infolist():
        name = info.filename
        is_sheet, is_strings = bool(_SHEET.match(name)), name == "xl/sharedStrings.xml"
        if not (is_sheet or is_strings):
            continue
        if info.file_size > limits.part_bytes:
            raise PayloadTooLarge(f"工作簿的 {name} 解压后有 {info.file_size >> 20} MiB，超过上限 "
                                  f"{limits.part_bytes >> 20} MiB：请拆分文件，或另存为 CSV")
        if info.file_size > limits.ratio_from and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise PayloadTooLarge(f"工作簿的 {name} 压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍）："
                                  "不像正常的 Excel 文件，已拒绝")
        if is_strings:
            _count(archive, name, {_STRING: (limits.cells, "个共享字符串")})
        else:
            wide = _count(archive, name, {_ROW: (limits.rows + 10_000, "行"), _CELL: (limits.cells, "个单元格")},
                          far=True) or wide
    return wide


def _count(archive: zipfile.ZipFile, name: str, caps: dict[re.Pattern, tuple[int, str]], far: bool = False) -> bool:
    """Stream ``name`` and count each pattern's matches, refusing as soon as one passes its cap.

    Each chunk is read with the last _TAIL bytes of the one before; a match is counted in the
    chunk where it starts before the held-back tail, so a tag cut in two is counted once."""
    counts = dict.fromkeys(caps, 0)
    tail, wide = b"", False
    with archive.open(name) as part:  # zipfile stops at the declared size
        while True:
            chunk = part.read(_CHUNK)
            text = tail + chunk
            cut = max(0, len(text) - _TAIL) if chunk else len(text)  # the last chunk keeps nothing back
            for pattern, (cap, what) in caps.items():
                counts[pattern] += sum(1 for m in pattern.finditer(text) if m.start() < cut)
                if counts[pattern] > cap:
                    raise PayloadTooLarge(f"工作簿的 {name} 超过 {cap:,} {what}：请拆分文件，或另存为 CSV")
            if far:
                wide = _far_cells(text, cut) or wide
            if not chunk:
                return wide
            tail = text[cut:]


def _far_cells(text: bytes, cut: int) -> bool:
    """Refuse a cell with content beyond MAX_COLUMNS; True if an empty one is there."""
    wide = False
    for m in _FAR_CELL.finditer(text):
        if m.start() >= cut or _column(m.group(1)) <= MAX_COLUMNS:
            continue
        wide = True
        if m.group(3) != b"/":
            ref = (m.group(1) + m.group(2)).decode()
            raise ValidationFailed(f"单元格 {ref} 在第 {MAX_COLUMNS} 列之外：成绩表只有 unit、key、period、value 四列，"
                                   "请删除右侧的内容", [{"row": int(m.group(2)), "field": None,
                                                        "message": f"单元格 {ref} 有内容"}])
    return wide
