"""Published sheets come from memory: 304 before any sheet is read, gzip for big sheets."""

from __future__ import annotations

import gzip
import json

from arena.http.api import frozen
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


def test_a_correction_committed_between_the_two_reads_never_fills_the_older_revisions_bytes(world, monkeypatch):
    """head() reads revision 1's hash; a correction lands before the sheet is read: the bytes kept
    under revision 1's hash must still be revision 1's."""
    from arena import services
    from arena.services import publishing
    from helpers import month_rows

    monkeypatch.setattr(frozen, "_kept", type(frozen._kept)())
    real_get = publications.get

    def correction_first(db, cid, period, revision=None):
        other = world.db()
        rows = [dict(r, value=r["value"] + 5) for r in month_rows("2026-02")]
        services.import_results(other, "small", json.dumps(rows).encode(), fmt="json", actor="test")
        publishing.publish(other, "small", "2026-02", actor="test", note="更正")
        other.close()
        monkeypatch.setattr(publications, "get", real_get)
        return real_get(db, cid, period, revision)

    monkeypatch.setattr(publications, "get", correction_first)
    client = world.client()
    racing = client.get(URL)
    assert racing.get_json()["revision"] == 1
    pinned = client.get(URL + "?revision=1")
    assert pinned.get_json()["revision"] == 1 and pinned.get_json()["note"] is None
    assert client.get(URL).get_json()["revision"] == 2


def test_a_weak_if_none_match_is_a_match(world):
    client = world.client()
    etag = client.get(URL).headers["ETag"]
    assert client.get(URL, headers={"If-None-Match": f"W/{etag}"}).status_code == 304


def test_gzip_refused_with_q_zero_is_not_sent(world, monkeypatch):
    monkeypatch.setattr(frozen, "_GZIP_FROM", 10)
    monkeypatch.setattr(frozen, "_kept", type(frozen._kept)())
    client = world.client()
    for refusal in ("gzip;q=0", "deflate, gzip;q=0", "identity"):
        answer = client.get(URL, headers={"Accept-Encoding": refusal})
        assert "Content-Encoding" not in answer.headers and json.loads(answer.data)["period"] == "2026-02"
    assert client.get(URL, headers={"Accept-Encoding": "*"}).headers["Content-Encoding"] == "gzip"
