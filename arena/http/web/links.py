"""Where each page and file lives: URLs of the running app, or relative paths in an export.

Templates only ever call a ``links`` object, so one template serves both the live pages and
the static export (where every link is relative and files carry their content hash).
"""

from __future__ import annotations

import posixpath
from typing import Mapping

from flask import url_for


class LiveLinks:
    """Links of the running app (the web blueprint's routes)."""

    static = False

    def index(self) -> str:
        return url_for("web.index")

    def contest(self, cid: str) -> str:
        return url_for("web.contest", cid=cid)

    def period(self, cid: str, period: str) -> str:
        return url_for("web.period", cid=cid, period=period)

    def unit(self, cid: str, code: str) -> str:
        return url_for("web.unit", cid=cid, code=code)

    def flags(self, cid: str) -> str:
        return url_for("web.flags", cid=cid)

    def rules(self, cid: str) -> str:
        return url_for("web.rules", cid=cid)

    def screen(self, cid: str) -> str:
        return url_for("web.screen", cid=cid)

    def version(self, cid: str) -> str:
        return url_for("web.screen_version", cid=cid)

    def board(self, cid: str, period: str, size: str = "phone") -> str:
        return url_for("web.board", cid=cid, period=period, fmt="png", **({"size": size} if size != "phone" else {}))

    def heatmap(self, cid: str, period: str) -> str:
        return url_for("web.heatmap", cid=cid, period=period)

    def chart(self, cid: str, code: str) -> str:
        return url_for("web.unit_chart", cid=cid, code=code)

    def xlsx(self, cid: str, period: str) -> str:
        return url_for("web.workbook", cid=cid, period=period)

    def json(self, cid: str, period: str, revision: int | None = None) -> str:
        return url_for("web.sheet_json", cid=cid, period=period, **({"revision": revision} if revision else {}))

    def asset(self, name: str) -> str:
        return url_for("web.static", filename=name)

    def webfont(self) -> str | None:
        return url_for("web.webfont")


class StaticLinks:
    """Relative links between the files of a static export.

    ``here`` is the path of the page being written; ``files`` maps an asset's logical name
    (e.g. ``contests/x/2026-06/board.png``) to the hashed file written for it.
    """

    static = True

    def __init__(self, here: str, files: Mapping[str, str]):
        self.here, self.files = here, files

    def _rel(self, target: str) -> str:
        return posixpath.relpath(target, posixpath.dirname(self.here) or ".")

    def _file(self, logical: str) -> str:
        return self._rel(self.files[logical])

    def index(self) -> str:
        return self._rel("index.html")

    def contest(self, cid: str) -> str:
        return self._rel(f"contests/{cid}/index.html")

    def period(self, cid: str, period: str) -> str:
        return self._rel(f"contests/{cid}/{period}/index.html")

    def unit(self, cid: str, code: str) -> str:
        return self._rel(f"contests/{cid}/units/{code}/index.html")

    def flags(self, cid: str) -> str:
        return self._rel(f"contests/{cid}/flags.html")

    def rules(self, cid: str) -> str:
        return self._rel(f"contests/{cid}/rules.html")

    def screen(self, cid: str) -> str:
        return self._rel(f"contests/{cid}/screen.html")

    def version(self, cid: str) -> str:
        return self._rel(f"contests/{cid}/screen-version.json")

    def board(self, cid: str, period: str, size: str = "phone") -> str:
        return self._file(f"contests/{cid}/{period}/board-{size}.png")

    def heatmap(self, cid: str, period: str) -> str:
        return self._file(f"contests/{cid}/{period}/heatmap.png")

    def chart(self, cid: str, code: str) -> str:
        return self._file(f"contests/{cid}/units/{code}/chart.png")

    def xlsx(self, cid: str, period: str) -> str:
        return self._file(f"contests/{cid}/{period}/sheet.xlsx")

    def json(self, cid: str, period: str, revision: int | None = None) -> str:
        return self._file(f"contests/{cid}/{period}/sheet{'.r%d' % revision if revision else ''}.json")

    def asset(self, name: str) -> str:
        return self._file(f"assets/{name}")

    def webfont(self) -> str | None:
        return self._file("assets/cjk-font") if "assets/cjk-font" in self.files else None
