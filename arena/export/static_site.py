"""`arena export-static DIR`: every publication as files for any static host or CDN.

Written: each published sheet as JSON (every revision), its boards (phone and screen PNG), its
heat map and Excel workbook, each unit's chart, the pages as HTML with relative links, and
each closed jury's reveal (public once the jury is closed, as it is live).
Files other than pages carry a content hash in their name (``board-phone.3f2a9c1e07.png``),
so they can be cached for ever; pages keep stable names (``index.html``). Nothing unpublished
is written: the pages, like the live ones, read publications only.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from arena import services
from arena.http.web import data, glyphs, pages
from arena.http.web.links import StaticLinks
from arena.http.web.reveal import reveal_context
from arena.render import cache
from arena.services import staleness
from arena.store import juries, publications
from arena.support.atomic import write_atomic

ASSETS = Path(__file__).parent.parent / "http" / "web" / "static"


def _file_mode() -> int:
    """What open() would give a new file under the process's umask (0644 under the usual 022):
    a web server running as another user must be able to read the export."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class _Site:
    def __init__(self, out: Path, instance_path: str | None):
        self.out, self.instance = out, instance_path
        self.files: dict[str, str] = {}  # logical name -> hashed path, relative to out
        self.names: set[str] = set()  # every file of the export, relative to out
        self.written = 0
        self.mode = _file_mode()

    def write(self, name: str, body: bytes) -> None:
        write_atomic(self.out / name, body, self.mode)
        self.names.add(name)
        self.written += 1

    def put(self, logical: str, body: bytes) -> str:
        """Write ``body`` under a content-hashed name beside ``logical``; return that path."""
        path = PurePosixPath(logical)
        digest = hashlib.sha256(body).hexdigest()[:10]
        name = str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))
        target = self.out / name
        if not target.exists():
            self.write(name, body)
        elif target.stat().st_mode & 0o777 != self.mode:  # same bytes; an older export's 0600
            os.chmod(target, self.mode)
        self.names.add(name)
        self.files[logical] = name
        return name

    def page(self, here: str, template: str, context: dict[str, Any]) -> None:
        self.write(here, pages.render(template, StaticLinks(here, self.files), **context).encode("utf-8"))


def _assets(site: _Site, db) -> None:
    for name in ("arena.css", "screen.js", "reveal.js", "page.js"):
        site.put(f"assets/{name}", (ASSETS / name).read_bytes())
    # the glyphs the pages use, as the live app serves them (http.web.glyphs), not the 16 MB font
    name = site.put("assets/cjk-font.woff2", glyphs.page_font_bytes(db, site.instance))
    site.files["assets/cjk-font"] = name
    css = (ASSETS / "font.css").read_text(encoding="utf-8").replace("../fonts/cjk-font", PurePosixPath(name).name)
    site.put("assets/font.css", css.encode("utf-8"))


def _period_files(site: _Site, db, cid: str, period: str) -> None:
    pub = data.published(db, cid, period)
    base = f"contests/{cid}/{period}"
    for rev in data.revisions(db, cid, period):
        text = data.published(db, cid, period, rev["revision"]).row["sheet"]
        site.put(f"{base}/sheet.r{rev['revision']}.json", text.encode())
    site.put(f"{base}/sheet.json", pub.row["sheet"].encode())
    notice = staleness.public_notice(db, cid, pub.row)
    for size in ("phone", "screen"):
        site.put(f"{base}/board-{size}.png", cache.board_bytes(site.instance, pub.row, pub.contest, "png", size, notice))
    if pub.row["kind"] == "week":
        return  # a week's dispatch has its board (the lag chart) but no heat map or workbook
    site.put(f"{base}/heatmap.png", cache.heatmap_bytes(site.instance, pub.row, pub.contest))
    site.put(f"{base}/sheet.xlsx", cache.workbook_bytes(site.instance, pub.row, pub.contest, notice))


def _units(db, cid: str) -> list[str]:
    codes: list[str] = []
    for period, row in data.newest_revisions(db, cid).items():
        if row["kind"] == "week":
            continue  # a unit's page shows ranks: weeks have none
        for g in data.published(db, cid, period).sheet["groups"]:
            codes += [u["unit"] for u in g["units"] if u["unit"] not in codes]
    return codes


def _reveals(site: _Site, db, cid: str) -> None:
    """Each closed jury's reveal (揭晓), for the big screen; the host advances it by hand."""
    for jury in juries.listed(db, cid, status="closed"):
        site.page(f"contests/{cid}/juries/{jury['id']}/index.html", "reveal.html", reveal_context(db, cid, jury["id"]))


def _contest(site: _Site, db, cid: str) -> None:
    _reveals(site, db, cid)
    periods = list(data.newest_revisions(db, cid))
    if not periods:
        return
    for period in periods:
        _period_files(site, db, cid, period)
    name = data.contest_row(db, cid)["name"]
    listing = [{k: r[k] for k in ("period", "kind", "revision", "published_at", "note", "status", "notice_until",
                                  "sheet_sha256")}
               | {"file": PurePosixPath(site.files[f"contests/{cid}/{r['period']}/sheet.r{r['revision']}.json"])
                  .relative_to(f"contests/{cid}").as_posix()}
               for r in publications.list_all(db, cid)]
    manifest = {"contest": cid, "name": name, "publications": listing}  # a stable name: it lists the rest
    site.write(f"contests/{cid}/publications.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    units = _units(db, cid)
    for code in units:
        history = data.unit_history(db, cid, code)
        if history["months"]:
            chart = cache.unit_chart_bytes(site.instance, data.unit_stamp(db, cid, code), history,
                                           data.history_rules(db, cid, history))
            site.put(f"contests/{cid}/units/{code}/chart.png", chart)
    for period in periods:
        site.page(f"contests/{cid}/{period}/index.html", "period.html", pages.period_context(db, cid, period))
    for code in units:
        site.page(f"contests/{cid}/units/{code}/index.html", "unit.html", pages.unit_context(db, cid, code))
    site.page(f"contests/{cid}/flags.html", "flags.html", pages.flags_context(db, cid))
    site.page(f"contests/{cid}/rules.html", "rules.html", pages.rules_context(db, cid))
    if data.latest_month(db, cid):
        site.page(f"contests/{cid}/index.html", "period.html", pages.period_context(db, cid))
        site.page(f"contests/{cid}/screen.html", "screen.html", pages.screen_context(db, cid))
    version = json.dumps({"contest": cid, "version": data.version(db, cid)})
    site.write(f"contests/{cid}/screen-version.json", version.encode("utf-8"))


def export_static(db, out_dir: str | Path, *, instance_path: str | None = None) -> dict[str, Any]:
    """Write the static site into ``out_dir``; returns {"dir", "contests", "files", "written"}:
    ``files`` every file of the export, ``written`` those written now (a hashed file already
    there is kept). Files are 0644 and folders 0755 under the usual umask."""
    site = _Site(Path(out_dir), instance_path)
    site.out.mkdir(parents=True, exist_ok=True)
    _assets(site, db)
    # one read transaction: with WAL every read below sees the same snapshot, so a publication
    # made while the export runs is in the next export, not half in this one
    db.conn.execute("BEGIN")
    try:
        listed = services.list_contests(db)
        for c in listed:
            _contest(site, db, c["id"])
        site.page("index.html", "index.html", pages.index_context(db))
    finally:
        db.conn.execute("ROLLBACK")  # it only read
    return {"dir": str(site.out), "contests": len(listed), "files": len(site.names), "written": site.written}
