"""The serving part of ``arena bench``: ``arena serve`` on loopback, and a load generator.

The load generator is plain Python, bounded in requests and time, on 127.0.0.1 only: client
processes (one per core), each running threads that hold one keep-alive http.client connection
apiece and send the same GET back to back. The clients share the machine's cores with gunicorn,
so the figures are what one box does serving AND loading itself: a lower bound on the server.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import shutil
import signal
import statistics
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

from arena.bench import data as bench_data

MAX_REQUESTS = 200_000  # per client thread: the time limit, not this, ends a normal round
PROVINCE, PROVINCE_UNITS = "province", 100
SERVE_WORKERS_PER_CORE, SERVE_THREADS, CLIENT_THREADS = 2, 4, 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``arena serve`` in a child process over the bench's database; stopped by its own pid."""

    def __init__(self, database: str, instance: str, workers: int, threads: int):
        self.port = free_port()
        self.workers, self.threads = workers, threads
        env = dict(os.environ, ARENA_DATABASE=database, ARENA_INSTANCE=instance)
        self.log = Path(instance) / "serve.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "arena.cli", "serve", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(workers), "--threads", str(threads)],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def wait_ready(self, path: str, timeout: float = 60.0) -> tuple[int, dict[str, str], int]:
        """Poll until ``path`` answers; (status, headers, body length)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"arena serve exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                conn.close()
                return resp.status, {k.lower(): v for k, v in resp.getheaders()}, len(body)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the session we started, nothing else
                self.proc.wait()


def _thread(port: int, path: str, headers: dict[str, str], expect: int, until: float, out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors, received = [], 0, 0
    for _ in range(MAX_REQUESTS):
        if time.perf_counter() >= until:
            break
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            received += len(resp.read())
            ok = resp.status == expect
        except (OSError, http.client.HTTPException):
            conn.close()
            ok = False
        latencies.append(time.perf_counter() - start)
        errors += not ok
    conn.close()
    out.append((latencies, errors, received))


def _client(port: int, path: str, headers: dict[str, str], expect: int, seconds: float,
            threads: int, queue: Any) -> None:
    until = time.perf_counter() + seconds
    out: list = []
    pool = [threading.Thread(target=_thread, args=(port, path, headers, expect, until, out)) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put(out)


def load(port: int, path: str, *, headers: dict[str, str] | None = None, expect: int = 200,
         seconds: float = 2.0, processes: int = 2, threads: int = 4) -> dict[str, float]:
    """One round: processes x threads connections for ``seconds``; rps, p50 and p99 in ms,
    errors (a status other than ``expect``) and bytes received."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_client, args=(port, path, headers or {}, expect, seconds, threads, queue))
             for _ in range(processes)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 120) for _ in procs]
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join(timeout=30)
    latencies = sorted(x for out in results for lat, _, _ in out for x in lat)
    errors = sum(e for out in results for _, e, _ in out)
    received = sum(b for out in results for _, _, b in out)
    if not latencies:
        return {"rps": 0.0, "p50_ms": float("nan"), "p99_ms": float("nan"), "errors": errors, "bytes": 0}

    def pct(q: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    # elapsed includes starting the clients: a slight underestimate of the rate, never more
    return {"rps": len(latencies) / max(elapsed, seconds), "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "errors": errors, "bytes": received}


NGINX_CONF = """daemon off;
{user}worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
    types {{ application/json json; }}
    sendfile on; tcp_nopush on; keepalive_requests 1000000;
    server {{ listen 127.0.0.1:{port}; root {root}/site; etag on; }}
}}
"""


class Nginx:
    """nginx serving the exported sheet files (the bytes ``export-static`` writes), the read
    side of "When one machine is not enough": the peer gunicorn's figures are compared with."""

    def __init__(self, root: Path, files: dict[str, bytes], workers: int):
        self.port, self.root = free_port(), root
        (root / "tmp").mkdir(parents=True, exist_ok=True)
        for path, body in files.items():
            target = root / "site" / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        conf = root / "nginx.conf"
        # run as root, nginx's workers become nobody, who cannot read the bench's private folder
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(NGINX_CONF.format(user=user, workers=workers, root=root, port=self.port))
        self.proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(root)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, path: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.root / 'nginx-error.log').read_text(errors='replace')[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("nginx did not answer in time")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)


def measure_nginx(figures: dict, db, instance: str, sheets: dict[str, str], seconds: float, repeats: int,
                  say: Callable[[str], None]) -> None:
    """The same sheets from nginx serving their exported files; ``{prefix}_vs_nginx`` is
    gunicorn's requests/s over nginx's. Without nginx installed the figures stay empty."""
    if NGINX is None:
        figures["errors"].append("nginx: not installed (apt install nginx-light), so no nginx peer figures")
        return
    from arena.store import publications

    files = {}
    for prefix, path in sheets.items():
        cid, period = path.split("/")[3], path.split("/")[5]
        files[f"contests/{cid}/{period}/sheet.json"] = publications.latest(db, cid, period)["sheet"].encode()
    cores = os.cpu_count() or 1
    server = Nginx(Path(instance) / "nginx", files, cores)
    try:
        for (prefix, _), name in zip(sheets.items(), files):
            server.wait_ready("/" + name)
            say(f"nginx serving /{name}, {repeats} x {seconds:g} s")
            rounds = [load(server.port, "/" + name, seconds=seconds, processes=cores, threads=CLIENT_THREADS)
                      for _ in range(repeats)]
            figures[f"{prefix}_nginx_rps"] = statistics.median(r["rps"] for r in rounds)
            if figures.get(f"{prefix}_rps"):
                figures[f"{prefix}_vs_nginx"] = figures[f"{prefix}_rps"] / figures[f"{prefix}_nginx_rps"]
    finally:
        server.stop()


def publish_province(db, indicators: int) -> str:
    """A province-sized contest (100 units, one month) published beside the bench contest;
    its sheet shows what serving costs apart from the size of the body."""
    from arena import services
    from arena.services import publishing

    rules = bench_data.rules_yaml(PROVINCE_UNITS, indicators, 1, contest_id=PROVINCE)
    services.save_rules(db, rules, actor="bench")
    rows = bench_data.results_csv(PROVINCE_UNITS, indicators, 1)
    services.import_results(db, PROVINCE, rows, fmt="csv", actor="bench")
    publishing.publish(db, PROVINCE, "2026-01", actor="bench")
    return f"/api/contests/{PROVINCE}/scores/2026-01"


def measure(figures: dict, db_path: str, instance: str, sheets: dict[str, str], seconds: float,
            repeats: int, say: Callable[[str], None]) -> None:
    """Each published sheet (figure prefix -> path), then the same with If-None-Match."""
    cores = os.cpu_count() or 1
    server = Server(db_path, instance, workers=SERVE_WORKERS_PER_CORE * cores, threads=SERVE_THREADS)
    try:
        for prefix, path in sheets.items():
            status, headers, size = server.wait_ready(path)
            if status != 200 or "etag" not in headers:
                raise RuntimeError(f"GET {path} answered {status} without an ETag")
            figures[f"{prefix}_bytes"] = size
            variants = ((prefix, {}, 200), (f"{prefix}_gzip", {"Accept-Encoding": "gzip"}, 200),
                        (f"{prefix}_304", {"If-None-Match": headers["etag"]}, 304))
            for key, hdrs, expect in variants:
                say(f"serving {path} ({', '.join(hdrs) or f'{size:,} bytes'}), {repeats} x {seconds:g} s")
                rounds = [load(server.port, path, headers=hdrs, expect=expect, seconds=seconds,
                               processes=cores, threads=CLIENT_THREADS) for _ in range(repeats)]
                if any(r["errors"] for r in rounds):
                    raise RuntimeError(f"{key}: {sum(r['errors'] for r in rounds)} answers were not {expect}")
                for field in ("rps", "p50_ms", "p99_ms"):
                    figures[f"{key}_{field}"] = statistics.median(r[field] for r in rounds)
        kind = f"gthread x {server.threads} threads" if server.threads > 1 else "sync"
        figures["serve_workers"] = f"{server.workers} workers, {kind}"
        figures["serve_clients"] = f"{cores} processes x {CLIENT_THREADS} keep-alive connections"
    finally:
        server.stop()
