"""The fill-in workbook (填报表) as a download: one body for the API's route and the /report
page's link, so both answer the same workbook for the same reporter."""

from __future__ import annotations

from flask import current_app

from arena.engine.reporting import reporter_of_template
from arena.engine.result_problems import show_text
from arena.errors import Forbidden, ValidationFailed
from arena.render.workbook import XLSX
from arena.store import results


def template_month(contest, period: str) -> str:
    if period not in contest.months:
        message = (f"{show_text(period)} 不是本赛季的月份：填报表按月下载，"
                   f"期间写作 YYYY-MM（{contest.season_start} 至 {contest.season_end}）")
        raise ValidationFailed(message, [{"field": "period", "message": message}])
    return period



def workbook_answer(db, contest, period: str, reporter_id: str):
    """The fill-in workbook of ``reporter_id`` for a month, as a download (the API's route and
    the /report page's link both answer with it)."""
    from arena.render.template import fill_in_workbook  # openpyxl loads only when asked for

    month = template_month(contest, period)
    reporter = reporter_of_template(contest, reporter_id)
    if reporter is None:
        raise Forbidden(f"你在比赛 {contest.id} 中没有要报送的指标，没有填报表")
    units, keys = set(reporter.units), set(reporter.keys)
    only = reporter.units[0] if len(reporter.units) == 1 else None
    stored = {(r["unit"], r["key"]): r["value"] for r in results.list_results(db, contest.id, month, only)
              if r["unit"] in units and r["key"] in keys}
    body = fill_in_workbook(contest, month, reporter, stored)
    response = current_app.response_class(body, mimetype=XLSX)
    response.headers["Content-Disposition"] = f"attachment; filename={contest.id}-{month}-template.xlsx"
    response.headers["Cache-Control"] = "private, no-store"
    return response
