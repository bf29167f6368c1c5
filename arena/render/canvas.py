"""A pixel canvas over matplotlib's object API, and byte-stable saving.

Figures are made with ``matplotlib.figure.Figure`` and an Agg canvas, never pyplot. At 72 dpi a
point is a pixel, so font sizes and positions below are both in pixels. A PNG's text is put on
by Pillow after matplotlib has drawn the shapes (raster_text says why); an SVG's by matplotlib.
"""

from __future__ import annotations

import io
import re
import threading

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.collections import EllipseCollection
from matplotlib.patches import FancyBboxPatch
from PIL import Image

from arena.errors import BadRequest
from arena.render import fonts, raster_text
from arena.render.raster_text import Label

DPI = 72
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
# zlib level 1: a national board is 8 megapixels of mostly flat colour; level 6 took 50% longer
# to save 6% of the file
PNG_LEVEL = 1
# svg.hashsalt is global rcParams state: one SVG save at a time keeps its ids stable.
_svg_lock = threading.Lock()


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise BadRequest(f"unknown image format {fmt!r}: use png or svg",
                         [{"field": "format", "message": "png or svg"}])
    return fmt


def figure(width: int, height: int) -> Figure:
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def save(fig: Figure, fmt: str) -> bytes:
    """PNG or SVG bytes that depend only on the figure: no date, no software tag, fixed ids."""
    check_format(fmt)
    buf = io.BytesIO()
    if fmt == "png":
        # compress_level 3: a third of the default's time for a file a little larger
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    else:
        with _svg_lock, matplotlib.rc_context({"svg.hashsalt": "arena-board", "svg.fonttype": "path"}):
            fig.savefig(buf, format="svg", dpi=DPI, metadata={"Date": None, "Creator": None})
        # matplotlib sizes an SVG in pt, which a browser shows a third larger than the PNG; at
        # 72 dpi one pt here is one design pixel
        head, rest = buf.getvalue().split(b"<svg", 1)
        tag, body = rest.split(b">", 1)
        return head + b"<svg" + re.sub(rb'((?:width|height)="[0-9.]+)pt"', rb'\1px"', tag) + b">" + body
    return buf.getvalue()


class Pen:
    """Draws in pixels on a full-figure axes: x to the right, y downwards."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.fig = figure(width, height)
        ax = self.fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        ax.set_axis_off()
        self.ax = ax
        self._dots: list[tuple[float, float, float, str, bool]] = []
        self._labels: list[Label] = []

    def text(self, x: float, baseline: float, s: str, size: float, color: str = "#1f2329", *,
             bold: bool = False, ha: str = "left", box: str | None = None) -> None:
        """Text on its baseline; ``box`` fills a rounded badge behind it. Text lies above shapes."""
        self._labels.append(Label(x, baseline, s, size, color, bold, ha, box))

    @property
    def texts(self) -> tuple[str, ...]:
        """Every text put on so far, in order: what a test reads instead of the pixels."""
        return tuple(t.text for t in self._labels)

    def rect(self, x: float, y: float, w: float, h: float, color: str, radius: float = 0.0) -> None:
        style = f"round,pad=0,rounding_size={radius}" if radius else "square,pad=0"
        # add_artist, not add_patch: the limits are fixed, so nothing needs recomputing
        self.ax.add_artist(FancyBboxPatch((x, y), w, h, boxstyle=style, fc=color, ec="none"))

    def dot(self, x: float, y: float, r: float, color: str, *, hollow: bool = False) -> None:
        self._dots.append((x, y, r, color, hollow))

    def _draw_dots(self) -> None:
        """Every dot in one collection: a national board has a thousand lights, and a patch
        each cost most of its render time. Drawn above the boxes, below the text."""
        if not self._dots:
            return
        xs, ys, rs, colors, hollow = zip(*self._dots)
        self._dots = []
        size = [2 * r for r in rs]
        dots = EllipseCollection(size, size, [0.0] * len(xs), units="xy", offsets=list(zip(xs, ys)),
                                 offset_transform=self.ax.transData, zorder=1.5,
                                 facecolors=["none" if h else c for c, h in zip(colors, hollow)],
                                 edgecolors=colors,
                                 linewidths=[max(1.0, r / 5) if h else 0.0 for r, h in zip(rs, hollow)])
        self.ax.add_collection(dots, autolim=False)

    def _matplotlib_text(self) -> None:
        for t in self._labels:
            bbox = (dict(boxstyle=f"round,pad={raster_text.BOX_PAD},rounding_size={raster_text.BOX_ROUND}",
                         fc=t.box, ec="none") if t.box else None)
            self.ax.text(t.x, t.baseline, t.text, fontproperties=fonts.font(t.size, t.bold), color=t.color,
                         ha=t.ha, va="baseline", bbox=bbox)

    def _png(self) -> bytes:
        for t in self._labels:
            if t.box:
                x, y, w, h = raster_text.box(t)
                self.ax.add_artist(FancyBboxPatch((x, y), w, h, fc=t.box, ec="none", zorder=2,
                                                  boxstyle=f"round,pad=0,rounding_size={raster_text.BOX_ROUND * t.size}"))
        self.fig.canvas.draw()
        image = Image.fromarray(np.asarray(self.fig.canvas.buffer_rgba())).convert("RGB")
        raster_text.draw(image, self._labels)
        buf = io.BytesIO()
        image.save(buf, format="png", dpi=(DPI, DPI), compress_level=PNG_LEVEL)
        return buf.getvalue()

    def bytes(self, fmt: str) -> bytes:
        check_format(fmt)
        self._draw_dots()
        if fmt == "png":
            return self._png()
        self._matplotlib_text()
        return save(self.fig, fmt)
