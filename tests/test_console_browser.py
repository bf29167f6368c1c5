"""The console in a real browser (headless Debian chromium driven by selenium): sign in, upload
a file with a bad row and see it refused, upload a good one, edit a weight and see the
preview's rank changes, save, publish, and find the publication on the public page.

Screenshots of every console page land in tests/artifacts/console/ for review.
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

import pytest

from browser_kit import MISSING, find, full_page_shot, have_chromium, press
from helpers import SMALL_RULES, month_rows, running

SHOTS = Path(__file__).parent / "artifacts" / "console"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not have_chromium(), reason=MISSING),
]

# April: inv target 120 * 4/12 = 40. Rules in force (gdp weight 60, rank):
#   A 60 + 40*12/40 = 72, B 30 + 40*16/40 = 46, C 0 + 40*8/40 = 8        -> A 1, B 2, C 3
# gdp weight 5: A 5 + 12 = 17, B 2.5 + 16 = 18.5, C 0 + 8 = 8            -> B 1, A 2, C 3
APRIL = month_rows("2026-04", inv=(12.0, 16.0, 8.0))
GOOD_CSV = "单位,指标,期间,数值\n" + "".join(f"{r['unit']},{r['key']},{r['period']},{r['value']}\n" for r in APRIL)
BAD_CSV = GOOD_CSV.replace("B,inv,2026-04,16.0", "B,inv,2026-04,十六")  # CSV line 5


@pytest.fixture
def served(tmp_path):
    """The app on 127.0.0.1:<free port> in a thread, with the small contest and an organizer
    account (zhangsan) whose TOTP secret the test knows."""
    import pyotp
    from arena import create_app, services
    from arena.http.db import get_db
    from console_client import make_account

    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "SECRET_KEY": "browser-test"})
    with app.app_context():
        db = get_db()
        services.save_rules(db, SMALL_RULES, actor="setup")
        rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
        services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="setup")
    secret = pyotp.random_base32()
    make_account(app, "organizer", "考核办张三", "zhangsan", totp=secret)
    with running(app) as base:
        yield base, secret


def shoot(driver, name: str) -> None:
    full_page_shot(driver, SHOTS, name)



def upload(driver, tmp_path: Path, name: str, body: str) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    find(driver, "#results-file").send_keys(str(path))
    press(driver, "#upload")


def choose(driver, css: str, value: str) -> None:
    from selenium.webdriver.support.select import Select

    Select(find(driver, css)).select_by_value(value)


def test_console_end_to_end(served, browser, tmp_path):
    base, secret = served
    driver = browser
    if SHOTS.exists():
        shutil.rmtree(SHOTS)

    import pyotp
    from console_client import PASSWORD

    driver.get(f"{base}/console/")
    assert driver.current_url == f"{base}/login?next=/console/"
    shoot(driver, "01-signin")
    find(driver, "#username").send_keys("zhangsan")
    find(driver, "#password").send_keys(PASSWORD)
    find(driver, "#code").send_keys(pyotp.TOTP(secret).now())
    press(driver, "#signin")
    assert "欢迎，考核办张三" in find(driver, "main").text
    shoot(driver, "02-contests")

    press(driver, "#contests a")
    assert "甲县" in find(driver, "main").text
    shoot(driver, "03-contest")

    # results: a bad row is refused with its line, field and reason; nothing is stored
    driver.get(f"{base}/console/contests/small/results?month=2026-04")
    upload(driver, tmp_path, "april-bad.csv", BAD_CSV)
    problems = find(driver, "#problems").text
    assert "没有保存任何内容" in find(driver, ".error-box").text
    assert "5 数值" in problems and "十六" in problems
    assert "共 0 条数据" in find(driver, "#reported-summary").text
    shoot(driver, "04-results-error")
    upload(driver, tmp_path, "april.csv", GOOD_CSV)
    assert "新增 6 条，更新 0 条，未变 0 条" in find(driver, ".flash-ok").text
    assert "共 6 条数据" in find(driver, "#reported-summary").text
    shoot(driver, "05-results")

    # rules: edit a weight, preview the rank changes, save with a note
    driver.get(f"{base}/console/contests/small/rules")
    editor = find(driver, "#yaml")
    editor.clear()
    editor.send_keys(SMALL_RULES.replace("weight: 60, method: rank", "weight: 5, method: rank"))
    choose(driver, "#month", "2026-04")
    press(driver, "#preview")
    assert "名次有变化的单位：2 个" in find(driver, "#preview-summary").text
    row_a = find(driver, '#preview-ranks tr[data-unit="A"]').text.split()
    row_b = find(driver, '#preview-ranks tr[data-unit="B"]').text.split()
    assert row_a[2:] == ["1", "72.00", "2", "17.00", "↓1"]  # group, name, then ranks and totals
    assert row_b[2:] == ["2", "46.00", "1", "18.50", "↑1"]
    shoot(driver, "06-rules-preview")
    find(driver, "#note").send_keys("降低增速权重")
    press(driver, "#save")
    assert "已保存为第 2 版" in find(driver, ".flash-ok").text
    shoot(driver, "07-rules")

    driver.get(f"{base}/console/contests/small/rules/versions")
    assert "降低增速权重" in find(driver, "#versions").text
    shoot(driver, "08-versions")
    press(driver, "#compare")
    assert "增加 1 行，删除 1 行" in find(driver, "#diff-summary").text
    shoot(driver, "09-diff")

    # publish April, then find it on the public page
    driver.get(f"{base}/console/contests/small/draft?period=2026-04")
    first = find(driver, 'table.sheet tbody tr').get_attribute("data-unit")
    assert first == "B"  # under the saved rules B leads April
    press(driver, "#publish")
    assert "已发布 2026-04 第 1 版" in find(driver, ".flash-ok").text
    assert "最新为第 1 版" in find(driver, "#published-status").text
    shoot(driver, "10-draft")
    driver.get(f"{base}/console/contests/small/publications")
    assert "2026-04" in find(driver, "#publications").text
    shoot(driver, "11-publications")
    driver.get(f"{base}/console/audit?contest=small")
    audit = find(driver, "#audit").text
    assert "user zhangsan (考核办张三)" in audit and "发布" in audit and "保存规则" in audit
    shoot(driver, "12-audit")

    # no CSP violation, no missing asset; only the refused upload's 422 (the page said why)
    expected = f"{base}/console/contests/small/results - Failed to load resource: the server responded with a status of 422"
    console_errors = [e for e in driver.get_log("browser")
                      if e["level"] == "SEVERE" and not e["message"].startswith(expected)]
    assert console_errors == [], console_errors

    driver.get(f"{base}/contests/small/2026-04")
    public = find(driver, "body").text
    assert "乙县" in public and "甲县" in public and "404" not in driver.title
    shoot(driver, "13-public-page")
    with urllib.request.urlopen(f"{base}/api/contests/small/publications") as answer:
        listed = json.load(answer)
    assert [(p["period"], p["revision"]) for p in listed] == [("2026-04", 1)]

    driver.get(f"{base}/console/")
    press(driver, "#signout")
    assert "已退出登录" in find(driver, "main").text
    driver.get(f"{base}/console/audit")
    assert driver.current_url.startswith(f"{base}/login")
