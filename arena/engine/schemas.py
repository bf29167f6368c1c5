"""marshmallow schemas for the structure of a rule file (RULES.md): keys, types, ranges.

Strict on purpose: a boolean is not a number, "12" is not a number, NaN and infinity are
refused, unknown keys are refused. Checks that span objects (groups that exist, unique ids,
targets per unit, bands against weights) are in rules.py.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any, Callable, Iterator

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from arena.engine.yaml_source import bad_character

SLUG = r"^[a-z0-9-]{1,64}$"
IDENT = r"^[a-z][a-z0-9_]{0,63}$"
CODE = r"^[A-Za-z0-9_-]{1,64}$"  # unit codes and group ids: they appear in URLs
METHODS = ("completion", "rank", "efficacy", "bands", "formula")
_MSG = {"required": "is required", "null": "has no value"}


def _above(n: float) -> validate.Range:
    return validate.Range(min=n, min_inclusive=False, error=f"must be greater than {n:g}")


def _at_least(n: float) -> validate.Range:
    return validate.Range(min=n, error=f"must be {n:g} or more")


def _one_of(*choices: str) -> validate.OneOf:
    return validate.OneOf(choices, error="must be one of: " + ", ".join(choices))


def _nested(schema: type[Schema], **kw: Any) -> fields.Nested:
    return fields.Nested(schema, error_messages=_MSG, **kw)


def _list(item: fields.Field, **kw: Any) -> fields.List:
    return fields.List(item, error_messages={**_MSG, "invalid": "must be a list"}, **kw)


def _matches(pattern: str, what: str) -> validate.Regexp:
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
        return super()._deserialize(value, attr, data, **kw)


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
    """Text as written (rules.py explains quoting); ``check`` returns a problem, or None."""

    def __init__(self, check: Callable[[str], str | None] | None = None, **kw: Any):
        super().__init__(error_messages={**_MSG, "invalid": "must be text"}, **kw)
        self.check = check

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw)
        problem = self.check(text) if self.check else None
        if problem:
            raise ValidationError(problem)
        return text


def _label(text: str) -> str | None:
    bad = bad_character(text, allow_newlines=False)
    return f"contains {bad}" if bad else None


def _name(text: str) -> str | None:
    """A name shown to people: not blank, no control characters (no tabs or line breaks)."""
    return "must not be empty" if not text.strip() else _label(text)


def _clock(text: str) -> str | None:
    ok = re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text)
    return None if ok else f'must be a time written "HH:MM", like "09:00", not {text!r}'


def _zone(text: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"{text!r} is not an IANA time zone, like Asia/Shanghai"
    return None


class Month(fields.Field):
    default_error_messages = _MSG

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
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
            return CodeMap(Num(validate=_above(0)), non_empty=True).deserialize(value)
        try:
            return Num(validate=_above(0)).deserialize(value)
        except ValidationError:
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


class Strict(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "unknown key", "type": "must be a mapping of keys"}


class Lights(Strict):
    by = Text(validate=_one_of("ratio", "lag"))
    green, yellow = Num(), Num()

    @validates_schema
    def _order(self, data: dict[str, Any], **kw: Any) -> None:
        """Keys left out take the defaults of ``by``: ratio 1.0 / 0.9, lag 0 / 10."""
        by = data.get("by", "ratio")
        green = data.get("green", 1.0 if by == "ratio" else 0.0)
        yellow = data.get("yellow", 0.9 if by == "ratio" else 10.0)
        if by == "ratio" and green < yellow:
            raise ValidationError(f"must not exceed green ({green:g}): a ratio turns yellow below green", "yellow")
        if by == "lag" and green > yellow:
            raise ValidationError(f"must not be below green ({green:g}): a lag turns yellow above green", "yellow")


class Season(Strict):
    start, end = Month(required=True), Month(required=True)

    @validates_schema
    def _order(self, data: dict[str, Any], **kw: Any) -> None:
        if data["start"] > data["end"]:
            raise ValidationError(f"must not be before start ({data['start']})", "end")


class Contest(Strict):
    id = Text(required=True, validate=_matches(SLUG, "contest id: use a-z, 0-9 and -, at most 64"))
    name = Text(_name, required=True)
    season = _nested(Season, required=True)
    timezone = Text(_zone)
    precision = Int(validate=validate.Range(0, 6, error="must be from 0 to 6"))
    self_report = Bool()


class Unit(Strict):
    code = Text(required=True, validate=_matches(CODE, "unit code: use A-Z, a-z, 0-9, _ and -, at most 64"))
    name = Text(_name, required=True)
    group = Text(required=True)


class Band(Strict):
    at_least, at_most = Num(), Num()
    points = Num(required=True, validate=_at_least(0))


class Indicator(Strict):
    id = Text(required=True, validate=_matches(IDENT, "id: start with a-z, then a-z, 0-9 or _"))
    name = Text(_name, required=True)
    unit = Text(_label)
    weight = Weight(required=True)
    better = Text(validate=_one_of("higher", "lower"))
    method = Text(required=True, validate=_one_of(*METHODS))
    target = Num(validate=_above(0))
    targets = CodeMap(Num(validate=_above(0)))
    progress = Progress()
    # points may reach weight * cap: below 1 the weight could never be reached, surely a slip
    cap = Num(validate=validate.Range(min=1, error="must be 1 or more: points may reach weight * cap (1.2 is 120%)"))
    step = Num(validate=_above(0))
    floor, otherwise = Num(validate=_at_least(0)), Num(validate=_at_least(0))
    base = Num(validate=validate.Range(0, 1, error="must be between 0 and 1"))
    of = Text(validate=_one_of("value", "ratio"))
    bands = _list(_nested(Band), validate=validate.Length(min=1, error="must list at least one band"))
    expr = Text()
    lights = _nested(Lights)


class Adjustment(Strict):
    id = Text(required=True, validate=_matches(IDENT, "id: start with a-z, then a-z, 0-9 or _"))
    name = Text(_name, required=True)
    points, max, min = Num(), Num(), Num()
    veto = Bool()

    @validates_schema
    def _consistent(self, data: dict[str, Any], **kw: Any) -> None:
        points = data.get("points")
        if data.get("veto"):
            errors = {k: ["a veto item carries no points"] for k in ("points", "max", "min") if k in data}
        elif points is None:
            errors = {"points": ["is required (or set veto: true)"]}
        else:
            errors = {"points": ["must not be 0"]} if points == 0 else {}
            if "max" in data and not (points > 0 and data["max"] > 0):
                errors["max"] = ["caps positive points only: points and max must both be > 0"]
            if "min" in data and not (points < 0 and data["min"] < 0):
                errors["min"] = ["floors negative points only: points and min must both be < 0"]
        if errors:
            raise ValidationError(errors)


class YellowFlags(Strict):
    count = CodeMap(Int(validate=_at_least(0)), required=True)


class RedFlags(YellowFlags):
    min_score = Num()


class Warnings(Strict):
    last_place_months = Int(required=True, validate=_at_least(1))


class Awards(Strict):
    red_flags, yellow_flags = _nested(RedFlags), _nested(YellowFlags)
    warnings = _nested(Warnings)


class Board(Strict):
    dragon, tiger = Int(validate=_at_least(0)), Int(validate=_at_least(0))


class Schedule(Strict):
    day = Int(validate=validate.Range(1, 28, error="must be from 1 to 28"))
    at = Text(_clock)


class Publish(Strict):
    monthly, quarterly = _nested(Schedule), _nested(Schedule)


class Rules(Strict):
    version = Int(required=True, validate=validate.Equal(1, error="must be 1"))
    contest = _nested(Contest, required=True)
    groups = CodeMap(Text(_name), non_empty=True, keys=CODE, required=True)
    units = _list(_nested(Unit), required=True, validate=validate.Length(min=1, error="must not be empty"))
    indicators = _list(_nested(Indicator), required=True, validate=validate.Length(min=1, error="must not be empty"))
    adjustments = _list(_nested(Adjustment))
    exempt = CodeMap(_list(Text()))
    tie_break = _list(Text())
    aggregate = Text(validate=_one_of("mean", "sum", "last"))
    lights = _nested(Lights)
    awards, board, publish = _nested(Awards), _nested(Board), _nested(Publish)


def flatten(messages: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """marshmallow's nested error dict as (path, message) pairs; ``_schema`` adds no step."""
    if isinstance(messages, dict):
        for key, sub in messages.items():
            yield from flatten(sub, path if key == "_schema" else path + (key,))
    elif isinstance(messages, list):
        for sub in messages:
            yield from flatten(sub, path)
    else:
        yield path, str(messages)
