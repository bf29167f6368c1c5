"""The checks of a rule file that span objects (RULES.md): groups that exist, ids used once,
a target for every unit that needs one, bands against weights, formulas that compile.

They run on the data as read, after the schemas (schemas.py) and whatever those found, so
every problem of a file is listed at once.
"""

from __future__ import annotations

import math
from typing import Any

from arena.engine.formula import TARGET_NAMES, Formula, FormulaError, compile_formula
from arena.engine.rules import schemas
from arena.engine.rules.problems import Problem, format_path

# keys that only one method reads; anywhere else they are a mistake
METHOD_ONLY = {"step": "rank", "floor": "rank", "base": "efficacy", "of": "bands", "bands": "bands",
               "otherwise": "bands", "expr": "formula", "criteria": "jury", "trim": "jury"}


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
        departments = data.get("departments")
        self.departments = departments if isinstance(departments, dict) else {}
        for reserved in ("unit", "organizer"):
            if reserved in self.departments:
                self.add(("departments", reserved), f"{reserved} is a reporter of its own (reported_by: {reserved}): "
                         "give the department another id")
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
        self.weekly(data.get("weekly"), data.get("indicators"))
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
        folded: dict[str, tuple[str, int]] = {}  # codes name folders and URLs: U2 and u2 would collide
        for i, u in _items(units):
            code, group = u.get("code"), u.get("group")
            if isinstance(code, str):
                if code in first:
                    self.add(("units", i, "code"), f"unit code {code} is listed twice (also units[{first[code]}])")
                elif code.casefold() in folded:
                    other, j = folded[code.casefold()]
                    self.add(("units", i, "code"), f"unit code {code} differs from {other} (units[{j}]) only in "
                             "upper and lower case: codes must differ in more than case (they name folders)")
                first.setdefault(code, i)
                folded.setdefault(code.casefold(), (code, i))
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

    def weekly(self, weekly: Any, indicators: Any) -> None:
        """The dispatch shows indicators with a target: those listed, or every one (RULES.md)."""
        if not isinstance(weekly, dict):
            return
        targeted = {ind.get("id") for _, ind in _items(indicators) if "target" in ind or ind.get("targets")}
        listed = weekly.get("indicators")
        if listed is None:
            if not targeted:
                self.add(("weekly",), "the weekly dispatch shows indicators with a target, and no indicator has one")
            return
        self.lists(listed, ("weekly", "indicators"))
        for j, x in enumerate(listed if isinstance(listed, list) else ()):
            if x in self.indicator_ids and x not in targeted:
                self.add(("weekly", "indicators", j), f"{x} has no target: the weekly dispatch shows indicators "
                         "with a target (set target or targets)")

    def lists(self, ids: Any, path: tuple) -> None:
        """A list of indicator ids: each must exist, once."""
        seen: set[str] = set()  # a set: a list of a million ids must not take minutes
        for j, x in enumerate(ids if isinstance(ids, list) else ()):
            if not isinstance(x, str):
                continue  # the schema has said what it must be
            if x not in self.indicator_ids:
                self.add(path + (j,), f"{x} is not an indicator id")
            elif x in seen:
                self.add(path + (j,), f"{x} is listed twice")
            seen.add(x)

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
        by = ind.get("reported_by")
        if isinstance(by, str) and by not in ("unit", "organizer") and by not in self.departments:
            known = ", ".join(["unit", "organizer", *self.departments])
            self.add(p + ("reported_by",), f"{by} is not a department id listed in departments (nor unit or "
                     f"organizer); use one of: {known}")
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
        if method == "jury":
            self.jury(p, ind, by)
        for key, needs in (("bands", "bands"), ("expr", "formula"), ("criteria", "jury")):
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

    def jury(self, p: tuple, ind: dict[str, Any], by: Any) -> None:
        """A jury's criteria ids once each; its scores come from judges, so it is higher-better, has no
        target, and is reported by the organizer (the jury's close stores x)."""
        seen: dict[str, int] = {}
        for j, crit in _items(ind.get("criteria")):
            cid = crit.get("id")
            if isinstance(cid, str):
                if cid in seen:
                    self.add(p + ("criteria", j, "id"), f"criterion {cid} is listed twice (also criteria[{seen[cid]}])")
                seen.setdefault(cid, j)
        if ind.get("better", "higher") != "higher":
            self.add(p + ("better",), "a jury's totals are better when higher: leave better out")
        for key in ("target", "targets", "progress", "lights"):
            if key in ind:
                self.add(p + (key,), f"method jury scores judges' totals, not a completion: {key} does not apply")
        if by is not None and by != "organizer":
            self.add(p + ("reported_by",), "a jury's value is stored when the jury closes: leave reported_by out "
                     "(or organizer)")

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
