"""What every month of a contest shares, computed once per Contest object: its groups, and for
each indicator in each group who is assessed (exempt units and groups that do not score it
left out), their annual targets T, and the weights an exempt unit's total is scaled by.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Callable

import numpy as np

from arena.engine.numbers import round_half_up_array
from arena.engine.rules.model import Contest, Indicator, Lights


@dataclass
class Plan:
    """One indicator in one group: who is assessed (positions among the members) and their T."""

    ind: Indicator
    weight: float | None  # None: the group does not score it
    assessed: list[int]
    annual: np.ndarray  # T of each assessed unit, NaN for none
    lights: Lights
    shown_targets: dict[int, np.ndarray] = field(default_factory=dict)  # by k(m)

    def __post_init__(self) -> None:
        self.everyone = False  # every member assessed (set by the Layout)
        self.no_target = bool(np.isnan(self.annual).all())
        lag = self.lights.by == "lag"  # a missing value's light: red, unless it has none at all
        self.missing_lights = [None if math.isnan(t) or (lag and t <= 0) else "red" for t in self.annual.tolist()]

    def targets(self, k: int) -> np.ndarray:
        """t = T * p(m) of each assessed unit at 4 decimals, as cells show it; NaN for none."""
        if k not in self.shown_targets:
            t = self.annual * self.ind.progress[k - 1]
            none = np.isnan(t)
            self.shown_targets[k] = np.where(none, np.nan, round_half_up_array(np.where(none, 0.0, t), 4))
        return self.shown_targets[k]


class Layout:
    """What a contest's months share: groups, plans, the weights exempt units are scaled by."""

    def __init__(self, contest: Contest):
        self.groups: dict[str, list[str]] = {g: [] for g in contest.groups}
        for unit in contest.units:
            self.groups.setdefault(unit.group, []).append(unit.code)
        self.plans: dict[str, list[Plan]] = {}
        self.exempted: set[str] = set()  # units exempt from something their group scores
        self.scale: dict[str, tuple[float, float]] = {}  # unit -> (W_group, W_assessed) when less
        self.scored: dict[str, Callable[[tuple], Any]] = {}  # a row's points of what the group scores
        for group, members in self.groups.items():
            self.plans[group] = [self._plan(contest, ind, group, members) for ind in contest.indicators]
            for plan in self.plans[group]:
                plan.everyone = len(plan.assessed) == len(members)
            where = [k for k, i in enumerate(contest.indicators) if group in i.weight]
            self.scored[group] = (itemgetter(*where) if len(where) > 1
                                  else (lambda row, w=where: tuple(row[k] for k in w)))
            weights = {i.id: i.weight[group] for i in contest.indicators if group in i.weight}
            full = math.fsum(weights.values())
            for u in members:
                if set(weights) & contest.exempt.get(u, frozenset()):
                    self.exempted.add(u)
                assessed_w = math.fsum(w for i, w in weights.items() if i not in contest.exempt.get(u, ()))
                if assessed_w < full:
                    self.scale[u] = (full, assessed_w)

    @staticmethod
    def _plan(contest: Contest, ind: Indicator, group: str, members: list[str]) -> Plan:
        if group not in ind.weight:
            return Plan(ind, None, [], np.empty(0), contest.lights_for(ind))
        assessed = [j for j, u in enumerate(members) if ind.id not in contest.exempt.get(u, ())]
        annual = [ind.annual_target(members[j]) for j in assessed]
        targets = np.array([np.nan if t is None else t for t in annual], dtype=float)
        return Plan(ind, ind.weight[group], assessed, targets, contest.lights_for(ind))


_LAYOUTS: dict[int, tuple[weakref.ref, Layout]] = {}


def layout_of(contest: Contest) -> Layout:
    """The contest's Layout, built once per Contest object (rules are immutable)."""
    hit = _LAYOUTS.get(id(contest))
    if hit is not None and hit[0]() is contest:
        return hit[1]
    layout = Layout(contest)
    if len(_LAYOUTS) >= 32:
        _LAYOUTS.clear()
    _LAYOUTS[id(contest)] = (weakref.ref(contest), layout)
    return layout
