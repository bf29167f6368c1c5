"""The engine's definition path: ``score`` with every column scored unit by unit (methods.py).

The fast path (month._vector: columns.py and vformula.py, a whole column at once with numpy)
is switched off for the call, so each column takes month.unit_by_unit, the scalar scoring that
defines the figures. This is the engine itself, not a copy of it: the one reference the fast
path is held to (tests/test_fast_path.py, tests/test_rules_md.py).
"""

from __future__ import annotations

from unittest import mock

from arena.engine import month, sheet


def _no_fast_path(*args, **kwargs):
    return None  # "this column must be scored unit by unit"


def score(contest, period, results):
    """The sheet as engine.sheet.score gives it, with the fast path off."""
    with mock.patch.object(month, "_vector", _no_fast_path):
        return sheet.score(contest, period, results)
