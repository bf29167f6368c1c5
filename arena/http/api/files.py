"""Files of a published period: the 龙虎榜 board as PNG or SVG, and the sheet as an .xlsx workbook.

Rendered once per publication and kept under instance/cache (arena.render.cache), so a repeated
request costs no drawing. Each answer carries the publication's sha256 plus its variant as a
strong ETag. Only published periods have files: anything else is 404.
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from arena import services
from arena.http.api import sheet_schemas
from arena.http.api.base import ETAG_HEADERS, IF_NONE_MATCH, Blueprint, access, public
from arena.http.api.sheets import publication
from arena.http.db import get_db
from arena.services import staleness

blp = Blueprint("files", __name__, url_prefix="/api", description="Board images and Excel workbooks")
BINARY = {"type": "string", "format": "binary"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONDITIONAL = blp.doc(parameters=[IF_NONE_MATCH])


def _board(cid: str, period: str, fmt: str, size: str):
    from arena.render.cache import board_bytes, board_key  # matplotlib loads only when asked for

    pub = publication(cid, period)
    contest, _ = services.contest_rules(get_db(), cid, pub["rules_version"])
    notice = staleness.public_notice(get_db(), cid, pub)
    data = board_bytes(current_app.instance_path, pub, contest, fmt, size, notice)
    mimetype = "image/png" if fmt == "png" else "image/svg+xml"
    return public(data, board_key(pub, fmt, size, notice), mimetype=mimetype)


@blp.route("/contests/<cid>/boards/<period>.png")
class BoardPng(MethodView):
    @blp.response(200, BINARY, content_type="image/png", headers=ETAG_HEADERS)
    @blp.alt_response(304, description="Not Modified: the ETag still matches")
    @access("anyone", 422)
    @CONDITIONAL
    @blp.arguments(sheet_schemas.SizeQuery, location="query", as_kwargs=True)
    def get(self, cid, period, size="phone"):
        """The 龙虎榜 of a published period as PNG (?size=phone, about 1080 px wide, or screen, 1920x1080)"""
        return _board(cid, period, "png", size)


@blp.route("/contests/<cid>/boards/<period>.svg")
class BoardSvg(MethodView):
    @blp.response(200, {"type": "string"}, content_type="image/svg+xml", headers=ETAG_HEADERS)
    @blp.alt_response(304, description="Not Modified: the ETag still matches")
    @access("anyone", 422)
    @CONDITIONAL
    @blp.arguments(sheet_schemas.SizeQuery, location="query", as_kwargs=True)
    def get(self, cid, period, size="phone"):
        """The 龙虎榜 of a published period as SVG"""
        return _board(cid, period, "svg", size)


@blp.route("/contests/<cid>/scores/<period>.xlsx")
class SheetWorkbook(MethodView):
    @blp.response(200, BINARY, content_type=XLSX, headers=ETAG_HEADERS)
    @blp.alt_response(304, description="Not Modified: the ETag still matches")
    @access("anyone")
    @CONDITIONAL
    def get(self, cid, period):
        """The published sheet as an Excel workbook (成绩单), one worksheet per group"""
        from arena.render.cache import workbook_bytes, workbook_key

        pub = publication(cid, period)
        contest, _ = services.contest_rules(get_db(), cid, pub["rules_version"])
        notice = staleness.public_notice(get_db(), cid, pub)
        data = workbook_bytes(current_app.instance_path, pub, contest, notice)
        return public(data, workbook_key(pub, notice), mimetype=XLSX, filename=f"{cid}-{pub['period']}.xlsx")
