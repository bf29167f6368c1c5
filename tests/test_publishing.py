"""Publishing: frozen sheets, corrections with a note, exactly once, reproducible."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from datetime import datetime, timezone

import pytest

from arena import services
from arena.errors import NotFound, ValidationFailed
from arena.services import publishing
from arena.store import audit, publications
from arena.support import clock
from helpers import SMALL_RULES, month_rows

NOW = datetime(2026, 4, 20, 1, 0, tzinfo=timezone.utc)


def published_bytes(db, period, revision=None):
    return publications.get(db, "small", period, revision)["sheet"]


def test_publishing_the_same_month_twice_gives_one_revision(small):
    first, created = publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    again, created_again = publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    assert (created, created_again) == (True, False)
    assert first["revision"] == again["revision"] == 1
    assert [p["revision"] for p in publications.list_all(small, "small")] == [1]


def test_the_published_sheet_carries_its_envelope(small):
    publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    sheet = json.loads(published_bytes(small, "2026-02"))
    assert sheet["revision"] == 1 and sheet["kind"] == "month" and sheet["note"] is None
    assert sheet["published_at"] == "2026-04-20T09:00:00+08:00"  # 01:00 UTC in Shanghai
    assert len(sheet["rules_sha256"]) == 64 and len(sheet["data_sha256"]) == 64
    assert "甲县" in published_bytes(small, "2026-02")  # Chinese unescaped


def test_later_edits_of_results_and_rules_leave_the_publication_as_it_was(small):
    publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    before = published_bytes(small, "2026-02")
    changed = [{"unit": "C", "key": "gdp", "period": "2026-02", "value": 99.0}]
    services.import_results(small, "small", json.dumps(changed).encode(), fmt="json", actor="t")
    services.save_rules(small, SMALL_RULES.replace("weight: 60", "weight: 50"), actor="t", note="lighter")
    assert published_bytes(small, "2026-02") == before
    assert services.draft(small, "small", "2026-02")["groups"][0]["units"][0]["unit"] == "C"


def test_a_correction_needs_a_note_and_keeps_revision_one_readable(small):
    publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    first = published_bytes(small, "2026-02")
    changed = [{"unit": "C", "key": "gdp", "period": "2026-02", "value": 99.0}]
    services.import_results(small, "small", json.dumps(changed).encode(), fmt="json", actor="t")
    with pytest.raises(ValidationFailed) as refused:
        publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    assert "更正说明" in refused.value.message and refused.value.details[0]["field"] == "note"
    assert [p["revision"] for p in publications.list_all(small, "small")] == [1]

    row, created = publishing.publish(small, "small", "2026-02", actor="t", note="丙县数据更正", now=NOW)
    assert created and row["revision"] == 2 and row["note"] == "丙县数据更正"
    assert published_bytes(small, "2026-02", 1) == first
    assert json.loads(published_bytes(small, "2026-02"))["note"] == "丙县数据更正"
    actions = [a["action"] for a in audit.list_audit(small, contest="small")]
    assert actions.count("publication.create") == 1 and actions.count("publication.correct") == 1


def test_the_database_refuses_to_change_a_publication(small):
    publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    for sql in ("UPDATE publications SET note = 'x'", "DELETE FROM publications",
                "INSERT INTO publications SELECT contest, period, kind, revision + 5, published_at, author, note,"
                " rules_version, rules_sha256, data_batch, data_sha256, sheet_sha256, sheet, status, notice_until"
                " FROM publications"):
        with pytest.raises(sqlite3.IntegrityError):
            small.conn.execute(sql)


def test_an_unpublished_period_is_not_found(small):
    with pytest.raises(NotFound):
        publications.get(small, "small", "2026-03")


def test_quarter_publication_carries_flags(small):
    publishing.publish(small, "small", "2026-Q1", actor="t", now=NOW)
    sheet = json.loads(published_bytes(small, "2026-Q1"))
    units = {u["unit"]: u for u in sheet["groups"][0]["units"]}
    # A leads every month in both indicators: rank 1, red flag; C is last: yellow flag
    assert "red_flag" in units["A"]["flags"] and "yellow_flag" in units["C"]["flags"]
    assert "yellow_flag" not in units["A"]["flags"]


def test_year_sheet_counts_red_flags(small):
    publishing.publish(small, "small", "2026", actor="t", now=NOW)
    sheet = json.loads(published_bytes(small, "2026"))
    counts = {u["unit"]: u["red_flags"] for u in sheet["groups"][0]["units"]}
    assert counts == {"A": 1, "B": 0, "C": 0}  # only Q1 has scored months


def test_verify_recomputes_every_revision_byte_for_byte(small):
    publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    changed = [{"unit": "C", "key": "gdp", "period": "2026-02", "value": 99.0}]
    services.import_results(small, "small", json.dumps(changed).encode(), fmt="json", actor="t")
    services.save_rules(small, SMALL_RULES.replace("weight: 60", "weight: 50"), actor="t", note="lighter")
    publishing.publish(small, "small", "2026-02", actor="t", note="更正", now=NOW)
    assert publishing.verify(small, "small", "2026-02", 1)["ok"]
    assert publishing.verify(small, "small", "2026-02", 2)["ok"]


def test_eight_threads_publishing_one_month_make_one_revision(tmp_path):
    from arena.store.db import connect, migrate

    path = str(tmp_path / "arena.db")
    setup = connect(path)
    migrate(setup)
    services.save_rules(setup, SMALL_RULES, actor="t")
    services.import_results(setup, "small", json.dumps(month_rows("2026-01")).encode(), fmt="json", actor="t")
    setup.close()

    errors, created = [], []
    barrier = threading.Barrier(8)

    def worker():
        db = connect(path)
        try:
            barrier.wait()
            created.append(publishing.publish(db, "small", "2026-01", actor="thread", now=NOW)[1])
        except Exception as exc:  # collected: the test asserts there were none
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(created) == [False] * 7 + [True]
    check = connect(path)
    assert [p["revision"] for p in publications.list_all(check, "small")] == [1]


def test_verify_confirms_every_publication_of_the_demo_year(db):
    from arena.engine.results import check_rows
    from arena.ingest import RawRow
    from arena.services import demo

    saved = services.save_rules(db, demo.DEMO_RULES.read_text(encoding="utf-8"), actor="t")
    contest, _ = services.contest_rules(db, saved["contest"])
    rows = [RawRow(i, r["unit"], r["key"], r["period"], r["value"])
            for i, r in enumerate(demo.generate_results(contest), 1)]
    services.store_results(db, contest, check_rows(contest, rows), actor="t")
    after_the_year = datetime(2027, 2, 1, tzinfo=timezone.utc)
    with clock.pretend(after_the_year):  # a pass stamps its own moment, which may not be ahead of the clock
        done = publishing.publish_due(db, after_the_year)
    periods = [p["period"] for p in done]
    assert len(periods) == 12 + 4 + 2 + 1 and periods[-1] == "2026"
    assert periods.index("2026-Q1") == periods.index("2026-03") + 1
    checks = [publishing.verify(db, contest.id, p) for p in periods]
    assert all(c["ok"] for c in checks), [c for c in checks if not c["ok"]]


def test_a_publication_written_by_the_stdlib_encoder_still_verifies(small, monkeypatch):
    # orjson and the stdlib spell very small numbers differently (0.00001, 1e-05); revisions
    # stored before orjson must still verify byte for byte
    tiny = [{"unit": "C", "key": "gdp", "period": "2026-02", "value": 0.00001}]
    services.import_results(small, "small", json.dumps(tiny).encode(), fmt="json", actor="t")
    monkeypatch.setattr(services, "sheet_bytes", lambda sheet: services.legacy_sheet_json(sheet).encode())
    publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    monkeypatch.undo()
    stored = published_bytes(small, "2026-02")
    assert "1e-05" in stored
    sheet = json.loads(stored)
    assert services.sheet_json(sheet) != stored and json.loads(services.sheet_json(sheet)) == sheet
    assert publishing.verify(small, "small", "2026-02", 1)["ok"]


def test_a_publication_hashed_the_way_before_still_verifies_and_its_draft_reads_the_same(small, monkeypatch):
    # publications made before 2026-12-04 recorded the repr-lines hash of their inputs
    monkeypatch.setattr(services, "results_sha256", services.lines_sha256)
    publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    monkeypatch.undo()
    stored = json.loads(published_bytes(small, "2026-02"))
    assert stored["data_sha256"] == services.lines_sha256(services.sheet_inputs(
        small, services.contest_rules(small, "small")[0], services.parse_wanted("2026-02")))
    assert publishing.verify(small, "small", "2026-02", 1)["ok"]
    assert services.draft(small, "small", "2026-02", stored["data_sha256"])["data_sha256"] == stored["data_sha256"]
    assert services.draft(small, "small", "2026-02")["data_sha256"] != stored["data_sha256"]
    # and its inputs altered behind the history's back are still found
    with small.conn:
        small.conn.execute("UPDATE results SET value = value + 1 WHERE contest = 'small' AND period = '2026-02'")
    checked = publishing.verify(small, "small", "2026-02", 1)
    assert not checked["ok"] and "data hash" in checked["reason"]


def test_the_sheet_text_is_compact_utf8_in_key_order():
    sheet = {"unit": "甲县", "b": [1, 2.5, None, True], "a": {"z": -0.0, "y": "引号\"与\\"}}
    assert services.sheet_json(sheet) == json.dumps(sheet, ensure_ascii=False, separators=(",", ":"))


def test_the_sheet_is_stored_as_text_and_hashed_as_its_utf8(small):
    row, _ = publishing.publish(small, "small", "2026-02", actor="t", now=NOW)
    kind, text = small.conn.execute("SELECT typeof(sheet), sheet FROM publications WHERE contest = 'small'").fetchone()
    assert kind == "text" and isinstance(text, str)
    assert text == services.sheet_json(json.loads(text))
    assert row["sheet_sha256"] == hashlib.sha256(text.encode()).hexdigest()
