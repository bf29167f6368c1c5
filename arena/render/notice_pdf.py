"""A ``Notice`` (notice_text) as PDF: the .docx's GB/T 9704 layout, drawn with ReportLab.

A4 portrait, text area 156 x 225 mm (margins top 37, bottom 35, left 28, right 26); each 附件
on A4 landscape pages; the 版记 at the foot of a last portrait page. One CJK font for all text,
embedded as a TrueType subset, so every reader shows the same glyphs and never boxes: the
offices' fonts (方正小标宋, 仿宋_GB2312) are not free to embed, so the PDF uses an open one.
ReportLab embeds TrueType (glyf) outlines only, not CFF: the font is the first .ttf/.ttc with
Chinese glyphs that it can read, from fonts.truetype_candidates (the CJK_FONT setting, system
fonts, then mpl-font's wqy-microhei.ttc).

``invariant`` mode: no creation time or random id in the file, so one notice is one body.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageBreak, PageTemplate,
                                Paragraph, Spacer, Table, TableStyle)
from reportlab.platypus.flowables import HRFlowable

from arena.errors import ConfigError
from arena.render import fonts
from arena.render.notice_text import Notice

PDF = "application/pdf"
RED = colors.HexColor("#FF0000")
_lock = threading.Lock()
_registered: dict[str, str] = {}  # font file -> ReportLab font name


def pdf_font(setting: str | None = None) -> str:
    """The registered ReportLab name of the first usable TrueType CJK font; ConfigError if none."""
    tried = []
    for path in fonts.truetype_candidates(setting):
        with _lock:
            if path in _registered:
                return _registered[path]
        name = f"ArenaCJK{len(_registered)}"
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        except (TTFError, OSError, ValueError) as exc:  # CFF outlines inside a .ttc, a broken file
            tried.append(f"{Path(path).name}: {exc}")
            continue
        with _lock:
            _registered[path] = name
        return name
    raise ConfigError("no TrueType font with Chinese glyphs for the PDF notices (ReportLab cannot embed CFF .otf)",
                      [{"field": "CJK_FONT", "message": "; ".join(tried) or "set it to a .ttf or .ttc with Chinese glyphs"}])


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=16, leading=28.9, wordWrap="CJK", alignment=TA_JUSTIFY,
                          firstLineIndent=32)
    return {
        "body": base,
        "heading1": ParagraphStyle("heading1", parent=base),
        "heading2": ParagraphStyle("heading2", parent=base),
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0, alignment=TA_LEFT),
        "centre": ParagraphStyle("centre", parent=base, firstLineIndent=0, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=base, firstLineIndent=0, alignment=TA_RIGHT, rightIndent=64),
        "title": ParagraphStyle("title", parent=base, fontSize=22, leading=36, firstLineIndent=0, alignment=TA_CENTER),
        "table-title": ParagraphStyle("table-title", parent=base, fontSize=18, leading=30, firstLineIndent=0,
                                      alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=14, firstLineIndent=0, alignment=TA_CENTER),
        "record": ParagraphStyle("record", parent=base, fontSize=14, leading=24, firstLineIndent=0, alignment=TA_LEFT,
                                 leftIndent=14, rightIndent=14),
    }


class AtFoot(Flowable):
    """The 版记: takes the rest of the page and draws its lines at the page's foot, each between
    rules (the first and last 0.35 mm, the middle 0.25 mm)."""

    def __init__(self, lines: list[tuple[str, str]], style: ParagraphStyle):
        super().__init__()
        self.lines, self.style = lines, style  # (left text, right text)

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, available_height
        return available_width, available_height - 1

    def draw(self):
        c, y = self.canv, 0.0
        line = self.style.leading + 6
        c.setStrokeColor(colors.black)
        rows = list(reversed(self.lines))
        for k, (left, right) in enumerate(rows):
            c.setLineWidth(0.35 * mm if k == 0 else 0.25 * mm)
            c.line(0, y, self.width, y)
            p = Paragraph(left, self.style)
            _, h = p.wrap(self.width - (120 if right else 0), line * 4)
            p.drawOn(c, 0, y + 3)
            if right:
                c.setFont(self.style.fontName, self.style.fontSize)
                c.drawRightString(self.width - self.style.rightIndent, y + 3 + h - self.style.leading + 5, right)
            y += max(h, line) + 3
        c.setLineWidth(0.35 * mm)
        c.line(0, y, self.width, y)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _head(notice: Notice, st: dict[str, ParagraphStyle], font: str) -> list:
    size = min(42, 430 / max(len(notice.office), 1))
    office = ParagraphStyle("office", parent=st["centre"], fontSize=size, leading=size * 1.3, textColor=RED)
    return [Spacer(1, 30), Paragraph(_escape(notice.office), office), Spacer(1, 50),
            Paragraph(_escape(notice.number), st["centre"]),
            HRFlowable(width="100%", thickness=2.25, color=RED, spaceBefore=11, spaceAfter=40),
            Paragraph(_escape(notice.title), st["title"]), Spacer(1, 24),
            Paragraph(_escape(f"{notice.to}："), st["plain"])]


def _body(notice: Notice, st: dict[str, ParagraphStyle]) -> list:
    story: list = [Paragraph(_escape(p.text), st.get(p.style, st["body"])) for p in notice.body]
    if notice.attachments:
        story.append(Spacer(1, 28.9))
        many = len(notice.attachments) > 1
        for k, table in enumerate(notice.attachments, 1):
            lead = "附件：" if k == 1 else ""
            text = f"{lead}{k}. {table.title}" if many else f"附件：{table.title}"
            story.append(Paragraph(_escape(text), ParagraphStyle(f"a{k}", parent=st["plain"],
                                                                  leftIndent=32 + (0 if k == 1 else 48))))
    story += [Spacer(1, 57.8), Paragraph(_escape(notice.office), st["right"]), Paragraph(_escape(notice.date), st["right"])]
    return story


def _table(notice_table, st: dict[str, ParagraphStyle], width: float) -> Table:
    n = len(notice_table.header)
    crowded = n > 10  # many indicators: narrower fixed columns, smaller type
    fixed = ({0: 12 * mm, 1: 32 * mm, 2: 15 * mm, 3: 12 * mm, 4: 16 * mm} if crowded else
             {0: 14 * mm, 1: 32 * mm, 2: 20 * mm, 3: 16 * mm, 4: 22 * mm})
    rest = (width - sum(fixed[c] for c in fixed if c < n)) / max(n - len(fixed), 1)
    widths = [fixed.get(c, rest) for c in range(n)]
    cell = ParagraphStyle("small", parent=st["cell"], fontSize=8.5, leading=11) if crowded else st["cell"]
    data = [[Paragraph(_escape(v), cell) for v in row] for row in [notice_table.header, *notice_table.rows]]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE"))]))
    return table


def _page_number(canvas, doc) -> None:
    """— n — 7 mm under the text area."""
    canvas.saveState()
    canvas.setFont(doc.arena_font, 14)
    width, _ = canvas._pagesize
    bottom = 26 * mm if width > A4[0] else 35 * mm
    canvas.drawCentredString(width / 2, bottom - 7 * mm - 14, f"— {doc.page} —")
    canvas.restoreState()


def notice_pdf(notice: Notice, font_setting: str | None = None) -> bytes:
    """The PDF bytes of ``notice``, the CJK font embedded."""
    font = pdf_font(font_setting)
    st = _styles(font)
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=A4, invariant=1, title=notice.title, author=notice.office,
                          creator="Arena", subject=notice.number, lang="zh-CN")
    doc.arena_font = font
    wide = landscape(A4)
    doc.addPageTemplates([
        PageTemplate("portrait", [Frame(28 * mm, 35 * mm, 156 * mm, 225 * mm, 0, 0, 0, 0, id="text")],
                     pagesize=A4, onPage=_page_number),
        PageTemplate("landscape", [Frame(37 * mm, 26 * mm, 225 * mm, 156 * mm, 0, 0, 0, 0, id="wide")],
                     pagesize=wide, onPage=_page_number),
    ])
    story = _head(notice, st, font) + _body(notice, st)
    many = len(notice.attachments) > 1
    for k, table in enumerate(notice.attachments, 1):
        story += [NextPageTemplate("landscape"), PageBreak(),
                  Paragraph(f"附件{k}" if many else "附件", st["plain"]),
                  Paragraph(_escape(table.title), st["table-title"]), Spacer(1, 12), _table(table, st, 225 * mm)]
        if table.note:
            story.append(Paragraph(_escape(table.note), ParagraphStyle("note", parent=st["plain"], fontSize=10.5,
                                                                       leading=20)))
    lines = ([(_escape(f"抄送：{notice.cc}。"), "")] if notice.cc else []) + [(_escape(notice.office), f"{notice.date}印发")]
    story += [NextPageTemplate("portrait"), PageBreak(), AtFoot(lines, st["record"])]
    doc.build(story)
    return buf.getvalue()
