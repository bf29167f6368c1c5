"""Push a static export folder to S3-compatible object storage, incrementally and in order.

The prefix is listed once. A file is uploaded only when its object is missing or holds other
bytes: a content-hashed name (``board-phone.3f2a9c1e07.png``) that is listed with the same
size holds the same bytes; a stable name (``index.html``) is compared by the sha256 kept in
its object's metadata (``x-amz-meta-sha256``), read with a HEAD only when the listed ETag is
not simply the MD5 of our bytes (multipart or encrypted uploads on some stores).

Uploads go in stages, each finished before the next starts: hashed files, other stable files,
pages, publications.json, and the site's index.html last. A reader who follows a link from any
page thus finds every file it names, even in the middle of a push.

boto3 is imported here only: no other command pays for it.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Mapping

from arena.errors import ArenaError

HASHED = re.compile(r"\.[0-9a-f]{10}\.[A-Za-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
PAGE_MAX_AGE = 60  # pages and indexes change with each publication: a CDN rechecks them soon
TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf",
         ".ttc": "font/collection", ".js": "text/javascript"}
TEXT_TYPES = ("application/json", "text/javascript", "image/svg+xml")
PARALLEL = 8


def parse_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (bucket, "some/prefix/"); the prefix may be empty."""
    rest = url[len("s3://"):] if url.startswith("s3://") else None
    bucket, _, prefix = (rest or "").partition("/")
    if not re.fullmatch(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]", bucket):
        raise ArenaError(f"{url}: not an S3 address; write s3://BUCKET/PREFIX (a bucket name of 3 to 63 "
                         "lower-case letters, digits, dots and hyphens)")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def client(settings: Mapping[str, Any]):
    """A boto3 S3 client: endpoint and region from the settings, credentials by boto3's own chain
    (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ~/.aws, an instance role)."""
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=settings.get("S3_ENDPOINT_URL") or None,
                        region_name=settings.get("S3_REGION") or None,
                        config=Config(retries={"max_attempts": 5, "mode": "standard"},
                                      max_pool_connections=PARALLEL))


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    kind = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind in TEXT_TYPES else kind


def cache_control(name: str) -> str:
    return IMMUTABLE if HASHED.search(name) else f"public, max-age={PAGE_MAX_AGE}"


def stage(name: str) -> tuple[int, int, str]:
    """Upload order: hashed files, other stable files, pages (deepest first), publications.json,
    then the site's index.html."""
    if name == "index.html":
        rank = 4
    elif Path(name).name == "publications.json":
        rank = 3
    elif name.endswith(".html"):
        rank = 2
    else:
        rank = 0 if HASHED.search(name) else 1
    return rank, -name.count("/"), name


def _listing(s3, bucket: str, prefix: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            found[obj["Key"]] = {"size": obj["Size"], "etag": obj.get("ETag", "").strip('"')}
    return found


def _unchanged(s3, bucket: str, key: str, name: str, body: bytes, sha: str, listed: dict | None) -> bool:
    if listed is None or listed["size"] != len(body):
        return False
    if HASHED.search(name):
        return True  # the name carries the content hash
    if listed["etag"] == hashlib.md5(body, usedforsecurity=False).hexdigest():
        return True
    return s3.head_object(Bucket=bucket, Key=key).get("Metadata", {}).get("sha256") == sha


def push_folder(folder: str | Path, url: str, s3) -> dict[str, Any]:
    """Upload what is new or changed under ``folder`` to ``url``; returns the counts and the keys uploaded."""
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, prefix = parse_url(url)
    folder = Path(folder)
    names = sorted((p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
                    and not p.name.endswith(".tmp")), key=stage)
    uploaded: list[str] = []

    def one(name: str) -> str | None:
        body = (folder / name).read_bytes()
        sha, key = hashlib.sha256(body).hexdigest(), prefix + name
        if _unchanged(s3, bucket, key, name, body, sha, listed.get(key)):
            return None
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type(name),
                      CacheControl=cache_control(name), Metadata={"sha256": sha})
        return key

    try:
        listed = _listing(s3, bucket, prefix)
        with ThreadPoolExecutor(PARALLEL) as pool:
            for rank in range(5):
                batch = [n for n in names if stage(n)[0] == rank]
                uploaded += [k for k in pool.map(one, batch) if k]  # the whole stage, before the next
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise ArenaError(f"{url}: the storage refused: {error.get('Code')}: {error.get('Message')}") from None
    except BotoCoreError as exc:  # no credentials, endpoint unreachable, ...
        raise ArenaError(f"{url}: cannot reach the storage: {exc}") from None
    return {"url": url, "files": len(names), "uploaded": len(uploaded), "unchanged": len(names) - len(uploaded),
            "keys": uploaded}
