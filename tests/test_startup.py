"""Start-up: ``arena --help`` and the commands load only what they use (measured in ``arena bench``)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("flask", "matplotlib", "openpyxl", "pandas", "numpy", "sqlite_utils", "boto3", "apscheduler")


def loaded_by(argv: list[str], env_db: str | None = None) -> set[str]:
    """The top-level packages among HEAVY that a fresh interpreter has loaded after ``arena ARGV``."""
    code = (
        "import json, sys\nfrom arena.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))), file=sys.stderr)"
    )
    env = None
    if env_db:
        import os

        env = {**os.environ, "ARENA_DATABASE": env_db}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.slow
def test_help_loads_none_of_the_heavy_libraries():
    assert loaded_by(["--help"]) == set()


@pytest.mark.slow
def test_a_command_that_does_not_score_loads_the_store_alone(tmp_path):
    """`arena init` needs SQLite and nothing of the web, the charts, Excel or numpy."""
    assert loaded_by(["init"], str(tmp_path / "arena.db")) == {"sqlite_utils"}


@pytest.mark.slow
def test_numpy_stays_importable_after_the_store_hid_it_from_sqlite_utils():
    """The store hides numpy and pandas from sqlite_utils' own import only: no None is left in
    sys.modules, so the engine imports numpy afterwards as usual."""
    code = ("import sys, arena.store.db\n"
            "assert 'numpy' not in sys.modules and 'pandas' not in sys.modules, sorted(sys.modules)\n"
            "import numpy\nprint(numpy.arange(3).sum())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"
