"""A ``Notice`` (notice_text) as a Word document in the GB/T 9704-2012 layout.

Page: A4 portrait, text area 156 x 225 mm (margins top 37, bottom 35, left 28, right 26), 22 lines
of 三号 (16 pt) a page; each 附件 table on an A4 landscape section of its own; the 版记 on a last
portrait page, at its foot (the section's vertical alignment). Order: 版头 (the office in red,
centred), 发文字号 over a red rule, 标题 (二号 小标宋), 主送, 正文 (三号 仿宋, headings 黑体),
附件 list, 署名 and 成文日期, the 附件, 版记 (抄送, 印发机关 and 印发日期 between rules).

Fonts: runs name the fonts Chinese offices have, in ``w:rFonts`` ``eastAsia`` (Latin text in
Times New Roman): 方正小标宋简体 (title, 版头), 仿宋_GB2312 (body), 黑体 (headings), 楷体_GB2312.
A machine without them falls back by the document's font table, where each carries an
``w:altName`` and the GB2312 charset: 方正小标宋简体 -> 宋体 (SimSun), 仿宋_GB2312 -> 仿宋
(FangSong), 楷体_GB2312 -> 楷体 (KaiTi), 黑体 -> SimHei. Word and WPS both honour altName and
otherwise substitute by charset and family, so text never turns into boxes; the layout may
shift a little with a substitute font. Nothing is embedded: the fonts are not ours to ship.

The bytes depend only on the notice: core properties carry the publication date and every zip
entry the same fixed time, so a strong ETag names one body.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from arena.render.notice_text import Notice

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT, BODY_FONT, HEADING_FONT, KAI_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
LATIN = "Times New Roman"
RED = "FF0000"
# the font table's fall-backs (see the docstring): name -> (altName, family)
FALLBACKS = {TITLE_FONT: ("宋体", "roman"), BODY_FONT: ("仿宋", "roman"), KAI_FONT: ("楷体", "roman"),
             HEADING_FONT: ("SimHei", "modern"), "宋体": ("SimSun", "roman")}
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange")
BODY_SIZE, LINE = Pt(16), Pt(28.9)  # 三号, 22 lines in 225 mm


def _fonts(run, east_asia: str) -> None:
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _para(doc, text: str = "", *, font: str = BODY_FONT, size=BODY_SIZE, align=None, indent: bool = False,
          bold: bool = False, color: str | None = None, line=LINE):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if line is not None:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, line
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)  # 首行缩进两字
    if text:
        run = p.add_run(text)
        run.font.size, run.font.bold = size, bold
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        _fonts(run, font)
    return p


def _border(p, *sides: tuple[str, int, str]) -> None:
    """Paragraph rules: (side, eighths of a point, colour), 4 pt from the text."""
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for side, size, colour in sides:
        el = OxmlElement(f"w:{side}")
        for k, v in (("val", "single"), ("sz", str(size)), ("space", "4"), ("color", colour)):
            el.set(qn(f"w:{k}"), v)
        bdr.append(el)
    # CT_PPr is a sequence: the rules go before tabs, spacing, ind and jc, or Word calls the file damaged
    ppr.insert_element_before(bdr, *_AFTER_PBDR)


def _page(section, landscape: bool) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(28), Mm(26), Mm(37), Mm(35)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)


def _page_numbers(section) -> None:
    """— 1 — under the text area, 四号 宋体 (GB/T 9704 页码)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("— ", None, " —"):
        if piece is None:
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            inner = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            inner.append(text)
            field.append(inner)
            p._p.append(field)
        else:
            run = p.add_run(piece)
            run.font.size = Pt(14)
            _fonts(run, "宋体")


def _head(doc, notice: Notice) -> None:
    size = Pt(min(42, 430 / max(len(notice.office), 1)))  # the office fills at most the text width
    _para(doc, "", line=Pt(30))
    _para(doc, notice.office, font=TITLE_FONT, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, line=None)
    _para(doc)
    _para(doc)
    number = _para(doc, notice.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _border(number, ("bottom", 18, RED))  # the red rule, 4 mm under the 发文字号
    _para(doc)
    _para(doc)
    _para(doc, notice.title, font=TITLE_FONT, size=Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36))
    _para(doc)
    _para(doc, f"{notice.to}：")


def _body(doc, notice: Notice) -> None:
    for para in notice.body:
        font = {"heading1": HEADING_FONT, "heading2": KAI_FONT}.get(para.style, BODY_FONT)
        _para(doc, para.text, font=font, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if notice.attachments:
        _para(doc)
        for k, table in enumerate(notice.attachments, 1):
            lead = "附件：" if k == 1 else ""
            p = _para(doc, f"{lead}{k}. {table.title}" if len(notice.attachments) > 1 else f"附件：{table.title}")
            fmt = p.paragraph_format
            fmt.left_indent = Pt(32 + (0 if k == 1 else 48))  # later items line up under the first
    _para(doc)
    _para(doc)
    for text in (notice.office, notice.date):
        p = _para(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(64)  # 右空四字


def _attachment(doc, k: int, table, many: bool) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True)
    _para(doc, f"附件{k}" if many else "附件", font=HEADING_FONT)
    _para(doc, table.title, font=TITLE_FONT, size=Pt(18), align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(32))
    _para(doc, "", line=Pt(12))
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = Pt(10.5 if len(table.header) <= 10 else 9)
    for r, values in enumerate([table.header, *table.rows]):
        row = grid.rows[r]
        if r == 0:  # the header repeats on every page of a long table
            flag = OxmlElement("w:tblHeader")
            row._tr.get_or_add_trPr().append(flag)
        for c, value in enumerate(values):
            cell = row.cells[c]
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(value)
            run.font.size, run.font.bold = size, r == 0
            _fonts(run, HEADING_FONT if r == 0 else BODY_FONT)
    if table.note:
        _para(doc, table.note, size=Pt(10.5), line=Pt(20))


def _record(doc, notice: Notice) -> None:
    """版记 at the foot of a last portrait page: 抄送, then 印发机关 and 印发日期, between rules
    (the first and last 0.35 mm, the middle one 0.25 mm)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=False)
    align = OxmlElement("w:vAlign")
    align.set(qn("w:val"), "bottom")
    section._sectPr.insert_element_before(align, "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
                                          "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
    size = Pt(14)
    if notice.cc:
        cc = _para(doc, f"抄送：{notice.cc}。", size=size)
        cc.paragraph_format.left_indent, cc.paragraph_format.right_indent = Pt(14), Pt(14)
        _border(cc, ("top", 8, "000000"), ("bottom", 6, "000000"))
    printed = _para(doc, f"{notice.office}\t{notice.date}印发", size=size)
    fmt = printed.paragraph_format
    fmt.left_indent, fmt.right_indent = Pt(14), Pt(14)
    fmt.tab_stops.add_tab_stop(Mm(156) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
    _border(printed, *((("top", 8, "000000"),) if not notice.cc else ()), ("bottom", 8, "000000"))


def _font_table(doc) -> None:
    """Add the Chinese fonts with their fall-backs (altName, GB2312 charset) to word/fontTable.xml."""
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    xml = part.blob.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
        for name, (alt, family) in FALLBACKS.items())
    part._blob = xml.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _defaults(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for k, v in (("ascii", LATIN), ("hAnsi", LATIN), ("eastAsia", BODY_FONT)):
        fonts.set(qn(f"w:{k}"), v)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)


def notice_docx(notice: Notice, moment: datetime | None = None) -> bytes:
    """The .docx bytes of ``notice``; ``moment``: its publication time (UTC, naive), stamped
    into the core properties."""
    doc = Document()
    _defaults(doc)
    _font_table(doc)
    _page(doc.sections[0], landscape=False)
    _page_numbers(doc.sections[0])
    _head(doc, notice)
    _body(doc, notice)
    for k, table in enumerate(notice.attachments, 1):
        _attachment(doc, k, table, len(notice.attachments) > 1)
    _record(doc, notice)
    when = moment or datetime(1980, 1, 1)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = notice.title, notice.office, "Arena"
    props.created = props.modified = when
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _stable(buf.getvalue())


def publication_moment(published_at: str | None) -> datetime:
    """The publication time in UTC, naive (as core properties store it); none: 1980-01-01."""
    if not published_at:
        return datetime(1980, 1, 1)
    return datetime.fromisoformat(published_at).astimezone(timezone.utc).replace(tzinfo=None)


def _stable(data: bytes) -> bytes:
    """Every zip entry at one fixed time, the thumbnail of python-docx's template dropped."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/thumbnail.jpeg":
                continue
            if info.filename == "_rels/.rels":
                body = re.sub(rb'<Relationship [^>]*docProps/thumbnail\.jpeg"[^>]*/>', b"", body)
            if info.filename == "[Content_Types].xml":
                body = re.sub(rb'<Default Extension="jpeg"[^>]*/>', b"", body)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)
    return out.getvalue()
