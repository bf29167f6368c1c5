"""催报记录 in a real browser (headless chromium): reminders sent through a local robot, one
channel down (its messages wait, marked failed with the error), the organizer opens the page
from the contest's menu. Screenshot in tests/artifacts/reminders/."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_kit import MISSING, console_errors, have_chromium, new_driver, press, set_viewport, wait_until
from console_client import PASSWORD, make_account
from helpers import running
from reminder_kit import CYCLE_RULES, Recorder, sh, submit, webhook

SHOTS = Path(__file__).parent / "artifacts" / "reminders"

pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not have_chromium(), reason=MISSING)]


def test_the_organizer_reads_the_outbox_sent_and_waiting(tmp_path):
    from selenium.webdriver.common.by import By

    from arena import create_app, services
    from arena.http.db import get_db
    from arena.services import reminders
    from arena.services.channels import Outlets, dingtalk, wecom

    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "SECRET_KEY": "browser-test", "REQUIRE_TOTP": False})
    recorder = Recorder()
    with webhook(recorder) as url:
        with app.app_context():
            db = get_db()
            services.save_rules(db, CYCLE_RULES, actor="setup")
            submit(db, "unit:B", "2026-03")  # 乙县 has reported: nobody reminds it
            down = Outlets({"wecom": wecom(5), "dingtalk": dingtalk("SECret", 2)},
                           {"wecom": url, "dingtalk": "http://127.0.0.1:9/robot/send?access_token=DOWN"})
            reminders.remind(db, sh("2026-04-03 09:00"), down)
    make_account(app, "organizer", "考核办张三", "zhangsan")
    driver = new_driver(tmp_path / "browser")
    try:
        with running(app) as base:
            driver.get(f"{base}/login")
            driver.find_element(By.CSS_SELECTOR, "#username").send_keys("zhangsan")
            driver.find_element(By.CSS_SELECTOR, "#password").send_keys(PASSWORD)
            press(driver, "#signin")
            driver.get(f"{base}/console/contests/cycle")
            press(driver, "#reminders-link")
            body = wait_until(driver, lambda d: d.find_element(By.TAG_NAME, "main").text, "the outbox")
            assert "已发送" in body and "市统计局" in body and "甲县" in body
            assert "2026-04-03 09:00:00+08:00" in body and "+00:00" not in body  # the contest's own clock
            assert "发送失败" in body or "待重试" in body or "失败" in body, body[:2000]
            assert 'data-reporter="unit:B"' not in driver.page_source and "DOWN" not in driver.page_source and "SECret" not in driver.page_source
            SHOTS.mkdir(parents=True, exist_ok=True)
            set_viewport(driver, 1366, min(int(driver.execute_script("return document.body.scrollHeight")), 4000))
            driver.save_screenshot(str(SHOTS / "outbox.png"))
            assert console_errors(driver) == []
    finally:
        driver.quit()
    assert len(recorder.texts) == 3  # the robot that is up got its three, once
