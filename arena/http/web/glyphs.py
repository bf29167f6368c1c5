"""The characters the public pages can show, and the web font cut to them (render.webfont):
the templates, the modules that write words onto the pages, and what the contests put there."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from arena.http.web import data
from arena.render import fonts, webfont

HERE = Path(__file__).resolve().parent
# besides the templates, these write Chinese onto the pages (labels, notices, the 考核细则)
WORDS = ("render/words.py", "render/rules_words.py", "services/staleness.py", "http/web/pages.py",
         "http/web/data.py", "http/web/reveal.py")


@lru_cache(maxsize=1)
def _fixed() -> str:
    root = HERE.parent.parent
    return webfont.template_text([HERE / "templates"]) + "".join((root / p).read_text(encoding="utf-8") for p in WORDS)


def page_chars(db) -> str:
    return webfont.glyph_set(_fixed(), data.page_texts(db))


def page_font(db, folder: str | Path) -> Path:
    """The WOFF2 subset for the pages as they stand now, cut once per set of characters."""
    return webfont.subset_file(fonts.web_font(), page_chars(db), folder)[0]


def page_font_bytes(db, folder: str | Path | None) -> bytes:
    """The same subset's bytes; without a folder to keep it in, cut now."""
    if folder is None:
        return webfont.subset_woff2(fonts.web_font(), page_chars(db))
    return page_font(db, folder).read_bytes()
