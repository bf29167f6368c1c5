"""``arena bench``'s start-up figures: ``arena --help`` in a fresh process beside its floor,
``python -c pass``, both measured in the same run on the same machine (median of several).

Every CLI command, each scheduler restart and each gunicorn worker pays the start-up, so
``arena --help`` loads no heavy library (tests/test_startup.py checks which ones load)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

TARGETS: list[tuple[str, str, str, Callable[[float], bool] | None]] = [
    ("startup_help_ms", "arena --help, fresh process, ms", "", None),
    ("startup_floor_ms", "python -c pass (floor), ms", "", None),
    ("startup_vs_floor", "arena --help / floor", "< 3", lambda v: v < 3),
]


def _command() -> list[str]:
    script = Path(sys.executable).with_name("arena")  # the installed command, as people run it
    return [str(script), "--help"] if script.is_file() else [sys.executable, "-m", "arena.cli", "--help"]


def _median_ms(argv: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def measure(figures: dict[str, Any], repeats: int) -> None:
    n = max(5, 2 * repeats + 1)
    _median_ms([sys.executable, "-c", "pass"], 1)  # the first run warms the file cache for both
    _median_ms(_command(), 1)
    figures["startup_floor_ms"] = _median_ms([sys.executable, "-c", "pass"], n)
    figures["startup_help_ms"] = _median_ms(_command(), n)
    figures["startup_vs_floor"] = figures["startup_help_ms"] / figures["startup_floor_ms"]
