"""Published sheets served from memory: each worker keeps the frozen bytes (and their gzip)
by the sheet's sha256, which never changes for a publication, so a hot sheet costs one indexed
lookup of its hash and no JSON work at all; a matching If-None-Match is answered before any
sheet is read."""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

from flask import Response, current_app, request

from arena.store import publications

_LIMIT = 64 * 1024 * 1024  # bytes kept per worker, plain and gzip together
_GZIP_FROM = 32 * 1024  # smaller sheets go plain: compressing them costs more than it saves
_lock = threading.Lock()
_kept: OrderedDict[str, tuple[bytes, bytes]] = OrderedDict()
_size = 0


def _bytes(db, cid: str, period: str, revision: int, sha: str) -> tuple[bytes, bytes]:
    global _size
    with _lock:
        found = _kept.get(sha)
        if found is not None:
            _kept.move_to_end(sha)
            return found
    plain = publications.get(db, cid, period, revision)["sheet"].encode("utf-8")
    pair = (plain, gzip.compress(plain, compresslevel=6, mtime=0) if len(plain) >= _GZIP_FROM else b"")
    with _lock:
        if sha not in _kept:
            _kept[sha] = pair
            _size += len(pair[0]) + len(pair[1])
            while _size > _LIMIT and len(_kept) > 1:
                _, (a, b) = _kept.popitem(last=False)
                _size -= len(a) + len(b)
    return pair


def sheet_response(db, cid: str, period: str, revision: int | None, *, cache_control: str) -> Response:
    """The stored sheet: 304 on a matching ETag, gzip when the client takes it."""
    row = publications.head(db, cid, period, revision)  # NotFound when unpublished
    sha = row["sheet_sha256"]
    accepts_gzip = request.accept_encodings["gzip"] > 0  # "gzip;q=0" refuses it
    headers = {"Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    wanted = request.if_none_match  # compared weakly, as RFC 9110 says (a proxy may weaken ETags)
    if wanted.contains_weak(sha) or wanted.contains_weak(f"{sha}-gz"):
        etag = f"{sha}-gz" if wanted.contains_weak(f"{sha}-gz") else sha
        return Response(status=304, headers={**headers, "ETag": f'"{etag}"'})
    # by the revision just read: a correction committed meanwhile must not fill this sha's bytes
    plain, packed = _bytes(db, cid, period, row["revision"], sha)
    gz_ok = accepts_gzip and bool(packed)
    headers["ETag"] = f'"{sha}-gz"' if gz_ok else f'"{sha}"'  # each representation its own strong ETag
    response = current_app.response_class(packed if gz_ok else plain, mimetype="application/json", headers=headers)
    if gz_ok:
        response.headers["Content-Encoding"] = "gzip"
    return response
