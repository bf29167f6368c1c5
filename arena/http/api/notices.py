"""The 通报 of a published period as Word and PDF, and the 约谈通知 to each unit it warns.

GET /api/contests/{cid}/notices/{period}.docx|.pdf, and
GET /api/contests/{cid}/notices/{period}/interview-{unit}.docx|.pdf. Written from the frozen
publication (the newest, or ?revision=n) and kept in instance/cache like the boards; a strong
ETag names each file. Only published periods have notices: anything else is 404; a period that
is not a period at all is 400.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app
from flask.views import MethodView

from arena import services
from arena.engine.periods import PeriodError, parse_period
from arena.errors import BadRequest
from arena.http.api import sheet_schemas
from arena.http.api.base import ETAG_HEADERS, IF_NONE_MATCH, Blueprint, access, public
from arena.http.db import get_db
from arena.render import words
from arena.services import notices
from arena.store import contests, publications

blp = Blueprint("notices", __name__, url_prefix="/api", description="The 通报 and 约谈通知 as Word and PDF")
BINARY = {"type": "string", "format": "binary"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
TYPES = {"docx": DOCX, "pdf": PDF}
HEADERS = {**ETAG_HEADERS, "Content-Disposition": {"description": "attachment, with a UTF-8 filename*",
                                                   "schema": {"type": "string"}}}
CONDITIONAL = blp.doc(parameters=[IF_NONE_MATCH])


def _period(text: str) -> str:
    try:
        return str(parse_period(text))
    except PeriodError as exc:
        raise BadRequest(str(exc), [{"field": "period", "message": str(exc)}]) from None


def _notice(cid: str, period: str, fmt: str, revision: int | None, unit: str | None = None):
    # python-docx and ReportLab load only when asked
    from arena.render.cache import notice_bytes, notice_key, refuse_week

    db = get_db()
    contests.require_contest(db, cid)  # an unknown contest is 404 before its period is looked at
    pub = publications.get(db, cid, _period(period), revision)
    refuse_week(pub, "通报")
    contest, _ = services.contest_rules(db, cid, pub["rules_version"])
    context = notices.notice_context(db, cid, pub, contest.awards.last_place_months)
    tag = notices.context_tag(context)
    data = notice_bytes(current_app.instance_path, pub, contest, context, tag, fmt, unit)
    response = public(data, notice_key(pub, tag, fmt, unit), mimetype=TYPES[fmt], immutable=revision is not None)
    label = words.period_label(pub["period"])
    if unit is None:
        ascii_name, name = f"{cid}-{pub['period']}-notice.{fmt}", f"{label}{contest.name}通报.{fmt}"
    else:
        unit_name = contest.unit_by_code[unit].name if unit in contest.unit_by_code else unit
        ascii_name, name = f"{cid}-{pub['period']}-interview-{unit}.{fmt}", f"{label}约谈通知（{unit_name}）.{fmt}"
    response.headers["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response


def _documented(fmt: str):
    def decorate(view):
        view = blp.arguments(sheet_schemas.RevisionQuery, location="query", as_kwargs=True)(view)
        view = CONDITIONAL(view)
        view = access("anyone", 400, 422)(view)
        view = blp.alt_response(304, description="Not Modified: the ETag still matches")(view)
        return blp.response(200, BINARY, content_type=TYPES[fmt], headers=HEADERS)(view)
    return decorate


@blp.route("/contests/<cid>/notices/<period>.docx")
class NoticeDocx(MethodView):
    @_documented("docx")
    def get(self, cid, period, revision=None):
        """The 通报 of a published period as Word (GB/T 9704: 版头, 发文字号, 标题, 主送, 正文, 附件 tables, 版记)"""
        return _notice(cid, period, "docx", revision)


@blp.route("/contests/<cid>/notices/<period>.pdf")
class NoticePdf(MethodView):
    @_documented("pdf")
    def get(self, cid, period, revision=None):
        """The 通报 of a published period as PDF, A4, its Chinese font embedded"""
        return _notice(cid, period, "pdf", revision)


@blp.route("/contests/<cid>/notices/<period>/interview-<unit>.docx")
class InterviewDocx(MethodView):
    @_documented("docx")
    def get(self, cid, period, unit, revision=None):
        """The 约谈通知 to a unit the published month warns, as Word; 404 for a unit it does not warn"""
        return _notice(cid, period, "docx", revision, unit)


@blp.route("/contests/<cid>/notices/<period>/interview-<unit>.pdf")
class InterviewPdf(MethodView):
    @_documented("pdf")
    def get(self, cid, period, unit, revision=None):
        """The 约谈通知 to a unit the published month warns, as PDF"""
        return _notice(cid, period, "pdf", revision, unit)
