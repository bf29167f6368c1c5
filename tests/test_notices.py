"""The 通报 and the 约谈通知 (issue 14): Word opened with python-docx, PDF read back with pypdf,
page 1 rendered to tests/artifacts/notices/ by pdftoppm when it is installed.

The small contest (helpers.SMALL_RULES) with warnings after 2 last places and a letterhead.
Hand-computed (gdp by rank: 60, 30, 0; inv 12/10/8 against 120 * m/12, capped at 1, weight 40):
  January  A 100.00, B 70.00, C 32.00    February A 84.00, B 50.00, C 16.00
  March    A 76.00,  B 43.33, C 10.67    Q1 (mean) A 86.67, B 54.44, C 19.56
C is last in February and March: warned (约谈) in March. March's correction (C's gdp 8.0, the
best): C 60 + 10.67 = 70.67 first, A 30 + 16 = 46.00 second, B 0 + 13.33 = 13.33 last.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor
from pypdf import PdfReader

from api_world import assert_error_body
from helpers import SMALL_RULES, month_rows

SHOTS = Path(__file__).parent / "artifacts" / "notices"
RULES = SMALL_RULES.replace(
    "  yellow_flags: {count: {county: 1}}\n",
    "  yellow_flags: {count: {county: 1}}\n  warnings: {last_place_months: 2}\n",
) + "letterhead: {office: 临沂市擂台赛办公室, number_prefix: 临擂办, to: 各县区人民政府, cc: 市委办公室，市政府办公室}\n"
BASE = "/api/contests/small/notices"
NOTE = "丙县增速数据报送有误，予以更正"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from arena import services
    from arena.http.app import create_app
    from arena.services import publishing
    from arena.store.db import connect

    folder = tmp_path_factory.mktemp("notices")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARENA_INSTANCE", str(folder))
        app = create_app({"DATABASE": str(folder / "arena.db"), "TESTING": True})
        db = connect(str(folder / "arena.db"))
        services.save_rules(db, RULES, actor="test")
        rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
        services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="test")
        for period in ("2026-01", "2026-02", "2026-03", "2026-Q1"):
            publishing.publish(db, "small", period, actor="test")
        fixed = month_rows("2026-03", gdp=(7.0, 6.0, 8.0))
        services.import_results(db, "small", json.dumps(fixed).encode(), fmt="json", actor="test")
        publishing.publish(db, "small", "2026-03", actor="test", note=NOTE)
        db.close()
        yield app.test_client()


def docx_of(client, url: str):
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Document(io.BytesIO(r.data))


def pdf_of(client, url: str, shot: str | None = None) -> tuple[PdfReader, str]:
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    if shot and shutil.which("pdftoppm"):  # page 1 for review, as the browser tests keep screenshots
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / f"{shot}.pdf").write_bytes(r.data)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(SHOTS / f"{shot}.pdf"), str(SHOTS / shot)], check=True, timeout=60)
        assert (SHOTS / f"{shot}.png").stat().st_size > 10_000  # a page with text on it, not blank
    reader = PdfReader(io.BytesIO(r.data))
    return reader, "".join("".join(page.extract_text() for page in reader.pages).split())


def text(doc) -> str:
    """Every paragraph of the body, in order, spaces and breaks dropped."""
    return "".join("".join(p.text.split()) for p in doc.paragraphs)


def east_asia(run) -> str | None:
    fonts = run._element.rPr.rFonts
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def paragraph(doc, starting: str):
    found = [p for p in doc.paragraphs if p.text.startswith(starting)]
    assert found, f"no paragraph starting {starting!r}"
    return found[0]


def test_the_month_notice_has_the_gbt_9704_parts_in_order(client):
    doc = docx_of(client, f"{BASE}/2026-03.docx?revision=1")
    portrait, wide, record = doc.sections
    mm = lambda length: round(length.mm)  # noqa: E731
    assert (mm(portrait.page_width), mm(portrait.page_height)) == (210, 297)
    assert [mm(x) for x in (portrait.top_margin, portrait.bottom_margin, portrait.left_margin,
                            portrait.right_margin)] == [37, 35, 28, 26]  # a 156 x 225 mm text area
    assert (mm(wide.page_width), mm(wide.page_height)) == (297, 210) and wide.orientation == 1  # landscape
    assert mm(record.page_width) == 210
    lines = [p.text for p in doc.paragraphs if p.text]
    assert lines[:4] == ["临沂市擂台赛办公室", "临擂办〔2026〕3号", "关于2026年3月份小擂台成绩的通报", "各县区人民政府："]
    head = paragraph(doc, "临沂市擂台赛办公室")
    assert all(run.font.color.rgb == RGBColor(0xFF, 0, 0) for run in head.runs)
    assert east_asia(head.runs[0]) == "方正小标宋简体"
    rule = paragraph(doc, "临擂办〔2026〕3号")._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"  # the red rule under the 发文字号
    assert east_asia(paragraph(doc, "关于2026年3月份").runs[0]) == "方正小标宋简体"
    body = paragraph(doc, "根据《小擂台》")
    assert east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert east_asia(paragraph(doc, "一、总体情况").runs[0]) == "黑体"


def test_the_body_names_leaders_laggards_lights_and_warnings(client):
    words = text(docx_of(client, f"{BASE}/2026-03.docx?revision=1"))
    assert "（一）区县组（3个单位）。甲县以76.00分位居第一，丙县以10.67分位居末位。" in words
    assert "本期亮红灯、进度滞后的有：甲县（投资）；乙县（投资）；丙县（投资）。" in words
    assert "丙县在2026年2月、3月连续2个月位列区县组末位" in words and "约谈通知另发" in words
    assert "附件：2026年3月份区县组成绩表" in words
    assert "更正" not in words  # a first revision corrects nothing


def test_the_attachment_table_holds_units_totals_and_ranks(client):
    doc = docx_of(client, f"{BASE}/2026-03.docx?revision=1")
    (table,) = doc.tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["名次", "单位", "总分", "较上期", "标记", "增速", "投资"]
    assert cells[1:] == [["1", "甲县", "76.00", "—", "", "60.00", "16.00"],
                         ["2", "乙县", "43.33", "—", "", "30.00", "13.33"],
                         ["3", "丙县", "10.67", "—", "约谈", "0.00", "10.67"]]
    assert east_asia(table.rows[1].cells[1].paragraphs[0].runs[0]) == "仿宋_GB2312"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page


def test_the_record_carries_cc_office_and_date_between_rules(client):
    doc = docx_of(client, f"{BASE}/2026-03.docx?revision=1")
    cc = paragraph(doc, "抄送：")
    assert cc.text == "抄送：市委办公室，市政府办公室。"
    printed = paragraph(doc, "临沂市擂台赛办公室\t")
    assert printed.text.endswith("印发") and "年" in printed.text
    assert cc._p.pPr.find(qn("w:pBdr")).find(qn("w:top")) is not None
    assert printed._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")) is not None
    assert doc.sections[-1]._sectPr.find(qn("w:vAlign")).get(qn("w:val")) == "bottom"  # at the page's foot


def test_the_font_table_names_fall_backs(client):
    r = client.get(f"{BASE}/2026-03.docx?revision=1")
    import zipfile

    fonts = zipfile.ZipFile(io.BytesIO(r.data)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_the_pdf_says_the_same_with_its_font_embedded(client):
    reader, words = pdf_of(client, f"{BASE}/2026-03.pdf?revision=1", shot="notice-2026-03")
    for sentence in ("临沂市擂台赛办公室", "临擂办〔2026〕3号", "关于2026年3月份小擂台成绩的通报", "各县区人民政府：",
                     "甲县以76.00分位居第一，丙县以10.67分位居末位。", "抄送：市委办公室，市政府办公室。"):
        assert sentence in words
    first = reader.pages[0]
    assert [round(float(x)) for x in first.mediabox[2:]] == [595, 842]  # A4 portrait
    assert [round(float(x)) for x in reader.pages[2].mediabox[2:]] == [842, 595]  # the 附件, landscape
    fonts = first["/Resources"]["/Font"]
    descriptors = [fonts[k].get_object()["/FontDescriptor"].get_object() for k in fonts
                   if "/FontDescriptor" in fonts[k].get_object()]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # TrueType, embedded


def test_a_correction_says_what_it_changed(client):
    words = text(docx_of(client, f"{BASE}/2026-03.docx"))
    assert f"本通报为第2版，替代此前印发的第1版。更正说明：{NOTE}。" in words
    assert "甲县总分由76.00分更正为46.00分，名次由第1名调整为第2名" in words
    assert "丙县总分由10.67分更正为70.67分，名次由第3名调整为第1名" in words
    _, pdf_words = pdf_of(client, f"{BASE}/2026-03.pdf")
    assert f"更正说明：{NOTE}。" in pdf_words


def test_the_quarter_notice_gives_red_and_yellow_flags(client):
    doc = docx_of(client, f"{BASE}/2026-Q1.docx")
    words = text(doc)
    assert "关于2026年第一季度小擂台成绩的通报" in words and "临擂办〔2026〕13号" in words
    assert "经综合评定，授予甲县流动红旗。" in words and "丙县被授予黄旗" in words
    assert [c.text for c in doc.tables[0].rows[1].cells][:5] == ["1", "甲县", "86.67", "—", "流动红旗"]
    _, pdf_words = pdf_of(client, f"{BASE}/2026-Q1.pdf", shot="notice-2026-Q1")
    assert "授予甲县流动红旗" in pdf_words


def test_the_interview_notice_names_the_unit_and_its_last_months(client):
    doc = docx_of(client, f"{BASE}/2026-03/interview-C.docx?revision=1")
    words = text(doc)
    assert "关于约谈丙县主要负责人的通知" in words and "丙县：" in words and "临擂办函〔2026〕3-1号" in words
    assert "你单位在2026年2月、3月连续2个月位列区县组末位" in words
    assert "增速（得0.00分，满分60.00分）" in words  # where it lost most
    assert [s.orientation for s in doc.sections] == [0, 0]  # no 附件: portrait, then the 版记
    _, pdf_words = pdf_of(client, f"{BASE}/2026-03/interview-C.pdf?revision=1", shot="interview-2026-03-C")
    assert "关于约谈丙县主要负责人的通知" in pdf_words and "2026年2月、3月连续2个月" in pdf_words
    assert client.get(f"{BASE}/2026-02/interview-C.docx").status_code == 200  # January and February


@pytest.mark.parametrize("url, status", [
    (f"{BASE}/2026-04.docx", 404),  # stored nowhere: never published
    (f"{BASE}/2026-04.pdf", 404),
    (f"{BASE}/2026-13.docx", 400),  # not a period
    (f"{BASE}/march.pdf", 400),
    ("/api/contests/nope/notices/2026-03.docx", 404),
    (f"{BASE}/2026-03.docx?revision=9", 404),
    (f"{BASE}/2026-03.docx?revision=0", 422),
    (f"{BASE}/2026-03/interview-A.docx?revision=1", 404),  # A is not warned
    (f"{BASE}/2026-03/interview-C.docx", 404),  # the correction warns nobody
    (f"{BASE}/2026-Q1/interview-C.pdf", 404),  # quarters warn nobody
    (f"{BASE}/2026-03.doc", 404),
])
def test_bad_requests_get_the_error_body(client, url, status):
    assert_error_body(client.get(url), status)


def test_files_are_cached_and_conditional(client):
    first = client.get(f"{BASE}/2026-03.pdf?revision=1")
    assert first.headers["Cache-Control"].endswith("immutable")
    assert client.get(f"{BASE}/2026-03.pdf").headers["Cache-Control"].startswith("public, max-age=")
    again = client.get(f"{BASE}/2026-03.pdf?revision=1", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(f"{BASE}/2026-03.pdf?revision=1").data == first.data  # the same bytes every time
    name = first.headers["Content-Disposition"]
    assert name.startswith('attachment; filename="small-2026-03-notice.pdf"')
    assert f"filename*=UTF-8''{quote('2026年3月小擂台通报.pdf')}" in name


def test_the_letterhead_is_validated_and_has_defaults():
    from arena.engine.rules import load_rules
    from arena.engine.rules.load import RulesError

    assert load_rules(SMALL_RULES).letterhead.office == "小擂台考核办"
    assert load_rules(SMALL_RULES).letterhead.to == "各区县人民政府，市政府各部门"
    assert load_rules(RULES).letterhead.number_prefix == "临擂办"
    for bad, path in (("letterhead: {office: 办, seal: 章}\n", "letterhead.seal"),
                      ("letterhead: {office: 12}\n", "letterhead.office"),
                      ("letterhead: {to: \"  \"}\n", "letterhead.to")):
        with pytest.raises(RulesError) as caught:
            load_rules(SMALL_RULES + bad)
        assert [d["path"] for d in caught.value.details] == [path]


def test_the_console_links_each_revisions_notice(app, organizer):
    from arena.http.db import get_db
    from arena.services import publishing

    with app.app_context():
        publishing.publish(get_db(), "small", "2026-02", actor="test")
    page = organizer.get("/console/contests/small/publications").get_data(as_text=True)
    for fmt in ("docx", "pdf"):
        link = f"/api/contests/small/notices/2026-02.{fmt}?revision=1"
        assert f'href="{link}"' in page
        assert organizer.get(link).status_code == 200


def test_the_draft_page_offers_each_revisions_notice_and_the_interview_notices(app, organizer):
    from arena.http.db import get_db
    from arena.services import publishing

    from arena import services

    with app.app_context():
        services.save_rules(get_db(), RULES, actor="test")  # warnings after two last places
        publishing.publish(get_db(), "small", "2026-03", actor="test")
    page = organizer.get("/console/contests/small/draft?period=2026-03").get_data(as_text=True)
    documents = page[page.index('id="documents"'):page.index("</ul>", page.index('id="documents"'))]
    assert "约谈通知（丙县，第 1 版）" in documents  # C, last in February and March, is warned
    assert "甲县" not in documents and "乙县" not in documents
    for link in ("/api/contests/small/notices/2026-03.docx?revision=1",
                 "/api/contests/small/notices/2026-03.pdf?revision=1",
                 "/api/contests/small/notices/2026-03/interview-C.docx?revision=1",
                 "/api/contests/small/notices/2026-03/interview-C.pdf?revision=1"):
        assert f'href="{link}"' in documents
        assert organizer.get(link).status_code == 200, link
    unpublished = organizer.get("/console/contests/small/draft?period=2026-02").get_data(as_text=True)
    assert 'id="documents"' not in unpublished  # nothing published, no documents yet
