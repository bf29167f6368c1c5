"""Reading rule files: a YAML rule file (RULES.md) -> the validated model, or every problem.

yaml_source (safe YAML, with lines) -> schemas and schema_fields (structure and types) ->
checks (what spans objects) -> load (the loader: ``load_rules``, ``rules_sha256``); problems
words each problem with its path and line; model is the ``Contest`` the scoring reads.

The loader's names are found here too (``from arena.engine.rules import load_rules``), loaded
on first use: importing the model alone does not load marshmallow or the YAML reader.
"""

from __future__ import annotations

import importlib

_LOADER = ("MAX_BYTES", "RulesError", "build", "load_rules", "rules_sha256")

__all__ = list(_LOADER)


def __getattr__(name: str):
    if name in _LOADER:
        return getattr(importlib.import_module("arena.engine.rules.load"), name)
    raise AttributeError(f"module 'arena.engine.rules' has no attribute {name!r}")
