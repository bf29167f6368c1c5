"""Build Contest objects directly, with sensible defaults, so engine tests need no YAML.

    contest(indicators=[indicator("a", "completion", target=100)], units={"g": ["u1", "u2"]})

Units are named by code; a unit's name is "name-<code>". Groups are listed in the order given.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from arena.engine.rules.model import (
    LINEAR, NO_PROGRESS, Adjustment, Awards, Band, Board, Contest, FlagRule, Indicator, Lights,
    Unit, frozen_map,
)

DEFAULT_UNITS = {"g": ["u1", "u2", "u3"]}


def indicator(
    id: str = "a",
    method: str = "completion",
    *,
    weight: float | Mapping[str, float] = 10,
    groups: Sequence[str] = ("g",),
    progress: str | Sequence[float] = "none",
    bands: Sequence[tuple[float, float]] = (),
    targets: Mapping[str, float] | None = None,
    expr: str | None = None,
    lights: Lights | None = None,
    **fields: Any,
) -> Indicator:
    """An Indicator; ``weight`` a number (for every group in ``groups``) or a map by group;
    ``progress`` "none", "linear" or 12 fractions; ``bands`` (threshold, points) pairs;
    ``expr`` compiled with the real formula module."""
    weights = dict(weight) if isinstance(weight, Mapping) else {g: float(weight) for g in groups}
    if progress == "none":
        prog = NO_PROGRESS
    elif progress == "linear":
        prog = LINEAR
    else:
        prog = tuple(float(p) for p in progress)  # type: ignore[union-attr]
    compiled = None
    if expr is not None:
        from arena.engine.formula import compile_formula

        has_target = fields.get("target") is not None or bool(targets)
        compiled = compile_formula(expr, has_target=has_target)
    return Indicator(
        id=id, name=f"name-{id}", weight=frozen_map(weights), method=method,
        targets=frozen_map(targets), progress=prog,
        bands=tuple(Band(float(t), float(p)) for t, p in bands),
        expr=expr, formula=compiled, lights=lights, **fields,
    )


def adjustment(id: str, points: float = 0.0, **fields: Any) -> Adjustment:
    return Adjustment(id=id, name=f"name-{id}", points=points, **fields)


def contest(
    indicators: Sequence[Indicator] = (),
    *,
    units: Mapping[str, Sequence[str]] = DEFAULT_UNITS,
    adjustments: Sequence[Adjustment] = (),
    exempt: Mapping[str, Sequence[str]] | None = None,
    season: tuple[str, str] = ("2026-01", "2026-12"),
    red_flags: FlagRule | None = None,
    yellow_flags: FlagRule | None = None,
    last_place_months: int | None = None,
    board: tuple[int, int] = (3, 3),
    tie_break: Sequence[str] = (),
    **fields: Any,
) -> Contest:
    """A Contest; ``units`` maps each group to its unit codes (the group's name is "G-<id>")."""
    if not indicators:
        indicators = (indicator(),)
    return Contest(
        id="test",
        name="测试擂台赛",
        season_start=season[0],
        season_end=season[1],
        groups=frozen_map({g: f"G-{g}" for g in units}),
        units=tuple(Unit(code, f"name-{code}", g) for g, codes in units.items() for code in codes),
        indicators=tuple(indicators),
        adjustments=tuple(adjustments),
        exempt=frozen_map({u: frozenset(ids) for u, ids in (exempt or {}).items()}),
        tie_break=tuple(tie_break),
        awards=Awards(red_flags, yellow_flags, last_place_months),
        board=Board(*board),
        **fields,
    )


def flag_rule(min_score: float = 0.0, **count: int) -> FlagRule:
    return FlagRule(frozen_map(count), min_score)


def unit_row(sheet: dict, code: str) -> dict:
    """The row of ``code`` in a sheet, whatever its group."""
    for group in sheet["groups"]:
        for row in group["units"]:
            if row["unit"] == code:
                return row
    raise KeyError(code)


def column(sheet: dict, field: str, group: str | None = None) -> dict[str, Any]:
    """unit code -> that field of its row, over every group (or one group)."""
    return {
        row["unit"]: row[field]
        for g in sheet["groups"] if group is None or g["id"] == group
        for row in g["units"]
    }
