"""The public pages and their images, through the app: published sheets only.

The small contest (tests/helpers.py) has results for January to March; February, March and the
first quarter are published, January is not (a draft exists for it, and must never show).
March ranks A 1, B 2, C 3 (totals 76.00, 43.33, 10.67); Q1's red flag goes to A (count 1) and
its yellow flag to C (count 1, from the bottom).
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timezone

import pytest

DUE = datetime(2026, 4, 15, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def app(pages_app):
    return pages_app


@pytest.fixture
def client(app):
    return app.test_client()


def html(response) -> str:
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_index_lists_each_contest_with_its_latest_publication(client):
    page = html(client.get("/"))
    assert "小擂台" in page and 'href="/contests/small"' in page
    assert "2026年第一季度" in page and "第1版" in page  # Q1 was published last


def test_contest_page_shows_the_latest_month_its_board_and_the_quarter_flags(client):
    page = html(client.get("/contests/small"))
    assert "2026年3月成绩单" in page
    for name in ("甲县", "乙县", "丙县"):
        assert name in page
    assert 'src="/contests/small/2026-03/board.png"' in page
    assert "2026年第一季度流动红旗" in page
    assert re.search(r"流动红旗：<a [^>]*>甲县</a>", page)
    assert "76.00" in page and "43.33" in page and "10.67" in page


def test_a_quarter_page_lists_its_own_flags(client):
    page = html(client.get("/contests/small/2026-Q1"))
    assert "2026年第一季度流动红旗" in page and re.search(r"流动红旗：<a [^>]*>甲县</a>", page)


def test_a_published_period_has_its_page(client):
    assert "2026年2月成绩单" in html(client.get("/contests/small/2026-02"))
    assert "2026年第一季度成绩单" in html(client.get("/contests/small/2026-Q1"))


def test_drafts_never_show(client):
    page = html(client.get("/contests/small"))
    assert "2026-01" not in page and "2026年1月" not in page


@pytest.mark.parametrize("path", [
    "/contests/small/2026-01",     # results exist, never published
    "/contests/small/2026-04",     # no results at all
    "/contests/small/2026-13",     # not a period
    "/contests/nope",
    "/contests/small/units/Z",
])
def test_unpublished_or_unknown_pages_are_a_chinese_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "还没有发布" in page
    main = page[page.index("<main"):page.index("</main>")]
    words = re.sub(r"<[^>]+>|&[a-z]+;|[0-9]+", " ", main)
    assert not re.search(r"[A-Za-z]{3,}", words), words  # the public reads Chinese only: no English message


@pytest.mark.parametrize("path", [
    "/contests/small/2026-01/board.png", "/contests/small/2026-01/board.svg",
    "/contests/small/2026-01/heatmap.png", "/contests/small/2026-01/sheet.xlsx",
    "/contests/small/2026-01/sheet.json", "/contests/small/2026-03/sheet.json?revision=5",
])
def test_unpublished_files_are_404_with_the_json_error_body(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_board_images_carry_a_strong_etag_and_answer_304(client):
    first = client.get("/contests/small/2026-03/board.png")
    assert first.status_code == 200 and first.mimetype == "image/png"
    assert png_size(first.data)[0] == 1080
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/contests/small/2026-03/board.png", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    screen = client.get("/contests/small/2026-03/board.png?size=screen")
    assert png_size(screen.data) == (1920, 1080) and screen.headers["ETag"] != etag
    svg = client.get("/contests/small/2026-Q1/board.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<?xml")


def test_a_bad_board_size_is_a_400(client):
    response = client.get("/contests/small/2026-03/board.png?size=huge")
    assert response.status_code == 400 and response.get_json()["error"]["details"][0]["field"] == "size"


def test_charts_and_heatmap(client):
    heat = client.get("/contests/small/2026-03/heatmap.png")
    assert heat.status_code == 200 and png_size(heat.data)[0] > 500
    chart = client.get("/contests/small/units/A/chart.png")
    assert chart.status_code == 200 and png_size(chart.data) == (1080, 760)


def test_sheet_json_is_the_frozen_text(app, client):
    from arena.http.db import get_db
    from arena.store import publications

    with app.app_context():
        stored = publications.get(get_db(), "small", "2026-03")
    response = client.get("/contests/small/2026-03/sheet.json?revision=1")
    assert response.get_data(as_text=True) == stored["sheet"]
    assert response.headers["ETag"] == f'"{stored["sheet_sha256"]}"'
    assert client.get("/contests/small/2026-03/sheet.json?revision=0").status_code == 400
    assert client.get("/contests/small/2026-03/sheet.json?revision=99999999999999999999").status_code == 400


def test_workbook_download(client):
    from openpyxl import load_workbook

    response = client.get("/contests/small/2026-03/sheet.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.data)).sheetnames == ["区县组", "说明"]


def test_unit_page_shows_its_published_history(client):
    page = html(client.get("/contests/small/units/C"))
    assert "丙县" in page and "2026年2月" in page and "2026年3月" in page and "2026年1月" not in page
    assert "黄旗" in page  # C is last in Q1
    assert 'src="/contests/small/units/C/chart.png"' in page


def test_unit_page_keeps_the_published_rules_when_new_ones_are_saved(app, client):
    from arena import services
    from arena.http.db import get_db
    from helpers import SMALL_RULES

    before = html(client.get("/contests/small/units/C"))
    with app.app_context():
        services.save_rules(get_db(), SMALL_RULES.replace("precision: 2", "precision: 0")
                            .replace("name: 小擂台", "name: 小擂台（修订草案）"), actor="t")
    after = html(client.get("/contests/small/units/C"))
    assert "修订草案" not in after and after == before


def test_flags_page_counts_the_year(client):
    page = html(client.get("/contests/small/flags"))
    assert "2026年第一季度" in page
    assert re.search(r"甲县</a></td><td class=\"left\">区县组</td>\s*<td>1</td><td>0</td>", page)


def test_screen_page_and_its_version_change_on_a_new_publication(app, client):
    from arena.http.db import get_db
    from arena.services import publishing

    page = html(client.get("/contests/small/screen"))
    for name in ("甲县", "乙县", "丙县"):
        assert name in page
    before = client.get("/contests/small/screen/version").get_json()["version"]
    assert f'data-version="{before}"' in page and 'data-version-url="/contests/small/screen/version"' in page
    with app.app_context():
        publishing.publish(get_db(), "small", "2026-01", actor="t", now=DUE)
    after = client.get("/contests/small/screen/version").get_json()["version"]
    assert after != before


def test_a_correction_shows_its_note(app, client):
    from arena import services
    from arena.http.db import get_db
    from arena.services import publishing

    with app.app_context():
        db = get_db()
        rows = [{"unit": "C", "key": "inv", "period": "2026-03", "value": 9.0}]
        services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")
        publishing.publish(db, "small", "2026-03", actor="t", note="丙县投资数据更正", now=DUE)
    page = html(client.get("/contests/small/2026-03"))
    assert "第2版" in page and "丙县投资数据更正" in page
    assert "JSON 第1版" in page and "JSON 第2版" in page


@pytest.mark.parametrize("path", ["/", "/contests/small", "/contests/small/2026-Q1", "/contests/small/units/A",
                                  "/contests/small/flags", "/contests/small/screen"])
def test_pages_use_no_external_assets(client, path):
    page = html(client.get(path))
    for link in re.findall(r'(?:src|href)="([^"]*)"', page) + re.findall(r'url\("([^"]*)"\)', page):
        assert link.startswith(("/", "data:")), link
    assert "<!doctype html>" in page and 'lang="zh-CN"' in page and "viewport" in page


def test_pages_answer_304_to_their_etag(client):
    first = client.get("/contests/small")
    again = client.get("/contests/small", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_browser_font_and_the_stylesheet_are_served(client):
    font = client.get("/fonts/cjk-font")
    assert font.status_code == 200 and font.mimetype == "font/woff2"
    body = font.get_data()
    assert body[:4] == b"wOF2" and len(body) < 300_000  # the pages' glyphs, not the 16 MB font
    from fontTools.ttLib import TTFont

    cmap = TTFont(io.BytesIO(body)).getBestCmap()
    assert all(ord(c) in cmap for c in "擂台赛成绩公开甲县乙县丙县考核细则龙虎榜流动红旗0123456789")
    assert ord("龘") not in cmap  # a character no page shows
    font.close()
    full = client.get("/fonts/cjk-font-full")  # the console's: its forms show whatever is typed
    assert full.status_code == 200 and full.mimetype in ("font/otf", "font/ttf") and len(full.get_data()) > 10_000_000
    full.close()
    css = client.get("/assets/arena.css")
    assert css.status_code == 200 and "ArenaCJK" in css.get_data(as_text=True)
    css.close()


def test_screen_dots_stand_in_their_indicators_columns_for_an_exempt_unit(db, tmp_path, monkeypatch):
    """B is exempt from 投资: its dots are a hollow one, then 出口's, in the columns of the others."""
    import json
    import re

    from arena import services
    from arena.http.app import create_app
    from arena.services import publishing
    from helpers import SMALL_RULES, month_rows

    rules = SMALL_RULES.replace(
        "progress: linear}\n",
        "progress: linear}\n  - {id: exp, name: 出口, unit: 亿元, weight: 20, method: completion, target: 60}\n"
    ) + 'exempt: {"B": [inv]}\n'
    services.save_rules(db, rules, actor="t")
    rows = month_rows("2026-01") + [{"unit": u, "key": "exp", "period": "2026-01", "value": 5.0} for u in "ABC"]
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")
    publishing.publish(db, "small", "2026-01", actor="t", now=DUE)
    page = create_app({"DATABASE": db.conn.execute("PRAGMA database_list").fetchone()[2]}).test_client() \
        .get("/contests/small/screen").get_data(as_text=True)
    dots = {name: re.findall(r'<span class="dot (\w+)" title="([^"]+)"', row)
            for name, row in re.findall(r'<td class="name">(\S+) .*?</td>(.*?)</tr>', page, re.S)}
    assert [t for _, t in dots["甲县"]] == [t for _, t in dots["乙县"]] == ["投资", "出口"]
    assert dots["乙县"][0] == ("none", "投资") and dots["甲县"][0][0] != "none"


def test_the_first_visit_of_a_contest_page_weighs_under_500_kb(client):
    """The page, its stylesheets, the web font its @font-face names and every image it loads at
    once (not the lazy ones below the fold): what a browser with an empty cache and no CJK font
    of its own fetches (font-display: swap, so the text is there before the font)."""
    page = client.get("/contests/small")
    text = page.get_data(as_text=True)
    images = [tag for tag in re.findall(r"<img [^>]*>", text) if 'loading="lazy"' not in tag]  # lazy: below the fold
    wanted = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text) + \
        [re.search(r'src="([^"]+)"', tag).group(1) for tag in images]
    sizes = {"/contests/small": len(page.data)}
    for url in wanted:
        answer = client.get(url)
        assert answer.status_code == 200, url
        sizes[url] = len(answer.get_data())
        if url.endswith("font.css"):
            css = answer.get_data(as_text=True)
            assert "font-display: swap" in css
            font_url = re.search(r'url\("([^"]+)"\)', css).group(1)
            font = client.get(font_url if font_url.startswith("/") else "/fonts/cjk-font")
            sizes["font"] = len(font.get_data())
    assert "font" in sizes and len(wanted) >= 3, sizes
    assert sum(sizes.values()) < 500_000, sizes


def test_a_vetoed_units_page_says_by_what(tmp_path, monkeypatch):
    from arena import create_app, services
    from arena.services import publishing
    from arena.store.db import connect, migrate
    from helpers import month_rows
    from submit_world import RULES  # the small contest with a veto item, 一票否决

    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path / "instance"))
    db = connect(str(tmp_path / "arena.db"))
    migrate(db)
    services.save_rules(db, RULES, actor="t")
    rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
    rows.append({"unit": "B", "key": "veto", "period": "2026-02", "value": 1})
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="t")
    for period in ("2026-02", "2026-03", "2026-Q1"):
        publishing.publish(db, "small", period, actor="t", now=DUE)
    db.close()
    client = create_app({"DATABASE": str(tmp_path / "arena.db"), "TESTING": True}).test_client()
    assert "否决事项：一票否决" in html(client.get("/contests/small/2026-02"))
    assert "否决事项" not in html(client.get("/contests/small/2026-03"))  # vetoed in February only
    assert "否决事项：2026年2月一票否决" in html(client.get("/contests/small/2026-Q1"))


def test_every_page_loads_the_period_strip_script_from_a_file(client):
    page = html(client.get("/contests/small/2026-03"))
    assert '<script src="/assets/page.js" defer></script>' in page and "<script>" not in page
    script = client.get("/assets/page.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    assert ".chips .here" in script.get_data(as_text=True)
    script.close()


def test_the_board_card_gives_its_footnote_and_numbered_lights_as_text_and_links_the_rules(client):
    page = html(client.get("/contests/small/2026-03"))
    card = page[page.index('class="card board-card"'):page.index("</section>", page.index('class="card board-card"'))]
    assert 'href="/contests/small/rules">考核细则</a>' in card
    assert "数据截至2026年3月31日 · 时序进度25.0%（3/12）" in card
    assert "<li><b>1</b> 投资</li>" in card and "增速" not in card  # 增速 is ranked: no target, no light
    quarter = html(client.get("/contests/small/2026-Q1"))
    assert 'class="lights"' not in quarter  # a quarter's board has no lights to number


def test_the_big_screen_names_each_rows_board_numbers_its_lights_and_links_the_rules(client):
    page = html(client.get("/contests/small/screen"))
    assert 'href="/contests/small/rules">考核细则</a>' in page
    rows = re.findall(r'<tr class="(dragon|tiger)">(.*?)</tr>', page, re.S)
    assert rows and all(f'<span class="side {side}">{"龙榜" if side == "dragon" else "虎榜"}</span>' in row
                        for side, row in rows)
    assert '<span class="num" title="投资">1</span>' in page and "<b>1</b> 投资" in page
    assert 'class="flag-group"' in page and '<span class="pennant">流动红旗</span><b>甲县</b>' in page
