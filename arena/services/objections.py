"""Objections (异议) during a month's notice (公示, RULES.md): a unit objects to its own row, an
organizer answers, and only the two of them ever see the text.

Decisions made here:
- One open objection per unit, month and indicator (or the whole row) is enough: a second one
  while the first is open is refused (409, naming it); once answered, the unit may object again
  while the notice lasts.
- ``upheld`` means the figures were corrected: the organizer corrects the data first (results
  import), then upholds, and the answer republishes the month with the reply as its 更正说明 (a
  new revision, under notice to the same deadline, as ``publish`` does). If the sheet would not
  change, the answer is refused (409 先更正数据再维持异议) unless a revision made after the
  objection already carries the correction (one correction may answer several objections):
  then that revision is the answer's. Both decisions need a reply.
- The objection is to the revision that was newest when it was raised; it stays open across
  corrections until answered, and the month cannot be finalized while it is open.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from arena import services
from arena.errors import Conflict, Forbidden, NotFound, ValidationFailed
from arena.services import evidence as evidence_files
from arena.services import publishing
from arena.store import audit, evidence, objections, publications
from arena.store.db import transaction
from arena.support import clock
from arena.support.plain_text import clean_text

MAX_TEXT = 2000
DECISIONS = {"upheld": "成立（已更正）", "rejected": "不成立"}
STATES = {"open": "待处理", "upheld": "成立（已更正）", "rejected": "不成立"}


def text_of(value: Any, field: str, what: str) -> str:
    """A message or reply: plain text, 1 to MAX_TEXT characters once stripped."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"请填写{what}", [{"field": field, "message": "required"}])
    value = clean_text(value, field, multiline=True).strip()
    if len(value) > MAX_TEXT:
        raise ValidationFailed(f"{what}最多 {MAX_TEXT} 字（收到 {len(value)} 字）",
                               [{"field": field, "message": f"at most {MAX_TEXT} characters"}])
    return value


def row_of(sheet: dict, unit: str) -> dict | None:
    for group in sheet["groups"]:
        for row in group["units"]:
            if row["unit"] == unit:
                return row
    return None


def window(db, contest, period: str, now: datetime) -> dict:
    """The newest revision of ``period`` (with its sheet) while objections are taken; else 409
    saying why: not published, not under notice (final), or the deadline passed."""
    newest = publications.latest(db, contest.id, period)
    if newest is None or newest["status"] != "notice":
        state = "尚未发布" if newest is None else "已是正式稿"
        raise Conflict(f"{period} 不在公示期（{state}），不能提出异议",
                       [{"field": "period", "message": "not under notice"}])
    if now >= datetime.fromisoformat(newest["notice_until"]):
        raise Conflict(f"{period} 的公示期已于 {newest['notice_until']} 结束，不能再提出异议",
                       [{"field": "period", "message": f"notice ended at {newest['notice_until']}"}])
    return newest


def raise_objection(db, contest_id: str, *, unit: str, actor: str, period: Any, indicator: Any, message: Any,
                    files: list[tuple[str, bytes, str]] = (), folder: str | os.PathLike | None = None) -> dict:
    """Record a unit's objection to its own row of ``period`` (an indicator, or None: the whole
    row) with checked evidence files (evidence.check); returns it as ``shown`` does."""
    if not isinstance(period, str) or not period.strip():
        raise ValidationFailed("请指明对哪个月的成绩提出异议", [{"field": "period", "message": "required"}])
    wanted = services.parse_wanted(clean_text(period.strip(), "period"))
    if wanted.kind != "month":
        raise Conflict(f"{wanted} 不在公示期：只有月度成绩公示", [{"field": "period", "message": "not under notice"}])
    if indicator is not None and not isinstance(indicator, str):
        raise ValidationFailed("indicator 应为指标编号或 null（对整行）", [{"field": "indicator", "message": "not a string"}])
    indicator = clean_text(indicator.strip(), "indicator") or None if indicator is not None else None
    message = text_of(message, "message", "异议内容")
    with transaction(db):
        contest, _ = services.contest_rules(db, contest_id)
        now = clock.now(contest.timezone)
        newest = window(db, contest, str(wanted), now)
        row = row_of(publishing.frozen_sheet(newest), unit)
        if row is None:
            raise Forbidden(f"{wanted} 的成绩单中没有本单位（{unit}）的一行，只能对本单位的成绩提出异议",
                            [{"field": "unit", "message": "not in the sheet"}])
        if indicator is not None:
            names = {i.id: i.name for i in contest.indicators}
            if indicator not in names:
                raise ValidationFailed(f"没有指标 {indicator!r}", [{"field": "indicator", "message": "unknown indicator"}])
            if row["indicators"].get(indicator) is None:
                raise ValidationFailed(f"本单位不考核指标 {names[indicator]}（{indicator}），不能对它提出异议",
                                       [{"field": "indicator", "message": "not scored for this unit"}])
        same = objections.open_same(db, contest.id, str(wanted), unit, indicator)
        if same is not None:
            raise Conflict(f"本单位对{'该指标' if indicator else '整行'}已有一条待处理的异议（#{same['id']}），请等待答复",
                           [{"field": "indicator", "objection": same["id"], "message": "an objection is open"}])
        when = clock.iso(now)
        ident = objections.add(db, contest=contest.id, period=str(wanted), revision=newest["revision"], unit=unit,
                               indicator=indicator, message=message, raised_by=actor, now=when)
        if files:
            evidence_files.attach(db, folder, list(files), contest=contest.id, actor=actor, now=when, objection=ident)
        audit.record(db, actor=actor, action="objection.raise", contest=contest.id,
                     target=f"{wanted} r{newest['revision']} objection {ident}", after=newest["sheet_sha256"],
                     detail={"unit": unit, "indicator": indicator, "files": len(files)}, now=when)
        return shown(db, objections.get(db, contest.id, ident))


def shown(db, row: dict) -> dict:
    """An objection as the API answers it: its columns and its evidence files."""
    files = [{k: f[k] for k in ("name", "media_type", "size", "sha256")} for f in evidence.of_objection(db, row["id"])]
    return {**row, "files": files}


def listed(db, contest_id: str, *, period: str | None = None, unit: str | None = None) -> list[dict]:
    """Objections of the contest (one unit's when ``unit`` is given), oldest first."""
    if period is not None:
        period = str(services.parse_wanted(clean_text(period, "period")))
    services.contest_rules(db, contest_id)  # 404 for a contest that is not there
    return [shown(db, row) for row in objections.listed(db, contest_id, period=period, unit=unit)]


def answer(db, contest_id: str, ident: int, *, decision: Any, reply: Any, actor: str) -> dict:
    """Answer an open objection: ``upheld`` (the month republished, see the module's docstring)
    or ``rejected`` (the reply only). 409 when it was answered already."""
    if decision not in DECISIONS:
        raise ValidationFailed("decision 应为 upheld（成立）或 rejected（不成立）",
                               [{"field": "decision", "message": "upheld or rejected"}])
    reply = text_of(reply, "reply", "答复")
    made = None
    with transaction(db):
        contest, _ = services.contest_rules(db, contest_id)
        row = objections.get(db, contest.id, ident)
        if row["status"] != "open":
            raise Conflict(f"第 {ident} 号异议已于 {row['answered_at']} 答复（{STATES[row['status']]}），不能再答复",
                           [{"field": "id", "message": "answered already"}])
        revision = None
        if decision == "upheld":
            note = f"异议 #{ident} 成立：{reply}"
            made, created = publishing.publish(db, contest.id, row["period"], actor=actor, note=note, push=False)
            if not created and made["revision"] == row["revision"]:
                raise Conflict("成绩没有变化：请先更正数据（导入更正后的成绩），再维持异议（先更正数据再维持异议）",
                               [{"field": "decision", "message": "the sheet is unchanged: correct the data first"}])
            revision = made["revision"]
            made = made if created else None
        when = clock.iso(clock.now(contest.timezone))
        objections.answer(db, row["id"], status=decision, reply=reply, answered_by=actor, now=when,
                          answer_revision=revision)
        audit.record(db, actor=actor, action="objection.answer", contest=contest.id,
                     target=f"{row['period']} objection {ident}: {decision}",
                     detail={"unit": row["unit"], "indicator": row["indicator"], "answer_revision": revision},
                     now=when)
        answered = shown(db, objections.get(db, contest.id, ident))
    if made is not None:
        publishing.after_publish(db)
    return answered


def visible(db, contest_id: str, ident: int, *, organizer: bool, unit: str | None) -> dict:
    """The objection if the caller may see it: organizers any, a unit its own. Another unit's
    answers 404, as if it did not exist (its existence is the objecting unit's business too)."""
    row = objections.get(db, contest_id, ident)
    if not organizer and (unit is None or row["unit"] != unit):
        raise NotFound(f"比赛 {contest_id} 没有第 {ident} 号异议")
    return row


def file_of(db, folder, contest_id: str, ident: int, name: str, *, organizer: bool, unit: str | None,
            actor: str) -> tuple[dict, bytes]:
    """(evidence row, bytes) of one file of an objection the caller may see; the read is audited."""
    row = visible(db, contest_id, ident, organizer=organizer, unit=unit)
    found = evidence.named(db, name=name, objection=row["id"])
    contest, _ = services.contest_rules(db, contest_id)
    return found, evidence_files.read(db, folder, found, actor=actor, now=clock.iso(clock.now(contest.timezone)))
