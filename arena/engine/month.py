"""One month of a contest, scored column by column (RULES.md, "Points of one indicator",
"Adjustments and veto", "Total and rank").

S(u) = sum of P(u, i) (times W_group / W_assessed for an exempt unit) + adjustment points.
Each column (one indicator over one group) is scored at once by columns.py; a column that is
unusual (a value that is not a plain finite float, a formula that would fail...) is scored unit
by unit by methods.py instead, which raises the error the engine has always raised. Cells (the
sheet's per-indicator figures) are built only for the month a sheet shows.

Two scoring paths meet here: ``unit_by_unit`` (methods.py) is the definition; ``_vector``
(columns.py, vformula.py) is the fast path, tried first. tests/test_fast_path.py holds them
equal: it scores random contests with ``_vector`` and with it switched off (tests/scalar_path.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from arena.engine import columns
from arena.engine.layout import Plan, layout_of
from arena.engine.methods import Column, indicator_points, light, scoring_error
from arena.engine.numbers import round_half_up, round_half_up_array
from arena.engine.periods import month_number
from arena.engine.rules.model import Contest, Indicator

Rows = Mapping[str, Mapping[str, float]]  # unit code -> key -> value
_EMPTY: Mapping[str, float] = {}
_PLAIN = {float, type(None)}
_ABSENT = object()  # in a column of cell values: the unit is not assessed on it, no cell
# A column's cells, field by field: values, targets (NaN: none), ratios (NaN: none), points, lights.
Fields = tuple[Sequence[Any], np.ndarray, np.ndarray, np.ndarray, Sequence[Any]]


@dataclass(slots=True)
class UnitMonth:
    """One unit's month, unrounded. ``row``: P(u, i) in the order of the indicators, None
    where the unit does not score i; ``cells`` is empty for a month scored only for its standing."""

    ids: list[str]
    row: tuple[float | None, ...]
    cells: dict[str, dict[str, Any] | None]
    adjustments: dict[str, float]  # non-veto items with a row, after their caps
    vetoed: bool
    missing: bool
    total: float  # S

    @property
    def points(self) -> dict[str, float | None]:
        """indicator id -> P(u, i)."""
        return dict(zip(self.ids, self.row))


def _checked(unit: str, key: str, value: float) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise scoring_error(unit, key, f"the value {value!r} is not a finite number")
    return value


def adjustments(contest: Contest, unit: str, row: Mapping[str, float]) -> tuple[dict[str, float], bool]:
    """c * points, kept <= max (points > 0) or >= min (points < 0); a veto item with c > 0
    vetoes the unit and adds no points."""
    shown: dict[str, float] = {}
    vetoed = False
    for adj in contest.adjustments:
        if adj.id not in row:
            continue
        count = _checked(unit, adj.id, row[adj.id])
        if adj.veto:
            vetoed = vetoed or count > 0
            continue
        pts = count * adj.points
        if adj.points > 0 and adj.max is not None:
            pts = min(pts, adj.max)
        if adj.points < 0 and adj.min is not None:
            pts = max(pts, adj.min)
        shown[adj.id] = pts
    return shown, vetoed


def unit_by_unit(contest: Contest, ind: Indicator, members: list[str], group: str, month: str,
                 rows: Rows) -> tuple[list[float | None], list[dict[str, Any] | None]]:
    """One column scored by methods.py, one unit at a time: points (None: not scored), cells."""
    exempt = contest.exempt
    assessed = [u for u in members if group in ind.weight and ind.id not in exempt.get(u, ())]
    values = {u: _checked(u, ind.id, rows[u][ind.id]) for u in assessed if ind.id in rows.get(u, {})}
    col = Column(ind, ind.weight.get(group, 0.0), month, values)
    got, lights = indicator_points(col), contest.lights_for(ind)
    points: dict[str, float | None] = dict.fromkeys(members)
    cells: dict[str, dict[str, Any] | None] = dict.fromkeys(members)
    for u in assessed:
        x, r = values.get(u), col.ratios.get(u)
        t = ind.period_target(u, month)
        points[u] = got.get(u, 0.0)
        cells[u] = {
            "value": x, "target": None if t is None else round_half_up(t, 4),
            "ratio": None if r is None else round_half_up(r, 4),
            "points": round_half_up(got.get(u, 0.0), contest.precision),
            "light": light(lights, ind, u, month, x, r), "missing": x is None,
        }
    return [points[u] for u in members], [cells[u] for u in members]


def _table(mrows: list[Mapping[str, float]], ids: list[str]) -> list[tuple[Any, ...]]:
    """Per indicator, each member's value (None: no row), read a row at a time."""
    if not ids:
        return []
    getter = itemgetter(*ids)
    one = len(ids) == 1  # itemgetter of one key gives the value, not a tuple
    table = []
    for r in mrows:
        try:
            got = (getter(r),) if one else getter(r)
        except KeyError:  # some value is missing
            got = tuple(r.get(k) for k in ids)
        table.append(got)
    return list(zip(*table)) if table else [() for _ in ids]


def _vector(plan: Plan, month: str, column: tuple[Any, ...], mrows: list[Mapping[str, float]],
            with_cells: bool) -> tuple[list[float], Fields | None, list[int]] | None:
    """One column at once, over its assessed units: points, the cells' fields, positions of the missing.
    None where the column must be scored unit by unit."""
    vals = column if plan.everyone else [column[j] for j in plan.assessed]
    if not set(map(type, vals)) <= _PLAIN:
        return None  # an int, a bool, a string: methods.py decides
    x_all = np.array(vals, dtype=float)  # None -> NaN
    unusable = ~np.isfinite(x_all)
    missing: list[int] = []
    if unusable.any():
        missing = np.flatnonzero(unusable).tolist()
        key = plan.ind.id
        if any(vals[i] is not None or key in mrows[plan.assessed[i]] for i in missing):
            return None  # NaN, infinity or a stored None: methods.py raises
    present = np.flatnonzero(~unusable) if missing else None
    x = x_all if present is None else x_all[present]
    annual = plan.annual if present is None else plan.annual[present]
    col = columns.VecColumn(plan.ind, plan.weight, month, x, annual)  # type: ignore[arg-type]
    pts = columns.points(col) if len(x) else np.empty(0)
    if pts is None:
        return None
    if present is not None:
        pts_all = np.zeros(len(vals))
        pts_all[present] = pts
        pts = pts_all
    got = pts.tolist()
    if not with_cells:
        return got, None, missing
    n = len(vals)
    if plan.no_target:  # no ratio, no light
        ratios, lights = np.full(n, np.nan), [None] * n
    else:
        shown_r = columns.round_half_up_array(np.where(np.isnan(col.ratios), 0.0, col.ratios), 4)
        lights = columns.lights(plan.lights, plan.ind, month, annual, x, shown_r)
        ratios = np.where(np.isnan(col.ratios), np.nan, shown_r)
        if present is not None:  # a missing value: no ratio; red, unless the unit has no light at all
            ratios_all = np.full(n, np.nan)
            ratios_all[present] = ratios
            lights_all = list(plan.missing_lights)
            for i, lt in zip(present.tolist(), lights):
                lights_all[i] = lt
            ratios, lights = ratios_all, lights_all
    return got, (vals, plan.targets(month_number(month)), ratios, pts, lights), missing


def _spread(assessed: list[int], size: int, got: list[float], fields: Fields | None
            ) -> tuple[list[float | None], Fields | None]:
    """A column over its assessed units -> over every member: points None (in fields 0) and
    value _ABSENT where not assessed."""
    if len(assessed) == size:
        return got, fields  # type: ignore[return-value]
    pts: list[float | None] = [None] * size
    for i, j in enumerate(assessed):
        pts[j] = got[i]
    if fields is None:
        return pts, None
    values, targets, ratios, points, lights = _unassessed(size)
    for j, v, lt in zip(assessed, fields[0], fields[4]):
        values[j], lights[j] = v, lt
    targets[assessed], ratios[assessed], points[assessed] = fields[1], fields[2], fields[3]
    return pts, (values, targets, ratios, points, lights)


def _unassessed(size: int) -> Fields:
    """The fields of a column that assesses none of ``size`` members."""
    return [_ABSENT] * size, np.full(size, np.nan), np.full(size, np.nan), np.zeros(size), [None] * size


def _fields_of(cells: list[dict[str, Any] | None]) -> Fields:
    """Cells of every member (None: not assessed), as methods.py makes them -> the column's
    fields (their points, rounded already, round to themselves in ``_cells``)."""
    def numbers(field: str, none: float) -> np.ndarray:
        return np.array([none if c is None or c[field] is None else c[field] for c in cells], dtype=float)

    return ([_ABSENT if c is None else c["value"] for c in cells], numbers("target", np.nan),
            numbers("ratio", np.nan), numbers("points", 0.0), [None if c is None else c["light"] for c in cells])


def _cells(ids: list[str], fields: list[Fields], precision: int) -> Iterator[dict[str, dict[str, Any] | None]]:
    """The columns' fields -> each member's cells, member after member.

    Made a unit at a time, not a column at a time, numbers included (a table of members x
    indicators made objects row after row): a unit's cells then lie together in memory, and
    writing the national sheet as JSON and freeing it take about a third of the time they took
    (the JSON writer and the allocator walk the sheet unit by unit)."""
    def objects(table: np.ndarray) -> list[list[Any]]:
        return np.where(np.isnan(table), None, table.astype(object)).tolist()  # NaN: none

    targets, ratios = (objects(np.column_stack([c[f] for c in fields])) for f in (1, 2))
    points = round_half_up_array(np.column_stack([c[3] for c in fields]), precision).astype(object).tolist()
    for row in zip(zip(*(c[0] for c in fields)), targets, ratios, points, zip(*(c[4] for c in fields))):
        yield {i: None if v is _ABSENT else
               {"value": v, "target": t, "ratio": r, "points": p, "light": lt, "missing": v is None}
               for i, v, t, r, p, lt in zip(ids, *row)}


def score_month(contest: Contest, month: str, rows: Rows, *, cells: bool = True) -> dict[str, UnitMonth]:
    """Every listed unit's month: points (and cells) column by column, then S."""
    layout = layout_of(contest)
    ids = [i.id for i in contest.indicators]
    mrows = {g: [rows.get(u, _EMPTY) for u in members] for g, members in layout.groups.items()}
    tables = {g: _table(mrows[g], ids) for g in layout.groups}
    pcols: dict[str, list[list[float | None]]] = {g: [] for g in layout.groups}
    fcols: dict[str, list[Fields]] = {g: [] for g in layout.groups}
    lacking: dict[str, set[int]] = {g: set() for g in layout.groups}
    for k in range(len(ids)):  # indicators outside, groups inside: errors come in the old order
        for group, members in layout.groups.items():
            plan = layout.plans[group][k]
            if plan.weight is None:  # the group does not score this indicator
                pcols[group].append([None] * len(members))
                if cells:
                    fcols[group].append(_unassessed(len(members)))
                continue
            done = _vector(plan, month, tables[group][k], mrows[group], cells)
            if done is not None:
                got, got_fields, missing = done
                lacking[group].update(plan.assessed[i] for i in missing)
                pts, fields = _spread(plan.assessed, len(members), got, got_fields)
            else:
                pts, cls = unit_by_unit(contest, plan.ind, members, group, month, rows)
                lacking[group].update(j for j, c in enumerate(cls) if c is not None and c["missing"])
                fields = _fields_of(cls) if cells else None
            pcols[group].append(pts)
            if fields is not None:
                fcols[group].append(fields)
    out = {}
    adj_ids = [a.id for a in contest.adjustments]
    for group, members in layout.groups.items():
        cell_rows = _cells(ids, fcols[group], contest.precision) if cells and ids else None
        point_rows = zip(*pcols[group]) if ids else [()] * len(members)
        scored = layout.scored[group]
        for j, (u, prow) in enumerate(zip(members, point_rows)):
            if u in layout.exempted:  # sum what it scores, scaled up to the group's full weight
                total = math.fsum(p for p in prow if p is not None)
                if u in layout.scale:
                    full, assessed_w = layout.scale[u]
                    total = total * full / assessed_w if assessed_w > 0 else 0.0
            else:
                total = math.fsum(scored(prow)) if ids else 0.0
            row = rows.get(u, _EMPTY)
            adj, vetoed = adjustments(contest, u, row) if any(map(row.__contains__, adj_ids)) else ({}, False)
            out[u] = UnitMonth(ids, prow, next(cell_rows) if cell_rows else {}, adj, vetoed,
                               j in lacking[group], math.fsum([total, *adj.values()]))
    return out
