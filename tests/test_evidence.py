"""Evidence files: checked by their bytes, stored by sha256 outside the database, read back
checked and audited."""

import io
import zipfile

import pytest

from arena.errors import PayloadTooLarge, UnsupportedMediaType
from arena.services import evidence
from arena.store import audit
from arena.store.db import transaction


def ooxml(part: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize("data, media_type", [
    (b"%PDF-1.7\n...", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n....", "image/png"),
    (b"\xff\xd8\xff\xe0....", "image/jpeg"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    (evidence.OLE2 + b"\x00" * 100, "application/x-ole-storage"),
    (ooxml("word/document.xml"), evidence.OOXML["word/"][0]),
    (ooxml("xl/workbook.xml"), evidence.OOXML["xl/"][0]),
    (ooxml("ppt/presentation.xml"), evidence.OOXML["ppt/"][0]),
])
def test_a_file_is_known_by_its_bytes(data, media_type):
    assert evidence.sniff(data) == media_type


@pytest.mark.parametrize("data", [b"", b"hello", b"PK\x03\x04broken zip", b"<html><script>", b"MZ\x90\x00"])
def test_anything_else_is_not_accepted_whatever_its_name(data):
    assert evidence.sniff(data) is None
    with pytest.raises(UnsupportedMediaType) as err:
        evidence.check([("报告.pdf", data)], evidence.Limits())
    assert "报告.pdf" in err.value.message


def test_a_plain_zip_is_not_an_office_file():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<x/>")  # no [Content_Types].xml
    assert evidence.sniff(buf.getvalue()) is None


def test_limits_on_size_and_count_name_the_file():
    with pytest.raises(PayloadTooLarge) as err:
        evidence.check([("大.pdf", b"%PDF-" + b"0" * 100)], evidence.Limits(max_bytes=50))
    assert "大.pdf" in err.value.message
    with pytest.raises(PayloadTooLarge):
        evidence.check([("a.pdf", b"%PDF-")] * 3, evidence.Limits(max_files=2))


def test_names_lose_folders_and_control_characters_and_stay_unique():
    checked = evidence.check([("../../etc/材料.pdf", b"%PDF-1"), ("C:\\x\\材料.pdf", b"%PDF-2"),
                              ("a\x00b.png", b"\x89PNG\r\n\x1a\n")], evidence.Limits())
    assert [c[0] for c in checked] == ["材料.pdf", "材料 (2).pdf", "ab.png"]
    assert len(evidence.clean_name("很" * 300 + ".pdf")) == evidence.MAX_NAME


def test_stored_by_sha256_outside_the_database_read_back_and_audited(small, tmp_path):
    folder = tmp_path / "evidence"
    checked = evidence.check([("a.pdf", b"%PDF-one"), ("b.pdf", b"%PDF-one")], evidence.Limits())
    small.conn.execute("INSERT INTO submissions (contest, period, reporter, submitted_by, submitted_at, status)"
                       " VALUES ('small', '2026-01', 'organizer', 'u', 't', 'pending')")
    with transaction(small):
        rows = evidence.attach(small, folder, checked, contest="small", actor="u", now="t", submission=1)
    assert rows[0]["sha256"] == rows[1]["sha256"] and len(list(folder.rglob("*"))) == 2  # one folder, one blob
    blob = evidence.blob_path(folder, rows[0]["sha256"])
    assert blob.read_bytes() == b"%PDF-one" and (blob.stat().st_mode & 0o777) == 0o600
    from arena.store import evidence as store

    row = store.named(small, name="b.pdf", submission=1)
    assert evidence.read(small, folder, row, actor="organizer x", now="t2") == b"%PDF-one"
    assert audit.list_audit(small, action="evidence.download")[0]["target"] == "submission 1: b.pdf"
    blob.write_bytes(b"%PDF-changed")
    with pytest.raises(Exception) as err:
        evidence.read(small, folder, row, actor="x", now="t3")
    assert "损坏" in str(err.value)
