"""`arena export-static DIR` and `arena board`: published things only, hashed names, relative links.

The small contest (tests/helpers.py) has results for January to March; February, March and the
first quarter are published, January is not.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

DUE = datetime(2026, 4, 15, 1, 0, tzinfo=timezone.utc)
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})\.(?P<ext>[a-z0-9]+)$")
STABLE = {"index.html", "flags.html", "rules.html", "screen.html", "publications.json", "screen-version.json"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The small contest with February, March and Q1 published, exported once: (db, root, site)."""
    import json

    from arena import services
    from arena.export.static_site import export_static
    from arena.services import publishing
    from arena.store.db import connect, migrate

    from helpers import SMALL_RULES, month_rows

    root = tmp_path_factory.mktemp("export")
    db = connect(str(root / "arena.db"))
    migrate(db)
    services.save_rules(db, SMALL_RULES, actor="t")
    rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")
    for period in ("2026-02", "2026-03", "2026-Q1"):
        publishing.publish(db, "small", period, actor="t", now=DUE)
    done = export_static(db, root / "site", instance_path=str(root / "instance"))
    assert done["contests"] == 1
    yield db, root, root / "site"
    db.close()


@pytest.fixture
def published(world, monkeypatch):
    db, root, _ = world
    monkeypatch.setenv("ARENA_DATABASE", str(root / "arena.db"))
    monkeypatch.setenv("ARENA_INSTANCE", str(root / "instance"))
    return db


@pytest.fixture
def site(world):
    return world[2]


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_the_site_has_every_published_page(site):
    for page in ("index.html", "contests/small/index.html", "contests/small/2026-02/index.html",
                 "contests/small/2026-03/index.html", "contests/small/2026-Q1/index.html",
                 "contests/small/units/A/index.html", "contests/small/flags.html", "contests/small/screen.html"):
        assert (site / page).is_file(), page


def test_nothing_unpublished_is_written(site):
    assert not (site / "contests" / "small" / "2026-01").exists()
    for path in files(site):
        assert "2026-01" not in path.as_posix()
        if path.suffix in (".html", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "2026年1月" not in text and '"period":"2026-01"' not in text


def test_files_carry_their_content_hash(site):
    for path in files(site):
        if path.name in STABLE:
            continue
        match = HASHED.match(path.name)
        assert match, path
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:10] == match["hash"]


def test_every_relative_link_resolves_to_a_file(site):
    checked = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for link in re.findall(r'(?:src|href)="([^"]*)"', text) + re.findall(r'url\("([^"]*)"\)', text):
            if link.startswith("data:"):
                continue
            assert not link.startswith(("/", "http:", "https:")), f"{page}: {link} is not relative"
            assert (page.parent / link).resolve().is_file(), f"{page}: {link} is missing"
            checked += 1
    assert checked > 50


def test_sheets_are_the_frozen_json_text(published, site):
    from arena.store import publications

    stored = publications.get(published, "small", "2026-03")["sheet"]
    (json_file,) = [p for p in (site / "contests/small/2026-03").iterdir() if p.name.startswith("sheet.r1.")]
    assert json_file.read_text(encoding="utf-8") == stored
    boards = [p.name for p in (site / "contests/small/2026-03").iterdir() if p.name.startswith("board-")]
    assert sorted(HASHED.match(b)["stem"] for b in boards) == ["board-phone", "board-screen"]


def test_exporting_again_rewrites_only_the_pages(world):
    from arena.export.static_site import export_static

    db, root, site = world
    before = {p: p.stat().st_mtime_ns for p in files(site) if p.name not in STABLE and p.suffix != ".html"}
    done = export_static(db, site, instance_path=str(root / "instance"))
    assert all(p.stat().st_mtime_ns == t for p, t in before.items())
    # rewritten: the pages and the two stable JSON files (publications.json, screen-version.json)
    assert done["written"] == len([p for p in files(site) if p.suffix == ".html" or p.name in STABLE - {
        "index.html", "flags.html", "screen.html"}])
    assert done["files"] == len(files(site))


def test_the_export_is_readable_by_another_user_and_its_summary_counts_it(world, tmp_path):
    import os
    import stat

    from arena.export.static_site import export_static

    db, root, _ = world
    old = os.umask(0o022)  # the usual umask: files 0644, folders 0755
    try:
        done = export_static(db, tmp_path / "fresh", instance_path=str(root / "instance"))
    finally:
        os.umask(old)
    written = files(tmp_path / "fresh")
    folders = [p for p in (tmp_path / "fresh").rglob("*") if p.is_dir()]
    assert written and folders
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == {"0o644"}
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in folders + [tmp_path / "fresh"]} == {"0o755"}
    # a first export writes every file it lists, and lists every file there is
    assert done["files"] == done["written"] == len(written)


def test_cli_board_writes_png_or_svg_of_a_published_period(published, tmp_path, capsys):
    from arena.cli import main

    png, svg = tmp_path / "b.png", tmp_path / "b.svg"
    assert main(["board", "small", "2026-03", "-o", str(png)]) == 0
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == 1080
    assert main(["board", "small", "2026-Q1", "-o", str(svg), "--size", "screen"]) == 0
    assert svg.read_bytes().startswith(b"<?xml")
    assert "revision 1" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["board", "small", "2026-01", "-o", "x.png"], "is not published"),
    (["board", "small", "2026-03", "-o", "x.gif"], "name a .png or .svg file"),
])
def test_cli_board_refuses_drafts_and_other_formats(published, tmp_path, capsys, args, message):
    from arena.cli import main

    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    assert main(args) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_cli_export_static(published, tmp_path, capsys):
    from arena.cli import main

    assert main(["export-static", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "index.html").is_file()
    assert "1 contests" in capsys.readouterr().out


def test_an_export_cut_off_mid_file_leaves_no_half_file_under_a_hashed_name(world, tmp_path, monkeypatch):
    """The disk fills half-way through the first file; the next export then writes every file whole."""
    import os

    from arena.export.static_site import export_static
    from arena.support import atomic

    db, root, _ = world
    real_fdopen = os.fdopen

    class HalfThenFull:
        def __init__(self, fd, mode):
            self.f = real_fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "fdopen", lambda fd, mode: HalfThenFull(fd, mode))
        with pytest.raises(OSError):
            export_static(db, tmp_path / "site", instance_path=str(tmp_path / "instance"))
    assert not [p for p in files(tmp_path / "site") if p.name.endswith(".tmp")]
    export_static(db, tmp_path / "site", instance_path=str(tmp_path / "instance"))
    test_files_carry_their_content_hash(tmp_path / "site")
    assert (tmp_path / "site" / "contests/small/2026-03/index.html").is_file()


def test_a_publication_made_during_the_export_waits_for_the_next_one(tmp_path, monkeypatch):
    """January is published from another connection in the middle of the export: the export
    still ends well, with the site as it was when it began."""
    import json

    from arena import services
    from arena.export import static_site as static_export
    from arena.services import publishing
    from arena.store.db import connect, migrate
    from helpers import SMALL_RULES, month_rows

    db = connect(str(tmp_path / "arena.db"))
    migrate(db)
    services.save_rules(db, SMALL_RULES, actor="t")
    rows = [r for m in ("2026-01", "2026-02") for r in month_rows(m)]
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")
    publishing.publish(db, "small", "2026-02", actor="t", now=DUE)
    real_period_files = static_export._period_files

    def period_files_while_january_is_published(site, db_, cid, period):
        if not (tmp_path / "published").exists():
            (tmp_path / "published").touch()
            other = connect(str(tmp_path / "arena.db"))
            publishing.publish(other, "small", "2026-01", actor="t", now=DUE)
            other.close()
        return real_period_files(site, db_, cid, period)

    monkeypatch.setattr(static_export, "_period_files", period_files_while_january_is_published)
    done = static_export.export_static(db, tmp_path / "site", instance_path=str(tmp_path / "instance"))
    assert done["contests"] == 1
    assert not (tmp_path / "site" / "contests" / "small" / "2026-01").exists()
    listed = json.loads((tmp_path / "site" / "contests" / "small" / "publications.json").read_text(encoding="utf-8"))
    assert [p["period"] for p in listed["publications"]] == ["2026-02"]


def test_an_export_without_an_instance_renders_everything_and_keeps_nothing(world, tmp_path):
    from arena.export.static_site import export_static

    db, root, site = world
    done = export_static(db, tmp_path / "bare")
    assert done["contests"] == 1
    # the font is cut to the glyphs of the pages as they stand: a note added since changes it
    font = re.compile(r"(cjk-font\.[0-9a-f]+\.woff2|font\.[0-9a-f]+\.css)")  # font.css names the font
    assert sorted(font.sub("font", p.relative_to(tmp_path / "bare").as_posix()) for p in files(tmp_path / "bare")) == \
        sorted(font.sub("font", p.relative_to(site).as_posix()) for p in files(site))
    test_files_carry_their_content_hash(tmp_path / "bare")
