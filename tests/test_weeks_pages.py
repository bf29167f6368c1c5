"""A published week (周调度) where a person looks: its page (the dispatch table and the lag chart),
the big screen's slide, the demo's weeks; in the app and in a real browser (screenshots in
tests/artifacts/: the week's page and its board PNG).

The demo contest with June and its four weeks published (2026-W23 .. W26). 2026-W26 runs 22 to
28 June; 兰山区 (371302) has 一般公共预算收入 ybys 49.5 against T = 95, linear: p = (151 + 28) / 365
= 179/365, t = 95 * 179/365 = 46.589, lag = 100 * (179/365 - 49.5/95) = -3.06 (超前), green.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from arena import services
from arena.services import demo, publishing
from browser_kit import MISSING, console_errors, full_page_shot, have_chromium, new_driver, set_viewport, wait_until
from helpers import running

ARTIFACTS = Path(__file__).parent / "artifacts"
DUE = datetime(2026, 7, 15, 1, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo_weeks(tmp_path_factory):
    """The demo with June and its four weeks published, as an app."""
    from arena.engine.results import check_rows
    from arena.http.app import create_app
    from arena.ingest import RawRow
    from arena.store.db import connect, migrate

    root = tmp_path_factory.mktemp("weeks")
    path = str(root / "arena.db")
    db = connect(path)
    migrate(db)
    services.save_rules(db, Path(demo.DEMO_RULES).read_text(encoding="utf-8"), actor="t")
    contest, _ = services.contest_rules(db, "linyi-2026")
    rows = demo.generate_results(contest)
    rows += demo.generate_weeks(contest, rows)
    raw = [RawRow(i, r["unit"], r["key"], r["period"], r["value"]) for i, r in enumerate(rows, 1)]
    services.store_results(db, contest, check_rows(contest, raw), actor="t")
    for period in ("2026-06", *demo.DEMO_WEEKS):
        publishing.publish(db, "linyi-2026", period, actor="t", now=DUE)
    db.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARENA_INSTANCE", str(root / "instance"))
        app = create_app({"DATABASE": path})
    return app, contest, root


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_the_demo_dispatches_four_weeks_of_june(demo_weeks):
    _, contest, _ = demo_weeks
    assert contest.weekly is not None and [i.id for i in contest.weekly_indicators] == ["jgtz", "zsyz", "ybys"]
    weeks = [r for r in demo.generate_weeks(contest, demo.generate_results(contest))]
    assert sorted({r["period"] for r in weeks}) == list(demo.DEMO_WEEKS)
    assert len(weeks) == 4 * 15 * 3  # every unit reports every dispatched indicator each week


def test_a_weeks_page_shows_its_dispatch_table_and_lag_chart(demo_weeks):
    app, contest, _ = demo_weeks
    text = page(app.test_client(), "/contests/linyi-2026/2026-W26")
    assert "2026年第26周周调度" in text and "6月22日至6月28日" in text
    assert not [u.name for u in contest.units if u.name not in text]
    assert 'src="/contests/linyi-2026/2026-W26/board.png"' in text
    # 兰山区's ybys: 49.5 / 46.589, 完成率 100 * 49.5 / 46.589 = 106.25%, 超前 3.06
    assert re.search(r'class="lg">49.5 / 46.589<br><small>完成率 106.25% · 超前 3.06 个百分点', text)
    assert "时间进度 49.0%" in text  # 179/365 = 0.4904
    assert "名次" not in text and "龙虎榜" not in text and "总分" not in text
    month = page(app.test_client(), "/contests/linyi-2026/2026-06")
    assert 'href="/contests/linyi-2026/2026-W26"' in month  # the chips reach the weeks
    unit = page(app.test_client(), "/contests/linyi-2026/units/371302")  # weeks rank no one: left out
    assert "2026年6月" in unit and "第26周" not in unit


def test_the_big_screen_shows_the_latest_week(demo_weeks):
    app, _, _ = demo_weeks
    text = page(app.test_client(), "/contests/linyi-2026/screen")
    assert 'id="week-slide"' in text and "2026年第26周 周调度" in text
    assert 'src="/contests/linyi-2026/2026-W26/board.png?size=screen"' in text
    board = app.test_client().get("/contests/linyi-2026/2026-W26/board.png?size=screen")
    assert board.status_code == 200 and board.data[:4] == b"\x89PNG"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "week-2026-W26-board-screen.png").write_bytes(board.data)


def test_the_lag_chart_says_who_is_ahead_and_behind(demo_weeks):
    from arena.render.lag_chart import lag_pen
    from arena.store import publications
    from arena.store.db import connect

    _, contest, root = demo_weeks
    db = connect(str(root / "arena.db"))
    sheet = publishing.frozen_sheet(publications.get(db, "linyi-2026", "2026-W26"))
    db.close()
    texts = lag_pen(sheet, contest).texts
    assert "2026年第26周 周调度 · 时间过半、任务过半" in texts
    assert "一般公共预算收入（亿元）· 时间进度 49.0%" in texts
    assert texts.count("超前 3.06 个百分点") >= 1  # 兰山区's ybys
    ybys = texts[texts.index("一般公共预算收入（亿元）· 时间进度 49.0%"):]
    assert ybys[:4] == ("一般公共预算收入（亿元）· 时间进度 49.0%", "区县组", "时间进度", ybys[3])  # panel, group
    lags = [t for t in ybys if t.endswith("个百分点")][:12]  # the county group: most ahead first
    signed = [(-1 if t.startswith("超前") else 1) * float(t.split()[1]) for t in lags]
    assert signed == sorted(signed)


@pytest.mark.slow
@pytest.mark.skipif(not have_chromium(), reason=MISSING)
def test_a_weeks_page_in_the_browser(demo_weeks, tmp_path):
    app, contest, _ = demo_weeks
    driver = new_driver(tmp_path / "browser", "1366,900")
    try:
        with running(app) as base:
            driver.get(f"{base}/contests/linyi-2026/2026-W26")
            wait_until(driver, lambda d: d.execute_script(
                "const i = document.querySelector('#lag-chart img'); return i.complete && i.naturalWidth > 0"),
                "the lag chart did not load")
            wait_until(driver, lambda d: d.execute_script("return document.fonts.status") == "loaded",
                       "fonts did not load")
            body = driver.find_element("css selector", "body").text
            assert not [u.name for u in contest.units if u.name not in body]
            assert "超前 3.06 个百分点" in body
            assert console_errors(driver) == []
            full_page_shot(driver, ARTIFACTS, "week-2026-W26-page")
            set_viewport(driver, 1920, 1080)
            driver.get(f"{base}/contests/linyi-2026/screen?rotate=1")
            wait_until(driver, lambda d: d.execute_script(
                "return document.getElementById('week-slide').classList.contains('active')"),
                "the big screen never showed the week's slide")
            assert console_errors(driver) == []
    finally:
        driver.quit()
    assert (ARTIFACTS / "week-2026-W26-page.png").stat().st_size > 10_000


def test_the_console_lists_and_drafts_weeks_and_still_defaults_to_a_month(demo_weeks):
    from console_client import make_account, sign_in

    app, _, _ = demo_weeks
    app.config.update(SECRET_KEY="weeks-test", REQUIRE_TOTP=False)
    make_account(app, "organizer", "考核办", "kaohe")
    client = app.test_client()
    assert sign_in(client, "kaohe").status_code == 302
    for path in ("/console/", "/console/contests/linyi-2026", "/console/contests/linyi-2026/publications"):
        text = page(client, path)
        if path.endswith("linyi-2026"):
            assert "周调度已报的周" in text and "period=2026-W26" in text
        if path.endswith("publications"):
            assert "2026年第26周" in text or "2026-W26" in text
    draft = page(client, "/console/contests/linyi-2026/draft?period=2026-W26")
    # 兰山区's ybys: 49.5 against 46.589, 3.06 points ahead of the time schedule
    assert 'class="sheet week"' in draft and "49.5 / 46.589 <small>（+3.06）</small>" in draft
    # the picker offers the season's weeks, with their dates, the one shown selected
    picker = draft[draft.index('<select id="period"'):draft.index("</select>")]
    assert '<optgroup label="周">' in picker
    assert '<option value="2026-W26" selected>2026-W26（周，6月22日—6月28日）</option>' in picker
    assert '<option value="2026-W01">2026-W01（周，12月29日—1月4日）</option>' in picker  # its Thursday is 1 January
    assert picker.count("<option") == 19 + 53 and picker.index('label="月"') < picker.index('label="周"')
    # weeks sort after their year's months: the pages that default to the latest month still find one
    assert "2026-12" in page(client, "/console/contests/linyi-2026/draft")
    for path in ("/console/contests/linyi-2026/results", "/console/contests/linyi-2026/rules"):
        page(client, path)


def test_the_static_export_holds_the_weeks_page_and_board(demo_weeks, tmp_path):
    from arena.export.static_site import export_static
    from arena.store.db import connect

    _, _, root = demo_weeks
    db = connect(str(root / "arena.db"))
    try:
        export_static(db, tmp_path / "site")
    finally:
        db.close()
    week = tmp_path / "site" / "contests" / "linyi-2026" / "2026-W26"
    text = (week / "index.html").read_text(encoding="utf-8")
    assert "2026年第26周周调度" in text and "超前 3.06 个百分点" in text
    phone = [p.name for p in week.glob("board-phone*.png")]
    assert len(phone) == 1 and len(list(week.glob("board-screen*.png"))) == 1
    assert phone[0] in text  # the page shows its lag chart
    assert not list(week.glob("*.xlsx")) and not list(week.glob("heatmap*"))
