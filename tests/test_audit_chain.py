"""The audit trail's hash chain: verify names the first row changed, removed or inserted,
edits made with sqlite3 directly; export writes JSON Lines; a purge keeps young rows and the chain."""

from __future__ import annotations

import json
import sqlite3

import pytest

from arena.services import audit_trail
from arena.store import audit, audit_chain
from arena.store.db import MIGRATIONS, connect, migrate, transaction




def write_rows(path, n: int, at: str = "2026-03-01T00:00:00+00:00") -> None:
    db = connect(str(path))
    migrate(db)
    with transaction(db):
        for i in range(n):
            audit.record(db, actor="t", action="test.row", target=f"row {i}", detail={"i": i}, now=at)
    db.close()


def tamper(path, *statements: str) -> None:
    """Edit the file as an intruder would: sqlite3, the append-only triggers dropped first."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_an_intact_chain_verifies(cli, tmp_path):
    write_rows(tmp_path / "arena.db", 5)
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "5 rows" in out and "sha256" in out


@pytest.mark.parametrize("statements, row, kind", [
    (["UPDATE audit SET actor = 'someone else' WHERE id = 3"], 3, "changed"),
    (["UPDATE audit SET detail = '{\"i\": 99}' WHERE id = 2"], 2, "changed"),
    (["DELETE FROM audit WHERE id = 3"], 4, "removed"),
    (["DELETE FROM audit WHERE id = 1"], 2, "removed_or_inserted"),
    (["INSERT INTO audit (id, at, actor, action) VALUES (9, '2026-03-02T00:00:00+00:00', 'x', 'fake')"], 9,
     "inserted"),
])
def test_verify_names_the_first_row_tampered_with(cli, tmp_path, statements, row, kind):
    write_rows(tmp_path / "arena.db", 5)
    tamper(tmp_path / "arena.db", *statements)
    code, _, err = cli("audit", "verify")
    assert code == 1 and f"row {row} ({kind})" in err and f"第 {row} 行" in err


def test_a_row_inserted_with_a_copied_hash_breaks_the_next_link(tmp_path):
    write_rows(tmp_path / "arena.db", 3)
    tamper(tmp_path / "arena.db", "UPDATE audit SET id = id + 10 WHERE id >= 2",
           "INSERT INTO audit (id, at, actor, action, prev_sha256, sha256)"
           " SELECT 2, at, actor, action, prev_sha256, sha256 FROM audit WHERE id = 12")
    db = connect(str(tmp_path / "arena.db"))
    problem = audit_trail.verify(db)["problem"]
    assert problem["id"] == 2 and problem["kind"] == "changed"


def test_the_migration_chains_rows_written_before_it(tmp_path):
    db = connect(str(tmp_path / "old.db"))
    with transaction(db):
        for step in MIGRATIONS[:2]:  # the schema as it stood before accounts
            for statement in step:
                db.conn.execute(statement)
        db.conn.execute("PRAGMA user_version = 2")
        for i in range(3):
            db.conn.execute("INSERT INTO audit (at, actor, action) VALUES ('2025-01-01T00:00:00+00:00', 'old', ?)",
                            (f"old.{i}",))
    migrate(db)
    assert audit_trail.verify(db)["ok"] and audit_trail.verify(db)["rows"] == 3
    with transaction(db):
        audit.record(db, actor="new", action="new.row", now="2026-01-01T00:00:00+00:00")
    result = audit_trail.verify(db)
    assert result["ok"] and result["rows"] == 4
    with pytest.raises(sqlite3.IntegrityError):  # still append-only after the migration
        with transaction(db):
            db.conn.execute("DELETE FROM audit WHERE id = 1")


def test_export_writes_json_lines_since_a_day(cli, tmp_path):
    write_rows(tmp_path / "arena.db", 2, at="2026-01-05T00:00:00+00:00")
    write_rows(tmp_path / "arena.db", 3, at="2026-02-05T00:00:00+00:00")
    out_file = tmp_path / "audit.jsonl"
    code, _, err = cli("audit", "export", "--since", "2026-02-01", "-o", out_file)
    rows = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert code == 0 and "3 audit rows" in err and [r["id"] for r in rows] == [3, 4, 5]
    assert rows[0]["detail"] == {"i": 0} and len(rows[0]["sha256"]) == 64
    code, _, err = cli("audit", "export", "--since", "yesterday")
    assert code == 1 and "2026-01-31" in err


def test_purge_refuses_young_rows_and_keeps_the_chain(cli, tmp_path, driven_clock):
    from datetime import datetime, timezone

    write_rows(tmp_path / "arena.db", 3, at="2025-01-05T00:00:00+00:00")
    write_rows(tmp_path / "arena.db", 2, at="2026-05-01T00:00:00+00:00")
    today = datetime.fromtimestamp(driven_clock.moment, timezone.utc).date()  # 2026-05-28
    code, _, err = cli("audit", "purge", "--before", today.isoformat())
    assert code == 1 and "至少保留 180 天" in err
    assert cli("audit", "verify")[1].startswith("audit chain intact: 5 rows")
    code, out, _ = cli("audit", "purge", "--before", "2025-06-01")
    assert code == 0 and out.startswith("3 audit rows")
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "3 rows" in out  # 2 kept and the purge's own row
    tamper(tmp_path / "arena.db", "DELETE FROM audit WHERE id = 4")  # the first kept row
    assert cli("audit", "verify")[0] == 1


def test_rows_link_in_order_under_one_transaction(db):
    with transaction(db):
        first = audit.record(db, actor="a", action="x", now="2026-01-01T00:00:00+00:00")
        second = audit.record(db, actor="a", action="y", now="2026-01-01T00:00:00+00:00")
    rows = {r[0]: r for r in db.conn.execute("SELECT id, prev_sha256, sha256 FROM audit")}
    assert rows[first][1] == audit_chain.GENESIS and rows[second][1] == rows[first][2]
