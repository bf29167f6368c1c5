"""What every result-file reader shares: the raw row, the list of problems, the header.

Columns (CSV and XLSX): the header names the four columns, in any order, in English or
Chinese: unit | 单位 | 单位代码, key | 指标 | 指标代码, period | 期间, value | 数值
(English names in any case). Any other named column is refused, so a typo is never silently
dropped; empty trailing header cells (Excel leaves them) are ignored. A reader asked for
``optional`` fields (a submission's explanation | 说明) also takes those columns when present.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from arena.engine.result_problems import FIELD_WORDS, show_text
from arena.errors import BadRequest, PayloadTooLarge

MAX_DETAILS = 1000
FIELDS = ("unit", "key", "period", "value")
OPTIONAL = ("explanation",)  # accepted only where the reader is asked for it (submissions)
HEADERS = {"explanation": "explanation", "说明": "explanation", "unit": "unit", "单位": "unit", "单位代码": "unit", "key": "key", "指标": "key", "指标代码": "key",
           "period": "period", "期间": "period", "value": "value", "数值": "value"}


@dataclass(slots=True)
class RawRow:
    row: int
    unit: Any
    key: Any
    period: Any
    value: Any
    explanation: Any = None  # 说明, read for submissions only
    coded: bool = False  # unit and key are codes for certain (the fill-in workbook's hidden cells)


class Problems:
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
        tail = [{"row": None, "field": None, "message": f"另有 {more} 处问题未列出"}] if more else []
        raise BadRequest(f"{what}无法读取：共 {self.count} 处问题", self.details + tail)


def too_many(max_rows: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"一个文件超过 {max_rows:,} 行成绩数据：请拆分")


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_header(header: list[Any], problems: Problems, row: int,
                optional: tuple[str, ...] = ()) -> tuple[list[int], int]:
    """Positions of unit, key, period, value in the header (then of each ``optional`` field,
    -1 when absent), and how many columns are named."""
    names = ["" if h is None else str(h).strip().lstrip("\ufeff") for h in header]
    while names and not names[-1]:
        names.pop()
    found: dict[str, int] = {}
    for i, name in enumerate(names):
        field = HEADERS.get(name.lower() if name.isascii() else name)
        if field in OPTIONAL and field not in optional:
            field = None
        if field is None:
            label = f"第 {i + 1} 列没有列名" if not name else f"未知的列 {show_text(name)}"
            problems.add(row, None, f"{label}；列应为 unit、key、period、value（或 单位、指标、期间、数值）")
        elif field in found:
            problems.add(row, field, f"列 {field} 出现两次（第 {found[field] + 1} 列和第 {i + 1} 列）")
        else:
            found[field] = i
    for field in FIELDS:
        if field not in found:
            problems.add(row, field, f"表头缺少 {field} 列（{FIELD_WORDS[field]}）")
    problems.raise_if_any("表头")
    return [found[f] for f in FIELDS] + [found.get(f, -1) for f in optional], len(names)
