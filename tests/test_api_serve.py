"""``arena serve`` (gunicorn, no preloading) and ``arena demo`` (load, publish the year, serve)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARENA_")}
    env.update(ARENA_DATABASE=str(tmp_path / "arena.db"), ARENA_INSTANCE=str(tmp_path), PYTHONPATH=str(ROOT))
    return env


def arena(*args: str, env: dict[str, str], **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "arena.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read()
        except OSError:  # not listening yet, or a worker still booting on a busy machine
            time.sleep(0.2)
    raise AssertionError(f"no answer from {url} in {seconds} s")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_gunicorn_options_never_preload_and_use_threads_only_when_asked():
    from arena.http.serve import options

    assert options("127.0.0.1:8000", 4)["preload_app"] is False
    assert options("127.0.0.1:8000", 4)["worker_class"] == "sync"
    assert options("127.0.0.1:8000", 2, threads=8)["worker_class"] == "gthread"
    with pytest.raises(ValueError):
        options("127.0.0.1:8000", 0)


AFTER_THE_YEAR = ("--now", "2027-02-01T00:00:00+08:00")  # the demo as if its whole year were past


def test_demo_publishes_its_whole_year_once(tmp_path):
    env = environment(tmp_path)
    first = subprocess.run([sys.executable, "-m", "arena.cli", "demo", "--no-serve", *AFTER_THE_YEAR], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    # 12 months, 4 quarters, 2 halves, the year, 4 weeks (周调度); the showcase's June, Q2, H1 and year;
    # the special contest's 19 periods
    assert "published 46 periods" in first.stdout
    again = subprocess.run([sys.executable, "-m", "arena.cli", "demo", "--no-serve", *AFTER_THE_YEAR], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "published 0 periods" in again.stdout
    from arena.store import publications
    from arena.store.db import connect

    db = connect(env["ARENA_DATABASE"])
    rows = publications.list_all(db, "linyi-2026")
    assert len(rows) == 23 and all(r["revision"] == 1 for r in rows)
    march = next(r for r in rows if r["period"] == "2026-03")
    assert march["published_at"] == "2026-04-10T09:00:00+08:00"  # published at its own due moment


@pytest.mark.slow
def test_serve_runs_gunicorn_workers_over_one_database(tmp_path):
    env = environment(tmp_path)
    subprocess.run([sys.executable, "-m", "arena.cli", "demo", "--no-serve"], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    server = arena("serve", "--workers", "2", "--bind", f"127.0.0.1:{port}", env=env)
    try:
        body = wait_for(f"http://127.0.0.1:{port}/api/contests/linyi-2026/scores/2026-06", server)
        assert json.loads(body)["period"] == "2026-06"
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/audit")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 401 and json.loads(refused.value.read())["error"]["code"] == "unauthorized"
    finally:
        stop(server)
    assert server.returncode == 0 and "Booting worker" in server.stderr.read()


@pytest.mark.slow
def test_demo_serves_what_it_published_and_prints_the_url(tmp_path):
    env = environment(tmp_path)
    port = free_port()
    server = arena("demo", *AFTER_THE_YEAR, "--bind", f"127.0.0.1:{port}", "--workers", "1", env=env)
    try:
        body = wait_for(f"http://127.0.0.1:{port}/api/contests/linyi-2026/flags", server, seconds=60)
        assert len(json.loads(body)["quarters"]) == 4
    finally:
        stop(server)
    assert f"http://127.0.0.1:{port}/" in server.stdout.read()
