"""The programme endpoints (API.md "Weeks and programmes") through the Flask test client."""

from __future__ import annotations

import pytest

from arena.http.db import get_db
from arena.services import publishing
from console_client import make_token

ONE = """\
version: 1
programme: {id: small-all, name: 2026年度总榜, year: 2026}
contests:
  - {id: small, weight: 100}
honours: {count: 1, name: 先进单位}
penalties: {count: 1, name: 通报批评}
"""


def test_create_draft_publish_and_read(app):
    client = app.test_client()
    token, _ = make_token(app, "organizer", "考核办")
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"}
    assert client.post("/api/programmes", data=ONE.encode(), headers={"Content-Type": "application/yaml"}).status_code == 401
    bad = client.post("/api/programmes", data=ONE.replace("weight: 100", "weight: 90").encode(), headers=auth)
    assert bad.status_code == 422 and bad.json["error"]["details"][0]["path"] == "contests"
    assert client.post("/api/programmes", data=ONE.encode(), headers=auth).status_code == 201
    draft = client.get("/api/programmes/small-all/draft")
    assert draft.status_code == 200 and draft.json["draft"] is True
    assert client.get("/api/programmes/small-all/scores/2026").status_code == 404
    refused = client.post("/api/programmes/small-all/publications", json={}, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 409 and "small" in refused.json["error"]["message"]
    with app.app_context():
        for period in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026"):
            publishing.publish(get_db(), "small", period, actor="test")
    done = client.post("/api/programmes/small-all/publications", json={}, headers={"Authorization": f"Bearer {token}"})
    assert done.status_code == 201 and done.json["revision"] == 1
    sheet = client.get("/api/programmes/small-all/scores/2026")
    assert sheet.status_code == 200 and sheet.json["kind"] == "programme" and sheet.json["stale"] is None
    assert "甲县" in sheet.get_data(as_text=True)  # Chinese unescaped
    first = sheet.json["groups"][0]["units"][0]
    assert first["honour"] is True and first["rank"] == 1
    assert client.get("/api/programmes/nope/scores/2026").status_code == 404
    assert client.get("/api/programmes/small-all/scores/2025").status_code == 404


def test_the_page_shows_the_draft_then_the_published_list(app):
    from arena.services import programmes

    client = app.test_client()
    with app.app_context():
        programmes.save(get_db(), ONE, actor="test")
        publishing.publish(get_db(), "small", "2026-01", actor="test")
    page = client.get("/programmes/small-all").get_data(as_text=True)
    assert "草稿 · 未发布" in page and "2026年度总榜" in page and "小擂台" in page
    with app.app_context():
        for period in ("2026-02", "2026-03", "2026-Q1", "2026"):
            publishing.publish(get_db(), "small", period, actor="test")
        programmes.publish(get_db(), "small-all", actor="test")
    page = client.get("/programmes/small-all").get_data(as_text=True)
    assert "草稿 · 未发布" not in page and "第1版" in page and "先进单位" in page and "通报批评" in page
    missing = client.get("/programmes/nope")
    assert missing.status_code == 404 and "text/html" in missing.content_type


def test_the_board_image_draft_and_published(app):
    from pathlib import Path

    from arena.services import programmes

    client = app.test_client()
    with app.app_context():
        programmes.save(get_db(), ONE, actor="test")
        publishing.publish(get_db(), "small", "2026-01", actor="test")
    draft = client.get("/programmes/small-all/board.png")
    assert draft.status_code == 200 and draft.content_type == "image/png" and draft.data[:4] == b"\x89PNG"
    svg = client.get("/programmes/small-all/board.svg").get_data(as_text=True)
    assert "<svg" in svg
    with app.app_context():
        for period in ("2026-02", "2026-03", "2026-Q1", "2026"):
            publishing.publish(get_db(), "small", period, actor="test")
        programmes.publish(get_db(), "small-all", actor="test")
    board = client.get("/programmes/small-all/board.png")
    assert board.status_code == 200 and board.data != draft.data
    out = Path(__file__).parent / "artifacts"
    out.mkdir(exist_ok=True)
    (out / "programme-board.png").write_bytes(board.data)
    (out / "programme-board-draft.png").write_bytes(draft.data)


def test_the_board_says_what_it_shows():
    from arena.engine.programme import load_programme, score_programme
    from arena.render.programme_board import programme_pen

    prog = load_programme(ONE)
    groups = [{"id": "county", "name": "区县组", "units": [{"code": "A", "name": "甲县"}, {"code": "B", "name": "乙县"}]}]
    year = {"groups": [{"units": [{"unit": "A", "total": 90.0, "flags": [], "red_flags": 0},
                                  {"unit": "B", "total": 80.0, "flags": ["vetoed"], "red_flags": 0}]}]}
    sheet = score_programme(prog, groups, {"small": year})
    sheet.update(name=prog.name, draft=True, sources=[{"contest": "small", "weight": 100.0}])
    texts = programme_pen(sheet, {"small": "小擂台"}, "先进单位", "通报批评").texts
    assert "草稿" in texts and "2026年度全市擂台赛总榜" not in texts and "2026年度总榜" in texts
    assert "先进单位" in texts and "通报批评·一票否决" in texts and "参评：小擂台 100%" in texts


def test_the_notice_of_the_published_list(app):
    import io

    from docx import Document

    from arena.services import programmes

    client = app.test_client()
    with app.app_context():
        programmes.save(get_db(), ONE, actor="test")
    assert client.get("/programmes/small-all/notice.docx").status_code == 404  # a draft has no 通报
    with app.app_context():
        for period in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026"):
            publishing.publish(get_db(), "small", period, actor="test")
        programmes.publish(get_db(), "small-all", actor="test")
    docx = client.get("/programmes/small-all/notice.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "关于2026年度总榜结果的通报" in text and "授予甲县“先进单位”称号" in text and "对丙县予以通报批评" in text
    pdf = client.get("/programmes/small-all/notice.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"


def test_a_contest_and_a_programme_never_share_an_id(app):
    from helpers import SMALL_RULES

    from arena import services
    from arena.errors import Conflict
    from arena.services import programmes

    client = app.test_client()
    token, _ = make_token(app, "organizer", "考核办")
    with app.app_context():
        programmes.save(get_db(), ONE, actor="test")
    taken = client.post("/api/contests", data=SMALL_RULES.replace("id: small", "id: small-all").encode(),
                        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"})
    assert taken.status_code == 409 and "is a programme's id" in taken.json["error"]["message"]
    assert taken.json["error"]["details"] == [{"path": "contest.id", "message": "taken by a programme"}]
    with app.app_context():
        assert "small-all" not in {c["id"] for c in services.list_contests(get_db())}
        with pytest.raises(Conflict, match="is a contest's id"):
            programmes.save(get_db(), ONE.replace("id: small-all", "id: small"), actor="test")


def test_the_published_lists_board_and_notice_through_the_api(app):
    import io

    from docx import Document
    from pypdf import PdfReader

    from arena.services import programmes

    client = app.test_client()
    with app.app_context():
        programmes.save(get_db(), ONE, actor="test")
    before = client.get("/api/programmes/small-all/boards/2026.png")
    assert before.status_code == 404 and "small-all" in before.json["error"]["message"]
    with app.app_context():
        for period in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026"):
            publishing.publish(get_db(), "small", period, actor="test")
        programmes.publish(get_db(), "small-all", actor="test")
    png = client.get("/api/programmes/small-all/boards/2026.png")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get("/api/programmes/small-all/boards/2026.png",
                      headers={"If-None-Match": png.headers["ETag"]}).status_code == 304
    svg = client.get("/api/programmes/small-all/boards/2026.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    docx = client.get("/api/programmes/small-all/notices/2026.docx")
    assert docx.status_code == 200 and "attachment" in docx.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "2026年度总榜" in text and "先进单位" in text
    pdf = client.get("/api/programmes/small-all/notices/2026.pdf?revision=1")
    assert pdf.status_code == 200 and "immutable" in pdf.headers["Cache-Control"]
    assert "先进单位" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert client.get("/api/programmes/small-all/notices/2025.docx").status_code == 404
    malformed = client.get("/api/programmes/small-all/notices/20x6.docx")  # as for a contest's: no such file
    assert malformed.status_code == 404 and "no period" in malformed.json["error"]["message"]
    assert client.get("/api/programmes/nope/boards/2026.png").status_code == 404
