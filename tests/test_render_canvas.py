"""The canvas: a PNG's labels are put on by Pillow where matplotlib would put them, badges
get their box, a missing glyph warns as matplotlib's does, and the same pen gives the same bytes."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image

from arena.render import fonts
from arena.render.canvas import Pen

DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"  # Latin only


def pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGB"
    return np.asarray(image).astype(int)


def ink_columns(px: np.ndarray, top: int, bottom: int) -> np.ndarray:
    """The x of every column with dark pixels between rows top and bottom."""
    return np.nonzero((px[top:bottom] < 128).all(axis=2).any(axis=0))[0]


def test_labels_sit_on_their_baseline_and_anchor():
    pen = Pen(400, 300)
    pen.text(200, 60, "兰山区", 40, "#000000", ha="left")
    pen.text(200, 160, "兰山区", 40, "#000000", ha="right")
    pen.text(200, 260, "兰山区", 40, "#000000", ha="center", bold=True)
    px = pixels(pen.bytes("png"))
    assert px.shape == (300, 400, 3)
    left, right, centre = ink_columns(px, 10, 70), ink_columns(px, 110, 170), ink_columns(px, 210, 270)
    assert 198 <= left.min() <= 206 and 300 <= left.max() <= 322  # three ems of 40 px from x = 200
    assert 78 <= right.min() <= 100 and 194 <= right.max() <= 202
    assert abs((centre.min() + centre.max()) / 2 - 200) <= 3
    ink_rows = np.nonzero((px[:, 190:330] < 128).all(axis=2).any(axis=1))[0]
    first = ink_rows[ink_rows < 100]
    assert 60 - 40 <= first.min() and first.max() <= 60 + 6  # above the baseline, a CJK glyph barely below


def test_a_badge_has_its_box_behind_the_text():
    pen = Pen(300, 100)
    pen.text(50, 60, "约谈", 30, "#ffffff", box="#ef6c00")
    px = pixels(pen.bytes("png"))
    orange = (np.abs(px - [0xEF, 0x6C, 0x00]).sum(axis=2) < 10)
    rows, cols = np.nonzero(orange)
    assert cols.min() < 50 < 110 < cols.max()  # padded on both sides of two 30-px ems
    assert rows.min() < 60 - 24 and rows.max() > 60
    assert (px[rows.min():rows.max(), 50:110] > 200).all(axis=2).any()  # white text inside it


def test_the_same_pen_gives_the_same_bytes():
    def draw() -> bytes:
        pen = Pen(300, 120)
        pen.rect(10, 10, 280, 100, "#fff6f0", radius=12)
        pen.dot(40, 60, 20, "#b71c1c")
        pen.text(40, 71, "1", 28, "#ffd54f", bold=True, ha="center")
        pen.text(80, 70, "临沂高新技术产业开发区", 18)
        return pen.bytes("png")

    assert draw() == draw()


def test_a_missing_glyph_warns_on_a_png(monkeypatch):
    monkeypatch.setattr(fonts, "font_path", lambda: DEJAVU)
    pen = Pen(200, 100)
    pen.text(10, 50, "兰山区", 20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="missing from font"):
            pen.bytes("png")


def test_an_svg_keeps_matplotlibs_text():
    pen = Pen(200, 100)
    pen.text(10, 50, "兰山区", 20, box="#ef6c00")
    svg = pen.bytes("svg").decode()
    assert svg.count("<path") > 3 and "#ef6c00" in svg
    assert 'width="200px" height="100px" viewBox="0 0 200 100"' in svg  # shown as large as the PNG


def test_threads_drawing_at_once_get_the_bytes_one_thread_gets():
    """gunicorn's gthread workers render in threads; each thread has its own FreeType faces."""
    from concurrent.futures import ThreadPoolExecutor

    def draw(n: int) -> bytes:
        pen = Pen(600, 400)
        for row in range(12):
            pen.text(20, 30 + row * 30, f"临沂高新技术产业开发区 {row + n % 2}", 22, bold=row % 2 == 0)
        return pen.bytes("png")

    alone = [draw(n) for n in range(2)]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(draw, range(16)))
    assert all(png == alone[n % 2] for n, png in enumerate(together))
