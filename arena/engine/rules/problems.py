"""Where a problem of a rule file is and how it reads: paths, lines, quoting hints, order.

A problem is found as ``(path, message)`` with ``path`` a tuple like ('indicators', 2, 'bands',
1, 'points'); ``details`` turns them into ``{"path": "indicators[2].bands[1].points", "line": 31,
"message": ...}`` sorted by line, one per path and message.
"""

from __future__ import annotations

import json
import re
from typing import Any

from arena.engine.rules.yaml_source import Source, quote_hint

LABELS = {"code": "unit code", "group": "group id"}
MAX_PROBLEMS = 200  # listed; a file with more is surely not one to fix line by line
Problem = tuple[tuple, str]


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


def explain(src: Source, path: tuple, message: str) -> str:
    """Replace "must be text" by how to quote what YAML read as a number, boolean or date."""
    if message != "must be text" or path not in src.raw:
        return message
    if path[0] in ("tie_break", "exempt") and isinstance(path[-1], int):
        label = "indicator id"
    else:
        label = LABELS.get(path[-1], format_path(path)) if path[0] == "units" else format_path(path)
    return quote_hint(label, *src.raw[path])


def open_mapping(path: tuple) -> bool:
    """True for a mapping keyed by codes or ids (any number of keys), for read_yaml's key limit."""
    return _code_map(path) is not None


def capped(listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first MAX_PROBLEMS problems, and a last one saying how many more were found."""
    if len(listed) <= MAX_PROBLEMS:
        return listed
    more = len(listed) - MAX_PROBLEMS
    return listed[:MAX_PROBLEMS] + [{"path": "", "line": listed[MAX_PROBLEMS]["line"],
                                     "message": f"… and {more} more problems not listed"}]


def _code_map(parent: tuple) -> str | None:
    """The label of the keys of a mapping keyed by unit codes or group ids, else None."""
    shape = tuple("#" if isinstance(p, int) else p for p in parent)
    return {("groups",): "group id", ("exempt",): "unit code", ("indicators", "#", "targets"): "unit code",
            ("indicators", "#", "weight"): "group id", ("awards", "red_flags", "count"): "group id",
            ("awards", "yellow_flags", "count"): "group id"}.get(shape)


def quoted_keys(src: Source) -> list[Problem]:
    """Keys of a code or id mapping that YAML read as numbers, booleans or dates."""
    return [(path, quote_hint(_code_map(path[:-1]), *src.raw_keys[path]))
            for path in src.raw_keys if _code_map(path[:-1])]


def use_written_codes(src: Source) -> None:
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


def details(src: Source, first: list[tuple[tuple, int, str]], found: list[Problem]) -> list[dict[str, Any]]:
    """Problems with lines, sorted by line, then path and message (so the order never depends on hashing); ``found`` ones only where no ``first`` one is above."""
    refused = {p for p, _, _ in first}
    out = [(line, path, msg) for path, line, msg in first]
    for path, msg in found:
        if not any(path[:n] in refused for n in range(len(path) + 1)):
            out.append((src.line(path), path, msg))
    seen, listed = set(), []
    for line, path, msg in sorted(out, key=lambda item: (item[0], format_path(item[1]), item[2])):
        if (path, msg) not in seen:
            seen.add((path, msg))
            listed.append({"path": format_path(path), "line": line, "message": msg})
    return listed
