"""Submissions (报送, RULES.md "Who reports what, and when"): a department's or a unit's rows
of one month, with explanations and evidence, all or none; an organizer approves (the rows
become results, with the history, batch and audit of an import) or returns them with a reason.

Who may submit what: a department (``dept:<id>``) only the indicators ``reported_by`` it, for any
unit; a unit (``unit:<code>``) only its own rows of indicators reported by ``unit``; adjustments
(加减分、否决) only the organizer. Neither a department nor a unit for a published month, and
never over a value an organizer stored (a result whose batch is no department's or unit's
approved submission). Those checks run inside the write transaction, so no publication or
organizer import can slip in between the check and the write.
"""

from __future__ import annotations

import os
from typing import Any, Iterable

from arena.engine import reporting
from arena.engine.periods import periods_containing
from arena.engine.results import ResultRow, check_rows
from arena.engine.rules.model import Contest
from arena.engine.swings import exceeds, previous_month, swing
from arena.errors import Conflict, Forbidden, ValidationFailed
from arena.ingest import parse_results
from arena.ingest.limits import XlsxLimits
from arena.services import evidence
from arena.services.results import store_results
from arena.services.rules import contest_rules
from arena.store import audit, publications, results, submissions
from arena.store import evidence as evidence_rows
from arena.store.db import transaction
from arena.support import clock

MAX_EXPLANATION = 500
MAX_REASON = 500
STATUS_WORDS = {"pending": "待审核", "approved": "已通过", "returned": "已退回"}


def who_reports(contest: Contest, reporter: str) -> str:
    """A reporter id as people read it: 组织方, 市统计局, 甲县."""
    if reporter == reporting.ORGANIZER:
        return "组织方"
    kind, _, name = reporter.partition(":")
    if kind == "dept":
        return contest.departments.get(name, name)
    unit = contest.unit_by_code.get(name)
    return unit.name if unit else name


def _reported_by_words(contest: Contest, key: str) -> str:
    found = contest.reporter_of(key)
    if key not in {i.id for i in contest.indicators}:
        return "组织方（加减分和否决只能由组织方录入）"
    return {"organizer": "组织方", "unit": "各单位自行"}.get(found, contest.departments.get(found, found))


def refuse_foreign(contest: Contest, rows: list[ResultRow], reporter: str) -> None:
    """Forbidden naming every row the reporter may not submit."""
    if reporter == reporting.ORGANIZER:
        return
    kind, _, name = reporter.partition(":")
    if kind == "unit":
        foreign = [r for r in rows if r.unit != name]
        if foreign:
            raise Forbidden("单位只能报送本单位的成绩",
                            [{"row": r.row, "field": "unit", "message": f"{r.unit} 不是本单位"} for r in foreign[:50]])
        mine = "unit"
    else:
        mine = name
    others = [r for r in rows if contest.reporter_of(r.key) != mine or r.key not in _indicator_ids(contest)]
    if others:
        whom = "单位只能报送由单位自行报送的指标" if kind == "unit" else "牵头部门只能报送本部门负责的指标"
        raise Forbidden(whom, [{"row": r.row, "field": "key",
                                "message": f"{r.key} 由{_reported_by_words(contest, r.key)}报送"} for r in others[:50]])


def _indicator_ids(contest: Contest) -> frozenset[str]:
    return frozenset(i.id for i in contest.indicators)


def one_month(rows: list[ResultRow]) -> str:
    """The one month of the rows; ValidationFailed naming the months when there are more."""
    if not rows:
        raise ValidationFailed("报送没有任何数据行", [{"row": None, "field": None, "message": "没有数据行"}])
    months: dict[str, int] = {}
    for r in rows:
        months.setdefault(r.period, r.row)
    if len(months) > 1:
        raise ValidationFailed(f"一次报送只能是一个月（或一周）的数据，收到 {len(months)} 个期间：{'、'.join(sorted(months))}",
                               [{"row": row, "field": "period", "message": f"{m} 的第一行"}
                                for m, row in sorted(months.items())])
    return next(iter(months))


def explanations(raw_rows: Iterable[Any]) -> dict[int, str | None]:
    """row -> the row's explanation (stripped; None when empty); ValidationFailed naming bad ones."""
    out, problems = {}, []
    for raw in raw_rows:
        text = raw.explanation
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            text = format(text, "g")  # a workbook cell holding a number
        if text is not None and not isinstance(text, str):
            problems.append({"row": raw.row, "field": "explanation", "message": "说明应为文字"})
            continue
        text = " ".join((text or "").split())  # line breaks and tabs become spaces
        if len(text) > MAX_EXPLANATION:
            problems.append({"row": raw.row, "field": "explanation",
                             "message": f"说明有 {len(text)} 个字，最多 {MAX_EXPLANATION} 个"})
        elif not text.isprintable() and text:
            problems.append({"row": raw.row, "field": "explanation", "message": "说明含有控制字符"})
        out[raw.row] = text or None
    if problems:
        raise ValidationFailed(f"{len(problems)} 行的说明有误", problems)
    return out


def refuse_published(db, contest: Contest, period: str, rows: list) -> None:
    published = publications.published_periods(db, contest.id)
    if any(str(p) in published for p in periods_containing(period)):
        raise Forbidden("这些月份已发布：如需更正，请联系组织方",
                        [{"row": getattr(r, "row", None), "field": "period", "message": f"{period} 已发布"}
                         for r in rows[:100]])


def organizer_values(db, contest: Contest, period: str, rows: list) -> list[tuple[Any, dict]]:
    """(row, stored result) for each row that would replace a value an organizer stored."""
    stored = submissions.stored_cells(db, contest.id, period, [(r.unit, r.key) for r in rows])
    if not stored:
        return []
    theirs = submissions.submitted_batches(db, contest.id)
    found = []
    for r in rows:
        cell = stored.get((r.unit, r.key))
        if cell is not None and cell["batch"] not in theirs and cell["value"] != float(r.value):
            found.append((r, cell))
    return found


def refuse_organizer_values(db, contest: Contest, period: str, rows: list, *, when: str = "报送") -> None:
    found = organizer_values(db, contest, period, rows)
    if found:
        raise Conflict(f"{len(found)} 行的数据已由组织方录入，{when}不能覆盖：如需更改，请联系组织方",
                       [{"row": getattr(r, "row", None), "field": "value",
                         "message": f"单位 {r.unit} 指标 {r.key} {period} 已由组织方录入为 {cell['value']:g}"}
                        for r, cell in found[:100]])


def previous_values(db, contest: Contest, period: str, rows: list) -> dict[tuple[str, str], float]:
    """(unit, key) -> the unit's stored value of the key in the month before ``period``."""
    before = previous_month(period)
    stored = submissions.stored_cells(db, contest.id, before, [(r.unit, r.key) for r in rows])
    return {cell: found["value"] for cell, found in stored.items()}


def refuse_swings(db, contest: Contest, period: str, rows: list[ResultRow], said: dict[int, str | None]) -> None:
    limit = contest.reporting.swing
    if limit is None:
        return
    before = previous_values(db, contest, period, rows)
    bad = []
    for r in rows:
        prev = before.get((r.unit, r.key))
        if exceeds(limit, r.value, prev) and not said.get(r.row):
            ratio = swing(r.value, prev)
            shown = "上月为 0" if prev == 0 else f"变动 {ratio:.1%}"
            bad.append({"row": r.row, "field": "explanation",
                        "message": f"单位 {r.unit} 指标 {r.key}：{r.value:g}，上月 {prev:g}，{shown}，"
                                   f"超过 {limit:.0%}，须填写说明"})
    if bad:
        raise ValidationFailed(f"{len(bad)} 行与上月相比变动过大，须填写说明（explanation）", bad)


def submit(db, contest_id: str, data: bytes, fmt: str, *, reporter: str, actor: str,
           files: list[tuple[str, bytes]] = (), folder: str | os.PathLike | None = None,
           limits: evidence.Limits = evidence.Limits(), xlsx: XlsxLimits | None = None) -> dict:
    """Check and keep a submission, all of it or nothing; approved at once when the organizer
    submits or the rules say ``review: false``. Returns {"id", "status"}."""
    contest, _ = contest_rules(db, contest_id)
    raw = parse_results(data, fmt, xlsx=xlsx, explanations=True)
    rows = check_rows(contest, raw)
    said = explanations(raw)
    period = one_month(rows)
    refuse_foreign(contest, rows, reporter)
    checked = evidence.check(list(files), limits)
    if checked and folder is None:
        raise ValueError("evidence needs its folder")
    moment = clock.now(contest.timezone)
    now = clock.iso(moment)
    late = reporting.is_late(contest, period, moment)
    with transaction(db):
        if reporter != reporting.ORGANIZER:
            refuse_published(db, contest, period, rows)
            refuse_organizer_values(db, contest, period, rows)
        refuse_swings(db, contest, period, rows, said)
        ident = submissions.add(db, contest=contest.id, period=period, reporter=reporter, submitted_by=actor,
                                now=now, late=late, rows=[(r.unit, r.key, r.period, r.value, said.get(r.row))
                                                          for r in rows])
        for older in submissions.pending_overlapping(db, contest.id, reporter, period, [(r.unit, r.key) for r in rows]):
            if older != ident:  # a new submission of the same cells replaces the one still waiting
                submissions.review(db, older, status="returned", by=actor, at=now,
                                   reason=f"已被第 {ident} 号报送替换（重新报送）")
        attached = evidence.attach(db, folder, checked, contest=contest.id, actor=actor, now=now,
                                   submission=ident) if checked else []
        audit.record(db, actor=actor, action="submission.create", contest=contest.id,
                     target=f"submission {ident}: {period}, {len(rows)} rows",
                     detail={"reporter": reporter, "period": period, "rows": len(rows), "late": late,
                             "files": [f["name"] for f in attached]}, now=now)
        status = "pending"
        if reporter == reporting.ORGANIZER or not contest.reporting.review:
            why = "组织方报送" if reporter == reporting.ORGANIZER else "review: false"
            _approve(db, contest, submissions.get(db, contest.id, ident), actor=actor, now=now, automatic=why)
            status = "approved"
    return {"id": ident, "status": status}


def _as_rows(stored: list[dict]) -> list[ResultRow]:
    return [ResultRow(r["unit"], r["key"], r["period"], r["value"], n) for n, r in enumerate(stored, start=1)]


def _approve(db, contest: Contest, sub: dict, *, actor: str, now: str, automatic: str | None = None) -> dict:
    """Inside the caller's transaction: the rows become results, the submission approved."""
    if sub["status"] != "pending":
        raise Conflict(f"第 {sub['id']} 号报送{STATUS_WORDS[sub['status']]}，不能再审核",
                       [{"field": "status", "message": sub["status"]}])
    rows = _as_rows(submissions.rows_of(db, sub["id"]))
    if sub["reporter"] != reporting.ORGANIZER:
        published = publications.published_periods(db, contest.id)
        if any(str(p) in published for p in periods_containing(sub["period"])):
            raise Conflict(f"{sub['period']} 已在提交后发布：不能再通过报送改变已发布的月份；"
                           "如需更正，请由组织方导入更正数据并重新发布（附更正说明）",
                           [{"field": "period", "message": f"{sub['period']} 已发布"}])
        refuse_organizer_values(db, contest, sub["period"], rows, when="审核通过")
    before = results.current_batch(db, contest.id)
    counts = store_results(db, contest, rows, actor=actor)
    batch = results.current_batch(db, contest.id)
    submissions.review(db, sub["id"], status="approved", by=actor, at=now, batch=batch if batch != before else None)
    audit.record(db, actor=actor, action="submission.approve", contest=contest.id,
                 target=f"submission {sub['id']}: {sub['period']}, {len(rows)} rows",
                 detail={"reporter": sub["reporter"], "counts": counts, "batch": batch if batch != before else None,
                         **({"automatic": automatic} if automatic else {})}, now=now)
    return counts


def approve(db, contest_id: str, ident: int, *, actor: str) -> dict:
    contest, _ = contest_rules(db, contest_id)
    now = clock.iso(clock.now(contest.timezone))
    with transaction(db):
        counts = _approve(db, contest, submissions.get(db, contest.id, ident), actor=actor, now=now)
    return {"id": ident, "status": "approved", **counts}


def return_submission(db, contest_id: str, ident: int, reason: Any, *, actor: str) -> dict:
    """Back to the reporter with a reason; they may submit again."""
    contest, _ = contest_rules(db, contest_id)
    text = " ".join(reason.split()) if isinstance(reason, str) else ""
    if not text or len(text) > MAX_REASON or not text.isprintable():
        raise ValidationFailed(f"退回须写明原因（1 至 {MAX_REASON} 个字，不含控制字符）",
                               [{"field": "reason", "message": "须为 1 至 500 个字"}])
    now = clock.iso(clock.now(contest.timezone))
    with transaction(db):
        sub = submissions.get(db, contest.id, ident)
        if not submissions.review(db, ident, status="returned", by=actor, at=now, reason=text):
            raise Conflict(f"第 {ident} 号报送{STATUS_WORDS[sub['status']]}，不能再退回",
                           [{"field": "status", "message": sub["status"]}])
        audit.record(db, actor=actor, action="submission.return", contest=contest.id,
                     target=f"submission {ident}: {sub['period']}", detail={"reporter": sub["reporter"],
                                                                            "reason": text}, now=now)
    return {"id": ident, "status": "returned", "reason": text}


def report_directly(db, contest: Contest, rows: list[ResultRow], *, reporter: str, actor: str) -> dict:
    """A unit's own rows through POST /results (``self_report: true``): stored at once, under
    the same rules as a submission, and kept as an approved submission so the grid shows them
    and the store knows they are the unit's, not an organizer's."""
    refuse_foreign(contest, rows, reporter)
    now = clock.iso(clock.now(contest.timezone))
    with transaction(db):  # holds the write lock: no publication can slip in between
        late = [r for r in rows if any(str(p) in publications.published_periods(db, contest.id)
                                       for p in periods_containing(r.period))]
        if late:
            raise Forbidden("这些月份已发布：如需更正，请联系组织方",
                            [{"row": r.row, "field": "period", "message": f"{r.period} 已发布"} for r in late[:100]])
        by_month: dict[str, list[ResultRow]] = {}
        for r in rows:
            by_month.setdefault(r.period, []).append(r)
        for period, some in by_month.items():
            refuse_organizer_values(db, contest, period, some)
        counts = {"inserted": 0, "updated": 0, "unchanged": 0}
        for period, some in sorted(by_month.items()):
            ident = submissions.add(db, contest=contest.id, period=period, reporter=reporter, submitted_by=actor,
                                    now=now, late=reporting.is_late(contest, period, clock.now(contest.timezone)),
                                    rows=[(r.unit, r.key, r.period, r.value, None) for r in some])
            before = results.current_batch(db, contest.id)
            got = store_results(db, contest, some, actor=actor)
            batch = results.current_batch(db, contest.id)
            submissions.review(db, ident, status="approved", by=actor, at=now, batch=batch if batch != before else None)
            counts = {k: counts[k] + got[k] for k in counts}
    return counts


def visible_to(sub: dict, reporter: str) -> bool:
    """Organizers see every submission; a department or a unit those it made."""
    return reporter == reporting.ORGANIZER or sub["reporter"] == reporter


def described(db, contest: Contest, sub: dict) -> dict:
    """A submission with its rows (each with the month before's value and its swing) and files."""
    rows = submissions.rows_of(db, sub["id"])
    before = previous_values(db, contest, sub["period"], [_Cell(r["unit"], r["key"]) for r in rows])
    limit = contest.reporting.swing
    for r in rows:
        prev = before.get((r["unit"], r["key"]))
        found = swing(r["value"], prev)
        r["previous"] = prev
        r["swing"] = None if found is None or found == float("inf") else round(found, 4)
        r["over_swing"] = exceeds(limit, r["value"], prev)
    files = [{k: f[k] for k in ("name", "media_type", "size", "sha256", "stored_at")}
             for f in evidence_rows.of_submission(db, sub["id"])]
    return {**sub, "reporter_name": who_reports(contest, sub["reporter"]), "rows": rows, "files": files}


class _Cell:
    __slots__ = ("unit", "key")

    def __init__(self, unit: str, key: str) -> None:
        self.unit, self.key = unit, key


def list_submissions(db, contest_id: str, *, reporter: str, status: str | None = None,
                     period: str | None = None) -> list[dict]:
    contest, _ = contest_rules(db, contest_id)
    mine = None if reporter == reporting.ORGANIZER else reporter
    return [described(db, contest, s)
            for s in submissions.listing(db, contest.id, status=status, reporter=mine, period=period)]


def evidence_file(db, folder, contest_id: str, ident: int, name: str, *, reporter: str, actor: str) -> tuple[dict, bytes]:
    """(evidence row, bytes) for an organizer or the submission's own reporter; the download is audited."""
    from arena.errors import NotFound

    contest, _ = contest_rules(db, contest_id)
    sub = submissions.get(db, contest.id, ident)
    if not visible_to(sub, reporter):
        raise NotFound(f"比赛 {contest_id} 没有第 {ident} 号报送")  # another's: as if it were not there
    row = evidence_rows.named(db, name=name, submission=ident)
    return row, evidence.read(db, folder, row, actor=actor, now=clock.iso(clock.now(contest.timezone)))
