"""marshmallow field types for a rule file (RULES.md), strict on purpose.

A boolean is not a number, "12" is not a number, NaN and infinity are refused; a mapping of
codes reports each bad key by name. The schemas that use these are in schemas.py.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any, Callable

from marshmallow import Schema, ValidationError, fields, validate

from arena.engine.result_problems import MAX_ABS, MIN_ABS
from arena.engine.rules.yaml_source import bad_character

_MSG = {"required": "is required", "null": "has no value"}


def above(n: float) -> validate.Range:
    return validate.Range(min=n, min_inclusive=False, error=f"must be greater than {n:g}")


def or_more(n: float) -> validate.Range:
    return validate.Range(min=n, error=f"must be {n:g} or more")


def one_of(*choices: str) -> validate.OneOf:
    return validate.OneOf(choices, error="must be one of: " + ", ".join(choices))


def nested(schema: type[Schema], **kw: Any) -> fields.Nested:
    return fields.Nested(schema, error_messages=_MSG, **kw)


def list_of(item: fields.Field, **kw: Any) -> fields.List:
    return fields.List(item, error_messages={**_MSG, "invalid": "must be a list"}, **kw)


def matches(pattern: str, what: str) -> validate.Regexp:
    return validate.Regexp(pattern, error=f"{{input}} is not a valid {what}")


class Num(fields.Float):
    """A finite number written as a number: not a boolean, not quoted text."""

    def __init__(self, **kw: Any):
        super().__init__(allow_nan=False, error_messages={
            **_MSG, "invalid": "must be a number", "special": "must be a finite number (not .nan or .inf)",
            "too_large": "is too large"}, **kw)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        number = super()._deserialize(value, attr, data, **kw)
        # bounded as result values are: sums of weights and ratios to targets stay far from overflow
        if abs(number) > MAX_ABS:
            raise ValidationError(f"must be at most {MAX_ABS:g} in size")
        if 0 < abs(number) < MIN_ABS:
            raise ValidationError(f"must be 0 or at least {MIN_ABS:g} in size")
        return number


class Int(fields.Integer):
    def __init__(self, **kw: Any):
        super().__init__(strict=True, error_messages={**_MSG, "invalid": "must be a whole number"}, **kw)


class Bool(fields.Boolean):
    default_error_messages = _MSG

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


class Text(fields.String):
    """Text as written (problems.py explains quoting); ``check`` returns a problem, or None."""

    def __init__(self, check: Callable[[str], str | None] | None = None, **kw: Any):
        super().__init__(error_messages={**_MSG, "invalid": "must be text"}, **kw)
        self.check = check

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw)
        problem = self.check(text) if self.check else None
        if problem:
            raise ValidationError(problem)
        return text


def label_problem(text: str) -> str | None:
    bad = bad_character(text, allow_newlines=False)
    return f"contains {bad}" if bad else None


def name_problem(text: str) -> str | None:
    """A name shown to people: not blank, no control characters (no tabs or line breaks)."""
    return "must not be empty" if not text.strip() else label_problem(text)


def clock_problem(text: str) -> str | None:
    ok = re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", text)
    return None if ok else f'must be a time written "HH:MM", like "09:00", not {text!r}'


def zone_problem(text: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"{text!r} is not an IANA time zone, like Asia/Shanghai"
    return None


class Month(fields.Field):
    default_error_messages = _MSG

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", value):
            return value
        shown = f"the date {value}" if hasattr(value, "isoformat") else repr(value)
        raise ValidationError(f"must be a month written YYYY-MM, like 2026-01 (YAML read {shown})")


class CodeMap(fields.Field):
    """A mapping {code or id: value}, each value checked by ``value``; errors keyed by key."""

    default_error_messages = _MSG

    def __init__(self, value: fields.Field, non_empty: bool = False, keys: str | None = None, **kw: Any):
        super().__init__(**kw)
        self.value_field, self.non_empty, self.keys = value, non_empty, keys

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValidationError("must be a mapping {key: value}")
        if self.non_empty and not value:
            raise ValidationError("must not be empty")
        out, errors = {}, {}
        for key, item in value.items():
            if self.keys and not re.fullmatch(self.keys, key):
                errors[key] = [f"{key} is not a valid id: use A-Z, a-z, 0-9, _ and -, at most 64"]
                continue
            try:
                out[key] = self.value_field.deserialize(item)
            except ValidationError as exc:
                errors[key] = exc.messages
        if errors:
            raise ValidationError(errors)
        return out


class Weight(fields.Field):
    """One number > 0 for every group, or {group: number > 0}."""

    default_error_messages = _MSG

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> float | dict[str, float]:
        if isinstance(value, dict):
            return CodeMap(Num(validate=above(0)), non_empty=True).deserialize(value)
        try:
            return Num(validate=above(0)).deserialize(value)
        except ValidationError:
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                raise  # a positive number: its own message says what is wrong (its size)
            raise ValidationError("must be a number greater than 0, or a map {group: number}") from None


class Progress(fields.Field):
    """none | linear | 12 cumulative fractions in [0, 1], non-decreasing, the last 1."""

    default_error_messages = _MSG

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str | tuple[float, ...]:
        if value in ("none", "linear"):
            return value
        if not isinstance(value, list) or len(value) != 12:
            raise ValidationError("must be none, linear, or a list of 12 cumulative fractions ending in 1")
        out, errors = [], {}
        for k, item in enumerate(value):
            try:
                p = Num(validate=validate.Range(0, 1, error="must be between 0 and 1")).deserialize(item)
            except ValidationError as exc:
                errors[k] = exc.messages
                continue
            if out and p < out[-1]:
                errors[k] = [f"must not be below the month before ({out[-1]:g}): progress is cumulative"]
            out.append(p)
        if not errors and out[-1] != 1:
            errors[11] = ["must be 1: the whole annual target by the last month"]
        if errors:
            raise ValidationError(errors)
        return tuple(out)
