"""Backups: `arena backup` while another thread imports, `arena restore`, and the drill that the
restored database is whole (integrity_check), its audit chain unbroken (the results' import chain,
and `arena audit verify` over every row) and `arena verify` passes."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from helpers import SMALL_RULES, month_rows


def make_db(path):
    from arena import services
    from arena.services import publishing
    from arena.store.db import connect, migrate

    db = connect(str(path))
    migrate(db)
    services.save_rules(db, SMALL_RULES, actor="t")
    services.import_results(db, "small", json.dumps(month_rows("2026-01")).encode(), fmt="json", actor="t")
    publishing.publish(db, "small", "2026-01", actor="t")
    return db


def batches(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM result_batches").fetchone()[0]
    finally:
        conn.close()


def chain_is_unbroken(path) -> bool:
    """Each results.import audit row's before hash is the previous one's after hash."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT before_sha256, after_sha256 FROM audit WHERE action = 'results.import' "
                            "ORDER BY id").fetchall()
    finally:
        conn.close()
    return all(before == prev[1] for prev, (before, _) in zip([(None, None)] + rows, rows)) and len(rows) > 1


def cli(argv, database, monkeypatch):
    from arena.cli import main

    monkeypatch.setenv("ARENA_DATABASE", str(database))
    return main(argv)


def test_restore_drill_backup_while_importing_then_restore_and_verify(tmp_path, monkeypatch, capsys):
    from arena import services
    from arena.store.db import connect

    live = tmp_path / "arena.db"
    make_db(live).close()
    imported, stop, failures = threading.Semaphore(0), threading.Event(), []

    def importer():  # another writer, on its own connection, changing February on every pass
        db = connect(str(live))
        try:
            n = 0
            while not stop.is_set():
                n += 1
                rows = month_rows("2026-02", gdp=(7.0 + n, 6.0, 5.0))
                services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="importer")
                imported.release()
        except Exception as exc:  # noqa: BLE001  (reported by the test below)
            failures.append(exc)
            imported.release()
        finally:
            db.close()

    writer = threading.Thread(target=importer)
    writer.start()
    try:
        for _ in range(3):
            imported.acquire()  # the backup starts with imports behind it and more under way
        assert cli(["backup", str(tmp_path / "backups" / "arena.bak")], live, monkeypatch) == 0
        for _ in range(3):
            imported.acquire()  # and the importer went on after it
    finally:
        stop.set()
        writer.join()
    assert not failures
    backup_file = tmp_path / "backups" / "arena.bak"
    assert "integrity ok" in capsys.readouterr().out
    in_backup, in_live = batches(backup_file), batches(live)
    assert 1 < in_backup < in_live
    assert chain_is_unbroken(backup_file)

    assert cli(["restore", str(backup_file), "--yes"], live, monkeypatch) == 0
    assert batches(live) == in_backup
    conn = sqlite3.connect(live)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
    assert chain_is_unbroken(live)
    capsys.readouterr()
    assert cli(["verify", "small"], live, monkeypatch) == 0
    assert "2026-01 revision 1: reproducible; current" in capsys.readouterr().out
    assert cli(["audit", "verify"], live, monkeypatch) == 0  # the whole audit trail's hash chain
    assert "audit chain intact" in capsys.readouterr().out
    # the restored database takes writes again
    assert cli(["publish", "small", "2026-02"], live, monkeypatch) == 0


@pytest.mark.parametrize("content, message", [
    (b"not a database at all, just text" * 100, "is not an SQLite database"),
    (None, "is not an Arena database"),
])
def test_a_bad_backup_is_refused_and_the_database_is_unchanged(tmp_path, monkeypatch, capsys, content, message):
    live = tmp_path / "arena.db"
    make_db(live).close()
    bad = tmp_path / "bad.bak"
    if content is None:
        sqlite3.connect(bad).execute("CREATE TABLE other (x)").connection.commit()
    else:
        bad.write_bytes(content)
    before = batches(live)
    assert cli(["restore", str(bad), "--yes"], live, monkeypatch) == 1
    assert message in capsys.readouterr().err
    assert batches(live) == before


@pytest.mark.parametrize("argv, message", [
    (["restore", "{bak}"], "add --yes"),
    (["restore", "{missing}", "--yes"], "no backup at"),
    (["restore", "{db}", "--yes"], "that is the database itself"),
    (["backup", "{db}"], "that is the database itself"),
])
def test_restore_and_backup_refuse_what_would_lose_data(tmp_path, monkeypatch, capsys, argv, message):
    live = tmp_path / "arena.db"
    make_db(live).close()
    names = {"bak": tmp_path / "x.bak", "missing": tmp_path / "missing.bak", "db": live}
    assert cli(["backup", str(names["bak"])], live, monkeypatch) == 0
    capsys.readouterr()
    assert cli([a.format(**names) for a in argv], live, monkeypatch) == 1
    assert message in capsys.readouterr().err
    assert batches(live) == 1


def with_evidence(path, files: dict[str, bytes]):
    """A database at ``path`` whose one submission holds ``files``, stored in evidence/ beside it."""
    from arena.services import evidence
    from arena.store.db import transaction

    db = make_db(path)
    db.conn.execute("INSERT INTO submissions (contest, period, reporter, submitted_by, submitted_at, status)"
                    " VALUES ('small', '2026-01', 'organizer', 'u', 't', 'pending')")
    checked = evidence.check(list(files.items()), evidence.Limits())
    with transaction(db):
        rows = evidence.attach(db, path.parent / "evidence", checked, contest="small", actor="u", now="t",
                               submission=1)
    db.close()
    return [r["sha256"] for r in rows]


def test_evidence_files_go_with_the_backup_and_come_back_with_the_restore(tmp_path, monkeypatch, capsys):
    from arena.services import evidence
    from arena.store.db import connect

    live = tmp_path / "arena.db"
    shas = with_evidence(live, {"统计月报.pdf": b"%PDF-1.4 month", "现场.png": b"\x89PNG\r\n\x1a\nphoto"})
    backup_file = tmp_path / "backups" / "arena.bak"
    assert cli(["backup", str(backup_file)], live, monkeypatch) == 0
    assert "2 copied, 0 already there" in capsys.readouterr().out
    kept = tmp_path / "backups" / "arena.bak.evidence"
    assert sorted(p.name for p in kept.rglob("*") if p.is_file()) == sorted(shas)
    assert cli(["backup", str(backup_file)], live, monkeypatch) == 0  # again: nothing new to copy
    assert "0 copied, 2 already there" in capsys.readouterr().out

    for blob in (tmp_path / "evidence").rglob("*"):
        if blob.is_file():
            blob.unlink()  # the disk that held the evidence is gone
    assert cli(["restore", str(backup_file), "--yes"], live, monkeypatch) == 0
    assert "2 copied" in capsys.readouterr().out
    db = connect(str(live))
    try:
        from arena.store import evidence as rows

        row = rows.named(db, name="统计月报.pdf", submission=1)
        assert evidence.read(db, tmp_path / "evidence", row, actor="organizer x", now="t2") == b"%PDF-1.4 month"
    finally:
        db.close()


def test_a_missing_or_damaged_evidence_file_is_named_and_the_database_copied_anyway(tmp_path, monkeypatch,
                                                                                      capsys):
    from arena.services import evidence

    live = tmp_path / "arena.db"
    lost, kept = with_evidence(live, {"a.pdf": b"%PDF-1.4 lost", "b.pdf": b"%PDF-1.4 kept"})
    evidence.blob_path(tmp_path / "evidence", lost).unlink()
    backup_file = tmp_path / "arena.bak"
    assert cli(["backup", str(backup_file)], live, monkeypatch) == 1
    out, err = capsys.readouterr()
    assert "integrity ok" in out and backup_file.is_file()
    assert f"evidence file {lost} is missing" in err and kept not in err

    damaged = evidence.blob_path(backups_folder(backup_file), kept)
    damaged.write_bytes(b"%PDF-1.4 tampered")
    evidence.blob_path(tmp_path / "evidence", kept).unlink()
    assert cli(["restore", str(backup_file), "--yes"], live, monkeypatch) == 1
    out, err = capsys.readouterr()
    assert "restored from" in out
    assert f"evidence file {kept} is damaged" in err and f"evidence file {lost} is missing" in err
    assert not evidence.blob_path(tmp_path / "evidence", kept).exists()  # never copied in damaged


def backups_folder(backup_file):
    from arena.services.backups import evidence_folder

    return evidence_folder(backup_file)
