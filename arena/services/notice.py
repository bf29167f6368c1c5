"""Notice before final (公示, RULES.md): a month under notice becomes final once, and a
quarter, half or year waits until each of its scored months is final.

Finalizing is a new revision (publications are frozen): the figures, rules version and data
batch of the newest revision, ``status: final``. The scheduler finalizes when the deadline has
passed and no objection is open (``finalize_due``); an organizer may do it earlier.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from arena import services
from arena.services import publishing
from arena.errors import Conflict
from arena.engine.periods import parse_period
from arena.store import objections, publications, results
from arena.store.db import transaction
from arena.support import clock
from arena.support.plain_text import clean_note


def waiting_months(db, contest, period: str) -> list[dict[str, Any]]:
    """The scored months of a quarter, half or year that are not final yet (RULES.md "Notice
    before final": a quarter sheet waits until each of its scored months is final), each as
    {"month", "notice_until"}. A month under notice waits; with ``publish.notice`` in the rules
    a scored month not yet published waits too (it will go under notice first). Without notice a
    month never published does not hold a quarter back, as before notices existed."""
    scored = set(results.scored_months(db, contest.id, contest.unit_by_code, contest.keys))
    waiting = []
    for month in parse_period(period).months:
        if month not in scored:
            continue
        newest = publications.latest(db, contest.id, month, with_sheet=False)
        if newest is None and contest.publish.notice_days:
            waiting.append({"month": month, "notice_until": None})
        elif newest is not None and newest["status"] == "notice":
            waiting.append({"month": month, "notice_until": newest["notice_until"]})
    return waiting


def refuse_while_waiting(db, contest, period: str) -> None:
    waiting = waiting_months(db, contest, period)
    if waiting:
        said = "、".join(f"{w['month']}（公示至 {w['notice_until']}）" if w["notice_until"] else f"{w['month']}（尚未发布）"
                        for w in waiting)
        raise Conflict(f"{period} 要等其各月定稿后才能发布：{said}",
                       [{"field": "period", "month": w["month"],
                         "message": f"under notice until {w['notice_until']}" if w["notice_until"] else "not published"}
                        for w in waiting])


def finalize(db, contest_id: str, period: str, *, actor: str, now: datetime | None = None, note: str | None = None,
             push: bool = True) -> tuple[dict[str, Any], bool]:
    """Make a month under notice final: a new revision with the newest revision's figures, its
    rules version and data batch (so ``verify`` reproduces it), ``status: final``,
    ``notice_until: null`` (the deadline stays on the revisions before) and ``note`` (default 公示期满
once the deadline has passed, 提前定稿 before it).

    Exactly once: decided inside BEGIN IMMEDIATE, so a second call (another scheduler, a double
    click) finds the month final and returns that revision with created False. Refused (409)
    while an objection is open, and when the month was never under notice. The deadline is not
    checked here: an organizer may finalize early (提前定稿); the scheduler waits for it.
    """
    wanted = services.parse_wanted(period)
    note = clean_note(note)
    with transaction(db):
        contest, _ = services.contest_rules(db, contest_id)
        if wanted.kind != "month":
            raise Conflict(f"只有月度成绩有公示期：{wanted} 不在公示期", [{"field": "period", "message": "not a month"}])
        newest = publications.latest(db, contest.id, str(wanted))
        if newest is None:
            raise Conflict(f"{wanted} 尚未发布，不在公示期", [{"field": "period", "message": "not under notice"}])
        if newest["status"] != "notice":
            if publications.was_under_notice(db, contest.id, str(wanted)):
                del newest["sheet"]
                return newest, False
            raise Conflict(f"{wanted} 不在公示期（已是正式稿）", [{"field": "period", "message": "not under notice"}])
        still_open = objections.open_of(db, contest.id, str(wanted))
        if still_open:
            raise Conflict(f"{wanted} 还有 {len(still_open)} 条异议未处理（"
                           + "、".join(f"#{o['id']}" for o in still_open) + "），处理完才能定稿",
                           [{"field": "period", "objection": o["id"], "message": "objection open"} for o in still_open])
        moment = publishing.stamp(contest, now)
        when = clock.iso(moment)
        if note is None:
            ended = moment >= datetime.fromisoformat(newest["notice_until"])
            note = "公示期满" if ended else f"提前定稿（公示期原至 {newest['notice_until']}）"
        revision = newest["revision"] + 1
        sheet = dict(publishing.frozen_sheet(newest))  # the same figures: its rules version and data batch
        sheet.update(revision=revision, published_at=when, note=note, status="final", notice_until=None)
        row = publishing.store_revision(db, sheet, actor=actor, rules_version=newest["rules_version"],
                                        data_batch=newest["data_batch"], action="publication.final",
                                        before=newest["sheet_sha256"],
                                        detail={"note": note, "notice_until": newest["notice_until"]})
    if push:
        publishing.after_publish(db)
    return row, True


def finalize_due(db, contest, now: datetime, *, actor: str = "scheduler") -> list[dict[str, Any]]:
    """Finalize every month of ``contest`` whose newest revision is under notice, whose
    ``notice_until`` has passed at ``now`` and that has no open objection (each exactly once)."""
    done = []
    for row in publications.newest(db, contest.id, "month"):
        if (row["status"] != "notice" or datetime.fromisoformat(row["notice_until"]) > now
                or objections.open_of(db, contest.id, row["period"])):
            continue
        made, created = finalize(db, contest.id, row["period"], actor=actor, now=now, push=False)
        if created:
            done.append(made)
    return done
