"""marshmallow schemas at the API's edge: request bodies and query strings are loaded through
them, and every answer is described by them in the OpenAPI spec (unknown keys are refused, so
the spec says exactly which keys an answer has). Sheets, flags and standing: sheet_schemas.py.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from arena.store.tokens import ROLES

SHA = dict(required=True, validate=validate.Length(equal=64))


def req(field: fields.Field) -> fields.Field:
    field.required = True
    return field


def nullable(field: fields.Field) -> fields.Field:
    field.allow_none = True
    field.required = True
    return field


# -- errors -------------------------------------------------------------------------------

class ErrorDetail(Schema):
    class Meta:
        description = "Where a problem is: path and line (rules), row and field (results), or field."

    path = fields.String()
    line = fields.Integer(allow_none=True)
    column = fields.Integer()
    row = fields.Integer(allow_none=True)
    field = fields.String(allow_none=True)
    message = fields.String()


class ErrorInner(Schema):
    code = req(fields.String())
    message = req(fields.String())
    details = req(fields.List(fields.Nested(ErrorDetail)))


class Error(Schema):
    """The one error body of every failure."""

    error = req(fields.Nested(ErrorInner))


# -- contests and rules -------------------------------------------------------------------

class Season(Schema):
    start = req(fields.String())
    end = req(fields.String())


class ContestItem(Schema):
    id = req(fields.String())
    name = req(fields.String())
    season = req(fields.Nested(Season))


class Group(Schema):
    id = req(fields.String())
    name = req(fields.String())


class UnitInfo(Schema):
    code = req(fields.String())
    name = req(fields.String())
    group = req(fields.String())


class IndicatorInfo(Schema):
    id = req(fields.String())
    name = req(fields.String())
    unit = req(fields.String())
    weight = req(fields.Dict(keys=fields.String(), values=fields.Float(),
                             metadata={"description": "full points per group id; a group not listed does not score it"}))
    better = req(fields.String(validate=validate.OneOf(["higher", "lower"])))
    method = req(fields.String())


class AdjustmentInfo(Schema):
    id = req(fields.String())
    name = req(fields.String())
    points = req(fields.Float())
    max = nullable(fields.Float())
    min = nullable(fields.Float())
    veto = req(fields.Boolean())


class ContestDetail(ContestItem):
    timezone = req(fields.String())
    precision = req(fields.Integer())
    self_report = req(fields.Boolean())
    groups = req(fields.List(fields.Nested(Group)))
    units = req(fields.List(fields.Nested(UnitInfo)))
    indicators = req(fields.List(fields.Nested(IndicatorInfo)))
    adjustments = req(fields.List(fields.Nested(AdjustmentInfo)))


class Rules(Schema):
    version = req(fields.Integer())
    sha256 = fields.String(**SHA)
    yaml = req(fields.String())
    author = req(fields.String())
    created_at = req(fields.String())
    note = nullable(fields.String())


class RulesVersion(Schema):
    version = req(fields.Integer())
    sha256 = fields.String(**SHA)
    author = req(fields.String())
    created_at = req(fields.String())
    note = nullable(fields.String())


class RuleWarning(Schema):
    path = req(fields.String(metadata={"description": "where in the file, e.g. board.dragon"}))
    line = req(fields.Integer())
    message = req(fields.String())


class RulesSaved(Schema):
    contest = req(fields.String())
    version = req(fields.Integer())
    sha256 = fields.String(**SHA)
    created = req(fields.Boolean())
    changed = req(fields.Boolean())
    warnings = req(fields.List(fields.Nested(RuleWarning), metadata={
        "description": "what the file says but probably does not mean; saved all the same"}))


class NoteQuery(Schema):
    note = fields.String(validate=validate.Length(max=2000), metadata={"description": "why the rules changed"})


# -- results ------------------------------------------------------------------------------

class ImportWarning(Schema):
    months = req(fields.List(fields.String()))
    message = req(fields.String())


class ImportCounts(Schema):
    inserted = req(fields.Integer())
    updated = req(fields.Integer())
    unchanged = req(fields.Integer())
    warning = fields.Nested(ImportWarning, metadata={
        "description": "present when published months changed: the public sees the published figures until they are published again"})


class StoredResult(Schema):
    unit = req(fields.String())
    key = req(fields.String())
    period = req(fields.String())
    value = req(fields.Float())
    stored_by = req(fields.String())
    stored_at = req(fields.String())


class ResultsQuery(Schema):
    period = fields.String(validate=validate.Length(max=20))
    unit = fields.String(validate=validate.Length(max=100))


# -- publications -------------------------------------------------------------------------

class PublishRequest(Schema):
    period = req(fields.String(validate=validate.Length(min=1, max=20), metadata={"example": "2026-03"}))
    note = fields.String(allow_none=True, validate=validate.Length(max=2000),
                         metadata={"description": "更正说明: required for a revision after the first"})


class StaleCause(Schema):
    month = req(fields.String())
    cause = req(fields.String(validate=validate.OneOf(["corrected", "results"]),
                              metadata={"description": "corrected: a later revision of the month; "
                                                       "results: results stored after, not yet published"}))
    revision = nullable(fields.Integer())
    at = nullable(fields.String())


class Stale(Schema):
    class Meta:
        description = "Why a publication's inputs changed after it was frozen (null: they did not)."

    reason = req(fields.String())
    message = req(fields.String(metadata={"description": "the same in Chinese"}))
    causes = req(fields.List(fields.Nested(StaleCause)))


class StaleDependant(Schema):
    period = req(fields.String())
    revision = req(fields.Integer())
    stale = req(fields.Nested(Stale))


class Publication(Schema):
    contest = req(fields.String())
    period = req(fields.String())
    kind = req(fields.String())
    revision = req(fields.Integer())
    published_at = req(fields.String())
    note = nullable(fields.String())
    rules_sha256 = fields.String(**SHA)
    data_sha256 = fields.String(**SHA)
    sheet_sha256 = fields.String(**SHA)
    status = req(fields.String(validate=validate.OneOf(["notice", "final"]),
                               metadata={"description": "notice: 公示稿 until notice_until; final"}))
    notice_until = nullable(fields.String())
    stale = nullable(fields.Nested(Stale, metadata={"description": "only a period's newest revision can be stale"}))


class Published(Publication):
    stale_dependants = req(fields.List(fields.Nested(StaleDependant), metadata={
        "description": "after a correction of a month: the publications built from it that are now stale"}))


# -- audit and tokens ---------------------------------------------------------------------

class AuditRow(Schema):
    id = req(fields.Integer())
    at = req(fields.String())
    actor = req(fields.String())
    action = req(fields.String())
    contest = nullable(fields.String())
    target = nullable(fields.String())
    before_sha256 = nullable(fields.String())
    after_sha256 = nullable(fields.String())
    detail = nullable(fields.Dict())


class AuditQuery(Schema):
    contest = fields.String(validate=validate.Length(max=100))
    action = fields.String(validate=validate.Length(max=100))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class Token(Schema):
    id = req(fields.Integer())
    name = req(fields.String())
    role = req(fields.String(validate=validate.OneOf(ROLES)))
    contest = nullable(fields.String())
    unit = nullable(fields.String())
    department = nullable(fields.String())
    created_at = req(fields.String())
    created_by = req(fields.String())
    expires_at = nullable(fields.String())
    revoked_at = nullable(fields.String())


class TokenCreated(Token):
    token = req(fields.String(metadata={"description": "shown once; only its hash is kept"}))


class TokenRequest(Schema):
    role = req(fields.String(validate=validate.OneOf(ROLES)))
    name = req(fields.String(validate=validate.Length(min=1, max=100)))
    contest = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    unit = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    department = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    expires_days = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=3650))


class WhoAmI(Schema):
    role = req(fields.String(validate=validate.OneOf(["anonymous", *ROLES])))
    name = nullable(fields.String())
    token_id = nullable(fields.Integer())
    contest = nullable(fields.String())
    unit = nullable(fields.String())
    department = nullable(fields.String())


class Revoked(Schema):
    id = req(fields.Integer())
    revoked = req(fields.Boolean())


# -- notice and objections (公示, 异议) -----------------------------------------------------

class ObjectionRequest(Schema):
    period = req(fields.String(validate=validate.Length(min=1, max=20), metadata={"example": "2026-03"}))
    indicator = nullable(fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "an indicator id the unit's group scores, or null: the whole row"}))
    message = req(fields.String(validate=validate.Length(min=1, max=2000), metadata={"description": "plain text"}))


class AnswerRequest(Schema):
    decision = req(fields.String(validate=validate.OneOf(["upheld", "rejected"]), metadata={
        "description": "upheld: the data was corrected and the month is republished; rejected: the reply only"}))
    reply = req(fields.String(validate=validate.Length(min=1, max=2000)))


class ObjectionsQuery(Schema):
    period = fields.String(validate=validate.Length(max=20))
    unit = fields.String(validate=validate.Length(max=100), metadata={"description": "organizers: one unit's"})


class EvidenceFile(Schema):
    name = req(fields.String())
    media_type = req(fields.String(metadata={"description": "what the bytes are, not what the name says"}))
    size = req(fields.Integer())
    sha256 = fields.String(**SHA)
    url = req(fields.String(metadata={"description": "organizers and the submitter (or objecting unit) only; audited"}))


class Objection(Schema):
    id = req(fields.Integer())
    contest = req(fields.String())
    period = req(fields.String())
    revision = req(fields.Integer(metadata={"description": "the revision objected to"}))
    unit = req(fields.String())
    indicator = nullable(fields.String(metadata={"description": "null: the whole row"}))
    message = req(fields.String())
    raised_by = req(fields.String())
    raised_at = req(fields.String())
    status = req(fields.String(validate=validate.OneOf(["open", "upheld", "rejected"])))
    reply = nullable(fields.String())
    answered_by = nullable(fields.String())
    answered_at = nullable(fields.String())
    answer_revision = nullable(fields.Integer(metadata={"description": "the revision an upheld answer made"}))
    files = req(fields.List(fields.Nested(EvidenceFile)))


# -- juries (展示擂台赛) ----------------------------------------------------------------------

class JuryRequest(Schema):
    indicator = req(fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "an indicator with method jury"}))
    period = req(fields.String(validate=validate.Length(min=1, max=20), metadata={"example": "2026-03"}))
    judges = req(fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                             validate=validate.Length(min=1, max=50), metadata={"description": "judge usernames"}))
    order_seed = fields.Integer(strict=True, allow_none=True, metadata={
        "description": "the draw's seed (0 to 2**53 - 1); left out, one is drawn and recorded"})


class JurySheetRequest(Schema):
    scores = req(fields.Dict(keys=fields.String(), values=fields.Raw(), metadata={
        "description": "criterion id -> score within 0..max; some or all of them (saved as it goes)"}))


class JuryReopenRequest(Schema):
    judge = req(fields.String(validate=validate.Length(min=1, max=100)))
    reason = req(fields.String(validate=validate.Length(min=1, max=2000)))


class JuryCriterion(Schema):
    id = req(fields.String())
    name = req(fields.String())
    max = req(fields.Float())


class JuryPlace(Schema):
    position = req(fields.Integer(metadata={"description": "1: presents first (抽签)"}))
    unit = req(fields.String())
    name = req(fields.String())


class JuryJudge(Schema):
    username = req(fields.String())
    submitted = req(fields.Boolean())
    submitted_at = nullable(fields.String())
    scored = fields.Integer(metadata={"description": "before the close: scores given so far"})
    of = fields.Integer(metadata={"description": "before the close: scores to give"})



class JuryMine(Schema):
    judge = req(fields.String())
    submitted = req(fields.Boolean())
    sheets = req(fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Float()),
                             metadata={"description": "unit -> criterion -> score"}))


class JuryTotal(Schema):
    judge = req(fields.String())
    name = req(fields.String())
    total = req(fields.Float())
    scores = req(fields.Dict(keys=fields.String(), values=fields.Float()))
    dropped = nullable(fields.String(validate=validate.OneOf(["low", "high"])))


class JuryTallyUnit(Schema):
    position = req(fields.Integer())
    unit = req(fields.String())
    name = req(fields.String())
    group = req(fields.String())
    totals = req(fields.List(fields.Nested(JuryTotal)))
    x = req(fields.Float(metadata={"description": "the trimmed mean: the unit's result value"}))
    points = req(fields.Float())


class JuryRanked(Schema):
    rank = req(fields.Integer())
    unit = req(fields.String())
    name = req(fields.String())
    x = req(fields.Float())
    points = req(fields.Float())


class JuryRanking(Schema):
    group = req(fields.String())
    name = req(fields.String())
    units = req(fields.List(fields.Nested(JuryRanked)))


class JuryTally(Schema):
    units = req(fields.List(fields.Nested(JuryTallyUnit), metadata={"description": "in the drawn order"}))
    ranking = req(fields.List(fields.Nested(JuryRanking)))


class Jury(Schema):
    id = req(fields.Integer())
    contest = req(fields.String())
    indicator = req(fields.String())
    period = req(fields.String())
    criteria = req(fields.List(fields.Nested(JuryCriterion)))
    trim = req(fields.Integer())
    status = req(fields.String(validate=validate.OneOf(["open", "closed"])))
    order_seed = req(fields.Integer())
    order = req(fields.List(fields.Nested(JuryPlace)))
    judges = req(fields.List(fields.Nested(JuryJudge)))
    opened_at = req(fields.String())
    closed_at = nullable(fields.String())
    mine = fields.Nested(JuryMine, metadata={"description": "a judge's own sheets, before the close"})
    tally = fields.Nested(JuryTally, metadata={"description": "after the close"})


class JuryListed(Schema):
    id = req(fields.Integer())
    indicator = req(fields.String())
    period = req(fields.String())
    status = req(fields.String(validate=validate.OneOf(["open", "closed"])))
    opened_at = req(fields.String())
    closed_at = nullable(fields.String())


class JurySheet(Schema):
    unit = req(fields.String())
    scores = req(fields.Dict(keys=fields.String(), values=fields.Float()))
    total = nullable(fields.Float(metadata={"description": "null until every criterion has a score"}))
