"""A pixel canvas over matplotlib's object API, and byte-stable saving.

Figures are made with ``matplotlib.figure.Figure`` and an Agg canvas, never pyplot. At 72 dpi a
point is a pixel, so font sizes and positions below are both in pixels.
"""

from __future__ import annotations

import io
import threading

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch

from arena.errors import BadRequest
from arena.render import fonts

DPI = 72
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
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
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    else:
        with _svg_lock, matplotlib.rc_context({"svg.hashsalt": "arena-board", "svg.fonttype": "path"}):
            fig.savefig(buf, format="svg", dpi=DPI, metadata={"Date": None, "Creator": None})
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

    def text(self, x: float, baseline: float, s: str, size: float, color: str = "#1f2329", *,
             bold: bool = False, ha: str = "left", box: str | None = None) -> None:
        bbox = dict(boxstyle="round,pad=0.28,rounding_size=0.5", fc=box, ec="none") if box else None
        self.ax.text(x, baseline, s, fontproperties=fonts.font(size, bold), color=color, ha=ha,
                     va="baseline", bbox=bbox)

    def rect(self, x: float, y: float, w: float, h: float, color: str, radius: float = 0.0) -> None:
        style = f"round,pad=0,rounding_size={radius}" if radius else "square,pad=0"
        self.ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle=style, fc=color, ec="none"))

    def dot(self, x: float, y: float, r: float, color: str, *, hollow: bool = False) -> None:
        self.ax.add_patch(Circle((x, y), r, fc="none" if hollow else color, ec=color,
                                 lw=max(1.0, r / 5) if hollow else 0))

    def bytes(self, fmt: str) -> bytes:
        return save(self.fig, fmt)
