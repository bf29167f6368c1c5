"""Contests and their rule files: save a rule file (a new contest or a new rules version), the
model of the version in force (parsed once per sha256), the list of contests.

Each write is one transaction holding the change and its audit row.
"""

from __future__ import annotations

from typing import Any

from arena.engine.rules import load_rules, rules_sha256
from arena.engine.rules.model import Contest
from arena.errors import BadRequest, Conflict
from arena.store import audit, contests, programmes
from arena.store.db import transaction
from arena.support import clock
from arena.support.plain_text import clean_note


# Parsed rule files by sha256: a stored version never changes, so its model never does.
_MODELS: dict[str, Contest] = {}
_MODELS_KEPT = 64


def contest_rules(db, contest_id: str, version: int | None = None) -> tuple[Contest, dict]:
    """The contest's model and its stored rules row (the version in force unless one is named)."""
    row = contests.get_rules(db, contest_id, version)
    model = _MODELS.get(row["sha256"])
    if model is None:
        model = load_rules(row["yaml"])
        if len(_MODELS) >= _MODELS_KEPT:
            _MODELS.pop(next(iter(_MODELS)))  # the oldest parsed
        _MODELS[row["sha256"]] = model
    return model, row


def save_rules(db, yaml_text: str, *, actor: str, note: str | None = None,
               create_only: bool = False, contest_id: str | None = None) -> dict[str, Any]:
    """Validate a rule file and store it: a new contest, or a new rules version of one.

    Returns {"contest", "version", "sha256", "created", "changed", "warnings"}. A file identical
    to the version in force stores nothing; warnings (engine.rules.warnings) never stop a save.
    """
    note = clean_note(note)
    contest = load_rules(yaml_text)
    if contest_id is not None and contest.id != contest_id:
        raise BadRequest(f"the rule file is for contest {contest.id!r}, not {contest_id!r}",
                         [{"path": "contest.id", "message": f"expected {contest_id!r}"}])
    sha = rules_sha256(yaml_text)
    when = clock.iso(clock.now(contest.timezone))
    fields = dict(
        contest_id=contest.id, name=contest.name, season_start=contest.season_start,
        season_end=contest.season_end, units=[(u.code, u.name, u.group) for u in contest.units],
        yaml_text=yaml_text, sha256=sha, author=actor, now=when, note=note,
    )
    with transaction(db):
        exists = contests.contest_exists(db, contest.id)
        if not exists and programmes.exists(db, contest.id):  # one id, one thing: audit rows name either
            raise Conflict(f"{contest.id!r} is a programme's id; a contest needs an id of its own",
                           [{"path": "contest.id", "message": "taken by a programme"}])
        if not exists:
            version = contests.create_contest(**fields, db=db)
            before = None
        elif create_only:
            raise Conflict(f"contest {contest.id!r} exists already; save its rules as a new version instead")
        else:
            before = contests.get_rules(db, contest.id)["sha256"]
            version = contests.save_rules(**fields, db=db)
        changed = before != sha
        if changed:
            audit.record(db, actor=actor, action="contest.create" if not exists else "rules.save",
                         contest=contest.id, target=f"rules v{version}", before=before, after=sha,
                         detail={"note": note} if note else None, now=when)
    return {"contest": contest.id, "version": version, "sha256": sha,
            "created": not exists, "changed": changed, "warnings": [dict(w) for w in contest.warnings]}


def list_contests(db) -> list[dict[str, Any]]:
    return contests.list_contests(db)
