"""The public pages and their images, from published sheets only.

HTML pages answer a missing or unpublished thing with a Chinese 404 page; images, workbooks
and JSON answer with the one JSON error body. Everything published is immutable, so files
carry a strong ETag (from the sheet's sha256) and answer If-None-Match with 304.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, send_file

from arena.services import staleness
from arena.errors import ArenaError, BadRequest, NotFound
from arena.http.web import data, glyphs, pages
from arena.http.web.links import LiveLinks
from arena.render import cache, fonts
from arena.render.canvas import FORMATS
from arena.render.workbook import XLSX

bp = Blueprint("web", __name__, static_folder="static", static_url_path="/assets")
_MACHINE = (".png", ".svg", ".xlsx", ".json", "/version", "/cjk-font")


def _db():
    from arena.http.db import get_db

    return get_db()


def _instance() -> str:
    return current_app.instance_path


@bp.errorhandler(ArenaError)
def _error(exc: ArenaError):
    from arena.http.errors import error_response

    if request.path.endswith(_MACHINE):
        return error_response(exc)
    return Response(pages.not_found_page(LiveLinks(), exc.message, exc.status), status=exc.status,
                    mimetype="text/html")


def _html(text: str) -> Response:
    resp = Response(text, mimetype="text/html")
    resp.add_etag()
    resp.cache_control.no_cache = True  # a new publication changes the page: always revalidate
    return resp.make_conditional(request)


def _immutable(body: bytes | str, mimetype: str, etag: str) -> Response:
    resp = Response(body, mimetype=mimetype)
    resp.set_etag(etag)
    resp.cache_control.public = True
    resp.cache_control.max_age = current_app.config.get("CACHE_MAX_AGE", 300)
    return resp.make_conditional(request)


@bp.get("/")
def index():
    return _html(pages.render("index.html", LiveLinks(), **pages.index_context(_db())))


@bp.get("/contests/<cid>")
def contest(cid: str):
    return _html(pages.render("period.html", LiveLinks(), **pages.period_context(_db(), cid)))


@bp.get("/contests/<cid>/<period>")
def period(cid: str, period: str):
    return _html(pages.render("period.html", LiveLinks(), **pages.period_context(_db(), cid, period)))


@bp.get("/contests/<cid>/flags")
def flags(cid: str):
    return _html(pages.render("flags.html", LiveLinks(), **pages.flags_context(_db(), cid)))


@bp.get("/contests/<cid>/rules")
def rules(cid: str):
    return _html(pages.render("rules.html", LiveLinks(), **pages.rules_context(_db(), cid)))


@bp.get("/contests/<cid>/units/<code>")
def unit(cid: str, code: str):
    return _html(pages.render("unit.html", LiveLinks(), **pages.unit_context(_db(), cid, code)))


@bp.get("/contests/<cid>/screen")
def screen(cid: str):
    rotate = request.args.get("rotate", 12, type=int)  # seconds per group
    poll = request.args.get("poll", 30, type=int)  # seconds between looks for a new publication
    context = pages.screen_context(_db(), cid, rotate_seconds=min(max(rotate, 1), 300),
                                   poll_seconds=min(max(poll, 1), 3600))
    return _html(pages.render("screen.html", LiveLinks(), **context))


@bp.get("/contests/<cid>/juries/<int:jid>")
def jury_reveal(cid: str, jid: int):
    """The reveal of a closed jury on the big screen (arena.http.web.reveal)."""
    from arena.http.web.reveal import reveal_context

    auto = request.args.get("auto", 0, type=int)  # seconds per slide; 0: the host advances
    return _html(pages.render("reveal.html", LiveLinks(), **reveal_context(_db(), cid, jid, auto)))


@bp.get("/contests/<cid>/screen/version")
def screen_version(cid: str):
    db = _db()
    data.contest_row(db, cid)
    resp = jsonify({"contest": cid, "version": data.version(db, cid)})
    resp.cache_control.no_store = True
    return resp


@bp.get("/contests/<cid>/<period>/board.<any(png, svg):fmt>")
def board(cid: str, period: str, fmt: str):
    size = request.args.get("size", "phone")
    db = _db()
    pub = data.published(db, cid, period)
    notice = staleness.public_notice(db, cid, pub.row)
    body = cache.board_bytes(_instance(), pub.row, pub.contest, fmt, size, notice)
    return _immutable(body, FORMATS[fmt], f"{pub.row['sheet_sha256']}-board-{size}-v{cache.RENDER_VERSION}{cache.notice_tag(notice)}.{fmt}")


@bp.get("/contests/<cid>/<period>/heatmap.png")
def heatmap(cid: str, period: str):
    pub = data.published(_db(), cid, period)
    body = cache.heatmap_bytes(_instance(), pub.row, pub.contest)
    return _immutable(body, "image/png", f"{pub.row['sheet_sha256']}-heatmap-v{cache.RENDER_VERSION}.png")


@bp.get("/contests/<cid>/<period>/sheet.xlsx")
def workbook(cid: str, period: str):
    db = _db()
    pub = data.published(db, cid, period)
    notice = staleness.public_notice(db, cid, pub.row)
    body = cache.workbook_bytes(_instance(), pub.row, pub.contest, notice)
    resp = _immutable(body, XLSX, cache.workbook_key(pub.row, notice))
    resp.headers["Content-Disposition"] = f"attachment; filename={cid}-{period}.xlsx"
    return resp


@bp.get("/contests/<cid>/<period>/sheet.json")
def sheet_json(cid: str, period: str):
    revision = request.args.get("revision", type=int)
    if "revision" in request.args and (revision is None or not 1 <= revision <= 1_000_000):
        raise BadRequest("revision must be a whole number from 1 to 1000000",
                         [{"field": "revision", "message": "1, 2, ..."}])
    pub = data.published(_db(), cid, period, revision)
    return _immutable(pub.row["sheet"], "application/json", pub.row["sheet_sha256"])


@bp.get("/contests/<cid>/units/<code>/chart.png", endpoint="unit_chart")
def unit_chart_png(cid: str, code: str):
    db = _db()
    # the stamp first: a publication landing between the reads then files a newer chart under
    # the older name (asked for no more), never an older chart under the newer name
    stamp = data.unit_stamp(db, cid, code)  # the unit's publications: they fix the rules below too
    history = data.unit_history(db, cid, code)
    if not history["months"]:
        raise NotFound(f"unit {code!r} has no published month in contest {cid!r}")
    body = cache.unit_chart_bytes(_instance(), stamp, history, data.history_rules(db, cid, history))
    return _immutable(body, "image/png", f"{stamp}-chart-v{cache.RENDER_VERSION}.png")


@bp.get("/fonts/cjk-font")
def webfont():
    """The CJK font the boards use, offered to browsers that have none (kiosks, bare Linux): a
    WOFF2 subset of the glyphs the pages use, not the 16 MB font (render.webfont)."""
    path = glyphs.page_font(_db(), _instance())
    return send_file(path, mimetype="font/woff2", max_age=3600, conditional=True, etag=True)


@bp.get("/fonts/cjk-font-full")
def webfont_full():
    """The whole font, for the console: its forms show whatever a person types."""
    path = fonts.web_font()
    mimetype = "font/otf" if path.suffix.lower() == ".otf" else "font/ttf"
    return send_file(path, mimetype=mimetype, max_age=86400, conditional=True, etag=True)



def _programme(pid: str):
    """(sheet, contest names, honour name, penalty name): the published list, else the draft."""
    from arena.services import programmes

    return programmes.shown(_db(), pid)


@bp.get("/programmes/<pid>/board.<fmt>")
def programme_board(pid: str, fmt: str):
    from arena.render.programme_board import programme_board as draw

    sheet, names, honour, penalty = _programme(pid)
    body = draw(sheet, names, honour, penalty, fmt=fmt)
    resp = Response(body, mimetype=FORMATS[fmt])
    resp.add_etag()
    resp.cache_control.no_cache = True  # the draft changes with each publication
    return resp.make_conditional(request)


@bp.get("/programmes/<pid>/notice.<fmt>")
def programme_notice(pid: str, fmt: str):
    """The 通报 of the published list (Word or PDF); the draft has none."""
    from arena.render.programme_notice import programme_notice_file
    from arena.services import programmes

    if fmt not in ("docx", "pdf"):
        raise NotFound(f"no notice format {fmt!r}: docx or pdf")
    sheet, names, honour, penalty = _programme(pid)
    if sheet.get("revision") is None:
        raise NotFound(f"programme {pid!r} is not published yet: its 通报 comes with its publication")
    body = programme_notice_file(sheet, programmes.letterhead(_db(), pid), names, honour, penalty, fmt)
    kind = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}
    resp = Response(body, mimetype=kind[fmt])
    resp.headers["Content-Disposition"] = f"attachment; filename=\"{pid}-{sheet['period']}.{fmt}\""
    return resp


@bp.get("/programmes/<pid>")
def programme(pid: str):
    sheet, names, honour, penalty = _programme(pid)
    return _html(pages.render("programme.html", LiveLinks(), sheet=sheet, names=names, honour=honour, penalty=penalty))
