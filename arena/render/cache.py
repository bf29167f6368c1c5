"""Rendered files kept on disk, once per publication: ``instance/cache/<kind>/<key>``.

A publication never changes, so its sheet's sha256 names everything drawn from it. Files are
written whole (arena.support.atomic), so concurrent workers never read half a file (two that race both
render; the last move wins, with identical bytes).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any, Callable

from arena.engine.rules.model import Contest
from arena.errors import BadRequest
from arena.render.canvas import check_format
from arena.services.publishing import frozen_sheet
from arena.support.atomic import write_atomic

# Bumped when a drawing changes, so files cached by an older layout are not served again.
RENDER_VERSION = 12  # 12: 红黄蓝 cards on boards and workbooks; 11: board lights numbered, with a numbered legend; the screen board's note on two lines; 10: workbooks show targets and 完成率, numeric columns hold no text; 9: the year board's flag tally sorted and named; 8: workbooks print on A4 landscape, heat map headers go across; 7: a sheet under notice says 公示稿
NOTICE_VERSION = 1  # the same for the notices (notice_text, notice_docx, notice_pdf)
_KEY = re.compile(r"^[0-9a-zA-Z][0-9a-zA-Z._-]{0,150}$")


def cached(instance_path: str | os.PathLike | None, kind: str, key: str, render: Callable[[], bytes]) -> bytes:
    """The bytes kept under ``kind``/``key``, rendering and keeping them the first time; without
    an instance folder (a static export run without one) they are rendered and not kept."""
    if not _KEY.match(kind) or not _KEY.match(key):
        raise BadRequest(f"not a cache key: {kind}/{key}")
    if instance_path is None:
        return render()
    folder = Path(instance_path) / "cache" / kind
    target = folder / key
    try:
        return target.read_bytes()
    except FileNotFoundError:
        pass
    data = render()
    write_atomic(target, data)
    return data


def publication_key(publication: dict[str, Any]) -> str:
    sha = str(publication.get("sheet_sha256") or "")
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise BadRequest("the publication has no valid sheet_sha256")
    return sha


def notice_tag(notice: str | None) -> str:
    """The part of a file's key and ETag that names its stale notice (staleness.public_notice):
    a notice is drawn into the bytes, so a board with one is another file than the one without."""
    return f"-stale-{hashlib.sha256(notice.encode()).hexdigest()[:16]}" if notice else ""


def _noticed(publication: dict[str, Any], notice: str | None) -> dict[str, Any]:
    sheet = frozen_sheet(publication)
    return {**sheet, "stale_notice": notice} if notice else sheet  # a copy: the frozen one is shared


def board_key(publication: dict[str, Any], fmt: str, size: str, notice: str | None = None) -> str:
    return f"{publication_key(publication)}-{size}-v{RENDER_VERSION}{notice_tag(notice)}.{fmt}"


def board_bytes(instance_path: str | None, publication: dict[str, Any], contest: Contest, fmt: str, size: str,
                notice: str | None = None) -> bytes:
    """The publication's board (boards.board_image), rendered once and then read from disk;
    ``notice``: the stale notice to draw on it, if any."""
    from arena.render.boards import SIZES, board_image

    check_format(fmt)
    if size not in SIZES:
        raise BadRequest(f"unknown board size {size!r}: use phone or screen",
                         [{"field": "size", "message": "phone or screen"}])
    return cached(instance_path, "boards", board_key(publication, fmt, size, notice),
                  lambda: board_image(_noticed(publication, notice), contest, fmt=fmt, size=size))


def heatmap_bytes(instance_path: str | None, publication: dict[str, Any], contest: Contest) -> bytes:
    """The publication's heat map of units by indicator points (charts.heatmap), kept like boards."""
    from arena.render.charts import heatmap

    key = f"{publication_key(publication)}-heatmap-v{RENDER_VERSION}.png"
    return cached(instance_path, "charts", key, lambda: heatmap(frozen_sheet(publication), contest))


def refuse_week(publication: dict[str, Any], what: str) -> None:
    """A week's dispatch (周调度) is a table without ranks or points: it has a page and a lag
    chart, but no workbook and no 通报."""
    if publication.get("kind") == "week":
        from arena.errors import NotFound

        raise NotFound(f"{publication.get('period')} is a week's dispatch (周调度): it has no {what}; "
                       "see its page or its board (the lag chart)")


def workbook_key(publication: dict[str, Any], notice: str | None = None) -> str:
    """The workbook's file name and ETag: the sheet's hash, the layout's version, its notice."""
    return f"{publication_key(publication)}-v{RENDER_VERSION}{notice_tag(notice)}.xlsx"


def workbook_bytes(instance_path: str | None, publication: dict[str, Any], contest: Contest,
                   notice: str | None = None) -> bytes:
    """The publication's Excel workbook (workbook.sheet_workbook), kept like boards."""
    from arena.render.workbook import sheet_workbook

    refuse_week(publication, "成绩单 workbook")
    return cached(instance_path, "xlsx", workbook_key(publication, notice),
                  lambda: sheet_workbook(_noticed(publication, notice), contest))


def unit_chart_bytes(instance_path: str | None, stamp: str, history: dict[str, Any], contest: Contest) -> bytes:
    """A unit's chart (charts.unit_chart), kept by its publications' stamp (web.data.unit_stamp);
    ``contest`` is the rules of its newest publication, for the name and the decimals."""
    from arena.render.charts import unit_chart

    return cached(instance_path, "charts", f"unit-{stamp}-v{RENDER_VERSION}.png",
                  lambda: unit_chart(history["months"], history["name"], contest.name, contest.precision))


def notice_key(publication: dict[str, Any], tag: str, fmt: str, unit: str | None = None) -> str:
    """A notice's file name and ETag: the sheet's hash, what else it was written from (``tag``,
    services.notices.context_tag), the layout's version; a 约谈通知 its unit's (hashed: codes
    run to 64 characters)."""
    who = f"-interview-{hashlib.sha256(unit.encode()).hexdigest()[:12]}" if unit is not None else ""
    return f"{publication_key(publication)}-notice{who}-{tag}-n{NOTICE_VERSION}.{fmt}"


def notice_bytes(instance_path: str | None, publication: dict[str, Any], contest: Contest, context: dict[str, Any],
                 tag: str, fmt: str, unit: str | None = None) -> bytes:
    """The publication's 通报 (or, with ``unit``, its 约谈通知 to that unit) as .docx or .pdf,
    kept like boards; NotFound when the sheet warns no such unit."""
    from arena.errors import NotFound
    from arena.render import notice_text

    if fmt not in ("docx", "pdf"):
        raise BadRequest(f"unknown notice format {fmt!r}: use docx or pdf")
    refuse_week(publication, "通报")
    sheet = frozen_sheet(publication)
    if unit is None:
        notice = notice_text.sheet_notice(sheet, contest, **context)
    else:
        notice = notice_text.interview_notice(sheet, contest, unit, (context.get("last_months") or {}).get(unit, ()))
        if notice is None:
            raise NotFound(f"{sheet['period']} warns no unit {unit[:40]!r}: there is no 约谈通知 for it")

    def render() -> bytes:
        if fmt == "docx":
            from arena.render.notice_docx import notice_docx, publication_moment

            return notice_docx(notice, publication_moment(sheet.get("published_at")))
        from arena.render.notice_pdf import notice_pdf

        return notice_pdf(notice)

    return cached(instance_path, "notices", notice_key(publication, tag, fmt, unit), render)
