"""Publishing: freeze a period's sheet, exactly once, and prove it can be recomputed.

``publish`` is the one function the CLI, the API and the scheduler call. It computes the sheet
inside the write transaction (BEGIN IMMEDIATE), so concurrent publishers of one period queue
on SQLite's lock and the second finds the first's revision already there.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any, Callable

from arena import services
from arena.services import notice, staleness
from arena.engine.calendar import due_periods, local_moment
from arena.engine.periods import parse_period
from arena.engine.sheet import score
from arena.errors import ArenaError, BadRequest, NotFound, ValidationFailed
from arena.store import audit, publications, results
from arena.store.db import transaction
from arena.support import clock
from arena.support.plain_text import clean_note

# Fields that belong to the act of publishing, not to the sheet's content.
_ENVELOPE = ("revision", "published_at", "note", "rules_sha256", "data_sha256", "status", "notice_until")


_FROZEN: OrderedDict[str, dict[str, Any]] = OrderedDict()  # sheet sha256 -> parsed sheet
_FROZEN_KEPT = 128
log = logging.getLogger("arena.publishing")
# Called with the connection once a publication has committed. Services know nothing of the
# stages after them, so those register here: arena.export.push adds the ARENA_PUSH_ON_PUBLISH push.
AFTER_PUBLISH: list[Callable[[Any], Any]] = []


def frozen_sheet(row: dict[str, Any]) -> dict[str, Any]:
    """The parsed sheet of a stored publication, parsed once per process (publications never
    change, so the sha256 is a complete key). Read it, never change it: it is shared."""
    sha = row["sheet_sha256"]
    sheet = _FROZEN.get(sha)
    if sheet is None:
        sheet = _FROZEN[sha] = json.loads(row["sheet"])
        while len(_FROZEN) > _FROZEN_KEPT:
            _FROZEN.popitem(last=False)
    return sheet


def _content(sheet: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sheet.items() if k not in _ENVELOPE}


def same_sheet(draft: dict[str, Any], stored: dict[str, Any]) -> bool:
    """True when publishing ``draft`` now would change nothing of the stored publication: the
    sheets agree apart from revision, time, note and hashes (a comment added to the rules, say)."""
    return _content(draft) == _content(frozen_sheet(stored))


def publish(db, contest_id: str, period: str, *, actor: str, note: str | None = None,
            now: datetime | None = None, first_only: bool = False, push: bool = True) -> tuple[dict[str, Any], bool]:
    """Freeze ``period``'s sheet. Returns (publication without its sheet, created).

    The same sheet as the newest revision returns that revision unchanged; a different one
    becomes the next revision, and a revision after the first needs a note (更正说明).
    ``now`` (default: the clock) is the stamp; one later than the clock is refused.
    ``first_only`` (the scheduler's way) returns any existing revision as it is. Once committed,
    a new publication is pushed to ARENA_PUSH_ON_PUBLISH if set (``push=False``: the caller does).
    """
    wanted = services.parse_wanted(period)
    note = clean_note(note)
    with transaction(db):
        contest, rules_row = services.contest_rules(db, contest_id)
        batch = results.current_batch(db, contest.id)
        data = services.sheet_inputs(db, contest, wanted)
        sheet = score(contest, str(wanted), data)
        newest = publications.latest(db, contest.id, str(wanted))
        # a stale revision is made again even with the same figures: the new one records the
        # corrected inputs, and the stale notice ends (staleness is derived, never stored)
        if newest is not None and (first_only or (same_sheet(sheet, newest) and staleness.of(db, contest.id, newest) is None)):
            del newest["sheet"]
            return newest, False
        if wanted.kind not in ("month", "week"):  # a week's dispatch never waits on a month's notice
            notice.refuse_while_waiting(db, contest, str(wanted))
        revision = 1 if newest is None else newest["revision"] + 1
        if revision > 1 and note is None:
            raise ValidationFailed(
                f"{wanted} is published already and its sheet has changed: revision {revision} needs a note (更正说明)",
                [{"field": "note", "message": "required for a correction"}],
            )
        moment = _stamp(contest, now)
        when = clock.iso(moment)
        status, until = notice_of(contest, wanted.kind, newest, moment)
        sheet.update(revision=revision, published_at=when, note=note, status=status, notice_until=until,
                     rules_sha256=rules_row["sha256"], data_sha256=services.results_sha256(data))
        row = store_revision(db, sheet, actor=actor, rules_version=rules_row["version"], data_batch=batch,
                             action="publication.create" if revision == 1 else "publication.correct",
                             before=newest["sheet_sha256"] if newest else None, detail={"note": note} if note else None)
    if push:
        _after_publish(db)
    return row, True


def store_revision(db, sheet: dict[str, Any], *, actor: str, rules_version: int, data_batch: int, action: str,
                   before: str | None, detail: dict[str, Any] | None) -> dict[str, Any]:
    """Freeze ``sheet``, whose envelope (revision, published_at, note, status, hashes) is set, as
    its period's next revision with one audit row; inside the caller's write transaction.
    Returns the stored row without its sheet."""
    body = services.sheet_bytes(sheet)
    row = {
        "contest": sheet["contest"], "period": sheet["period"], "kind": sheet["kind"], "revision": sheet["revision"],
        "published_at": sheet["published_at"], "author": actor, "note": sheet["note"], "rules_version": rules_version,
        "rules_sha256": sheet["rules_sha256"], "data_batch": data_batch, "data_sha256": sheet["data_sha256"],
        "sheet_sha256": hashlib.sha256(body).hexdigest(), "sheet": body,
        "status": sheet["status"], "notice_until": sheet["notice_until"],
    }
    publications.insert(db, row)
    audit.record(db, actor=actor, action=action, contest=row["contest"], target=f"{row['period']} r{row['revision']}",
                 before=before, after=row["sheet_sha256"], detail=detail, now=row["published_at"])
    del row["sheet"]
    return row


def notice_of(contest, kind: str, newest: dict[str, Any] | None, moment: datetime) -> tuple[str, str | None]:
    """(status, notice_until) of a new revision (RULES.md "Notice before final"): a month's first
    revision is under notice for ``publish.notice.days`` when the rules say so; a correction made
    during notice stays under it, to the same deadline; anything else is final."""
    if newest is not None:
        return (newest["status"], newest["notice_until"]) if newest["status"] == "notice" else ("final", None)
    if kind == "month" and contest.publish.notice_days:
        return "notice", clock.iso(moment + timedelta(days=contest.publish.notice_days))
    return "final", None


def stamp(contest, now: datetime | None) -> datetime:
    """The moment a new revision is stamped with (see ``_stamp``)."""
    return _stamp(contest, now)


def _stamp(contest, now: datetime | None) -> datetime:
    """The publication's moment: ``now`` if given, never later than the clock reads, since a
    publication stamped in the future would sort after corrections made before it."""
    clock_now = clock.now(contest.timezone)
    if now is None:
        return clock_now
    if now.replace(microsecond=0) > clock_now:
        raise BadRequest(f"cannot stamp a publication {clock.iso(local_moment(contest, now))}: "
                         f"that is later than the clock reads ({clock.iso(clock_now)})",
                         [{"field": "now", "message": "later than the clock"}])
    return local_moment(contest, now)


def verify(db, contest_id: str, period: str, revision: int | None = None,
           stale_map: dict | None = None) -> dict[str, Any]:
    """Recompute a publication from the rules version and the data it records, and say whether
    its inputs changed since (``staleness``; pass ``stale_map`` when checking many).

    Returns {"period", "revision", "ok", "reason", "newest", "stale"}; ok means byte-identical
    JSON; stale is None or why (an older revision is never stale: newest says which it is).
    """
    stored = publications.get(db, contest_id, str(services.parse_wanted(period)), revision)
    contest, rules_row = services.contest_rules(db, contest_id, stored["rules_version"])
    wanted = parse_period(stored["period"])
    data = services.sheet_inputs(db, contest, wanted, stored["data_batch"])
    sheet = score(contest, str(wanted), data)
    sheet.update(status=stored["status"], notice_until=stored["notice_until"])
    if "status" not in frozen_sheet(stored):  # published before notices existed (schema 4)
        del sheet["status"], sheet["notice_until"]
    sheet.update(revision=stored["revision"], published_at=stored["published_at"], note=stored["note"],
                 rules_sha256=rules_row["sha256"], data_sha256=services.recorded_sha256(data, stored["data_sha256"]))
    # byte-identical as written then: a publication stored before orjson was the stdlib's text
    same = services.sheet_json(sheet) == stored["sheet"] or services.legacy_sheet_json(sheet) == stored["sheet"]
    reason = None
    if sheet["data_sha256"] != stored["data_sha256"]:
        reason = "the recorded data hash does not match the data as of publication"
    elif not same:
        reason = "the recomputed sheet differs from the stored one"
    if stale_map is None:
        stale_map = staleness.stale_map(db, contest_id)
    newest = publications.head(db, contest_id, stored["period"])["revision"] == stored["revision"]
    return {"period": stored["period"], "revision": stored["revision"], "ok": same and reason is None, "reason": reason,
            "newest": newest, "stale": stale_map.get((stored["period"], stored["revision"]))}


def publish_due(db, now: datetime, *, actor: str = "scheduler",
                failed: Callable[[str, str, Exception], None] | None = None) -> list[dict[str, Any]]:
    """Finalize every month whose notice has ended (``notice.finalize_due``), then publish every
    period that is due at ``now`` and was never published, oldest first; a quarter, half or year
    whose months are not all final waits (``notice.waiting_months``) for a later pass, unfailed.

    Never re-publishes a period that has a publication: corrections are made by hand. A period
    that cannot be published (a formula dividing by zero, say) stops its own contest there, so
    its periods stay in order, and is passed to ``failed`` (default: logged); other contests go on,
    whatever the failure was (a bug in one contest must not leave every other one unpublished).
    """
    done = []
    for listed in services.list_contests(db):
        period = None
        try:
            contest, _ = services.contest_rules(db, listed["id"])
            done += notice.finalize_due(db, contest, now, actor=actor)
            scored = results.scored_months(db, contest.id, contest.unit_by_code, contest.keys)
            already = publications.published_periods(db, contest.id)
            for period in due_periods(contest, now, scored):
                if str(period) in already:
                    continue
                if period.kind not in ("month", "week") and notice.waiting_months(db, contest, str(period)):
                    continue  # published on the first pass after its last month is final
                try:
                    row, created = publish(db, contest.id, str(period), actor=actor, now=now, first_only=True,
                                           push=False)
                except NotFound:
                    if period.kind != "week":
                        raise
                    continue  # a week whose rows the rules no longer dispatch has no table
                if created:
                    done.append(row)
        except Exception as error:  # noqa: BLE001  (each contest on its own: see above)
            if not isinstance(error, ArenaError):
                log.exception("cannot publish %s %s: unexpected error", listed["id"], period or "(its periods)")
            (failed or _log_failure)(listed["id"], str(period or ""), error)
    if done:  # one push for the whole pass
        _after_publish(db)
    return done


def after_publish(db) -> None:
    """Run the AFTER_PUBLISH hooks: for a caller that published with ``push=False`` inside its
    own transaction, once that has committed."""
    _after_publish(db)


def _after_publish(db) -> None:
    for hook in AFTER_PUBLISH:
        hook(db)


def _log_failure(contest_id: str, period: str, error: Exception) -> None:
    if isinstance(error, ArenaError):  # else logged above, with its traceback
        log.error("cannot publish %s %s: %s", contest_id, period or "(its periods)", error)
