"""``arena bench``: the targets of DESIGN.md ("Performance to reach"), measured side by side.

A synthetic contest (data.py) goes into a temporary database that is removed afterwards.
Every figure is the median of several repeats. What each one covers:

- import: services.import_results of the whole CSV (parse, check, store in one transaction,
  all rows or none), each repeat into a fresh database; import_1m_rows_s scales it to 10**6 rows.
- score_month: the last month's sheet as a service builds it: read the rows its sheet needs
  (the month, the month before for ``change``, the last N months for warnings: sheet_months)
  from SQLite with store.results.load_results, then engine.sheet.score, up to the sheet dict.
  The rules are already parsed (services caches them); JSON is not part of it.
- read_floor: the same rows merely SELECTed into Python tuples, from the same file.
- score_year: reading every month once, then the sheets of 12 months, 4 quarters, 2 halves, the year.
- import_floor: the csv module and one executemany upsert into a table keyed like results, the
  least an import can cost here (import_vs_floor: import_s over it).
- publish_month: publishing.publish of one month (months M-2, M-1, M: each a first publication);
  publish_vs_score: over score_month.
- preview: the console's rules preview of the month (services.preview: parse the edited rule
  file, score under it and under the rules in force); score_cli: `arena score` of the month in
  a fresh process; preview_vs_score: the first over the second.
- serve, serve_304: GET /api/contests/bench/scores/M from ``arena serve`` (gunicorn) on loopback
  under concurrent keep-alive clients (bench_serve.py), and the same with If-None-Match;
  serve_nginx: the same bytes as the exported file, from nginx (when installed) under the same
  clients, and serve_vs_nginx the ratio of the two rates.
- board: render.cache.board_bytes of the published month, first with an empty cache, then cached.
- peak_rss_mb: ru_maxrss of a fresh process that does score_month once (its own figure).
- startup_help_ms, startup_floor_ms: `arena --help` and `python -c pass` in fresh processes (bench_startup.py).
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from arena.bench import data as bench_data, serve as bench_serve, startup as bench_startup

CONTEST = bench_data.CONTEST_ID
# key, what, target, whether the figure meets it
TARGETS: list[tuple[str, str, str, Callable[[float], bool] | None]] = [
    ("import_rows", "result rows in the CSV", "", None),
    ("import_s", "import all rows (parse + check + store)", "", None),
    ("import_rows_per_s", "import rate, rows/s", ">= 100,000", lambda v: v >= 100_000),
    ("import_1m_rows_s", "import 1,000,000 rows, s", "< 10", lambda v: v < 10),
    ("import_floor_s", "floor: csv module + one executemany upsert, s", "", None),
    ("import_vs_floor", "import / its floor", "< 2", lambda v: v < 2),
    ("score_month_rows", "rows a month's sheet reads", "", None),
    ("score_month_s", "score one month (read + sheet), s", "< 1", lambda v: v < 1),
    ("read_floor_s", "read floor (SELECT same rows), s", "", None),
    ("score_vs_floor", "score / read floor", "< 3", lambda v: v < 3),
    ("score_year_s", "score the year (19 sheets), s", "", None),
    ("publish_month_s", "publish one month, s", "", None),
    ("publish_vs_score", "publish / score one month", "< 1.5", lambda v: v < 1.5),
    ("preview_s", "console rules preview of the month, s", "", None),
    ("score_cli_s", "arena score of the month (a fresh process), s", "", None),
    ("preview_vs_score", "preview / arena score", "< 2", lambda v: v < 2),
    *(row for prefix, what in (("serve", "month's"), ("serve_province", "100-unit")) for row in (
        (f"{prefix}_bytes", f"{what} sheet served, bytes", "", None),
        (f"{prefix}_rps", f"{what} sheet, requests/s", ">= 1,000", lambda v: v >= 1000),
        (f"{prefix}_p50_ms", f"{what} sheet p50, ms", "", None),
        (f"{prefix}_p99_ms", f"{what} sheet p99, ms", "< 50", lambda v: v < 50),
        (f"{prefix}_gzip_rps", f"{what} sheet gzipped (Accept-Encoding), requests/s", ">= 1,000", lambda v: v >= 1000),
        (f"{prefix}_gzip_p50_ms", f"{what} gzipped p50, ms", "", None),
        (f"{prefix}_gzip_p99_ms", f"{what} gzipped p99, ms", "< 50", lambda v: v < 50),
        (f"{prefix}_304_rps", f"{what} If-None-Match (304), requests/s", ">= 1,000", lambda v: v >= 1000),
        (f"{prefix}_304_p50_ms", f"{what} 304 p50, ms", "", None),
        (f"{prefix}_304_p99_ms", f"{what} 304 p99, ms", "< 50", lambda v: v < 50),
        (f"{prefix}_nginx_rps", f"{what} sheet's exported file from nginx, requests/s", "", None),
        (f"{prefix}_vs_nginx", f"{what} sheet: gunicorn / nginx requests/s", "", None),
    )),
    ("board_first_ms", "board PNG, first render, ms", "< 300", lambda v: v < 300),
    ("board_cached_ms", "board PNG, cached, ms", "< first", None),
    ("peak_rss_mb", "peak memory scoring the month, MB", "< 300", lambda v: v < 300),
    *bench_startup.TARGETS,
]


def _median(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        kept = fn()  # kept alive until timed: freeing the sheet is not part of making it
        times.append(time.perf_counter() - start)
        del kept
    return statistics.median(times)


def _fresh_db(path: Path, rules: str):
    from arena import services
    from arena.store.db import connect, migrate

    db = connect(str(path))
    migrate(db)
    services.save_rules(db, rules, actor="bench")
    return db


def score_once(db, contest, month: str) -> tuple[dict, int]:
    """What score_month measures: the rows the sheet needs, read, then scored."""
    from arena.engine.sheet import score, sheet_months
    from arena.store import results

    data = results.load_results(db, CONTEST, sheet_months(contest, month, results.scored_months(db, CONTEST)))
    return score(contest, month, data), sum(len(keys) for units in data.values() for keys in units.values())


def _floor(db, months: tuple[str, ...]) -> list[tuple]:
    marks = ", ".join("?" * len(months))
    sql = (f"SELECT period, unit, key, value FROM results WHERE contest = ? AND period IN ({marks})"
           " ORDER BY period, unit, key")
    return db.conn.execute(sql, (CONTEST, *months)).fetchall()


def import_floor(csv: bytes, path: Path) -> float:
    """The least an import can cost here: the csv module reads the rows and one executemany
    upserts them into a table keyed like results, in one transaction (no checks, no history)."""
    import csv as csv_module
    import io
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")  # as arena's own connection
    conn.execute("CREATE TABLE results (contest TEXT, unit TEXT, key TEXT, period TEXT, value REAL,"
                 " PRIMARY KEY (contest, period, unit, key)) WITHOUT ROWID")
    start = time.perf_counter()
    reader = csv_module.reader(io.StringIO(csv.decode("utf-8")))
    next(reader)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO results VALUES ('bench', ?, ?, ?, ?)"
                     " ON CONFLICT DO UPDATE SET value = excluded.value",
                     ((u, k, p, float(v)) for u, k, p, v in reader))
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def score_cli(database: str, month: str) -> float:
    """``arena score`` of the month in a fresh process, as an organizer runs it."""
    script = Path(sys.executable).with_name("arena")
    argv = [str(script)] if script.is_file() else [sys.executable, "-m", "arena.cli"]
    start = time.perf_counter()
    subprocess.run([*argv, "score", CONTEST, month], env={**os.environ, "ARENA_DATABASE": database},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _year(db, contest) -> list[dict]:
    from arena.engine.sheet import score
    from arena.store import results

    data = results.load_results(db, CONTEST)
    periods = [*contest.months, *sorted({f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" for m in contest.months}),
               *sorted({f"{m[:4]}-H{(int(m[5:]) - 1) // 6 + 1}" for m in contest.months}), contest.months[0][:4]]
    return [score(contest, p, data) for p in periods]


def _peak_rss(database: str, month: str) -> float:
    """ru_maxrss (MB) of a fresh interpreter that scores the month once."""
    out = subprocess.run([sys.executable, "-m", "arena.bench.run", "--score-child", database, month],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _board(figures: dict, db, contest, month: str, instance: str, repeats: int) -> None:
    from arena import config
    from arena.render import fonts
    from arena.render.cache import board_bytes
    from arena.store import publications

    fonts.configure(config.load().get("CJK_FONT"))
    pub = publications.get(db, CONTEST, month, None)
    warm = dict(pub, sheet_sha256="0" * 64)  # matplotlib's first figure ever is not the board's cost
    board_bytes(str(Path(instance) / "warm"), warm, contest, "png", "phone")
    firsts = [Path(instance) / f"cold{n}" for n in range(repeats)]
    figures["board_first_ms"] = 1000 * statistics.median(
        _median(lambda: board_bytes(str(d), pub, contest, "png", "phone"), 1) for d in firsts)
    cached = firsts[0]
    figures["board_cached_ms"] = 1000 * _median(lambda: board_bytes(str(cached), pub, contest, "png", "phone"), repeats)


def run(units: int = 2850, indicators: int = 40, months: int = 12, repeats: int = 3,
        say: Callable[[str], None] = lambda s: None) -> dict[str, Any]:
    """Every figure of the bench, in a temporary directory removed afterwards."""
    from arena import services
    from arena.services import publishing

    started = time.perf_counter()
    figures: dict[str, Any] = {key: None for key, *_ in TARGETS}
    figures.update(units=units, indicators=indicators, months=months, repeats=repeats,
                   cpu_count=os.cpu_count(), serve_workers=None, serve_clients=None, errors=[])
    tmp = Path(tempfile.mkdtemp(prefix="arena-bench-"))
    try:
        say(f"generating {units} units x {indicators} indicators x {months} months in {tmp}")
        rules, csv = bench_data.rules_yaml(units, indicators, months), bench_data.results_csv(units, indicators, months)
        figures["import_rows"] = csv.count(b"\n") - 1
        imports = []
        for n in range(repeats):
            say(f"import {n + 1}/{repeats}")
            db = _fresh_db(tmp / f"import{n}.db", rules)
            imports.append(_median(lambda: services.import_results(db, CONTEST, csv, fmt="csv", actor="bench"), 1))
            if n < repeats - 1:
                db.close()
                for f in tmp.glob(f"import{n}.db*"):
                    f.unlink()
        db_path = str(tmp / f"import{repeats - 1}.db")
        figures["import_s"] = statistics.median(imports)
        figures["import_rows_per_s"] = figures["import_rows"] / figures["import_s"]
        figures["import_1m_rows_s"] = 1_000_000 / figures["import_rows_per_s"]
        floors = [import_floor(csv, tmp / f"floor{n}.db") for n in range(repeats)]
        figures["import_floor_s"] = statistics.median(floors)
        figures["import_vs_floor"] = figures["import_s"] / figures["import_floor_s"]

        contest, _ = services.contest_rules(db, CONTEST)
        month = contest.months[-1]
        say(f"scoring {month}, {2 * repeats + 1} times, and its read floor")
        figures["score_month"] = month
        _, figures["score_month_rows"] = score_once(db, contest, month)
        figures["score_month_s"] = _median(lambda: score_once(db, contest, month), 2 * repeats + 1)
        from arena.engine.sheet import sheet_months
        from arena.store import results

        needed = sheet_months(contest, month, results.scored_months(db, CONTEST))
        figures["read_floor_s"] = _median(lambda: _floor(db, needed), 2 * repeats + 1)
        figures["score_vs_floor"] = figures["score_month_s"] / figures["read_floor_s"]
        say("publishing")  # next to scoring: the year's sheets below leave the heap in another state
        published = [m for m in contest.months[-repeats:]]
        figures["publish_month_s"] = statistics.median(
            _median(lambda: publishing.publish(db, CONTEST, m, actor="bench"), 1) for m in published)
        figures["publish_vs_score"] = figures["publish_month_s"] / figures["score_month_s"]
        say("scoring the year: every month, quarter, half and the year")
        figures["score_year_s"] = _median(lambda: _year(db, contest), repeats)
        say("the console's rules preview, and arena score in a fresh process")
        from arena.services import preview

        edited = rules + "\n# an edit: the preview scores the rules as written\n"
        figures["preview_s"] = _median(lambda: preview.preview(db, CONTEST, edited, month), repeats)
        figures["score_cli_s"] = statistics.median(score_cli(db_path, month) for _ in range(repeats))
        figures["preview_vs_score"] = figures["preview_s"] / figures["score_cli_s"]
        say("peak memory of a process scoring the month")
        figures["peak_rss_mb"] = statistics.median(_peak_rss(db_path, month) for _ in range(repeats))
        sheets = {"serve": f"/api/contests/{CONTEST}/scores/{month}",
                  "serve_province": bench_serve.publish_province(db, indicators)}
        seconds = 2.0 if figures["import_rows"] >= 100_000 else 0.3
        parts = {"startup": lambda: bench_startup.measure(figures, repeats),
                 "serve": lambda: bench_serve.measure(figures, db_path, str(tmp), sheets, seconds, repeats, say),
                 "nginx": lambda: bench_serve.measure_nginx(figures, db, str(tmp), sheets, seconds, repeats, say),
                 "board": lambda: _board(figures, db, contest, month, str(tmp), repeats)}
        for name, part in parts.items():  # the server and the boards are other code: a failure is reported
            try:
                part()
            except Exception as exc:  # noqa: BLE001
                figures["errors"].append(f"{name}: {type(exc).__name__}: {exc}")
                say(f"{name} failed: {exc}")
        db.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    figures["total_s"] = time.perf_counter() - started
    return figures


def _shown(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def table(figures: dict[str, Any]) -> str:
    """Each figure beside its target, and whether it is met."""
    lines = [f"arena bench: {figures['units']} units x {figures['indicators']} indicators x "
             f"{figures['months']} months, {figures['cpu_count']} cores, median of {figures['repeats']}+ repeats", ""]
    lines.append(f"{'figure':<42} {'measured':>12}  {'target':<10} ")
    for key, what, target, meets in TARGETS:
        value = figures.get(key)
        verdict = "" if meets is None or value is None else ("ok" if meets(value) else "MISSED")
        lines.append(f"{what:<42} {_shown(value):>12}  {target:<10} {verdict}")
    lines += ["", f"server: {figures.get('serve_workers')}; clients: {figures.get('serve_clients')}",
              f"whole bench: {figures['total_s']:.0f} s"]
    lines += [f"FAILED {error}" for error in figures.get("errors", [])]
    return "\n".join(lines)


def _score_child(database: str, month: str) -> None:
    from arena import services
    from arena.store.db import connect

    db = connect(database)
    contest, _ = services.contest_rules(db, CONTEST)
    score_once(db, contest, month)
    print(peak_rss_mb())


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM, the high-water mark of its own address space.
    ru_maxrss would do elsewhere, but Linux carries the parent's into a child across fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS


if __name__ == "__main__" and sys.argv[1:2] == ["--score-child"]:
    _score_child(sys.argv[2], sys.argv[3])
