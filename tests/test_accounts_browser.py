"""Accounts in a real browser (headless chromium, selenium): an admin signs in with username,
password and a TOTP code computed here, makes a unit account on the people screen; the unit
signs in with its one-time password, must change it, and sees its own /me page on a desktop
and on a 390 px phone. Screenshots land in tests/artifacts/accounts/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from browser_kit import MISSING, console_errors, have_chromium, new_driver, press, set_viewport, wait_until
from console_client import PASSWORD, make_account
from helpers import SMALL_RULES, month_rows, running

SHOTS = Path(__file__).parent / "artifacts" / "accounts"

pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not have_chromium(), reason=MISSING)]


@pytest.fixture
def served(tmp_path):
    """The app (TOTP required, as by default) with January to March published, and an admin."""
    import pyotp
    from arena import create_app, services

    from arena.services import publishing
    from arena.http.db import get_db

    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "SECRET_KEY": "browser-test"})
    with app.app_context():
        db = get_db()
        services.save_rules(db, SMALL_RULES, actor="setup")
        rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
        services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="setup")
        for month in ("2026-01", "2026-02", "2026-03"):
            publishing.publish(db, "small", month, actor="setup")
    secret = pyotp.random_base32()
    make_account(app, "admin", "系统管理员", "admin1", totp=secret)
    with running(app) as base:
        yield base, secret


def css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, selector), f"{selector} on the page")



def shoot(driver, name: str, width: int = 1366, mobile: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    set_viewport(driver, width, 900, mobile=mobile)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    set_viewport(driver, width, min(int(height), 5000), mobile=mobile)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    set_viewport(driver, width, 900, mobile=mobile)


def test_admin_with_totp_makes_a_unit_account_and_the_unit_sees_its_page(served, tmp_path):
    import pyotp

    base, secret = served
    driver = new_driver(tmp_path)
    try:
        driver.get(f"{base}/console/")
        assert driver.current_url == f"{base}/login?next=/console/"
        css(driver, "#username").send_keys("admin1")
        css(driver, "#password").send_keys(PASSWORD)
        css(driver, "#code").send_keys(pyotp.TOTP(secret).now())
        shoot(driver, "01-login")
        press(driver, "#signin", "#contests")
        assert "欢迎，系统管理员" in css(driver, "main").text

        driver.get(f"{base}/console/people")
        css(driver, "#username").send_keys("lanshan")
        css(driver, "#name").send_keys("甲县填报员")
        from selenium.webdriver.support.select import Select

        Select(css(driver, "#role")).select_by_value("unit")
        Select(css(driver, "#contest")).select_by_value("small")
        css(driver, "#unit").send_keys("A")
        press(driver, "#create-person", "#issued-password")
        one_time = css(driver, "#issued-password").text.strip()
        assert 'data-username="lanshan"' in driver.page_source
        shoot(driver, "02-people")
        press(driver, "#signout", "#username")
        assert "已退出登录" in css(driver, "main").text

        css(driver, "#username").send_keys("lanshan")
        css(driver, "#password").send_keys(one_time)
        press(driver, "#signin", "#change-password")
        assert "请先修改密码" in css(driver, "#step").text
        css(driver, "#old_password").send_keys(one_time)
        css(driver, "#new_password").send_keys("Lanshan-2026!")
        css(driver, "#repeat").send_keys("Lanshan-2026!")
        shoot(driver, "03-first-password")
        press(driver, "#change-password", "#me-standing")

        assert driver.current_url == f"{base}/me"
        assert css(driver, "#me-name").text == "甲县"
        assert css(driver, "#me-rank").text.isdigit() and css(driver, "#me-total").text
        assert "2026-03" in css(driver, "main").text and css(driver, "#me-losses")
        wait_until(driver, lambda d: d.execute_script(
            "const i = document.getElementById('me-chart'); return i.complete && i.naturalWidth > 0"),
            "the history chart to load")
        shoot(driver, "04-me-desktop")
        shoot(driver, "05-me-phone", width=390, mobile=True)
        set_viewport(driver, 390, 844, mobile=True)
        overflow = driver.execute_script("return document.documentElement.scrollWidth")
        assert overflow <= 390, f"the phone page is {overflow} px wide"
        assert console_errors(driver) == []
    finally:
        driver.quit()
