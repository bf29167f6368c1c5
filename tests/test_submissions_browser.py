"""Reporting in a real browser (headless chromium, selenium): a department signs in and uploads a
CSV with one evidence PDF; the organizer returns it with a reason; the department sees the
reason and submits again; the organizer approves and the 报送情况 grid shows approved.
Screenshots of each screen land in tests/artifacts/submissions/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from browser_kit import MISSING, console_errors, have_chromium, press, set_viewport, wait_until
from console_client import PASSWORD, make_account
from helpers import month_rows, running
from submit_world import PDF, RULES

SHOTS = Path(__file__).parent / "artifacts" / "submissions"

pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not have_chromium(), reason=MISSING)]

CSV = "单位,指标,期间,数值,说明\nA,gdp,2026-04,7.5,\nB,gdp,2026-04,6.5,\nC,gdp,2026-04,9.0,新企业投产\n"


@pytest.fixture
def served(tmp_path):
    from arena import create_app, services
    from arena.http.db import get_db

    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "SECRET_KEY": "browser-test", "REQUIRE_TOTP": False,
                      "EVIDENCE_DIR": str(tmp_path / "evidence")})
    with app.app_context():
        db = get_db()
        services.save_rules(db, RULES, actor="setup")
        rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
        services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="setup")
    make_account(app, "organizer", "考核办张三", "zhangsan")
    make_account(app, "department", "统计局王五", "wangwu", contest="small", department="tjj")
    with running(app) as base:
        yield base


def css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, selector), f"{selector} on the page")


def shoot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    set_viewport(driver, 1366, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    set_viewport(driver, 1366, min(int(height), 5000))
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    set_viewport(driver, 1366, 900)


def sign_in(driver, base: str, username: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{base}/login")
    css(driver, "#username").send_keys(username)
    css(driver, "#password").send_keys(PASSWORD)
    press(driver, "#signin")


def submit(driver, tmp_path: Path, body: str, evidence: Path | None) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(body, encoding="utf-8")
    css(driver, "#rows-file").send_keys(str(rows))
    if evidence is not None:
        css(driver, "#evidence-files").send_keys(str(evidence))
    press(driver, "#submit-rows", ".flash-ok")


def test_a_department_reports_and_the_organizer_reviews(served, browser, tmp_path):
    base, driver = served, browser
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    pdf = tmp_path / "四月统计报表.pdf"
    pdf.write_bytes(PDF)

    sign_in(driver, base, "wangwu")
    assert driver.current_url == f"{base}/report"
    shoot(driver, "01-report-choose")
    driver.get(f"{base}/report/small/2026-04")
    shoot(driver, "02-report-month-empty")
    submit(driver, tmp_path, CSV, pdf)
    assert "等待组织方审核" in css(driver, ".flash-ok").text
    assert "四月统计报表.pdf" in css(driver, "#submission-1").text
    assert css(driver, '#grid tr[data-unit="A"] td[data-key="gdp"]').get_attribute("data-status") == "pending"
    shoot(driver, "03-report-submitted")

    sign_in(driver, base, "zhangsan")
    driver.get(f"{base}/console/contests/small/submissions")
    assert "四月统计报表.pdf" in css(driver, "#submission-1").text
    shoot(driver, "04-review-pending")
    css(driver, "#reason-input-1").send_keys("乙县增速与统计快报不符，请核实")
    press(driver, "#return-1", ".flash-ok")
    assert "已退回" in css(driver, ".flash-ok").text

    sign_in(driver, base, "wangwu")
    driver.get(f"{base}/report/small/2026-04")
    assert "乙县增速与统计快报不符" in css(driver, "#reason-1").text
    shoot(driver, "05-report-returned")
    submit(driver, tmp_path, CSV.replace("B,gdp,2026-04,6.5", "B,gdp,2026-04,6.2"), None)
    assert css(driver, "#submission-2").get_attribute("data-status") == "pending"

    sign_in(driver, base, "zhangsan")
    driver.get(f"{base}/console/contests/small/submissions")
    shoot(driver, "06-review-resubmitted")
    press(driver, "#approve-2", ".flash-ok")
    assert "已审核通过" in css(driver, ".flash-ok").text
    shoot(driver, "07-review-approved")
    driver.get(f"{base}/console/contests/small/reporting?month=2026-04")
    for unit in "ABC":
        cell = css(driver, f'#grid tr[data-unit="{unit}"] td[data-key="gdp"]')
        assert cell.get_attribute("data-status") == "approved" and "已通过" in cell.text
    assert "图例" in css(driver, "#grid-legend").text
    shoot(driver, "08-reporting-grid")
    driver.get(f"{base}/console/contests/small/results?month=2026-04")
    assert "6.2" in css(driver, '#reported tr[data-unit="B"]').text

    assert [m for m in console_errors(driver) if "Content Security Policy" in m or "Refused" in m] == []
