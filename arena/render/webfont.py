"""The pages' web font: a WOFF2 subset of the CJK font holding only the glyphs the pages can
show, so a first visit loads tens of kilobytes instead of a 16 MB font before any text.

The glyphs are every character of the page templates and of what the contests put on the
pages (names of contests, groups, units, indicators, departments, and the notes of their
publications), plus printable ASCII. A character outside the subset is drawn by the next font
of the pages' font stack: browsers fall back glyph by glyph. Subsets are made with fontTools
and kept on disk by the hash of their characters, so each set is cut once.
"""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path
from typing import Iterable

from arena.support.atomic import write_atomic

VERSION = 1  # bumped when the way a subset is cut changes
ASCII = "".join(map(chr, range(32, 127)))
# what the pages write besides their templates: numbers, arrows, marks, full-width punctuation
EXTRA = "↑↓→←—–·•…％＋－×÷（）【】《》「」『』、，。：；！？“”‘’〔〕①②③④⑤⑥⑦⑧⑨⑩年月日季度上下半全第版"
_lock = threading.Lock()


def template_text(folders: Iterable[Path]) -> str:
    return "".join(p.read_text(encoding="utf-8") for folder in folders for p in sorted(folder.glob("*.html")))


def glyph_set(*texts: str) -> str:
    """The sorted, distinct characters worth a glyph (no controls, no spaces but the plain one)."""
    chars = set(ASCII + EXTRA).union(*(set(t) for t in texts))
    return "".join(sorted(c for c in chars if c == " " or (c.isprintable() and not c.isspace())))


def subset_woff2(font: Path, chars: str) -> bytes:
    from fontTools import subset  # heavy: only when a subset is cut
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # vertical forms, proportional punctuation: kept for the few glyphs
    options.notdef_outline = True
    face = TTFont(str(font), lazy=True, fontNumber=0)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(face)
    out = io.BytesIO()
    face.flavor = "woff2"
    face.save(out)
    return out.getvalue()


def subset_file(font: Path, chars: str, folder: str | Path) -> tuple[Path, str]:
    """(the WOFF2 file of ``chars`` cut from ``font``, its sha256-based name), made once."""
    stat = font.stat()
    key = hashlib.sha256(f"{VERSION}\n{font.name}\n{stat.st_size}\n{chars}".encode("utf-8")).hexdigest()
    path = Path(folder) / "webfont" / f"cjk-{key[:20]}.woff2"
    if not path.exists():
        with _lock:
            if not path.exists():
                write_atomic(path, subset_woff2(font, chars))
    return path, path.name
