"""Text drawn onto a PNG by Pillow, after matplotlib has drawn the shapes.

Why not matplotlib's own text for PNGs: a national board has about three hundred labels, and
matplotlib 3.11 lays out and renders them glyph by glyph in Python (about 1.2 ms a label,
two thirds of the board's time). Pillow draws the same FreeType glyphs of the same font file in
one C call per label, about 0.2 ms. SVGs keep matplotlib's text (as paths): they are rare and
need no speed.
"""

from __future__ import annotations

import threading
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache

from matplotlib.ft2font import FT2Font
from PIL import Image, ImageDraw, ImageFont

from arena.render import fonts

_ANCHORS = {"left": "ls", "center": "ms", "right": "rs"}  # on the baseline, as matplotlib's va="baseline"
BOX_PAD, BOX_ROUND = 0.28, 0.5  # of the font size, as the SVG's boxstyle "round,pad=0.28,rounding_size=0.5"


@dataclass(frozen=True)
class Label:
    x: float
    baseline: float
    text: str
    size: float
    color: str
    bold: bool = False
    ha: str = "left"
    box: str | None = None  # fill of a rounded box behind the text (a badge)

    @property
    def path(self) -> str:
        return str(fonts.bold_path() if self.bold else fonts.font_path())


def _font(path: str, size: float) -> ImageFont.FreeTypeFont:
    # a FreeType face is not thread-safe (gunicorn's gthread workers render in threads), so each
    # thread has its own, as matplotlib's font_manager.get_font does
    return _thread_font(path, size, threading.get_ident())


@lru_cache(maxsize=128)
def _thread_font(path: str, size: float, thread: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: Chinese and Latin need no shaping, and it is the same with or without libraqm
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=8)
def _charmap(path: str) -> frozenset[int]:
    return frozenset(FT2Font(path).get_charmap())


def warn_missing(label: Label) -> None:
    """Warn as matplotlib does for a character the font cannot draw (it would come out a box)."""
    charmap = _charmap(label.path)
    for ch in label.text:
        if ord(ch) not in charmap and not ch.isspace() and unicodedata.category(ch) != "Cf":
            warnings.warn(f"Glyph {ord(ch)} ({ch!r}) missing from font(s) {label.path}.", UserWarning,
                          stacklevel=3)


def box(label: Label) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the badge box around the label's ink, padded, y downwards."""
    left, top, right, bottom = _font(label.path, label.size).getbbox(label.text, anchor=_ANCHORS[label.ha])
    pad = BOX_PAD * label.size
    return (label.x + left - pad, label.baseline + top - pad, right - left + 2 * pad, bottom - top + 2 * pad)


def draw(image: Image.Image, labels: list[Label]) -> None:
    """Every label onto ``image`` (RGB), in order."""
    pen = ImageDraw.Draw(image)
    for label in labels:
        warn_missing(label)
        pen.text((label.x, label.baseline), label.text, font=_font(label.path, label.size),
                 fill=label.color, anchor=_ANCHORS[label.ha])
