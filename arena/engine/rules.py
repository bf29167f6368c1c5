"""The rules loader: a YAML rule file (RULES.md) -> a validated ``Contest``, or every problem.

Three passes, all collected before anything is raised: safe YAML with lines (yaml_source),
structure and types (schemas), then the checks that span objects (here). Each problem is a
``{"path": "indicators[2].bands[1].points", "line": 31, "message": ...}``, sorted by line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from typing import Any

from marshmallow import ValidationError

from arena.engine import model, schemas
from arena.engine.formula import TARGET_NAMES, Formula, FormulaError, compile_formula
from arena.engine.yaml_source import Source, YamlError, quote_hint, read_yaml
from arena.errors import ValidationFailed

MAX_BYTES = 8 * 1024 * 1024
# keys that only one method reads; anywhere else they are a mistake
METHOD_ONLY = {"step": "rank", "floor": "rank", "base": "efficacy", "of": "bands", "bands": "bands",
               "otherwise": "bands", "expr": "formula"}
LABELS = {"code": "unit code", "group": "group id"}
Problem = tuple[tuple, str]


class RulesError(ValidationFailed):
    """A rule file that cannot be used; ``details`` holds every problem with its path and line."""

    @classmethod
    def of(cls, details: list[dict[str, Any]]) -> "RulesError":
        n = len(details)
        return cls(f"the rule file has {n} problem{'' if n == 1 else 's'}", details)


def rules_sha256(text: str | bytes) -> str:
    """Hex sha256 of the file's UTF-8 bytes, as given."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    return hashlib.sha256(data).hexdigest()


def format_path(path: tuple) -> str:
    """('indicators', 2, 'bands', 1, 'points') -> 'indicators[2].bands[1].points'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return out


def load_rules(text: str | bytes) -> model.Contest:
    """Read, check and build the contest; raise RulesError listing every problem at once."""
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > MAX_BYTES:
        raise RulesError.of([{"path": "", "line": 1, "message": f"the rule file is larger than {MAX_BYTES} bytes"}])
    try:
        src = read_yaml(text)
    except YamlError as exc:
        raise RulesError.of([{"path": format_path(exc.path), "line": exc.line, "message": exc.message}]) from None
    if not isinstance(src.data, dict):
        raise RulesError.of([{"path": "", "line": 1, "message": "the rule file must be a mapping of keys: "
                              "version, contest, groups, units, indicators, ..."}])
    first = [(path, src.line(path), msg) for path, msg in _quoted_keys(src)] + src.problems
    found: list[Problem] = []
    loaded = None
    try:
        loaded = schemas.Rules().load(src.data)
    except ValidationError as exc:
        found += [(path, _explain(src, path, msg)) for path, msg in schemas.flatten(exc.messages)]
    _use_written_codes(src)
    checks = Checks(src.data)
    flagged = {path for path, _ in found}  # one problem per path: the schema's, if it has one
    found += [(path, msg) for path, msg in checks.problems if path not in flagged]
    details = _details(src, first, found)
    if details:
        raise RulesError.of(details)
    return build(loaded, checks.formulas)


def _explain(src: Source, path: tuple, message: str) -> str:
    """Replace "must be text" by how to quote what YAML read as a number, boolean or date."""
    if message != "must be text" or path not in src.raw:
        return message
    if path[0] in ("tie_break", "exempt") and isinstance(path[-1], int):
        label = "indicator id"
    else:
        label = LABELS.get(path[-1], format_path(path)) if path[0] == "units" else format_path(path)
    return quote_hint(label, *src.raw[path])


def _code_map(parent: tuple) -> str | None:
    """The label of the keys of a mapping keyed by unit codes or group ids, else None."""
    shape = tuple("#" if isinstance(p, int) else p for p in parent)
    return {("groups",): "group id", ("exempt",): "unit code", ("indicators", "#", "targets"): "unit code",
            ("indicators", "#", "weight"): "group id", ("awards", "red_flags", "count"): "group id",
            ("awards", "yellow_flags", "count"): "group id"}.get(shape)


def _quoted_keys(src: Source) -> list[Problem]:
    return [(path, quote_hint(_code_map(path[:-1]), *src.raw_keys[path]))
            for path in src.raw_keys if _code_map(path[:-1])]


def _use_written_codes(src: Source) -> None:
    """Codes YAML read as numbers were reported; check the rest with what was written."""
    for path, (_, written) in src.raw.items():
        shape = tuple("#" if isinstance(p, int) else p for p in path)
        if shape in (("units", "#", "code"), ("units", "#", "group"), ("tie_break", "#")) or (
                shape[0] == "exempt" and len(shape) == 3 and shape[2] == "#"):
            parent = src.data
            try:
                for part in path[:-1]:
                    parent = parent[part]
                parent[path[-1]] = written
            except (KeyError, IndexError, TypeError):  # a later duplicate key replaced the parent
                pass


def _details(src: Source, first: list[tuple[tuple, int, str]], found: list[Problem]) -> list[dict[str, Any]]:
    """Problems with lines, sorted by line; ``found`` ones only where no ``first`` one is above."""
    refused = {p for p, _, _ in first}
    out = [(line, path, msg) for path, line, msg in first]
    for path, msg in found:
        if not any(path[:n] in refused for n in range(len(path) + 1)):
            out.append((src.line(path), path, msg))
    seen, details = set(), []
    for line, path, msg in sorted(out, key=lambda item: item[0]):
        if (path, msg) not in seen:
            seen.add((path, msg))
            details.append({"path": format_path(path), "line": line, "message": msg})
    return details


def _num(x: Any) -> bool:
    """A finite number that fits a float: the only values the checks below compare."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    try:
        return math.isfinite(float(x))
    except OverflowError:
        return False


def _items(x: Any) -> list[tuple[int, dict]]:
    return [(i, item) for i, item in enumerate(x) if isinstance(item, dict)] if isinstance(x, list) else []


class Checks:
    """The checks that span objects, run on the data as read; values of a wrong type are
    skipped here, since the schemas already reported them."""

    def __init__(self, data: dict[str, Any]):
        self.problems: list[Problem] = []
        self.formulas: dict[int, Formula] = {}
        groups = data.get("groups")
        self.groups = groups if isinstance(groups, dict) else {}
        self.unit_group: dict[str, Any] = {}
        self.units(data.get("units"))
        self.units_ok = isinstance(data.get("units"), list)  # else no unit can be said to be missing
        exempt = data.get("exempt")
        self.exempt = {k: v for k, v in exempt.items() if isinstance(v, list)} if isinstance(exempt, dict) else {}
        self.indicator_ids = self.ids(data)
        self.scored: dict[str, set[str]] = {g: set() for g in self.groups}  # group -> indicators it scores
        for i, ind in _items(data.get("indicators")):
            self.indicator(("indicators", i), ind)
        if not self.indicator_ids:  # no usable indicators: the schema said why; nothing to check against
            return
        self.exemptions()
        self.lists(data.get("tie_break"), ("tie_break",))
        awards = data.get("awards") if isinstance(data.get("awards"), dict) else {}
        for kind in ("red_flags", "yellow_flags"):
            count = (awards.get(kind) or {}).get("count") if isinstance(awards.get(kind), dict) else None
            for g in count if isinstance(count, dict) else ():
                self.group_exists(("awards", kind, "count", g), g)
        for g, ids in self.scored.items():
            if not ids and g in self.unit_group.values():
                self.add(("groups", g), f"group {g} scores no indicator: give it a weight in at least one")

    def add(self, path: tuple, message: str) -> None:
        self.problems.append((path, message))

    def group_exists(self, path: tuple, g: Any) -> bool:
        if isinstance(g, str) and self.groups and g not in self.groups:
            self.add(path, f"group {g} is not one of the groups ({', '.join(self.groups)})")
            return False
        return True

    def units(self, units: Any) -> None:
        first: dict[str, int] = {}
        for i, u in _items(units):
            code, group = u.get("code"), u.get("group")
            if isinstance(code, str):
                if code in first:
                    self.add(("units", i, "code"), f"unit code {code} is listed twice (also units[{first[code]}])")
                first.setdefault(code, i)
                self.unit_group.setdefault(code, group if isinstance(group, str) else None)
            self.group_exists(("units", i, "group"), group)

    def ids(self, data: dict[str, Any]) -> set[str]:
        first: dict[str, str] = {}
        for kind in ("indicators", "adjustments"):
            for i, item in _items(data.get(kind)):
                ident = item.get("id")
                if isinstance(ident, str):
                    if ident in first:
                        self.add((kind, i, "id"), f"id {ident} is used twice (also {first[ident]}); "
                                 "indicator and adjustment ids must differ")
                    first.setdefault(ident, format_path((kind, i)))
        return {k for k, where in first.items() if where.startswith("indicators")}

    def lists(self, ids: Any, path: tuple) -> None:
        """A list of indicator ids: each must exist, once."""
        for j, x in enumerate(ids if isinstance(ids, list) else ()):
            if isinstance(x, str) and x not in self.indicator_ids:
                self.add(path + (j,), f"{x} is not an indicator id")
            elif x in ids[:j]:
                self.add(path + (j,), f"{x} is listed twice")

    def exemptions(self) -> None:
        for code, ids in self.exempt.items():
            if code not in self.unit_group:
                if self.units_ok:
                    self.add(("exempt", code), f"unit {code} is not listed in units")
                continue
            self.lists(ids, ("exempt", code))
            scored = self.scored.get(self.unit_group[code], set())
            if scored and scored <= {x for x in ids if isinstance(x, str)}:
                self.add(("exempt", code), f"unit {code} is exempt from every indicator its group scores")

    def scorers(self, ident: Any, groups: set[str]) -> list[str]:
        """Codes of the units that score an indicator: in a group with a weight, not exempt."""
        return [c for c, g in self.unit_group.items() if g in groups and ident not in self.exempt.get(c, ())]

    def indicator(self, p: tuple, ind: dict[str, Any]) -> None:
        method, better, weight = ind.get("method"), ind.get("better", "higher"), ind.get("weight")
        method = method if method in schemas.METHODS else None
        weights: list[float] = []
        groups: set[str] = set()
        if isinstance(weight, dict):
            for g, w in weight.items():
                if self.group_exists(p + ("weight", g), g):
                    groups.add(g)
                    weights += [w] if _num(w) and w > 0 else []
        elif _num(weight) and weight > 0:
            weights, groups = [weight], set(self.groups)
        ident = ind.get("id") if isinstance(ind.get("id"), str) else None
        for g in groups:
            self.scored.setdefault(g, set()).add(ident)
        cap = ind["cap"] if _num(ind.get("cap")) and ind["cap"] > 0 else 1.0
        full = min(weights) * cap if weights else None  # the smallest weight * cap of any group
        for key in ind:
            if method and key in METHOD_ONLY and METHOD_ONLY[key] != method:
                self.add(p + (key,), f"{key} belongs to method {METHOD_ONLY[key]}; this indicator's method is {method}")
        for key, needs in (("bands", "bands"), ("expr", "formula")):
            if method == needs and key not in ind:
                self.add(p + (key,), f"method {method} needs {key}")
        if method == "rank" and _num(ind.get("floor")) and weights and ind["floor"] >= min(weights):
            self.add(p + ("floor",), f"must be below the weight ({min(weights):g})")
        if method == "bands" and better in ("higher", "lower"):
            self.bands(p, ind.get("bands"), better, full)
        if method == "bands" and _num(ind.get("otherwise")) and full is not None and ind["otherwise"] > full:
            self.add(p + ("otherwise",), f"must not exceed weight * cap ({full:g})")
        targets = ind.get("targets") if isinstance(ind.get("targets"), dict) else {}
        for code in targets:
            if code not in self.unit_group and self.units_ok:
                self.add(p + ("targets", code), f"unit {code} is not listed in units")
        has_target = "target" in ind or bool(targets)
        for key in ("progress", "lights"):
            if key in ind and not has_target:
                self.add(p + (key,), f"{key} needs a target (target or targets)")
        needs_target = method == "completion" or (method == "bands" and ind.get("of") == "ratio")
        if method == "formula" and isinstance(ind.get("expr"), str):
            try:
                self.formulas[p[1]] = compile_formula(ind["expr"], has_target=has_target)
                needs_target = bool(self.formulas[p[1]].names & TARGET_NAMES)
            except FormulaError as exc:
                self.add(p + ("expr",), str(exc))
        if needs_target and "target" not in ind:
            missing = [c for c in self.scorers(ident, groups) if c not in targets]
            if missing:
                shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
                self.add(p + ("targets" if targets else "target",), f"this indicator needs a target for every unit "
                         f"that scores it; none for {shown}: set target, or add them to targets")

    def bands(self, p: tuple, bands: Any, better: str, full: float | None) -> None:
        """at_least thresholds strictly falling (better: higher), at_most strictly rising (lower)."""
        key, other = ("at_least", "at_most") if better == "higher" else ("at_most", "at_least")
        before = None
        for j, band in _items(bands):
            bp = p + ("bands", j)
            if other in band:
                self.add(bp + (other,), f"this indicator is better: {better}, so its bands use {key}, not {other}")
            elif key not in band:
                self.add(bp + (key,), f"each band needs {key} (better: {better})")
            t = band.get(key)
            if _num(t):
                if before is not None and (t >= before if better == "higher" else t <= before):
                    word = "below" if better == "higher" else "above"
                    self.add(bp + (key,), f"must be {word} the band before ({before:g}): bands go from best to worst")
                before = t
            if _num(band.get("points")) and full is not None and band["points"] > full:
                self.add(bp + ("points",), f"must not exceed weight * cap ({full:g})")


def _lights(d: dict[str, Any]) -> model.Lights:
    return dataclasses.replace(model.Lights.defaults(d.get("by", "ratio")), **d)


def _indicator(x: dict[str, Any], groups: dict[str, str], formula: Formula | None) -> model.Indicator:
    kw = {k: v for k, v in x.items() if k not in ("weight", "targets", "progress", "bands", "lights")}
    weight = x["weight"] if isinstance(x["weight"], dict) else {g: x["weight"] for g in groups}
    progress = x.get("progress", "none")
    progress = {"none": model.NO_PROGRESS, "linear": model.LINEAR}.get(progress, progress)
    bands = tuple(model.Band(b.get("at_least", b.get("at_most")), b["points"]) for b in x.get("bands", ()))
    return model.Indicator(**kw, weight=model.frozen_map(weight), targets=model.frozen_map(x.get("targets")),
                           progress=progress, bands=bands, formula=formula,
                           lights=_lights(x["lights"]) if "lights" in x else None)


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
        indicators=tuple(_indicator(x, groups, formulas.get(i)) for i, x in enumerate(r["indicators"])),
        adjustments=tuple(model.Adjustment(**a) for a in r.get("adjustments", ())),
        exempt=model.frozen_map({code: frozenset(ids) for code, ids in r.get("exempt", {}).items()}),
        tie_break=tuple(r.get("tie_break", ())), lights=_lights(r.get("lights", {})),
        awards=model.Awards(**flags, last_place_months=awards.get("warnings", {}).get("last_place_months")),
        board=model.Board(**r.get("board", {})),
        publish=model.Publish(**{k: dataclasses.replace(getattr(model.Publish(), k), **v) for k, v in publish.items()}),
        **extra,
    )
