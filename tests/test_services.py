"""Services: every change leaves one audit row with its before and after hashes."""

from __future__ import annotations

import hashlib
import json

from arena import services
from arena.store import audit
from helpers import SMALL_RULES, month_rows


def test_rules_saves_leave_audit_rows_with_hashes(db):
    first = services.save_rules(db, SMALL_RULES, actor="甲")
    again = services.save_rules(db, SMALL_RULES, actor="甲")
    second = services.save_rules(db, SMALL_RULES.replace("weight: 60", "weight: 50"), actor="乙", note="轻一点")
    assert (again["changed"], again["version"]) == (False, 1)
    rows = audit.list_audit(db, contest="small")
    assert [(r["action"], r["actor"]) for r in rows] == [("rules.save", "乙"), ("contest.create", "甲")]
    assert rows[0]["before_sha256"] == first["sha256"] and rows[0]["after_sha256"] == second["sha256"]
    assert rows[0]["detail"] == {"note": "轻一点"}


def test_imports_form_a_hash_chain_and_unchanged_imports_leave_no_row(db):
    services.save_rules(db, SMALL_RULES, actor="t")
    jan, feb = month_rows("2026-01"), month_rows("2026-02")
    for rows in (jan, jan, feb):
        services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")
    imports = audit.list_audit(db, contest="small", action="results.import")[::-1]
    assert len(imports) == 2  # the repeated January changed nothing
    batch = lambda rows: services.data_sha256((r["unit"], r["key"], r["period"], r["value"]) for r in rows)
    first_after = hashlib.sha256(f":{batch(jan)}".encode()).hexdigest()
    assert imports[0]["before_sha256"] is None and imports[0]["after_sha256"] == first_after
    assert imports[1]["before_sha256"] == first_after
    assert imports[1]["after_sha256"] == hashlib.sha256(f"{first_after}:{batch(feb)}".encode()).hexdigest()
    assert imports[1]["detail"] == {"inserted": 6, "updated": 0, "unchanged": 0}


def test_data_hash_ignores_row_order():
    rows = [("A", "gdp", "2026-01", 1.0), ("B", "gdp", "2026-01", 2.0)]
    assert services.data_sha256(rows) == services.data_sha256(rows[::-1])
    assert services.data_sha256(rows) != services.data_sha256([("A", "gdp", "2026-01", 1.5), rows[1]])


def test_token_changes_leave_audit_rows_with_hashes(db):
    from arena.services import tokens

    _, row = tokens.issue(db, role="organizer", name="考核办", actor="admin")
    assert tokens.revoke(db, row["id"], actor="admin")
    revoked, created = audit.list_audit(db, action=None)[:2]
    assert (created["action"], revoked["action"]) == ("token.create", "token.revoke")
    assert created["before_sha256"] is None and len(created["after_sha256"]) == 64
    assert revoked["before_sha256"] == created["after_sha256"]  # the row as it was made
    assert revoked["after_sha256"] not in (None, revoked["before_sha256"])  # and as revoked


def test_a_closed_pipe_is_not_an_error(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, ARENA_DATABASE=str(tmp_path / "a.db"))
    rules = tmp_path / "r.yaml"
    rules.write_text(SMALL_RULES, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "arena.cli", "contest", "load", str(rules)], env=env, check=True,
                   capture_output=True)
    cli = subprocess.Popen([sys.executable, "-m", "arena.cli", "settings"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    cli.stdout.close()  # the reader goes away before the command writes
    assert cli.wait(timeout=30) in (0, 141)
    assert b"internal error" not in cli.stderr.read()
