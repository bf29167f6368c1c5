"""marshmallow schemas for the structure of a rule file (RULES.md): keys, types, ranges.

Strict on purpose: unknown keys are refused, and the field types (schema_fields.py) refuse a
boolean or quoted text for a number, NaN and infinity. Checks that span objects (groups that
exist, unique ids, targets per unit, bands against weights) are in checks.py.
"""

from __future__ import annotations

from typing import Any, Iterator

from marshmallow import RAISE, Schema, ValidationError, validate, validates_schema

from arena.engine.rules.schema_fields import (Bool, CodeMap, Int, Month, Num, Progress, Text, Weight, above,
                                        clock_problem, label_problem, list_of, matches, name_problem, nested,
                                        one_of, or_more, zone_problem)

# \Z, not $: "$" also matches before a final newline, and "small\n" would pass
SLUG = r"[a-z0-9-]{1,64}\Z"
IDENT = r"[a-z][a-z0-9_]{0,63}\Z"
CODE = r"[A-Za-z0-9_-]{1,64}\Z"  # unit codes and group ids: they appear in URLs
METHODS = ("completion", "rank", "efficacy", "bands", "formula", "jury")


class Strict(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "unknown key", "type": "must be a mapping of keys"}


class Lights(Strict):
    by = Text(validate=one_of("ratio", "lag"))
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


MAX_SEASON_MONTHS = 60  # five years: every month of a season is scored, drafted and scheduled
SEASON_YEARS = (1970, 9998)  # a season's due dates (the month after it) must stay in the calendar


class Season(Strict):
    start, end = Month(required=True), Month(required=True)

    @validates_schema
    def _order(self, data: dict[str, Any], **kw: Any) -> None:
        low, high = SEASON_YEARS
        for key in ("start", "end"):
            if not low <= int(data[key][:4]) <= high:
                raise ValidationError(f"must be a month of the years {low} to {high}", key)
        if data["start"] > data["end"]:
            raise ValidationError(f"must not be before start ({data['start']})", "end")
        (y0, m0), (y1, m1) = (map(int, data[k].split("-")) for k in ("start", "end"))
        months = (y1 - y0) * 12 + m1 - m0 + 1
        if months > MAX_SEASON_MONTHS:
            raise ValidationError(f"the season has {months} months; at most {MAX_SEASON_MONTHS} "
                                  f"({MAX_SEASON_MONTHS // 12} years) are allowed", "end")


class Contest(Strict):
    id = Text(required=True, validate=matches(SLUG, "contest id: use a-z, 0-9 and -, at most 64"))
    name = Text(name_problem, required=True)
    season = nested(Season, required=True)
    timezone = Text(zone_problem)
    precision = Int(validate=validate.Range(0, 6, error="must be from 0 to 6"))
    self_report = Bool()


class Unit(Strict):
    code = Text(required=True, validate=matches(CODE, "unit code: use A-Z, a-z, 0-9, _ and -, at most 64"))
    name = Text(name_problem, required=True)
    group = Text(required=True)


class Band(Strict):
    at_least, at_most = Num(), Num()
    points = Num(required=True, validate=or_more(0))


class Criterion(Strict):
    """One criterion of a jury (method jury): each judge scores it from 0 to max."""
    id = Text(required=True, validate=matches(IDENT, "id: start with a-z, then a-z, 0-9 or _"))
    name = Text(name_problem, required=True)
    max = Num(required=True, validate=above(0))


class Indicator(Strict):
    id = Text(required=True, validate=matches(IDENT, "id: start with a-z, then a-z, 0-9 or _"))
    name = Text(name_problem, required=True)
    unit = Text(label_problem)
    weight = Weight(required=True)
    better = Text(validate=one_of("higher", "lower"))
    method = Text(required=True, validate=one_of(*METHODS))
    target = Num(validate=above(0))
    targets = CodeMap(Num(validate=above(0)))
    progress = Progress()
    # points may reach weight * cap: below 1 the weight could never be reached, surely a slip
    cap = Num(validate=validate.Range(min=1, error="must be 1 or more: points may reach weight * cap (1.2 is 120%)"))
    step = Num(validate=above(0))
    floor, otherwise = Num(validate=or_more(0)), Num(validate=or_more(0))
    base = Num(validate=validate.Range(0, 1, error="must be between 0 and 1"))
    of = Text(validate=one_of("value", "ratio"))
    bands = list_of(nested(Band), validate=validate.Length(min=1, error="must list at least one band"))
    expr = Text()
    lights = nested(Lights)
    reported_by = Text(validate=matches(r"[a-z][a-z0-9_]{0,63}\Z", "a department id, unit or organizer"))
    criteria = list_of(nested(Criterion), validate=validate.Length(1, 20, error="must list 1 to 20 criteria"))
    trim = Int(validate=validate.Range(0, 10, error="must be from 0 to 10"))


class Adjustment(Strict):
    id = Text(required=True, validate=matches(IDENT, "id: start with a-z, then a-z, 0-9 or _"))
    name = Text(name_problem, required=True)
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
    count = CodeMap(Int(validate=or_more(0)), required=True)


class RedFlags(YellowFlags):
    min_score = Num()


class Warnings(Strict):
    last_place_months = Int(required=True, validate=or_more(1))


class Awards(Strict):
    red_flags, yellow_flags = nested(RedFlags), nested(YellowFlags)
    warnings = nested(Warnings)


class Board(Strict):
    dragon, tiger = Int(validate=or_more(0)), Int(validate=or_more(0))


class Schedule(Strict):
    day = Int(validate=validate.Range(1, 28, error="must be from 1 to 28"))
    at = Text(clock_problem)


class Notice(Strict):
    days = Int(required=True, validate=validate.Range(1, 30, error="must be from 1 to 30 days"))


class Publish(Strict):
    monthly, quarterly = nested(Schedule), nested(Schedule)
    notice = nested(Notice)


class Reporting(Strict):
    """Month M is reported in month M+1 from day ``opens``; on time to day ``due``."""
    opens = Int(validate=validate.Range(1, 28, error="must be a day from 1 to 28"))
    due = Int(validate=validate.Range(1, 28, error="must be a day from 1 to 28"))
    remind = list_of(Int(validate=validate.Range(0, 27, error="must be 0 to 27 days before due")),
                     validate=validate.Length(max=10, error="at most 10 reminders"))
    review = Bool()
    swing = Num(validate=above(0))

    @validates_schema
    def _order(self, data: dict[str, Any], **kw: Any) -> None:
        opens, due = data.get("opens", 1), data.get("due", 5)
        if due < opens:
            raise ValidationError(f"must not be before opens (day {opens})", "due")
        late = [d for d in data.get("remind", ()) if due - d < opens]
        if late:
            raise ValidationError(f"{late[0]} days before due (day {due}) is before the window opens "
                                  f"(day {opens})", "remind")
        if len(set(data.get("remind", ()))) != len(data.get("remind", ())):
            raise ValidationError("lists a day twice", "remind")


class WeeklyPublish(Strict):
    weekday = Int(validate=validate.Range(1, 7, error="must be from 1 (Monday) to 7 (Sunday)"))
    at = Text(clock_problem)


class Weekly(Strict):
    """The weekly dispatch (周调度): week W is published on ``weekday`` of the week after it."""
    publish = nested(WeeklyPublish)
    indicators = list_of(Text(), validate=validate.Length(min=1, error="must list at least one indicator"))


class Top(Strict):
    top = Int(required=True, validate=or_more(1))


class Bottom(Strict):
    bottom = Int(required=True, validate=or_more(1))


class Rose(Strict):
    rose = Int(required=True, validate=or_more(1))


class Fell(Strict):
    fell = Int(required=True, validate=or_more(1))


class PositionCards(Strict):
    """位次牌 by the month's rank: blue from the top, yellow and red from the bottom."""
    blue, yellow, red = nested(Top), nested(Bottom), nested(Bottom)


class ProgressCards(Strict):
    """进位牌 by the places moved since the previous scored month."""
    blue, red = nested(Rose), nested(Fell)


class CardLabels(Strict):
    blue, yellow, red = Text(name_problem), Text(name_problem), Text(name_problem)


class Cards(Strict):
    """红黄蓝 cards (亮牌): a position card and a progress card each scored month (双亮牌)."""
    position, progress, labels = nested(PositionCards), nested(ProgressCards), nested(CardLabels)


class Letterhead(Strict):
    """The 通报's 版头 and 版记 (render/notice_*): who issues it, its 发文字号 prefix, 主送, 抄送."""
    office = Text(name_problem)
    number_prefix = Text(name_problem)
    to = Text(name_problem)
    cc = Text(label_problem)  # may be empty: no 抄送 line


class Rules(Strict):
    version = Int(required=True, validate=validate.Equal(1, error="must be 1"))
    contest = nested(Contest, required=True)
    groups = CodeMap(Text(name_problem), non_empty=True, keys=CODE, required=True)
    units = list_of(nested(Unit), required=True, validate=validate.Length(min=1, error="must not be empty"))
    indicators = list_of(nested(Indicator), required=True, validate=validate.Length(min=1, error="must not be empty"))
    adjustments = list_of(nested(Adjustment))
    exempt = CodeMap(list_of(Text()))
    tie_break = list_of(Text())
    aggregate = Text(validate=one_of("mean", "sum", "last"))
    lights = nested(Lights)
    awards, board, publish = nested(Awards), nested(Board), nested(Publish)
    departments = CodeMap(Text(name_problem), keys=IDENT)
    reporting = nested(Reporting)
    letterhead = nested(Letterhead)
    weekly = nested(Weekly)
    cards = nested(Cards)


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
