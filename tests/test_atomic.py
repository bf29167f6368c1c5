"""arena/atomic.py: the file reaches the disk before its name, and the name before we return."""

from __future__ import annotations

import os

import pytest


def test_the_file_is_fsynced_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    from arena.support import atomic

    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", "dir" if os.path.isdir(f"/proc/self/fd/{fd}") else "file"))
        real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", os.path.basename(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    atomic.write_atomic(tmp_path / "sub" / "page.html", b"<p>whole</p>")
    assert events == [("fsync", "file"), ("replace", "page.html"), ("fsync", "dir")]
    assert (tmp_path / "sub" / "page.html").read_bytes() == b"<p>whole</p>"
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["page.html"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    from arena.support import atomic

    target = tmp_path / "sheet.json"
    target.write_bytes(b"old")

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", no_space)
    with pytest.raises(OSError):
        atomic.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.json"]
