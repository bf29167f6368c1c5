"""Published sheets come from memory: 304 before any sheet is read, gzip for big sheets."""

from __future__ import annotations

import gzip
import json

from arena.api import frozen
from arena.store import publications

URL = "/api/contests/small/scores/2026-02"


def test_a_matching_etag_is_answered_without_reading_the_sheet(world, monkeypatch):  # noqa: F811
    client = world.client()
    first = client.get(URL)
    assert first.status_code == 200 and first.headers["Vary"] == "Accept-Encoding"
    etag = first.headers["ETag"]

    def no_sheet_reads(*args, **kwargs):
        raise AssertionError("the sheet was read for a 304")

    monkeypatch.setattr(publications, "get", no_sheet_reads)
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag


def test_the_bytes_are_the_stored_publication_and_kept_per_worker(world, monkeypatch):  # noqa: F811
    client = world.client()
    stored = publications.get(world.db(), "small", "2026-02")["sheet"].encode()
    assert client.get(URL).data == stored
    monkeypatch.setattr(publications, "get", lambda *a, **k: (_ for _ in ()).throw(AssertionError("re-read")))
    assert client.get(URL).data == stored  # the second answer came from memory


def test_big_sheets_are_gzipped_for_clients_that_take_it(world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(frozen, "_GZIP_FROM", 10)  # the small test sheet counts as big here
    monkeypatch.setattr(frozen, "_kept", type(frozen._kept)())
    client = world.client()
    plain = client.get(URL)
    packed = client.get(URL, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert json.loads(plain.data)["period"] == "2026-02"
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gz"'  # its own strong ETag
    assert client.get(URL, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}).status_code == 304
