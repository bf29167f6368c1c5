"""The year's list across contests (RULES.md "The year's list across contests", 全年列榜单).

``load_programme`` reads a programme file into a ``Programme`` or raises ProgrammeError with
every problem (path, line, message); ``score_programme`` combines the contests' year sheets
into the programme's sheet (``kind: programme``). Pure: sheets in, a sheet out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from arena.engine import awards
from arena.engine.numbers import round_half_up_list
from arena.engine.rules.problems import format_path
from arena.engine.rules.yaml_source import YamlError, read_yaml
from arena.errors import ValidationFailed

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class ProgrammeError(ValidationFailed):
    """A programme file that cannot be used; ``details`` lists every problem."""


@dataclass(frozen=True)
class Place:
    count: int
    name: str


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    year: int
    contests: tuple[tuple[str, float], ...]  # (contest id, weight), the first gives units and groups
    flag_points: float = 0.0
    honours: Place = Place(3, "先进单位")
    penalties: Place = Place(1, "通报批评")

    @property
    def contest_ids(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.contests)


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _place(d: dict, key: str, default: Place, problems: list) -> Place:
    raw = d.get(key)
    if raw is None:
        return default
    if not isinstance(raw, dict):
        problems.append(((key,), "must be a mapping {count, name}"))
        return default
    for extra in sorted(set(raw) - {"count", "name"}):
        problems.append(((key, extra), "unknown key"))
    count, name = raw.get("count", default.count), raw.get("name", default.name)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        problems.append(((key, "count"), "must be a whole number >= 0"))
    if not isinstance(name, str) or not name.strip():
        problems.append(((key, "name"), "must be non-empty text"))
    return Place(count if isinstance(count, int) else 0, name if isinstance(name, str) else "")


def load_programme(text: str | bytes) -> Programme:
    """Read and check a programme file; raise ProgrammeError listing every problem at once."""
    try:
        src = read_yaml(text)
    except YamlError as exc:
        raise _error([{"path": format_path(exc.path), "line": exc.line, "message": exc.message}]) from None
    d = src.data
    if not isinstance(d, dict):
        raise _error([{"path": "", "line": 1, "message": "the programme file must be a mapping of keys: "
                       "version, programme, contests, flag_points, honours, penalties"}])
    problems: list[tuple[tuple, str]] = []
    for extra in sorted(set(d) - {"version", "programme", "contests", "flag_points", "honours", "penalties"}):
        problems.append(((extra,), "unknown key"))
    if d.get("version") != 1:
        problems.append((("version",), "must be 1"))
    head = d.get("programme")
    pid, name, year = "", "", 0
    if not isinstance(head, dict):
        problems.append((("programme",), "must be a mapping {id, name, year}"))
    else:
        pid, name, year = head.get("id"), head.get("name"), head.get("year")
        for extra in sorted(set(head) - {"id", "name", "year"}):
            problems.append((("programme", extra), "unknown key"))
        if not isinstance(pid, str) or not SLUG.match(pid):
            problems.append((("programme", "id"), "must be a slug: lowercase letters, digits and '-'"))
        if not isinstance(name, str) or not name.strip():
            problems.append((("programme", "name"), "must be non-empty text"))
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            problems.append((("programme", "year"), "must be a year such as 2026"))
    listed = d.get("contests")
    contests: list[tuple[str, float]] = []
    if not isinstance(listed, list) or not listed:
        problems.append((("contests",), "must be a list of {id, weight}"))
        listed = []
    for k, c in enumerate(listed):
        if not isinstance(c, dict):
            problems.append((("contests", k), "must be a mapping {id, weight}"))
            continue
        for extra in sorted(set(c) - {"id", "weight"}):
            problems.append((("contests", k, extra), "unknown key"))
        cid, weight = c.get("id"), c.get("weight")
        if not isinstance(cid, str) or not SLUG.match(cid):
            problems.append((("contests", k, "id"), "must be a contest id"))
        elif cid in [x for x, _ in contests]:
            problems.append((("contests", k, "id"), f"contest {cid!r} is listed twice"))
        if not _number(weight) or weight <= 0:
            problems.append((("contests", k, "weight"), "must be a number > 0"))
        if isinstance(cid, str) and _number(weight):
            contests.append((cid, float(weight)))
    if contests and len(contests) == len(listed) and not math.isclose(math.fsum(w for _, w in contests), 100.0):
        problems.append((("contests",), f"the weights sum to {math.fsum(w for _, w in contests):g}, not 100"))
    flag_points = d.get("flag_points", 0.0)
    if not _number(flag_points) or flag_points < 0:
        problems.append((("flag_points",), "must be a number >= 0"))
    honours = _place(d, "honours", Programme.honours, problems)
    penalties = _place(d, "penalties", Programme.penalties, problems)
    if problems:
        raise _error(sorted(({"path": format_path(p), "line": src.line(p), "message": m} for p, m in problems),
                            key=lambda x: x["line"]))
    return Programme(id=pid, name=name.strip(), year=year, contests=tuple(contests),
                     flag_points=float(flag_points), honours=honours, penalties=penalties)


def _error(details: list[dict[str, Any]]) -> ProgrammeError:
    n = len(details)
    return ProgrammeError(f"the programme file has {n} problem{'' if n == 1 else 's'}", details)


def _round(x: float, precision: int) -> float:
    return round_half_up_list([float(x)], precision)[0]


def score_programme(programme: Programme, groups: Sequence[dict[str, Any]],
                    year_sheets: Mapping[str, dict[str, Any] | None], precision: int = 2) -> dict[str, Any]:
    """The programme's sheet from the contests' year sheets (None: that contest has none).

    ``groups`` are the first contest's: [{"id", "name", "units": [{"code", "name"}]}]. A unit's
    S = sum of weight * its year total / 100 (0 and ``missing`` where absent) + flag_points * its
    red flags; vetoed on any year sheet: vetoed. Ranked as a year (vetoed last, shown total,
    ties share). Honours: rank <= count and not vetoed; penalties: counted from the bottom <=
    count (ties share); a unit with both gets the penalty alone (a small group).
    """
    rows: dict[str, dict[str, Any]] = {}
    for cid, _ in programme.contests:
        sheet = year_sheets.get(cid)
        found = {u["unit"]: u for g in (sheet or {}).get("groups", []) for u in g["units"]}
        rows[cid] = found  # type: ignore[assignment]
    members = {g["id"]: [u["code"] for u in g["units"]] for g in groups}
    names = {u["code"]: u["name"] for g in groups for u in g["units"]}
    totals, vetoed, parts, flags_won, missing = {}, set(), {}, {}, {}
    for g in groups:
        for u in g["units"]:
            code = u["code"]
            per, terms, won, gone = {}, [], 0, []
            for cid, weight in programme.contests:
                row = rows[cid].get(code)
                if row is None or row.get("total") is None:
                    per[cid] = {"total": None, "points": 0.0, "rank": None, "missing": True}
                    gone.append(cid)
                    continue
                points = weight * row["total"] / 100
                terms.append(points)
                won += int(row.get("red_flags") or 0)
                if "vetoed" in row.get("flags", ()):
                    vetoed.add(code)
                per[cid] = {"total": row["total"], "points": _round(points, precision), "rank": row.get("rank"),
                            "missing": False}
            terms.append(programme.flag_points * won)
            totals[code] = math.fsum(terms)
            parts[code], flags_won[code], missing[code] = per, won, gone
    st = awards.standing(members, totals, vetoed, precision)
    out_groups = []
    for g in groups:
        ranks = {c: st.ranks[c] for c in members[g["id"]]}
        bottom = awards.bottom_ranks(ranks)
        units = []
        for code in sorted(ranks, key=lambda c: (ranks[c], c)):
            penalty = bottom[code] <= programme.penalties.count
            honour = not penalty and code not in vetoed and ranks[code] <= programme.honours.count
            flags = (["missing"] if missing[code] else []) + (["vetoed"] if code in vetoed else [])
            units.append({
                "unit": code, "name": names[code], "rank": ranks[code], "total": st.shown[code], "change": None,
                "flags": flags, "contests": parts[code], "red_flags": flags_won[code],
                "flag_points": _round(programme.flag_points * flags_won[code], precision),
                "honour": honour, "penalty": penalty,
                "board": "dragon" if honour else "tiger" if penalty else None,
            })
        out_groups.append({"id": g["id"], "name": g["name"], "units": units})
    return {
        "programme": programme.id, "contest": programme.id, "period": str(programme.year), "kind": "programme",
        "revision": None, "published_at": None, "note": None, "status": None, "notice_until": None,
        "draft": False, "sources": [], "groups": out_groups,
    }
