"""Strict request bodies: content types (415), UTF-8 (400), JSON without NaN, Infinity, numbers
that overflow, duplicate keys or deep nesting (400), and text fields without control characters
or lone surrogates (422). Bodies are read inside the view, so an oversize one becomes our 413.
"""

from __future__ import annotations

import json
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from arena.errors import BadRequest, UnsupportedMediaType, ValidationFailed
from arena.ingest import detect_format

JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULT_TYPES = ("application/json", "text/csv", XLSX_TYPE, "multipart/form-data")
MAX_DEPTH = 32  # no request body of this API nests deeper than a few levels


def media_type() -> str:
    return (request.mimetype or "").lower()


def require_media(allowed: tuple[str, ...]) -> str:
    found = media_type()
    if found not in allowed:
        raise UnsupportedMediaType(f"send {' or '.join(allowed)}, not {found or 'a body without a content type'}",
                                   [{"field": "Content-Type", "message": f"expected {', '.join(allowed)}"}])
    return found


def text_body(allowed: tuple[str, ...] = YAML_TYPES) -> str:
    """The body as UTF-8 text (a BOM is dropped)."""
    require_media(allowed)
    data = request.get_data(cache=True)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BadRequest("the body is not UTF-8 text", [{"line": line, "message": f"byte {exc.start} is not UTF-8"}]) from None


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise BadRequest("malformed JSON", [{"field": _show(key), "message": "the key appears twice"}])
        seen[key] = value
    return seen


def _constant(text: str):
    raise BadRequest("malformed JSON", [{"message": f"{text} is not a finite number"}])


def _float(text: str) -> float:
    number = float(text)
    if number - number != 0:  # inf - inf is nan
        raise BadRequest("malformed JSON", [{"message": f"{text[:20]} overflows to infinity"}])
    return number


def _int(text: str) -> int:
    if len(text) > 30:
        raise BadRequest("malformed JSON", [{"message": f"a {len(text)}-digit number is absurd"}])
    return int(text)


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings, without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def strict_json(data: bytes) -> Any:
    """Parse JSON strictly; BadRequest saying what is wrong."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("JSON must be UTF-8 text", [{"message": f"byte {exc.start} is not UTF-8"}]) from None
    if _depth(text) > MAX_DEPTH:
        raise BadRequest("malformed JSON", [{"message": f"nested deeper than {MAX_DEPTH} levels"}])
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float,
                           parse_int=_int)
    except json.JSONDecodeError as exc:
        raise BadRequest("malformed JSON", [{"line": exc.lineno, "column": exc.colno, "message": exc.msg}]) from None
    _check_strings(value, "")
    return value


def _show(text: str) -> str:
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text[:40])


def _check_strings(value: Any, path: str) -> None:
    """Lone surrogates (JSON may spell "\\ud800") are refused anywhere, keys included."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationFailed("a string holds a lone surrogate",
                                   [{"field": path or "body", "message": "lone surrogate"}]) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, path)
            _check_strings(item, f"{path}.{_show(key)}" if path else _show(key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _check_strings(item, f"{path}[{n}]")


def load(schema: Schema, value: Any) -> dict[str, Any]:
    try:
        return schema.load(value)
    except ValidationError as exc:
        raise ValidationFailed("the request is not valid", flatten(exc.messages)) from None


def flatten(messages: Any, path: str = "") -> list[dict[str, Any]]:
    """marshmallow's nested messages -> [{"field", "message"}]."""
    if isinstance(messages, dict):
        out = []
        for key, sub in messages.items():
            out += flatten(sub, f"{path}.{key}" if path else str(key))
        return out
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"field": path, "message": m} for m in messages]
    if isinstance(messages, list):
        return [d for m in messages for d in flatten(m, path)]
    return [{"field": path, "message": str(messages)}]


def results_body() -> tuple[bytes, str]:
    """(data, json | csv | xlsx) of a results upload: a raw body, or a multipart ``file`` field."""
    media = require_media(RESULT_TYPES)
    if media != "multipart/form-data":
        return request.get_data(cache=True), detect_format(None, media)
    files = request.files.getlist("file")
    if len(files) != 1:
        raise BadRequest("a multipart upload needs exactly one file field named 'file'",
                         [{"field": "file", "message": f"{len(files)} files sent"}])
    upload = files[0]
    return upload.read(), detect_format(upload.filename, upload.mimetype)
