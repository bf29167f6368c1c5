"""The rules loader: a YAML rule file (RULES.md) -> a validated ``Contest``, or every problem.

Three passes, all collected before anything is raised: safe YAML with lines (yaml_source),
structure and types (schemas), then the checks that span objects (checks). Each problem
is a ``{"path": "indicators[2].bands[1].points", "line": 31, "message": ...}``, sorted by line
(problems).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

from marshmallow import ValidationError

from arena.engine.rules import model, schemas
from arena.engine.formula import Formula
from arena.engine.rules.checks import Checks
from arena.engine.rules.problems import (MAX_PROBLEMS, Problem, capped, details, explain, format_path, open_mapping,
                                        quoted_keys, use_written_codes)
from arena.engine.rules.warnings import rule_warnings
from arena.engine.rules.yaml_source import YamlError, read_yaml
from arena.errors import ValidationFailed

MAX_BYTES = 8 * 1024 * 1024


class RulesError(ValidationFailed):
    """A rule file that cannot be used; ``details`` holds every problem with its path and line."""

    @classmethod
    def of(cls, details: list[dict[str, Any]]) -> "RulesError":
        n = len(details)
        shown = capped(details)
        listed = f" (the first {MAX_PROBLEMS} are listed)" if len(shown) < n else ""
        return cls(f"the rule file has {n} problem{'' if n == 1 else 's'}{listed}", shown)


def rules_sha256(text: str | bytes) -> str:
    """Hex sha256 of the file's UTF-8 bytes, as given."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    return hashlib.sha256(data).hexdigest()


def load_rules(text: str | bytes) -> model.Contest:
    """Read, check and build the contest; raise RulesError listing every problem at once.
    What is accepted but probably not meant is in the model's ``warnings`` (rule_warnings)."""
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > MAX_BYTES:
        raise RulesError.of([{"path": "", "line": 1, "message": f"the rule file is larger than {MAX_BYTES} bytes"}])
    try:
        src = read_yaml(text, open_keys=open_mapping)
    except YamlError as exc:
        raise RulesError.of([{"path": format_path(exc.path), "line": exc.line, "message": exc.message}]) from None
    if not isinstance(src.data, dict):
        raise RulesError.of([{"path": "", "line": 1, "message": "the rule file must be a mapping of keys: "
                              "version, contest, groups, units, indicators, ..."}])
    first = [(path, src.line(path), msg) for path, msg in quoted_keys(src)] + src.problems
    found: list[Problem] = []
    loaded = None
    try:
        loaded = schemas.Rules().load(src.data)
    except ValidationError as exc:
        found += [(path, explain(src, path, msg)) for path, msg in schemas.flatten(exc.messages)]
    use_written_codes(src)
    checks = Checks(src.data)
    flagged = {path for path, _ in found}  # one problem per path: the schema's, if it has one
    found += [(path, msg) for path, msg in checks.problems if path not in flagged]
    listed = details(src, first, found)
    if listed:
        raise RulesError.of(listed)
    contest = build(loaded, checks.formulas)
    warned = details(src, [], rule_warnings(src.data))
    return dataclasses.replace(contest, warnings=tuple(warned)) if warned else contest


def _lights(d: dict[str, Any]) -> model.Lights:
    return dataclasses.replace(model.Lights.defaults(d.get("by", "ratio")), **d)


def _indicator(x: dict[str, Any], groups: dict[str, str], formula: Formula | None,
               reporter: str) -> model.Indicator:
    kw = {k: v for k, v in x.items() if k not in ("weight", "targets", "progress", "bands", "lights", "criteria")}
    kw.setdefault("reported_by", reporter)
    weight = x["weight"] if isinstance(x["weight"], dict) else {g: x["weight"] for g in groups}
    progress = x.get("progress", "none")
    progress = {"none": model.NO_PROGRESS, "linear": model.LINEAR}.get(progress, progress)
    bands = tuple(model.Band(b.get("at_least", b.get("at_most")), b["points"]) for b in x.get("bands", ()))
    return model.Indicator(**kw, weight=model.frozen_map(weight), targets=model.frozen_map(x.get("targets")),
                           progress=progress, bands=bands, formula=formula,
                           criteria=tuple(model.Criterion(**c) for c in x.get("criteria", ())),
                           lights=_lights(x["lights"]) if "lights" in x else None)


def _office(name: str) -> str:
    """The default issuing office: the contest's name without a leading year, + 考核办
    (2026年度临沂市综合擂台赛 -> 临沂市综合擂台赛考核办)."""
    return (re.sub(r"^[0-9]{4}年度?", "", name).strip() or name) + "考核办"


def _weekly(r: dict[str, Any]) -> model.Weekly | None:
    """The listed indicators, or every indicator with a target."""
    if "weekly" not in r:
        return None
    w = r["weekly"]
    ids = w.get("indicators") or [x["id"] for x in r["indicators"] if "target" in x or x.get("targets")]
    return model.Weekly(indicators=tuple(ids), **w.get("publish", {}))


def _cards(r: dict[str, Any]) -> model.Cards | None:
    if "cards" not in r:
        return None
    c = r["cards"]
    pos, prog = c.get("position", {}), c.get("progress", {})
    return model.Cards(
        blue_top=pos.get("blue", {}).get("top"), yellow_bottom=pos.get("yellow", {}).get("bottom"),
        red_bottom=pos.get("red", {}).get("bottom"), rose=prog.get("blue", {}).get("rose"),
        fell=prog.get("red", {}).get("fell"), position="position" in c,
        labels=model.frozen_map({**model.CARD_LABELS, **c.get("labels", {})}))


def build(r: dict[str, Any], formulas: dict[int, Formula]) -> model.Contest:
    """The model from checked data, defaults applied: a single weight covers every group."""
    c, groups = r["contest"], r["groups"]
    awards, publish = r.get("awards", {}), r.get("publish", {})
    flags = {k: model.FlagRule(model.frozen_map(v["count"]), v.get("min_score", 0.0))
             for k, v in awards.items() if k in ("red_flags", "yellow_flags")}
    extra = {k: r[k] for k in ("aggregate",) if k in r}
    extra.update({k: c[k] for k in ("timezone", "precision", "self_report") if k in c})
    return model.Contest(
        id=c["id"], name=c["name"], season_start=c["season"]["start"], season_end=c["season"]["end"],
        groups=model.frozen_map(groups), units=tuple(model.Unit(**u) for u in r["units"]),
        indicators=tuple(_indicator(x, groups, formulas.get(i), "unit" if c.get("self_report") else "organizer")
                         for i, x in enumerate(r["indicators"])),
        adjustments=tuple(model.Adjustment(**a) for a in r.get("adjustments", ())),
        exempt=model.frozen_map({code: frozenset(ids) for code, ids in r.get("exempt", {}).items()}),
        tie_break=tuple(r.get("tie_break", ())), lights=_lights(r.get("lights", {})),
        awards=model.Awards(**flags, last_place_months=awards.get("warnings", {}).get("last_place_months")),
        board=model.Board(**r.get("board", {})),
        publish=model.Publish(**{k: dataclasses.replace(getattr(model.Publish(), k), **v)
                                 for k, v in publish.items() if k != "notice"},
                              notice_days=publish.get("notice", {}).get("days")),
        departments=model.frozen_map(r.get("departments")),
        reporting=model.Reporting(**{k: tuple(v) if k == "remind" else v for k, v in r.get("reporting", {}).items()}),
        letterhead=model.Letterhead(**{"office": _office(c["name"]), **r.get("letterhead", {})}),
        weekly=_weekly(r),
        cards=_cards(r),
        **extra,
    )
