"""The store: real SQLite files, migrations, transactions, contests, results, audit."""

from __future__ import annotations

import sqlite3

import pytest

from arena.engine.results import ResultRow
from arena.errors import BadRequest, Conflict, NotFound, ValidationFailed
from arena.store import connect, db as store_db, migrate, schema_version, transaction
from arena.store.audit import list_audit, record
from arena.store.contests import (
    create_contest, get_contest, get_rules, list_contests, list_units, list_versions, save_rules,
)
from arena.store.results import (
    current_batch, list_results, load_results, load_results_as_of, result_history, scored_months, upsert_results,
)

UNITS = [("371302", "兰山区", "county"), ("371311", "罗庄区", "county"), ("371371", "临沂高新区", "zone")]
RULES = dict(name="2026年度全市综合擂台赛", season_start="2026-01", season_end="2026-12", units=UNITS,
             yaml_text="version: 1\n", sha256="a" * 64, author="organizer")


@pytest.fixture
def db(tmp_path):
    database = connect(str(tmp_path / "instance" / "arena.db"))
    migrate(database)
    yield database
    database.close()


@pytest.fixture
def contest(db):
    with transaction(db):
        create_contest(db, contest_id="linyi-2026", now="2026-01-05T09:00:00+08:00", **RULES)
    return "linyi-2026"


def store(db, rows, actor="organizer", now="2026-04-01T10:00:00+08:00", contest_id="linyi-2026"):
    with transaction(db):
        return upsert_results(db, contest_id, rows, actor=actor, now=now)


# -- connection, migrations, transactions --------------------------------------------------

def test_connect_creates_the_folder_and_sets_pragmas(tmp_path):
    path = tmp_path / "a" / "b" / "arena.db"
    database = connect(str(path), busy_timeout_ms=1234)
    pragma = lambda name: database.conn.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert path.exists()
    assert (pragma("journal_mode"), pragma("synchronous"), pragma("foreign_keys"), pragma("busy_timeout")) == ("wal", 2, 1, 1234)
    assert database.conn.isolation_level is None and not database.conn.in_transaction


def test_migrate_is_idempotent_and_versioned(tmp_path):
    path = str(tmp_path / "arena.db")
    first = connect(path)
    assert schema_version(first) == 0
    latest = len(store_db.MIGRATIONS)
    assert migrate(first) == latest >= 1
    assert migrate(first) == latest
    assert migrate(connect(path)) == latest  # a second process finds it done
    tables = set(first.table_names())
    assert {"contests", "rules_versions", "units", "result_batches", "results", "results_history", "audit",
            "publications"} <= tables


def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    database = connect(str(tmp_path / "arena.db"))
    latest = migrate(database)
    broken = ("CREATE TABLE extra (a)", "CREATE TABLE extra (a)")  # the second statement fails
    monkeypatch.setattr(store_db, "MIGRATIONS", (*store_db.MIGRATIONS, broken))
    with pytest.raises(sqlite3.OperationalError):
        migrate(database)
    assert schema_version(database) == latest and "extra" not in database.table_names()


def test_transaction_commits_or_rolls_back(db, tmp_path):
    with transaction(db):
        assert db.conn.in_transaction
        db.conn.execute("INSERT INTO contests VALUES ('a', 'A', '2026-01', '2026-12', 't')")
    with pytest.raises(RuntimeError):
        with transaction(db):
            db.conn.execute("INSERT INTO contests VALUES ('b', 'B', '2026-01', '2026-12', 't')")
            raise RuntimeError("boom")
    other = connect(str(tmp_path / "instance" / "arena.db"))
    assert [r[0] for r in other.conn.execute("SELECT id FROM contests")] == ["a"]
    assert not db.conn.in_transaction


def test_transaction_takes_the_write_lock_at_once(db, tmp_path):
    other = connect(str(tmp_path / "instance" / "arena.db"), busy_timeout_ms=50)
    from arena.errors import Busy

    with transaction(db):
        with pytest.raises(Busy, match="busy with another write"):
            with transaction(other):
                pass  # BEGIN IMMEDIATE waits 50 ms for the writer, then gives up (503, not a 500)


def test_nested_transaction_is_a_savepoint(db):
    with transaction(db):
        db.conn.execute("INSERT INTO contests VALUES ('a', 'A', '2026-01', '2026-12', 't')")
        with pytest.raises(ValueError):
            with transaction(db):
                db.conn.execute("INSERT INTO contests VALUES ('b', 'B', '2026-01', '2026-12', 't')")
                raise ValueError
    assert [r[0] for r in db.conn.execute("SELECT id FROM contests")] == ["a"]


def test_writes_outside_a_transaction_are_refused(db, contest):
    with pytest.raises(RuntimeError, match="inside arena.store.transaction"):
        upsert_results(db, contest, [("371302", "gdzctz", "2026-03", 1.0)], actor="x", now="t")
    with pytest.raises(RuntimeError):
        record(db, actor="x", action="a", now="t")
    with pytest.raises(RuntimeError):
        create_contest(db, contest_id="x", now="t", **RULES)


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        with transaction(db):
            db.conn.execute("INSERT INTO units VALUES ('nowhere', '1', 'u', 'g')")


# -- contests and rules versions -------------------------------------------------------------

def test_contest_is_created_with_rules_version_1(db, contest):
    assert get_contest(db, contest) == {
        "id": contest, "name": RULES["name"], "season_start": "2026-01", "season_end": "2026-12",
        "created_at": "2026-01-05T09:00:00+08:00", "version": 1, "sha256": "a" * 64,
    }
    assert get_rules(db, contest) == {"version": 1, "sha256": "a" * 64, "yaml": "version: 1\n",
                                      "author": "organizer", "created_at": "2026-01-05T09:00:00+08:00", "note": None}
    assert list_units(db, contest) == [{"code": c, "name": n, "group": g} for c, n, g in UNITS]


def test_duplicate_contest_is_a_conflict_and_changes_nothing(db, contest):
    with pytest.raises(Conflict) as info:
        with transaction(db):
            create_contest(db, contest_id=contest, now="t2", **{**RULES, "name": "other"})
    assert info.value.status == 409
    assert get_contest(db, contest)["name"] == RULES["name"] and len(list_versions(db, contest)) == 1


def test_rules_versions_are_kept(db, contest):
    new_units = [("371302", "兰山区", "county"), ("371399", "新区", "zone")]
    with transaction(db):
        version = save_rules(db, contest_id=contest, now="t2", note="更正权重",
                             **{**RULES, "sha256": "b" * 64, "yaml_text": "version: 2\n", "units": new_units,
                                "season_end": "2026-06"})
    assert version == 2
    with transaction(db):  # the same file again: nothing is written
        assert save_rules(db, contest_id=contest, now="t3", **{**RULES, "sha256": "b" * 64, "units": []}) == 2
    assert [(v["version"], v["sha256"][0], v["note"]) for v in list_versions(db, contest)] == [(1, "a", None), (2, "b", "更正权重")]
    assert get_rules(db, contest)["yaml"] == "version: 2\n"
    assert get_rules(db, contest, version=1)["yaml"] == "version: 1\n"
    assert [u["code"] for u in list_units(db, contest)] == ["371302", "371399"]
    assert [(c["id"], c["version"], c["season_end"]) for c in list_contests(db)] == [(contest, 2, "2026-06")]


@pytest.mark.parametrize(
    "call",
    [
        lambda db: get_rules(db, "nope"),
        lambda db: get_rules(db, "linyi-2026", version=7),
        lambda db: list_versions(db, "nope"),
        lambda db: get_contest(db, "nope"),
        lambda db: load_results(db, "nope"),
        lambda db: list_results(db, "nope"),
    ],
    ids=["rules", "version", "versions", "contest", "load", "list"],
)
def test_unknown_contest_or_version_is_not_found(db, contest, call):
    with pytest.raises(NotFound) as info:
        call(db)
    assert info.value.status == 404


def test_save_rules_of_an_unknown_contest_is_not_found(db):
    with pytest.raises(NotFound):
        with transaction(db):
            save_rules(db, contest_id="nope", now="t", **RULES)


# -- results --------------------------------------------------------------------------------

FIRST = [("371302", "gdzctz", "2026-03", 41.0), ("371311", "gdzctz", "2026-03", 38.5), ("371302", "award", "2026-03", 1.0)]


def test_upsert_counts_inserted_updated_unchanged(db, contest):
    assert store(db, FIRST) == {"inserted": 3, "updated": 0, "unchanged": 0}
    # re-importing the same file writes nothing, not even a new stamp
    assert store(db, FIRST, actor="someone", now="2026-04-02") == {"inserted": 0, "updated": 0, "unchanged": 3}
    # one changed (38.5 -> 40), one new, two equal
    second = [FIRST[0], ("371311", "gdzctz", "2026-03", 40.0), FIRST[2], ("371371", "gdzctz", "2026-03", 9.0)]
    assert store(db, second, actor="checker", now="2026-04-03") == {"inserted": 1, "updated": 1, "unchanged": 2}
    rows = list_results(db, contest, period="2026-03")
    assert [(r["unit"], r["key"], r["value"], r["stored_by"], r["stored_at"]) for r in rows] == [
        ("371302", "award", 1.0, "organizer", "2026-04-01T10:00:00+08:00"),
        ("371302", "gdzctz", 41.0, "organizer", "2026-04-01T10:00:00+08:00"),
        ("371311", "gdzctz", 40.0, "checker", "2026-04-03"),
        ("371371", "gdzctz", 9.0, "checker", "2026-04-03"),
    ]
    assert result_history(db, contest, "371311", "gdzctz", "2026-03") == [
        {"value": 38.5, "stored_by": "organizer", "stored_at": "2026-04-01T10:00:00+08:00",
         "replaced_by": "checker", "replaced_at": "2026-04-03"},
    ]
    assert result_history(db, contest, "371302", "gdzctz", "2026-03") == []


def test_every_earlier_value_is_kept(db, contest):
    for n, value in enumerate([1.0, 2.0, 3.0]):
        store(db, [("371302", "gdzctz", "2026-03", value)], now=f"t{n}")
    history = result_history(db, contest, "371302", "gdzctz", "2026-03")
    assert [(h["value"], h["stored_at"], h["replaced_at"]) for h in history] == [(1.0, "t0", "t1"), (2.0, "t1", "t2")]


def test_checked_rows_are_stored_as_they_come(db, contest):
    rows = [ResultRow("371302", "gdzctz", "2026-03", 41.0, 2), ResultRow("371302", "gdzctz", "2026-04", 45, 3)]
    assert store(db, rows) == {"inserted": 2, "updated": 0, "unchanged": 0}
    assert load_results(db, contest) == {"2026-03": {"371302": {"gdzctz": 41.0}}, "2026-04": {"371302": {"gdzctz": 45.0}}}


def test_a_batch_repeating_a_cell_stores_nothing(db, contest):
    with pytest.raises(ValidationFailed, match="appears twice"):
        store(db, [*FIRST, FIRST[0]])
    assert list_results(db, contest) == []


def test_an_empty_batch_changes_nothing(db, contest):
    assert store(db, []) == {"inserted": 0, "updated": 0, "unchanged": 0}


def test_store_refuses_values_that_are_not_numbers(db, contest):
    with pytest.raises(sqlite3.IntegrityError):
        store(db, [("371302", "gdzctz", "2026-03", "many")])
    with pytest.raises(sqlite3.IntegrityError):
        store(db, [("371302", "gdzctz", "2026-03", float("nan"))])
    assert list_results(db, contest) == []


def test_upsert_into_an_unknown_contest_is_not_found(db):
    with pytest.raises(NotFound):
        store(db, FIRST, contest_id="nope")


def test_load_results_by_month(db, contest):
    store(db, [*FIRST, ("371302", "gdzctz", "2026-04", 45.0), ("371371", "jgtz", "2026-05", -2.5)])
    assert load_results(db, contest, ["2026-03"]) == {
        "2026-03": {"371302": {"award": 1.0, "gdzctz": 41.0}, "371311": {"gdzctz": 38.5}},
    }
    # months without rows are absent: the engine reads that as "not scored"
    assert set(load_results(db, contest, ["2026-04", "2026-05", "2026-06"])) == {"2026-04", "2026-05"}
    assert list(load_results(db, contest)) == ["2026-03", "2026-04", "2026-05"]
    assert load_results(db, contest, []) == {}


def test_list_results_filters(db, contest):
    store(db, [*FIRST, ("371302", "gdzctz", "2026-04", 45.0), ("371302", "gdzctz", "2026-07", 50.0)])
    key = lambda rows: [(r["period"], r["unit"], r["key"]) for r in rows]  # noqa: E731
    assert key(list_results(db, contest, unit="371302")) == [
        ("2026-03", "371302", "award"), ("2026-03", "371302", "gdzctz"),
        ("2026-04", "371302", "gdzctz"), ("2026-07", "371302", "gdzctz"),
    ]
    # a quarter lists its three months; a unit narrows it
    assert key(list_results(db, contest, period="2026-Q2", unit="371302")) == [("2026-04", "371302", "gdzctz")]
    assert len(list_results(db, contest, period="2026-H1")) == 4
    assert list_results(db, contest, unit="999") == []
    assert set(list_results(db, contest)[0]) == {"unit", "key", "period", "value", "stored_by", "stored_at"}
    with pytest.raises(BadRequest) as info:
        list_results(db, contest, period="2026-13")
    assert info.value.details[0]["field"] == "period"


def test_each_changing_import_is_the_next_batch(db, contest):
    assert current_batch(db, contest) == 0
    store(db, FIRST)
    store(db, FIRST)  # nothing changed: no batch
    assert current_batch(db, contest) == 1
    store(db, [("371302", "gdzctz", "2026-03", 50.0)])
    assert current_batch(db, contest) == 2


def test_results_as_they_stood_after_a_batch(db, contest):
    cell = ("371302", "gdzctz", "2026-03")
    store(db, [(*cell, 1.0)])  # batch 1
    store(db, [("371311", "gdzctz", "2026-04", 7.0)])  # batch 2
    store(db, [(*cell, 2.0)])  # batch 3
    store(db, [(*cell, 3.0)])  # batch 4
    as_of = lambda batch, months=None: load_results_as_of(db, contest, months, batch)  # noqa: E731
    assert as_of(0) == {}
    assert as_of(1) == {"2026-03": {"371302": {"gdzctz": 1.0}}}
    assert as_of(2) == {"2026-03": {"371302": {"gdzctz": 1.0}}, "2026-04": {"371311": {"gdzctz": 7.0}}}
    assert as_of(3, ["2026-03"]) == {"2026-03": {"371302": {"gdzctz": 2.0}}}
    assert as_of(4) == load_results(db, contest)
    assert as_of(4, ["2026-03"]) == {"2026-03": {"371302": {"gdzctz": 3.0}}}


def test_scored_months_are_the_months_with_rows(db, contest):
    assert scored_months(db, contest) == ()
    store(db, [("371302", "award", "2026-05", 1.0), *FIRST, ("371302", "gdzctz", "2026-01", 2.0)])
    assert scored_months(db, contest) == ("2026-01", "2026-03", "2026-05")


# -- audit ----------------------------------------------------------------------------------

def test_audit_rows_are_listed_newest_first(db, contest):
    with transaction(db):
        first = record(db, actor="organizer", action="rules.save", contest=contest, target="rules",
                       before=None, after="a" * 64, detail={"version": 1, "note": "初版"}, now="t1")
        record(db, actor="organizer", action="results.import", contest=contest,
               detail={"inserted": 3}, now="t2")
        record(db, actor="admin", action="token.create", target="token 1", now="t3")
    assert [a["action"] for a in list_audit(db)] == ["token.create", "results.import", "rules.save"]
    assert [a["action"] for a in list_audit(db, contest=contest, limit=1)] == ["results.import"]
    (saved,) = list_audit(db, action="rules.save")
    assert saved == {"id": first, "at": "t1", "actor": "organizer", "action": "rules.save", "contest": contest,
                     "target": "rules", "before_sha256": None, "after_sha256": "a" * 64,
                     "detail": {"version": 1, "note": "初版"}}


@pytest.mark.parametrize("statement", ["UPDATE audit SET actor = 'mallory'", "DELETE FROM audit"])
def test_audit_rows_cannot_be_changed_or_removed(db, statement):
    with transaction(db):
        record(db, actor="organizer", action="results.import", now="t1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with transaction(db):
            db.conn.execute(statement)
    assert [a["actor"] for a in list_audit(db)] == ["organizer"]


def test_a_write_and_its_audit_row_fail_together(db, contest):
    with pytest.raises(ValidationFailed):
        with transaction(db):
            upsert_results(db, contest, FIRST, actor="organizer", now="t")
            record(db, actor="organizer", action="results.import", contest=contest, now="t")
            raise ValidationFailed("a later check failed")
    assert list_results(db, contest) == [] and list_audit(db) == []


def test_a_write_that_waits_too_long_for_the_lock_is_busy_and_changes_nothing(tmp_path):
    """Another process holds the write lock (a big import): after busy_timeout, a 503 with
    Retry-After, never an internal error."""
    from arena.errors import Busy
    from arena.store.db import connect, migrate, transaction

    path = str(tmp_path / "arena.db")
    holder = connect(path)
    migrate(holder)
    holder.conn.execute("BEGIN IMMEDIATE")
    try:
        waiter = connect(path, busy_timeout_ms=50)
        with pytest.raises(Busy) as caught:
            with transaction(waiter):
                waiter.conn.execute("CREATE TABLE never (x)")
        assert caught.value.status == 503 and caught.value.retry_after > 0
        assert not waiter.conn.in_transaction
    finally:
        holder.conn.execute("ROLLBACK")
    assert "never" not in connect(path).table_names()


# -- a batch of new months (straight into results) and one touching a stored month --------

def test_a_new_months_batch_is_one_batch_of_inserted_rows(db, contest):
    counts = store(db, [("371302", "gdzctz", "2026-03", 10.0), ("371311", "gdzctz", "2026-03", 12)])
    assert counts == {"inserted": 2, "updated": 0, "unchanged": 0}
    assert current_batch(db, contest) == 1
    rows = list_results(db, contest)
    assert [(r["unit"], r["value"], r["stored_by"]) for r in rows] == [("371302", 10.0, "organizer"),
                                                                        ("371311", 12.0, "organizer")]
    assert all(type(r["value"]) is float for r in rows)  # an int is stored as the REAL it means


def test_a_repeated_cell_in_a_new_months_batch_is_refused_and_nothing_stays(db, contest):
    with pytest.raises(ValidationFailed, match="twice"):
        store(db, [("371302", "gdzctz", "2026-03", 10.0), ("371302", "gdzctz", "2026-03", 11.0)])
    assert list_results(db, contest) == [] and current_batch(db, contest) == 0


def test_a_batch_touching_a_stored_month_counts_and_archives_as_before(db, contest):
    store(db, [("371302", "gdzctz", "2026-03", 10.0)])
    counts = store(db, [("371302", "gdzctz", "2026-03", 11.0), ("371302", "gdzctz", "2026-04", 5.0)],
                   now="2026-05-01T10:00:00+08:00")
    assert counts == {"inserted": 1, "updated": 1, "unchanged": 0}
    assert current_batch(db, contest) == 2
    assert [h["value"] for h in result_history(db, contest, "371302", "gdzctz", "2026-03")] == [10.0]
    with pytest.raises(ValidationFailed, match="twice"):
        store(db, [("371302", "gdzctz", "2026-04", 6.0), ("371302", "gdzctz", "2026-04", 7.0)])
    assert current_batch(db, contest) == 2


def _at_version_7(tmp_path):
    """A database as version 7 left it: result rows still carrying stored_by and stored_at."""
    database = connect(str(tmp_path / "v7.db"))
    for number, step in enumerate(store_db.MIGRATIONS[:7], start=1):
        with transaction(database):
            step(database) if callable(step) else [database.conn.execute(s) for s in step]
            database.conn.execute(f"PRAGMA user_version = {number}")
    with transaction(database):
        create_contest(database, contest_id="linyi-2026", now="2026-01-05T09:00:00+08:00", **RULES)
        for batch, by, at in ((1, "organizer", "2026-02-03T09:00:00+08:00"), (2, "clerk", "2026-03-04T10:00:00+08:00")):
            database.conn.execute("INSERT INTO result_batches VALUES ('linyi-2026', ?, ?, ?)", (batch, by, at))
        database.conn.executemany(
            "INSERT INTO results (contest, unit, key, period, value, stored_by, stored_at, batch)"
            " VALUES ('linyi-2026', ?, ?, ?, ?, ?, ?, ?)",
            [("371302", "gdzctz", "2026-01", 41.0, "organizer", "2026-02-03T09:00:00+08:00", 1),
             ("371311", "gdzctz", "2026-02", 7.5, "clerk", "2026-03-04T10:00:00+08:00", 2)])
    return database


def test_migration_8_keeps_every_row_and_its_stamp_from_its_batch(tmp_path):
    database = _at_version_7(tmp_path)
    assert migrate(database) == len(store_db.MIGRATIONS)
    columns = [c[1] for c in database.conn.execute("PRAGMA table_info(results)")]
    assert columns == ["contest", "unit", "key", "period", "value", "batch"]
    assert list_results(database, "linyi-2026") == [
        {"unit": "371302", "key": "gdzctz", "period": "2026-01", "value": 41.0, "stored_by": "organizer",
         "stored_at": "2026-02-03T09:00:00+08:00"},
        {"unit": "371311", "key": "gdzctz", "period": "2026-02", "value": 7.5, "stored_by": "clerk",
         "stored_at": "2026-03-04T10:00:00+08:00"}]
    assert database.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert database.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_migration_8_stops_on_a_row_whose_stamp_is_not_its_batchs(tmp_path):
    database = _at_version_7(tmp_path)
    with transaction(database):
        database.conn.execute("UPDATE results SET stored_by = 'someone else' WHERE period = '2026-02'")
    with pytest.raises(RuntimeError, match="not their batch's"):
        migrate(database)
    assert schema_version(database) == 7
    assert database.conn.execute("SELECT stored_by FROM results WHERE period = '2026-02'").fetchone()[0] == "someone else"
