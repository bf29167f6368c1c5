"""Schemas of sheets (API.md, "The sheet"), previews, flags and a unit's standing."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from arena.http.api.schemas import SHA, Group, nullable, req


class Cards(Schema):
    position = nullable(fields.String(validate=validate.OneOf(["blue", "yellow", "red"])))
    progress = nullable(fields.String(validate=validate.OneOf(["blue", "red"])))


class UnitRow(Schema):
    unit = req(fields.String())
    name = req(fields.String())
    rank = req(fields.Integer())
    total = req(fields.Float())
    change = nullable(fields.Integer())
    flags = req(fields.List(fields.String(validate=validate.OneOf(
        ["missing", "warning", "vetoed", "red_flag", "yellow_flag"]))))
    indicators = req(fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), metadata={
        "description": "month: {value, target, ratio, points, light, missing} per indicator; longer "
                       "periods: the mean points; null where the unit is not scored on it"}))
    adjustments = req(fields.Dict(keys=fields.String(), values=fields.Float()))
    board = nullable(fields.String(validate=validate.OneOf(["dragon", "tiger"])))
    red_flags = fields.Integer(metadata={"description": "half and year sheets: red flags won in its quarters"})
    cards = fields.Nested(Cards, metadata={"description": "month sheets of rules with `cards`: the 位次牌 and "
                                                          "进位牌 (RULES.md \"红黄蓝 cards\"); their names are the rules'"})


class SheetGroup(Schema):
    id = req(fields.String())
    name = req(fields.String())
    units = req(fields.List(fields.Nested(UnitRow)))


class Sheet(Schema):
    contest = req(fields.String())
    period = req(fields.String())
    kind = req(fields.String(validate=validate.OneOf(["month", "quarter", "half", "year", "week"]), metadata={
        "description": "week: the weekly dispatch (周调度), a table of value, target, ratio, lag and light per "
                       "unit and indicator, with no rank, total, flags or board (RULES.md \"Weekly dispatch\")"}))
    revision = nullable(fields.Integer())
    published_at = nullable(fields.String())
    note = nullable(fields.String())
    status = fields.String(allow_none=True, validate=validate.OneOf(["notice", "final"]),
                           metadata={"description": "notice: 公示稿 until notice_until, then final; null in a draft"})
    notice_until = fields.String(allow_none=True)
    rules_sha256 = nullable(fields.String())
    data_sha256 = nullable(fields.String())
    groups = req(fields.List(fields.Nested(SheetGroup)))


class UnitScore(Schema):
    contest = req(fields.String())
    period = req(fields.String())
    kind = req(fields.String())
    revision = req(fields.Integer())
    published_at = req(fields.String())
    note = nullable(fields.String())
    group = req(fields.Nested(Group))
    row = req(fields.Nested(UnitRow))


class PeriodQuery(Schema):
    period = req(fields.String(validate=validate.Length(max=20), metadata={"example": "2026-03"}))


class RevisionQuery(Schema):
    revision = fields.Integer(validate=validate.Range(min=1, max=1_000_000))


class SizeQuery(Schema):
    size = fields.String(load_default="phone", validate=validate.OneOf(["phone", "screen"]))


class RankChange(Schema):
    unit = req(fields.String())
    name = req(fields.String())
    group = req(fields.String())
    rank_now = nullable(fields.Integer())
    rank_new = nullable(fields.Integer())
    change = nullable(fields.Integer(metadata={"description": "rank_now - rank_new: positive moves up"}))
    total_now = nullable(fields.Float())
    total_new = nullable(fields.Float())


class Preview(Schema):
    period = req(fields.String())
    rules_sha256 = fields.String(**SHA)
    sheet = req(fields.Nested(Sheet))
    ranks = req(fields.List(fields.Nested(RankChange)))


# -- flags and standing -------------------------------------------------------------------

class FlagHolder(Schema):
    unit = req(fields.String())
    name = req(fields.String())
    rank = req(fields.Integer())
    total = req(fields.Float())


class QuarterGroupFlags(Schema):
    id = req(fields.String())
    name = req(fields.String())
    red_flag = req(fields.List(fields.Nested(FlagHolder)))
    yellow_flag = req(fields.List(fields.Nested(FlagHolder)))


class QuarterFlags(Schema):
    period = req(fields.String())
    revision = req(fields.Integer())
    published_at = req(fields.String())
    groups = req(fields.List(fields.Nested(QuarterGroupFlags)))


class UnitFlagCount(Schema):
    unit = req(fields.String())
    name = req(fields.String())
    group = req(fields.String())
    red_flags = req(fields.Integer())
    yellow_flags = req(fields.Integer())


class YearFlags(Schema):
    year = req(fields.Integer())
    units = req(fields.List(fields.Nested(UnitFlagCount)))


class Flags(Schema):
    contest = req(fields.String())
    quarters = req(fields.List(fields.Nested(QuarterFlags)))
    years = req(fields.List(fields.Nested(YearFlags)))


class HistoryItem(Schema):
    period = req(fields.String())
    kind = req(fields.String())
    revision = req(fields.Integer())
    published_at = req(fields.String())
    group = req(fields.String())
    row = req(fields.Nested(UnitRow))


class Above(Schema):
    unit = req(fields.String())
    name = req(fields.String())
    rank = req(fields.Integer())
    total = req(fields.Float())
    points = req(fields.Float(metadata={"description": "its total minus ours: more than this passes it"}))


class RedFlagLine(Schema):
    quarter = req(fields.String())
    places = req(fields.Integer())
    min_score = req(fields.Float())
    line = req(fields.Float(metadata={"description": "the lowest total that wins a flag on this ranking"}))
    points = nullable(fields.Float(metadata={"description": "points to reach the line; null when vetoed"}))
    inside = req(fields.Boolean())


class RedLight(Schema):
    indicator = req(fields.String())
    name = req(fields.String())
    value = nullable(fields.Float())
    target = nullable(fields.Float())
    ratio = nullable(fields.Float())


class LostPoints(Schema):
    indicator = req(fields.String())
    name = req(fields.String())
    weight = req(fields.Float())
    points = req(fields.Float())
    lost = req(fields.Float())


class Latest(Schema):
    period = req(fields.String())
    revision = req(fields.Integer())
    rank = req(fields.Integer())
    total = req(fields.Float())
    units_in_group = req(fields.Integer())
    vetoed = req(fields.Boolean())
    above = nullable(fields.Nested(Above))
    red_flag_line = nullable(fields.Nested(RedFlagLine))
    red_lights = req(fields.List(fields.Nested(RedLight)))
    lost_most = req(fields.List(fields.Nested(LostPoints)))


class Standing(Schema):
    contest = req(fields.String())
    unit = req(fields.String())
    name = req(fields.String())
    group = req(fields.String())
    history = req(fields.List(fields.Nested(HistoryItem)))
    latest = nullable(fields.Nested(Latest))


class StandingQuery(Schema):
    unit = fields.String(validate=validate.Length(max=100),
                         metadata={"description": "organizers name the unit; a unit token reads its own"})
