"""The WAL stays bounded: after an import of many rows the -wal file is below journal_size_limit."""

from __future__ import annotations

import os
import sqlite3


def test_a_large_import_leaves_the_wal_below_the_limit(tmp_path, monkeypatch):
    from arena import services
    from arena.bench import data as bench_data
    from arena.store import wal
    from arena.store.db import connect, migrate

    limit = 256 * 1024
    monkeypatch.setattr(wal, "JOURNAL_SIZE_LIMIT", limit)
    path = tmp_path / "arena.db"
    db = connect(str(path))
    migrate(db)
    services.save_rules(db, bench_data.rules_yaml(units=300, indicators=10, months=12), actor="t")
    reader = sqlite3.connect(path)  # another connection, idle between reads, as web workers are
    reader.execute("SELECT count(*) FROM contests").fetchone()
    counts = services.import_results(db, bench_data.CONTEST_ID, bench_data.results_csv(300, 10, 12),
                                     fmt="csv", actor="t")
    assert counts["inserted"] > wal.LARGE_WRITE_ROWS
    # the import wrote far more pages than the limit: an unbounded WAL would hold them all
    pages, page_size = (db.conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    assert pages * page_size > 4 * limit
    assert os.path.getsize(f"{path}-wal") <= limit
    assert db.conn.execute("PRAGMA journal_size_limit").fetchone()[0] == limit
    reader.close()
    db.close()


def test_a_small_write_does_not_checkpoint(tmp_path, monkeypatch):
    """Only large commits pay for a TRUNCATE checkpoint; small ones leave the WAL to SQLite."""
    from arena.store import wal
    from arena.store.db import connect, migrate, transaction

    calls = []
    monkeypatch.setattr(wal, "checkpoint", lambda conn: calls.append(conn))
    db = connect(str(tmp_path / "arena.db"))
    migrate(db)
    with transaction(db):
        db.conn.execute("INSERT INTO contests VALUES ('c', 'C', '2026-01', '2026-12', 'now')")
    assert calls == []
    db.close()
