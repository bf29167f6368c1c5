"""Reading a JSON result file: a list of objects with unit, key, period and value.

Rows are numbered by item, from 1. Values are kept as JSON gives them; numbers JSON may spell
but no figure can be (NaN, Infinity, 1e999) and repeated or unknown keys are refused by item.
"""

from __future__ import annotations

import json
from typing import Any

from arena.engine.result_problems import show_text
from arena.errors import BadRequest
from arena.ingest.rows import FIELDS, Problems, RawRow, line_of, too_many


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
    return number if number - number == 0 else _Refused(f"{text[:20]} 超出范围（溢出为无穷大）")  # inf - inf is nan


def _int(text: str) -> int | _Refused:
    # int() refuses over 4300 digits with a bare ValueError; no real figure has 30
    return int(text) if len(text) <= 30 else _Refused(f"{len(text)} 位的数字不合理")


_HOOKS: dict[str, Any] = dict(parse_constant=lambda text: _Refused(f"{text} 不是有限数"),
                              parse_float=_float, parse_int=_int, object_pairs_hook=_pairs)


def parse_json(data: bytes, max_rows: int, optional: tuple[str, ...] = ()) -> list[RawRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = {"line": line_of(data, exc.start), "message": f"第 {exc.start} 字节不是 UTF-8"}
        raise BadRequest("JSON 必须是 UTF-8 文本", [where]) from None
    try:
        items = json.loads(text, **_HOOKS)
    except json.JSONDecodeError as exc:
        raise BadRequest("JSON 格式错误", [{"line": exc.lineno, "column": exc.colno, "message": exc.msg}]) from None
    except RecursionError:
        raise BadRequest("JSON 格式错误", [{"message": "嵌套过深"}]) from None
    if not isinstance(items, list):
        raise BadRequest("应为 JSON 对象列表，每个对象含 unit、key、period、value")
    if len(items) > max_rows:
        raise too_many(max_rows)
    problems, rows = Problems(), []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.add(n, None, "该项不是含 unit、key、period、value 的对象")
            continue
        for name in item.pop(_REPEATED, ()):
            problems.add(n, name, f"键 {show_text(name)} 在对象中出现两次")
        for name in FIELDS:
            if name not in item:
                problems.add(n, name, f"缺少键 {name!r}")
            elif isinstance(item[name], _Refused):
                problems.add(n, name, str(item[name]))
        for name in item:
            if name not in FIELDS and name not in optional:
                message = f"未知的键 {show_text(name)}（可用：unit、key、period、value）"
                problems.add(n, name if name.isprintable() else None, message)
        rows.append(RawRow(n, item.get("unit"), item.get("key"), item.get("period"), item.get("value"),
                           item.get("explanation")))
    problems.raise_if_any("JSON")
    return rows
