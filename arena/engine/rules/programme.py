"""Programme files (RULES.md "The year's list across contests"): the contests of one year
combined into the annual list (全年列榜单), with honours (年奖) and penalties (年惩).

Read and checked like a rule file: strict keys, every problem with its path and line."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError, validate

from arena.engine.rules.load import MAX_BYTES, RulesError
from arena.engine.rules.problems import details, format_path
from arena.engine.rules.schema_fields import Int, Num, Text, list_of, matches, name_problem, nested, or_more
from arena.engine.rules.schemas import SLUG, Strict, flatten
from arena.engine.rules.yaml_source import YamlError, read_yaml


@dataclass(frozen=True)
class Part:
    contest: str
    weight: float


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    year: int
    parts: tuple[Part, ...]  # the first contest's units and groups are the list's
    flag_points: float = 0.0
    honours: int = 0
    honours_name: str = "先进单位"
    penalties: int = 0
    penalties_name: str = "通报批评"


class _Head(Strict):
    id = Text(required=True, validate=matches(SLUG, "programme id: use a-z, 0-9 and -, at most 64"))
    name = Text(name_problem, required=True)
    year = Int(required=True, validate=validate.Range(2000, 2100, error="must be a year from 2000 to 2100"))


class _Part(Strict):
    id = Text(required=True, validate=matches(SLUG, "contest id: use a-z, 0-9 and -, at most 64"))
    weight = Num(required=True, validate=validate.Range(min=0, min_inclusive=False, error="must be above 0"))


class _Places(Strict):
    count = Int(required=True, validate=or_more(0))
    name = Text(name_problem)


class _Programme(Strict):
    version = Int(required=True, validate=validate.Equal(1, error="must be 1"))
    programme = nested(_Head, required=True)
    contests = list_of(nested(_Part), required=True,
                       validate=validate.Length(min=1, max=50, error="must list 1 to 50 contests"))
    flag_points = Num(validate=validate.Range(min=0, error="must not be negative"))
    honours, penalties = nested(_Places), nested(_Places)


def _cross(data: dict[str, Any]) -> list[tuple[tuple, str]]:
    """What spans keys: contests listed once each, weights summing to 100."""
    parts = data.get("contests") or []
    ids = [p.get("id") for p in parts if isinstance(p, dict)]
    found = [(("contests", k, "id"), f"{i} is listed twice") for k, i in enumerate(ids) if i in ids[:k]]
    weights = [p.get("weight") for p in parts if isinstance(p, dict)]
    if weights and all(isinstance(w, (int, float)) and not isinstance(w, bool) for w in weights) \
            and not math.isclose(math.fsum(weights), 100, abs_tol=1e-9):
        found.append((("contests",), f"the weights sum to {math.fsum(weights):g}, not 100"))
    return found


def load_programme(text: str | bytes) -> Programme:
    """Read, check and build a programme; raise RulesError listing every problem at once."""
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > MAX_BYTES:
        raise RulesError.of([{"path": "", "line": 1, "message": f"the programme file is larger than {MAX_BYTES} bytes"}])
    try:
        src = read_yaml(text)
    except YamlError as exc:
        raise RulesError.of([{"path": format_path(exc.path), "line": exc.line, "message": exc.message}]) from None
    if not isinstance(src.data, dict):
        raise RulesError.of([{"path": "", "line": 1, "message": "the programme file must be a mapping of keys: "
                              "version, programme, contests, flag_points, honours, penalties"}])
    found: list[tuple[tuple, str]] = []
    loaded: dict[str, Any] = {}
    try:
        loaded = _Programme().load(src.data)
    except ValidationError as exc:
        found += list(flatten(exc.messages))
    found += _cross(src.data)
    listed = details(src, list(src.problems), found)
    if listed:
        raise RulesError.of(listed)
    head, honours, penalties = loaded["programme"], loaded.get("honours", {}), loaded.get("penalties", {})
    return Programme(
        id=head["id"], name=head["name"], year=head["year"],
        parts=tuple(Part(p["id"], float(p["weight"])) for p in loaded["contests"]),
        flag_points=float(loaded.get("flag_points", 0.0)),
        honours=honours.get("count", 0), honours_name=honours.get("name", "先进单位"),
        penalties=penalties.get("count", 0), penalties_name=penalties.get("name", "通报批评"),
    )
