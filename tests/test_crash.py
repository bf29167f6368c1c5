"""A process killed (SIGKILL) mid-import or mid-publish leaves everything or nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from arena import services
from arena.services import publishing
from arena.store import audit, publications, results
from arena.store.db import connect, migrate

pytestmark = pytest.mark.slow

UNITS, KEYS = 400, 8


def big_rules() -> str:
    units = "\n".join(f'  - {{code: "U{i:04d}", name: 单位{i}, group: g}}' for i in range(UNITS))
    indicators = "\n".join(f"  - {{id: k{i}, name: 指标{i}, weight: 10, method: rank}}" for i in range(KEYS))
    return (f"version: 1\ncontest: {{id: big, name: 大擂台, season: {{start: 2026-01, end: 2026-12}}}}\n"
            f"groups: {{g: 组}}\nunits:\n{units}\nindicators:\n{indicators}\n")


def big_csv(path, value: float) -> int:
    lines = ["unit,key,period,value"]
    for m in range(1, 13):
        for u in range(UNITS):
            for k in range(KEYS):
                lines.append(f"U{u:04d},k{k},2026-{m:02d},{value + u + k}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def spawn(db_path, *argv):
    env = dict(os.environ, ARENA_DATABASE=str(db_path))
    return subprocess.Popen([sys.executable, "-m", "arena.cli", *argv], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def integrity(db) -> str:
    return db.conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_killed_import_stores_all_rows_or_none(tmp_path):
    base = tmp_path / "base.db"
    db = connect(str(base))
    migrate(db)
    services.save_rules(db, big_rules(), actor="t")
    db.close()
    csv_path = tmp_path / "big.csv"
    total = big_csv(csv_path, 1.0)

    started = time.perf_counter()  # how long one whole import takes, to aim the kills
    full = tmp_path / "full.db"
    shutil.copy(base, full)
    assert spawn(full, "results", "import", str(csv_path), "--contest", "big").wait(timeout=120) == 0
    duration = time.perf_counter() - started

    killed = 0
    for i, fraction in enumerate((0.3, 0.5, 0.65, 0.8, 0.9, 0.97)):
        target = tmp_path / f"kill{i}.db"
        shutil.copy(base, target)
        proc = spawn(target, "results", "import", str(csv_path), "--contest", "big")
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait(timeout=60) == -signal.SIGKILL
        check = connect(str(target))
        stored = check.conn.execute("SELECT count(*) FROM results").fetchone()[0]
        assert stored in (0, total), f"kill at {fraction:.0%} left {stored} of {total} rows"
        assert integrity(check) == "ok"
        imports = [a for a in audit.list_audit(check, contest="big") if a["action"] == "results.import"]
        assert len(imports) == (1 if stored else 0)  # the audit row goes with the rows
        check.close()
    assert killed >= 3, "the kills came too late to test anything"


def test_killed_publisher_leaves_whole_revisions(tmp_path):
    path = tmp_path / "pub.db"
    db = connect(str(path))
    migrate(db)
    services.save_rules(db, big_rules(), actor="t")
    db.close()
    csv_path = tmp_path / "big.csv"
    big_csv(csv_path, 1.0)
    assert spawn(path, "results", "import", str(csv_path), "--contest", "big").wait(timeout=120) == 0

    # a loop of corrections: change a value, publish the next revision; killed at some point
    script = (
        "import json, sys\n"
        "from arena import services\n"
        "from arena.services import publishing\n"
        "from arena.store.db import connect\n"
        f"db = connect({str(path)!r})\n"
        "for n in range(10**6):\n"
        "    row = [{'unit': 'U0000', 'key': 'k0', 'period': '2026-03', 'value': 1000.0 + n}]\n"
        "    services.import_results(db, 'big', json.dumps(row).encode(), fmt='json', actor='loop')\n"
        "    publishing.publish(db, 'big', '2026-03', actor='loop', note=f'更正 {n}')\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    db = connect(str(path))
    while time.monotonic() < deadline and len(publications.list_all(db, "big")) < 3:
        time.sleep(0.05)
    time.sleep(0.137)  # somewhere inside a later publish
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    check = connect(str(path))
    assert integrity(check) == "ok"
    revisions = [p["revision"] for p in publications.list_all(check, "big")]
    assert len(revisions) >= 3 and revisions == list(range(1, len(revisions) + 1))
    published = [a for a in audit.list_audit(check, contest="big", limit=10_000) if a["action"].startswith("publication")]
    assert len(published) == len(revisions)  # each revision has exactly its audit row
    for revision in (1, revisions[-1]):
        assert publishing.verify(check, "big", "2026-03", revision)["ok"]
    # the database still takes writes: nothing is left locked or half-written
    row = [{"unit": "U0001", "key": "k1", "period": "2026-03", "value": 5.0}]
    import json

    services.import_results(check, "big", json.dumps(row).encode(), fmt="json", actor="t")
    assert results.list_results(check, "big", "2026-03", "U0001")[1]["value"] == 5.0
