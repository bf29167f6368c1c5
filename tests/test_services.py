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
