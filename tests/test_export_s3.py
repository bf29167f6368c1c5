"""`arena export-static s3://…`: a real S3 API (moto's standalone server on loopback, started
here), incremental by content hash, the index last, the right headers, and the push on publish."""

from __future__ import annotations

import hashlib
import json
import logging
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest

from helpers import SMALL_RULES, month_rows

DUE = datetime(2026, 4, 15, 1, 0, tzinfo=timezone.utc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(endpoint, monkeypatch, tmp_path):
    """A client of the test's server; AWS settings are the test's own, never the machine's."""
    import boto3

    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
                        "AWS_EC2_METADATA_DISABLED": "true", "ARENA_S3_ENDPOINT_URL": endpoint}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path / "instance"))
    client = boto3.client("s3", endpoint_url=endpoint)
    bucket = f"site-{tmp_path.name.replace('_', '-').lower()[-40:]}".strip("-")
    client.create_bucket(Bucket=bucket)
    client.bucket = bucket  # the test's own bucket
    return client


def contest_db(path: Path, periods=("2026-02", "2026-03")):
    from arena import services
    from arena.services import publishing
    from arena.store.db import connect, migrate

    db = connect(str(path))
    migrate(db)
    services.save_rules(db, SMALL_RULES, actor="t")
    rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")
    for period in periods:
        publishing.publish(db, "small", period, actor="t", now=DUE)
    return db


def objects(s3, prefix: str) -> dict[str, bytes]:
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket, Prefix=prefix)
            for o in page.get("Contents", [])]
    return {k[len(prefix):]: s3.get_object(Bucket=s3.bucket, Key=k)["Body"].read() for k in keys}


def recorder(s3) -> list[str]:
    """The keys of every PutObject this client sends, in order."""
    put: list[str] = []
    s3.meta.events.register("before-call.s3.PutObject", lambda params, **_: put.append(params["url_path"]))
    return put


def test_the_push_uploads_the_whole_site_then_only_what_changed(s3, tmp_path):
    from arena import config, services
    from arena.export import s3 as push_s3
    from arena.export.static_site import export_static

    db = contest_db(tmp_path / "arena.db")
    url = f"s3://{s3.bucket}/pub/"
    local = export_static(db, tmp_path / "local", instance_path=str(config.instance_path()))
    first = push_s3.push_folder(tmp_path / "local", url, s3)
    stored = objects(s3, "pub/")
    on_disk = {p.relative_to(tmp_path / "local").as_posix(): p.read_bytes()
               for p in (tmp_path / "local").rglob("*") if p.is_file()}
    assert stored == on_disk and first["uploaded"] == len(on_disk) >= local["files"]

    page = s3.head_object(Bucket=s3.bucket, Key="pub/contests/small/2026-03/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == f"public, max-age={push_s3.PAGE_MAX_AGE}"
    board = next(k for k in stored if k.startswith("contests/small/2026-03/board-phone."))
    head = s3.head_object(Bucket=s3.bucket, Key=f"pub/{board}")
    assert (head["ContentType"], head["CacheControl"]) == ("image/png", "public, max-age=31536000, immutable")
    assert head["Metadata"]["sha256"] == hashlib.sha256(stored[board]).hexdigest()
    manifest = s3.head_object(Bucket=s3.bucket, Key="pub/contests/small/publications.json")
    assert manifest["ContentType"] == "application/json; charset=utf-8"

    assert push_s3.push_folder(tmp_path / "local", url, s3)["uploaded"] == 0  # nothing changed

    services.import_results(db, "small", json.dumps(month_rows("2026-04")).encode(), fmt="json", actor="t")
    from arena.services import publishing

    publishing.publish(db, "small", "2026-04", actor="t", now=datetime(2026, 5, 15, 1, 0, tzinfo=timezone.utc))
    export_static(db, tmp_path / "local", instance_path=str(config.instance_path()))
    put = recorder(s3)
    again = push_s3.push_folder(tmp_path / "local", url, s3)
    assert 0 < again["uploaded"] < again["files"]
    assert len(put) == again["uploaded"]
    assert any("/2026-04/board-phone." in k for k in put)
    assert not any("/2026-03/board-phone." in k for k in put)  # hashed, unchanged: not sent again
    assert put[-1].endswith("/pub/index.html")  # the index last
    stages = [push_s3.stage(k.split("/pub/", 1)[1])[0] for k in put]
    assert stages == sorted(stages) and stages[0] == 0 and stages[-2:] == [3, 4]  # hashed first, pages after
    pages_from = min(i for i, k in enumerate(put) if k.endswith((".html", "publications.json")))
    assert all(not k.endswith(".html") for k in put[:pages_from])
    assert objects(s3, "pub/")["index.html"] == (tmp_path / "local" / "index.html").read_bytes()
    db.close()


def test_a_stable_name_with_other_bytes_is_replaced(s3, tmp_path):
    """Someone edited an object by hand: its sha256 differs, so the next push puts ours back."""
    from arena.export import s3 as push_s3

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>ours</p>")
    url = f"s3://{s3.bucket}/x"
    push_s3.push_folder(site, url, s3)
    s3.put_object(Bucket=s3.bucket, Key="x/index.html", Body=b"<p>edit</p>")  # same size, other bytes
    assert push_s3.push_folder(site, url, s3)["uploaded"] == 1
    assert objects(s3, "x/")["index.html"] == b"<p>ours</p>"


def test_the_command_pushes_and_says_what_it_uploaded(s3, tmp_path, monkeypatch, capsys):
    from arena.cli import main

    contest_db(tmp_path / "arena.db").close()
    monkeypatch.setenv("ARENA_DATABASE", str(tmp_path / "arena.db"))
    assert main(["export-static", f"s3://{s3.bucket}/site"]) == 0
    out = capsys.readouterr().out
    assert "uploaded, 0 unchanged" in out
    assert "index.html" in objects(s3, "site/")
    assert main(["export-static", f"s3://{s3.bucket}/site"]) == 0
    assert "(0 uploaded" in capsys.readouterr().out


@pytest.mark.parametrize("target, message", [
    ("s3://", "not an S3 address"),
    ("s3://Bad_Bucket/x", "not an S3 address"),
    ("s3://no-such-bucket-here/x", "NoSuchBucket"),
])
def test_a_bad_address_is_one_clear_error(s3, tmp_path, monkeypatch, capsys, target, message):
    from arena.cli import main

    contest_db(tmp_path / "arena.db", periods=("2026-02",)).close()
    monkeypatch.setenv("ARENA_DATABASE", str(tmp_path / "arena.db"))
    assert main(["export-static", target]) == 1
    err = capsys.readouterr().err
    assert err.startswith("arena: ") and message in err and "Traceback" not in err


def test_a_publication_pushes_as_it_is_made_and_a_failed_push_is_caught_up(s3, tmp_path, monkeypatch, caplog):
    from arena.export import push
    from arena.services import publishing

    monkeypatch.setattr(publishing, "AFTER_PUBLISH", [])
    push.register()  # as `arena publish`, `scheduler` and `serve` do
    db = contest_db(tmp_path / "arena.db", periods=())
    monkeypatch.setenv("ARENA_PUSH_ON_PUBLISH", f"s3://{s3.bucket}/live")
    publishing.publish(db, "small", "2026-02", actor="t", now=DUE)
    assert "contests/small/2026-02/index.html" in objects(s3, "live/")

    monkeypatch.setenv("ARENA_PUSH_ON_PUBLISH", "s3://missing-bucket/live")
    with caplog.at_level(logging.ERROR, logger="arena.export"):
        row, created = publishing.publish(db, "small", "2026-03", actor="t", now=DUE)
    assert created and row["revision"] == 1  # the publication stands
    assert any("push of the static export" in r.getMessage() for r in caplog.records)
    assert "contests/small/2026-03/index.html" not in objects(s3, "live/")

    monkeypatch.setenv("ARENA_PUSH_ON_PUBLISH", f"s3://{s3.bucket}/live")
    done = publishing.publish_due(db, DUE, actor="scheduler")  # January and Q1 fall due: one push for the pass
    assert [p["period"] for p in done] == ["2026-01", "2026-Q1"]
    live = objects(s3, "live/")
    assert {"contests/small/2026-03/index.html", "contests/small/2026-Q1/index.html"} <= set(live)
    db.close()
