"""Programmes (RULES.md "The year's list across contests"): save the file, compute the list
from the contests' published year sheets, publish it once every year is published, correct it
like any other publication, and say when a contest's year republished since makes it stale."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from arena import services
from arena.engine.programme import programme_sheet
from arena.engine.rules.load import rules_sha256
from arena.engine.rules.programme import Programme, load_programme
from arena.errors import Conflict, ValidationFailed
from arena.services.publishing import frozen_sheet, stamp
from arena.store import audit, contests, programmes, publications
from arena.store.db import transaction
from arena.support import clock
from arena.support.plain_text import clean_note


def save(db, text: str | bytes, *, actor: str, now: datetime | None = None) -> dict[str, Any]:
    """Check and save a programme file (a new one or a new text of one); its contests must exist
    and its id must not be a contest's."""
    programme = load_programme(text)
    body = text.decode("utf-8") if isinstance(text, bytes) else text
    missing = [p.contest for p in programme.parts if not contests.contest_exists(db, p.contest)]
    if missing:
        raise ValidationFailed(f"the programme names contests that do not exist: {', '.join(missing)}",
                               [{"field": "contests", "message": f"{c} does not exist"} for c in missing])
    if contests.contest_exists(db, programme.id):
        raise Conflict(f"{programme.id} is a contest's id: a programme needs its own",
                       [{"field": "programme.id", "message": "taken by a contest"}])
    when = clock.iso(now or clock.now("UTC"))
    row = {"id": programme.id, "name": programme.name, "year": programme.year, "text": body,
           "sha256": rules_sha256(text), "saved_at": when, "saved_by": actor}
    with transaction(db):
        programmes.save(db, row)
        audit.record(db, actor=actor, action="programme.save", target=programme.id, after=row["sha256"], now=when)
    return {k: row[k] for k in ("id", "name", "year", "sha256", "saved_at")}


def load(db, pid: str) -> Programme:
    return load_programme(programmes.get(db, pid)["text"])


def _years(db, programme: Programme) -> tuple[dict[str, dict | None], dict[str, int | None]]:
    """Each contest's newest year sheet (None if unpublished) and its revision."""
    sheets, revisions = {}, {}
    for part in programme.parts:
        row = publications.latest(db, part.contest, str(programme.year))
        sheets[part.contest] = frozen_sheet(row) if row else None
        revisions[part.contest] = row["revision"] if row else None
    return sheets, revisions


def draft(db, pid: str) -> dict[str, Any]:
    """The list as it stands now, from whatever year sheets are published: a draft (草稿),
    never frozen, saying which contests' years are still to come."""
    programme = load(db, pid)
    sheets, revisions = _years(db, programme)
    first, _ = services.contest_rules(db, programme.parts[0].contest)
    sheet = programme_sheet(programme, first, sheets)
    sheet.update(status="draft", waiting=[c for c, r in revisions.items() if r is None])
    return sheet


def publish(db, pid: str, *, actor: str, note: str | None = None, now: datetime | None = None,
            first_only: bool = False) -> tuple[dict[str, Any], bool]:
    """Freeze the list once every contest's year is published. The same list as the newest
    revision (and not stale) returns it unchanged; a changed one is the next revision and needs
    a note (更正说明). Returns (publication without its sheet, created)."""
    note = clean_note(note)
    with transaction(db):
        programme = load(db, pid)
        period = str(programme.year)
        sheets, revisions = _years(db, programme)
        waiting = [c for c, r in revisions.items() if r is None]
        if waiting:
            raise Conflict(f"the {period} list waits for the year sheets of {', '.join(waiting)}",
                           [{"field": "contests", "message": f"{c}: {period} not published"} for c in waiting])
        first, _ = services.contest_rules(db, programme.parts[0].contest)
        sheet = programme_sheet(programme, first, sheets)
        newest = programmes.latest(db, pid, period)
        if newest is not None and (first_only or (_content(sheet) == _content(frozen_sheet(newest))
                                                  and stale(newest, revisions) is None)):
            del newest["sheet"]
            return newest, False
        revision = 1 if newest is None else newest["revision"] + 1
        if revision > 1 and note is None:
            raise ValidationFailed(f"the {period} list is published already and has changed: revision {revision} "
                                   "needs a note (更正说明)", [{"field": "note", "message": "required for a correction"}])
        when = clock.iso(stamp(first, now))
        inputs = json.dumps(revisions, sort_keys=True)
        sheet.update(revision=revision, published_at=when, note=note, status="final", inputs=revisions)
        text = services.sheet_json(sheet)
        row = {"programme": pid, "period": period, "revision": revision, "published_at": when, "author": actor,
               "note": note, "programme_sha256": programmes.get(db, pid)["sha256"], "inputs": inputs,
               "sheet_sha256": hashlib.sha256(text.encode()).hexdigest(), "sheet": text}
        programmes.insert_publication(db, row)
        audit.record(db, actor=actor, action="programme.publish" if revision == 1 else "programme.correct",
                     target=f"{pid} {period} r{revision}", before=newest["sheet_sha256"] if newest else None,
                     after=row["sheet_sha256"], detail={"note": note} if note else None, now=when)
    del row["sheet"]
    return row, True


def _content(sheet: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sheet.items() if k not in ("revision", "published_at", "note", "status", "inputs")}


def stale(row: dict[str, Any], revisions: dict[str, int | None]) -> str | None:
    """Why a stored list no longer stands: a contest's year republished since (or None)."""
    made_from = json.loads(row["inputs"])
    changed = [c for c, r in made_from.items() if revisions.get(c) != r]
    if not changed:
        return None
    return "、".join(f"{c} 的年度成绩已更正为第{revisions.get(c)}版" for c in changed) + "，本榜单尚未随之更新"


def stale_now(db, pid: str, row: dict[str, Any]) -> str | None:
    return stale(row, _years(db, load(db, pid))[1])


def publish_due(db, *, actor: str = "scheduler", now: datetime | None = None) -> list[dict[str, Any]]:
    """The scheduler's pass: every programme whose contests' years are all published and that
    has no list yet is published, once."""
    done = []
    for listed in programmes.list_all(db):
        programme = load(db, listed["id"])
        if programmes.latest(db, programme.id, str(programme.year), with_sheet=False) is not None:
            continue
        if None in _years(db, programme)[1].values():
            continue
        row, created = publish(db, programme.id, actor=actor, now=now, first_only=True)
        if created:
            done.append(row)
    return done
