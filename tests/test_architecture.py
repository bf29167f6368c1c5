"""The data flows one way: the engine stays pure, and arena's top level stays light."""

import subprocess
import sys

import pytest

HEAVY = ("flask", "sqlite3", "sqlite_utils", "matplotlib", "werkzeug")


@pytest.mark.parametrize("module", ["arena", "arena.engine", "arena.engine.sheet", "arena.engine.rules",
                                    "arena.engine.results", "arena.engine.formula"])
def test_importing_pure_modules_loads_no_heavy_library(module):
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"importing {module} loaded {loaded}"


def test_engine_never_reads_the_clock():
    from pathlib import Path

    import arena.engine

    for path in Path(arena.engine.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for banned in ("datetime.now", "time.time(", "date.today", "import sqlite3", "import flask"):
            assert banned not in text, f"{path.name} uses {banned}"
