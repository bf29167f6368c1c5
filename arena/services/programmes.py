"""Programmes (全年列榜单): save a programme file, its draft, publish and correct its sheet, and
say when it is stale.

A programme's year can be published once every contest's year sheet is published; its sheet
records (``sources``) which revision of each it was made from, and it is stale when one of those
contests' year sheets has a newer revision since (republished, corrected).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from typing import Any

from arena import services
from arena.engine.periods import parse_period
from arena.engine.programme import Programme, load_programme, score_programme
from arena.engine.rules import rules_sha256
from arena.engine.sheet import score
from arena.errors import Conflict, NotFound, ValidationFailed
from arena.services import publishing
from arena.store import audit, contests, programmes, publications
from arena.store.db import transaction
from arena.support import clock
from arena.support.plain_text import clean_note

log = logging.getLogger("arena.programmes")

_MODELS: dict[str, Programme] = {}


def save(db, yaml_text: str, *, actor: str, note: str | None = None) -> dict[str, Any]:
    """Validate and store a programme file (a new programme or its next version).
    Every contest it names must exist; its id must not be a contest's."""
    note = clean_note(note)
    prog = load_programme(yaml_text)
    unknown = [{"path": f"contests[{k}].id", "message": f"no contest {cid!r}"}
               for k, cid in enumerate(prog.contest_ids) if not contests.contest_exists(db, cid)]
    if unknown:
        raise ValidationFailed(f"the programme names {len(unknown)} contest(s) that do not exist", unknown)
    if contests.contest_exists(db, prog.id):
        raise Conflict(f"{prog.id!r} is a contest's id; a programme needs an id of its own",
                       [{"path": "programme.id", "message": "taken by a contest"}])
    sha = rules_sha256(yaml_text)
    first, _ = services.contest_rules(db, prog.contest_ids[0])
    when = clock.iso(clock.now(first.timezone))
    with transaction(db):
        created = not programmes.exists(db, prog.id)
        version, changed = programmes.save(db, pid=prog.id, name=prog.name, year=prog.year, yaml_text=yaml_text,
                                           sha256=sha, author=actor, now=when, note=note)
        if changed:
            audit.record(db, actor=actor, action="programme.create" if created else "programme.save",
                         contest=prog.id, target=f"programme v{version}", before=None, after=sha,
                         detail={"note": note} if note else None, now=when)
    return {"programme": prog.id, "version": version, "sha256": sha, "created": created, "changed": changed}


def model(db, pid: str) -> tuple[Programme, dict]:
    row = programmes.latest_version(db, pid)
    prog = _MODELS.get(row["sha256"])
    if prog is None:
        prog = _MODELS[row["sha256"]] = load_programme(row["yaml"])
    return prog, row


def _year(prog: Programme, period: str | None) -> str:
    wanted = str(prog.year) if period is None else str(services.parse_wanted(period))
    if wanted != str(prog.year):
        raise NotFound(f"programme {prog.id!r} lists the year {prog.year}, not {wanted}")
    return wanted


def _groups(db, prog: Programme):
    first, _ = services.contest_rules(db, prog.contest_ids[0])
    units = [{"code": u.code, "name": u.name, "group": u.group} for u in first.units]
    groups = [{"id": g, "name": name, "units": [u for u in units if u["group"] == g]} for g, name in first.groups.items()]
    return groups, first.precision


def _published_so_far(db, cid: str, year: str) -> dict[str, Any] | None:
    """A contest's year sheet from its published months alone, as the data stood at the newest
    of them (nothing unpublished shows); None when no month of the year is published."""
    contest, _ = services.contest_rules(db, cid)
    months = [r for r in publications.newest(db, cid, "month") if r["period"].startswith(year)]
    if not months:
        return None
    batch = max(r["data_batch"] for r in months)
    wanted = parse_period(year)
    data = services.sheet_inputs(db, contest, wanted, batch)
    done = {r["period"] for r in months}
    sheet = score(contest, year, {m: rows for m, rows in data.items() if m in done})
    # red flags only of the quarters published: a quarter's flags are not known before that
    quarters = [publishing.frozen_sheet(publications.latest(db, cid, r["period"]))
                for r in publications.newest(db, cid, "quarter") if r["period"].startswith(year)]
    won = [{u["unit"] for g in q["groups"] for u in g["units"] if "red_flag" in u["flags"]} for q in quarters]
    for g in sheet["groups"]:
        for u in g["units"]:
            u["red_flags"] = sum(u["unit"] in flags for flags in won)
    return sheet


def _sources(db, prog: Programme, year: str, draft: bool):
    sheets, sources = {}, []
    for cid, weight in prog.contests:
        row = publications.latest(db, cid, year)
        if row is not None:
            sheets[cid] = publishing.frozen_sheet(row)
            sources.append({"contest": cid, "weight": weight, "period": year, "revision": row["revision"],
                            "sheet_sha256": row["sheet_sha256"], "published": True})
        elif draft:
            sheets[cid] = _published_so_far(db, cid, year)
            sources.append({"contest": cid, "weight": weight, "period": year, "revision": None,
                            "sheet_sha256": None, "published": False})
        else:
            raise Conflict(f"programme {prog.id!r} cannot be published: the {year} year sheet of contest "
                           f"{cid!r} is not published yet", [{"field": "contests", "message": f"{cid}: {year} not published"}])
    return sheets, sources


def _sheet(db, pid: str, period: str | None, draft: bool) -> tuple[dict[str, Any], Programme, dict]:
    prog, row = model(db, pid)
    year = _year(prog, period)
    sheets, sources = _sources(db, prog, year, draft)
    groups, precision = _groups(db, prog)
    sheet = score_programme(prog, groups, sheets, precision)
    sheet.update(name=prog.name, rules_sha256=row["sha256"], sources=sources,
                 draft=draft and not all(s["published"] for s in sources))
    return sheet, prog, row


def draft(db, pid: str, period: str | None = None) -> dict[str, Any]:
    """The list as it would stand now: each contest's published year sheet, or, where the year
    is not yet published, its year so far from its published months (草稿, 未发布)."""
    sheet, _, _ = _sheet(db, pid, period, draft=True)
    sheet["stale"] = None  # ``draft`` stays true while some contest's year is not published
    return sheet


def publish(db, pid: str, period: str | None = None, *, actor: str, note: str | None = None,
            now: datetime | None = None, first_only: bool = False) -> tuple[dict[str, Any], bool]:
    """Freeze the programme's year (Conflict until every contest's year is published). The same
    sheet as the newest revision, not stale, returns it; otherwise the next revision, which after
    the first needs a note (更正说明). Returns (publication without its sheet, created)."""
    note = clean_note(note)
    with transaction(db):
        sheet, prog, rules_row = _sheet(db, pid, period, draft=False)
        newest = programmes.latest(db, pid, sheet["period"])
        if newest is not None and (first_only or (_content(sheet) == _content(json.loads(newest["sheet"]))
                                                  and stale(db, newest) is None)):
            del newest["sheet"]
            return newest, False
        revision = 1 if newest is None else newest["revision"] + 1
        if revision > 1 and note is None:
            raise ValidationFailed(f"{sheet['period']} of programme {pid!r} is published already and its sheet has "
                                   f"changed: revision {revision} needs a note (更正说明)",
                                   [{"field": "note", "message": "required for a correction"}])
        first, _ = services.contest_rules(db, prog.contest_ids[0])
        when = clock.iso(publishing.stamp(first, now))
        sheet.update(revision=revision, published_at=when, note=note, status="final")
        text = services.sheet_json(sheet)
        row = {"programme": pid, "period": sheet["period"], "revision": revision, "published_at": when,
               "author": actor, "note": note, "rules_version": rules_row["version"], "rules_sha256": rules_row["sha256"],
               "sources": json.dumps(sheet["sources"], ensure_ascii=False),
               "sheet_sha256": hashlib.sha256(text.encode()).hexdigest(), "sheet": text}
        programmes.insert(db, row)
        audit.record(db, actor=actor, action="programme.publish" if revision == 1 else "programme.correct",
                     contest=pid, target=f"{row['period']} r{revision}", before=newest["sheet_sha256"] if newest else None,
                     after=row["sheet_sha256"], detail={"note": note} if note else None, now=when)
        del row["sheet"]
    return row, True


def _content(sheet: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sheet.items() if k not in ("revision", "published_at", "note", "status", "notice_until")}


def stale(db, row: dict[str, Any]) -> dict[str, Any] | None:
    """Why a programme publication is stale: a contest's year sheet republished since it was made."""
    causes = []
    for src in json.loads(row["sources"]):
        now = publications.latest(db, src["contest"], src["period"], with_sheet=False)
        if now is not None and now["revision"] != src["revision"]:
            causes.append({"contest": src["contest"], "period": src["period"], "revision": now["revision"],
                           "at": now["published_at"]})
    if not causes:
        return None
    listed = "、".join(f"{c['contest']} {c['period']}年度成绩已于 {c['at'][:10]} 重新发布（第 {c['revision']} 版）" for c in causes)
    return {"reason": "; ".join(f"{c['contest']} {c['period']} was republished (revision {c['revision']})" for c in causes),
            "message": f"注意：本榜单依据的{listed}，晚于本榜单的发布；待重新发布。", "causes": causes}


def published(db, pid: str, period: str, revision: int | None = None) -> dict[str, Any]:
    """A published revision's sheet (newest unless named) with ``stale`` (None or why)."""
    row = programmes.get(db, pid, str(services.parse_wanted(period)), revision)
    sheet = json.loads(row["sheet"])
    newest = programmes.latest(db, pid, row["period"], with_sheet=False)
    sheet["stale"] = stale(db, row) if newest and newest["revision"] == row["revision"] else None
    return sheet


def shown(db, pid: str, year: str | None = None, revision: int | None = None
          ) -> tuple[dict[str, Any], dict[str, str], str, str]:
    """(sheet, contest id -> name, honour name, penalty name) for a board or 通报: ``year``'s
    published list (its newest revision, or ``revision``); with no year, the programme's year
    published if it is, else the draft (the page's way)."""
    prog, _ = model(db, pid)
    if year is not None:
        sheet = published(db, pid, year, revision)
    else:
        try:
            sheet = published(db, pid, str(prog.year))
        except NotFound:
            sheet = draft(db, pid)
    names = {cid: contests.get_contest(db, cid)["name"] for cid in prog.contest_ids}
    return sheet, names, prog.honours.name, prog.penalties.name


def letterhead(db, pid: str):
    """The letterhead its 通报 is issued under: its first contest's."""
    first, _ = services.contest_rules(db, model(db, pid)[0].contest_ids[0])
    return first.letterhead


def publish_due(db, now: datetime, *, actor: str = "scheduler") -> list[dict[str, Any]]:
    """The scheduler's pass: publish each programme's year, once, when every contest's year is
    published and it has no publication yet."""
    done = []
    for listed in programmes.list_programmes(db):
        try:  # each programme on its own, as each contest is: one failing must not stop the pass
            prog, _ = model(db, listed["id"])
            year = str(prog.year)
            if programmes.latest(db, prog.id, year, with_sheet=False) is not None:
                continue
            if all(publications.latest(db, cid, year, with_sheet=False) for cid in prog.contest_ids):
                row, created = publish(db, prog.id, year, actor=actor, now=now, first_only=True)
                if created:
                    done.append(row)
        except Exception:  # noqa: BLE001
            log.exception("cannot publish programme %s", listed["id"])
    return done
