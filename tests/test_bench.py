"""``arena bench`` on a tiny contest: every figure is reported (nothing is timed here: the
figures of a real run are in the README), and the temporary database is removed."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest

from arena.bench import data as bench_data, run as bench, serve as bench_serve

META = {"units", "indicators", "months", "repeats", "cpu_count", "score_month", "serve_workers",
        "serve_clients", "total_s", "errors"}


@pytest.mark.slow
def test_a_tiny_bench_reports_every_figure_and_leaves_nothing_behind(tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "arena.cli", "bench", "--units", "30", "--indicators", "6", "--months", "2", "--json"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
    keys = {key for key, *_ in bench.TARGETS}
    assert set(figures) == keys | META
    if bench_serve.NGINX is None:  # the peer needs nginx; without it the bench says so and goes on
        assert figures["errors"] == ["nginx: not installed (apt install nginx-light), so no nginx peer figures"]
        keys = {k for k in keys if "nginx" not in k}
    else:
        assert figures["errors"] == []
    for key in keys:
        assert isinstance(figures[key], (int, float)) and math.isfinite(figures[key]) and figures[key] > 0, key
    assert figures["import_rows"] == sum(1 for _ in bench_data.result_rows(30, 6, 2))
    assert figures["score_month"] == "2026-02"
    assert figures["board_cached_ms"] < figures["board_first_ms"]
    assert list(tmp_path.iterdir()) == []  # the temporary database and its files are gone


def test_the_table_puts_each_target_beside_its_figure():
    figures = {key: 1.0 for key, *_ in bench.TARGETS}
    figures.update(units=30, indicators=6, months=2, repeats=3, cpu_count=2, total_s=9.0,
                   serve_workers="4 workers, gthread x 4 threads", serve_clients="2 x 4")
    figures.update(serve_rps=1500.0, import_1m_rows_s=12.0)
    text = bench.table(figures)
    for _, what, target, _ in bench.TARGETS:
        assert what in text
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    assert lines["month's sheet, requests/s"].endswith("ok")
    assert lines["import 1,000,000 rows, s"].endswith("MISSED")
