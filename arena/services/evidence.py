"""Evidence files (佐证材料): checked by content, stored by sha256 outside the database, seen
only by organizers and the person who attached them, and every download audited.

A file's type is what its bytes are, never what its name says: a PDF starts with ``%PDF-``,
an Office file is a ZIP with ``[Content_Types].xml`` (or an OLE2 compound file: .doc, .xls,
.wps), an image has its format's signature. Anything else is refused with a 415.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from arena.errors import NotFound, PayloadTooLarge, UnsupportedMediaType
from arena.store import audit, evidence
from arena.store.db import transaction
from arena.support.atomic import write_atomic

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML = {"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
         "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
         "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "演示文稿")}
MAX_NAME = 120


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_files: int = 10

    @classmethod
    def from_settings(cls, config) -> "Limits":
        return cls(int(config["EVIDENCE_MAX_BYTES"]), int(config["EVIDENCE_MAX_FILES"]))


def sniff(data: bytes) -> str | None:
    """The media type the bytes are, or None when they are none of the accepted kinds."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(OLE2):
        return "application/x-ole-storage"  # .doc, .xls, .ppt, WPS's .wps and .et
    if data.startswith(b"PK\x03\x04"):
        try:  # the central directory only: nothing is unpacked
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            for prefix, (media_type, _) in OOXML.items():
                if any(n.startswith(prefix) for n in names):
                    return media_type
    return None


def clean_name(name: str) -> str:
    """The file's own name, without folders or control characters, at most MAX_NAME characters."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    name = "".join(c for c in name if c.isprintable())
    if not name or name in (".", ".."):
        name = "佐证材料"
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:MAX_NAME - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name


def check(files: list[tuple[str, bytes]], limits: Limits) -> list[tuple[str, bytes, str]]:
    """(name, bytes, media type) of each file, or the refusal naming the first file that is
    too large or of a kind not accepted; names made unique (材料.pdf, 材料 (2).pdf)."""
    if len(files) > limits.max_files:
        raise PayloadTooLarge(f"一次最多附 {limits.max_files} 个佐证材料（收到 {len(files)} 个）",
                           [{"field": "files", "message": f"at most {limits.max_files}"}])
    checked, seen = [], set()
    for raw_name, data in files:
        name = clean_name(raw_name)
        if len(data) > limits.max_bytes:
            raise PayloadTooLarge(f"佐证材料 {name} 有 {len(data):,} 字节，超过上限 {limits.max_bytes:,} 字节",
                               [{"field": "files", "file": name, "message": "too large"}])
        media_type = sniff(data)
        if media_type is None:
            raise UnsupportedMediaType(f"佐证材料 {name} 不是可接受的文件：请上传 PDF、图片（PNG、JPEG、WebP）"
                                  "或 Office / WPS 文档（按文件内容判断，不看扩展名）",
                                  [{"field": "files", "file": name, "message": "not PDF, image or Office"}])
        stem, dot, ext = name.rpartition(".")
        unique, n = name, 2
        while unique in seen:
            unique = f"{stem} ({n}).{ext}" if dot else f"{name} ({n})"
            n += 1
        seen.add(unique)
        checked.append((unique, data, media_type))
    return checked


def blob_path(folder: str | os.PathLike, sha256: str) -> Path:
    return Path(folder) / sha256[:2] / sha256


def attach(db, folder: str | os.PathLike, checked: list[tuple[str, bytes, str]], *, contest: str, actor: str,
           now: str, submission: int | None = None, objection: int | None = None) -> list[dict]:
    """Store checked files and their rows; call inside the caller's transaction. The bytes are
    written (whole, fsynced) before the rows commit: a rollback leaves at most an unreferenced
    blob, never a row without its file."""
    rows = []
    for name, data, media_type in checked:
        sha = hashlib.sha256(data).hexdigest()
        path = blob_path(folder, sha)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data, 0o600)
        ident = evidence.add(db, contest=contest, name=name, media_type=media_type, size=len(data), sha256=sha,
                             stored_by=actor, now=now, submission=submission, objection=objection)
        rows.append({"id": ident, "name": name, "media_type": media_type, "size": len(data), "sha256": sha})
    return rows


def read(db, folder: str | os.PathLike, row: dict, *, actor: str, now: str) -> bytes:
    """The bytes of an evidence row, checked against its sha256; the download is audited."""
    path = blob_path(folder, row["sha256"])
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"佐证材料 {row['name']} 的文件不在存储中（请从备份恢复 evidence 目录）") from None
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise NotFound(f"佐证材料 {row['name']} 的文件已损坏（sha256 不符）")
    owner = f"submission {row['submission']}" if row["submission"] is not None else f"objection {row['objection']}"
    with transaction(db):
        audit.record(db, actor=actor, action="evidence.download", contest=row["contest"],
                     target=f"{owner}: {row['name']}", after=row["sha256"], now=now)
    return data
