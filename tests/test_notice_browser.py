"""Notice and objections in a real browser (headless Debian chromium driven by selenium): a unit
objects on /me with an evidence file while January is under notice, the organizer reads it in
the console's 异议处理, corrects the data and upholds it, and the unit sees the answer.

The clock is driven (the server runs in this process): 2026-02-11, January under notice to the 13th.
Screenshots land in tests/artifacts/notice/ for review.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from browser_kit import MISSING, find, full_page_shot, have_chromium, press, wait_until
from helpers import running
from notice_world import PDF, at, load

SHOTS = Path(__file__).parent / "artifacts" / "notice"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not have_chromium(), reason=MISSING)]


@pytest.fixture
def served(tmp_path):
    import pyotp
    from arena import create_app
    from arena.http.db import get_db
    from arena.services import publishing
    from arena.support import clock
    from console_client import make_account

    app = create_app({"DATABASE": str(tmp_path / "nt.db"), "SECRET_KEY": "browser-test",
                      "EVIDENCE_DIR": str(tmp_path / "evidence")})
    with app.app_context():
        load(get_db())
        at("2026-02-10T09:00:00+08:00")
        publishing.publish(get_db(), "nt", "2026-01", actor="setup")
    at("2026-02-11T09:00:00+08:00")
    secret = pyotp.random_base32()
    make_account(app, "organizer", "考核办张三", "zhangsan", totp=secret)
    make_account(app, "unit", "甲县填报员", "jiaxian", contest="nt", unit="A")
    try:
        with running(app) as base:
            yield app, base, secret
    finally:
        clock.drive(None)


def shoot(driver, name: str) -> None:
    full_page_shot(driver, SHOTS, name)


def sign_in(driver, base: str, username: str, code: str | None = None) -> None:
    from console_client import PASSWORD

    driver.get(f"{base}/login")
    find(driver, "#username").send_keys(username)
    find(driver, "#password").send_keys(PASSWORD)
    if code is not None:
        find(driver, "#code").send_keys(code)
    press(driver, "#signin")


def sign_out(driver) -> None:
    press(driver, "#signout")


def test_a_unit_objects_with_a_file_and_the_organizer_upholds_it(served, browser, tmp_path):
    import pyotp
    from selenium.webdriver.support.select import Select

    from arena.support import clock

    app, base, secret = served
    driver = browser
    if SHOTS.exists():
        shutil.rmtree(SHOTS)

    # the unit, on its own page: January is a 公示稿 until the 13th; it objects to 增速 with a PDF
    sign_in(driver, base, "jiaxian")
    assert driver.current_url == f"{base}/me"
    assert "公示期至 2026-02-13 09:00:00+08:00" in find(driver, "#me-notice").text
    shoot(driver, "01-me-under-notice")
    Select(find(driver, "#objection-indicator")).select_by_value("gdp")
    find(driver, "#objection-message").send_keys("本县1月增速应为7.5%，市统计局已出具更正函。")
    evidence = tmp_path / "更正函.pdf"
    evidence.write_bytes(PDF)
    find(driver, "#objection-files").send_keys(str(evidence))
    press(driver, "#objection-submit", "#me-objections")
    assert "已提出异议（第 1 号）" in find(driver, ".flash-ok").text
    listed = find(driver, '#me-objections tr[data-objection="1"]').text
    assert "增速" in listed and "更正函.pdf" in listed and "待处理" in listed
    shoot(driver, "02-me-objection-raised")
    sign_out(driver)

    # the organizer: 异议处理 shows the unit's row, the message and the file; upheld after the correction
    sign_in(driver, base, "zhangsan", pyotp.TOTP(secret).at(clock.epoch()))
    driver.get(f"{base}/console/contests/nt/publications")
    press(driver, "#objections-link", "#objection-1")
    card = find(driver, "#objection-1").text
    assert "甲县" in card and "7.5%" in card and "更正函.pdf" in card
    assert "公示稿" in find(driver, "#notice-months").text
    shoot(driver, "03-console-objections")
    from arena.http.db import get_db

    from arena import services

    with app.app_context():  # the organizer corrects the data first (an import, as on the results page)
        services.import_results(get_db(), "nt", json.dumps([{"unit": "A", "key": "gdp", "period": "2026-01",
                                                             "value": 7.5}]).encode(), fmt="json", actor="zhangsan")
    find(driver, "#upheld-1").click()
    find(driver, "#reply-1").send_keys("经核实，增速应为7.5%，已更正。")
    press(driver, "#answer-1", "#answered")
    assert "2026-01 已更正为第 2 版" in find(driver, ".flash-ok").text
    assert "成立（已更正）" in find(driver, "#answered").text
    wait_until(driver, lambda d: find(d, "#finalize-2026-01"), "the 提前定稿 button once none is open")
    shoot(driver, "04-console-upheld")
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors  # no CSP violation, no missing asset
    sign_out(driver)

    # the unit sees the answer and the new revision
    sign_in(driver, base, "jiaxian")
    row = find(driver, '#me-objections tr[data-objection="1"]').text
    assert "成立（已更正）" in row and "已更正为第 2 版" in row and "经核实" in row
    shoot(driver, "05-me-answered")
