"""A sheet under notice says 公示稿 and its deadline everywhere it is shown (API.md "Notice and
objections"): its page, the index, a unit's page, its board, its workbook, the big screen, the
static export and the console's publications; a contest without notice shows none of it.

The small contest with ``publish: {notice: {days: 3}}``: February and March are published at
2026-04-10 09:00 Shanghai time, so both are under notice until 2026-04-13 09:00.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from console_client import make_account, sign_in
from helpers import SMALL_RULES, month_rows

NOTICE_RULES = SMALL_RULES + "  notice: {days: 3}\n"
AT = datetime(2026, 4, 10, 1, 0, tzinfo=timezone.utc)  # 2026-04-10 09:00 in Asia/Shanghai
DEADLINE = "公示截止 2026-04-13 09:00"  # 3 calendar days later, in the contest's zone


def make_app(tmp_path, rules: str):
    from arena import create_app, services
    from arena.http.db import get_db
    from arena.services import publishing

    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "SECRET_KEY": "test-secret", "TESTING": True,
                      "REQUIRE_TOTP": False})
    with app.app_context():
        db = get_db()
        services.save_rules(db, rules, actor="t")
        rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
        services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")
        for period in ("2026-02", "2026-03"):
            publishing.publish(db, "small", period, actor="t", now=AT)
    return app


@pytest.fixture(params=["notice", "final"])
def case(request, tmp_path):
    """(app, whether its months are under notice): every surface is checked both ways."""
    return make_app(tmp_path, NOTICE_RULES if request.param == "notice" else SMALL_RULES), request.param == "notice"


def publication(app, period="2026-03"):
    from arena.http.db import get_db
    from arena.services import contest_rules
    from arena.store import publications

    with app.app_context():
        db = get_db()
        pub = publications.get(db, "small", period)
        return pub, contest_rules(db, "small", pub["rules_version"])[0]


@pytest.mark.parametrize("iso, zone, text", [
    ("2026-04-13T09:00:00+08:00", "Asia/Shanghai", "2026-04-13 09:00"),
    ("2026-04-13T01:00:00+00:00", "Asia/Shanghai", "2026-04-13 09:00"),  # read in the contest's zone
    ("2026-04-13T09:00:00+08:00", "Asia/Urumqi", "2026-04-13 07:00"),  # UTC+6
    (None, "Asia/Shanghai", ""),
])
def test_deadline_label(iso, zone, text):
    from arena.render import words

    assert words.deadline_label(iso, zone) == text


def test_the_sheet_json_says_notice_and_its_deadline(case):
    app, noticed = case
    sheet = json.loads(publication(app)[0]["sheet"])
    if noticed:
        assert sheet["status"] == "notice" and sheet["notice_until"] == "2026-04-13T09:00:00+08:00"
    else:
        assert sheet["status"] == "final" and sheet["notice_until"] is None


@pytest.mark.parametrize("url, count", [
    ("/contests/small/2026-03", 2),  # the title's mark and the notice line
    ("/contests/small", 2),  # the latest month's page
    ("/", 2),  # each month under notice, listed with its deadline
    ("/contests/small/units/A", 2),  # each month under notice in the unit's history
])
def test_pages_say_gongshigao_with_the_deadline(case, url, count):
    app, noticed = case
    page = app.test_client().get(url).get_data(as_text=True)
    assert page.count("公示稿") == (count if noticed else 0)
    assert (DEADLINE in page) is noticed


def test_the_period_page_marks_each_period_under_notice_in_its_list(case):
    app, noticed = case
    page = app.test_client().get("/contests/small/2026-03").get_data(as_text=True)
    assert page.count("（公示）") == (2 if noticed else 0)  # 2026-02 and 2026-03


@pytest.mark.parametrize("size", ["phone", "screen"])
def test_the_board_carries_the_mark_and_the_deadline(case, size):
    from arena.render.board_plan import notice_lines
    from arena.render.boards import board_pen

    app, noticed = case
    pub, contest = publication(app)
    sheet = json.loads(pub["sheet"])
    assert notice_lines(sheet, contest) == (("公示稿", DEADLINE) if noticed else None)
    texts = board_pen(sheet, contest, size).texts
    assert ("公示稿" in texts) is noticed
    assert any(DEADLINE in t for t in texts) is noticed


def test_the_served_board_is_keyed_by_the_sheets_hash(case):
    """Notice and final revisions are different sheets (status is in the JSON), so different files."""
    from arena.render import cache

    app, noticed = case
    pub, _ = publication(app)
    response = app.test_client().get("/contests/small/2026-03/board.png")
    assert response.status_code == 200 and response.headers["ETag"].strip('"').startswith(pub["sheet_sha256"])
    assert cache.board_key(pub, "png", "phone").startswith(pub["sheet_sha256"])
    assert cache.workbook_key(pub).startswith(pub["sheet_sha256"])


def test_the_workbook_says_so_in_its_title_area(case):
    app, noticed = case
    response = app.test_client().get("/contests/small/2026-03/sheet.xlsx")
    ws = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert ws["A2"].value == ("2026年3月成绩单（公示稿） · 区县组" if noticed else "2026年3月成绩单 · 区县组")
    if noticed:
        assert ws["A5"].value == f"公示稿 · {DEADLINE}（公示期间可对本单位数据提出异议）"
    else:
        assert ws["A5"].value is None
    assert ws["A6"].value == "名次"  # the header stays where it was


def test_the_big_screen_shows_the_mark_and_the_deadline(case):
    from arena.http.db import get_db
    from arena.http.web import pages

    app, noticed = case
    with app.app_context():
        context = pages.screen_context(get_db(), "small")
    assert context["notice"] == (DEADLINE if noticed else None)
    page = app.test_client().get("/contests/small/screen").get_data(as_text=True)
    assert ('id="notice-mark">公示稿</span>' in page) is noticed
    assert ('data-notice-until="2026-04-13T09:00:00+08:00"' in page) is noticed
    assert (DEADLINE in page) is noticed


def test_the_static_export_serves_the_same_pages(case, tmp_path):
    from arena.export.static_site import export_static
    from arena.store.db import connect

    app, noticed = case
    db = connect(app.config["DATABASE"])
    try:
        export_static(db, tmp_path / "site")
    finally:
        db.close()
    root = tmp_path / "site"
    for page in ("contests/small/2026-03/index.html", "contests/small/screen.html", "index.html"):
        text = (root / page).read_text(encoding="utf-8")
        assert ("公示稿" in text and DEADLINE in text) is noticed, page
    listing = json.loads((root / "contests/small/publications.json").read_text(encoding="utf-8"))["publications"]
    assert [(p["period"], p["status"]) for p in listing] == [("2026-02", "notice" if noticed else "final"),
                                                             ("2026-03", "notice" if noticed else "final")]


def test_the_console_lists_each_publications_status(case):
    app, noticed = case
    make_account(app, "organizer", "考核办张三", "zhangsan")
    client = app.test_client()
    assert sign_in(client, "zhangsan").status_code == 302
    page = client.get("/console/contests/small/publications").get_data(as_text=True)
    assert "<th>状态</th>" in page
    if noticed:
        assert page.count("公示中</span> 截止 2026-04-13 09:00") == 2 and "已定稿" not in page
    else:
        assert page.count("已定稿") == 2 and "公示中</span>" not in page
