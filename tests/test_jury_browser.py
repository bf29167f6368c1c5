"""A showcase jury in a real browser (headless Debian chromium driven by selenium): two judges
score on the phone page at 390 px (each change saved at once, a bad score refused on the card,
the scores there after a reload, submit asked twice), the third judge's sheets come through the
service, the organizer closes through the API, and the big screen reveals the tally unit by
unit, the dropped totals struck through, then the ranking. Screenshots in tests/artifacts/jury/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from browser_kit import MISSING, console_errors, find, have_chromium, press, screenshot_png, set_viewport, wait_until
from helpers import running
from jury_world import JUDGES, UNITS, jury_app, open_jury, scores_of

SHOTS = Path(__file__).parent / "artifacts" / "jury"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not have_chromium(), reason=MISSING)]


def sign_in(driver, base: str, username: str) -> None:
    from console_client import PASSWORD

    driver.get(f"{base}/login")
    find(driver, "#username").send_keys(username)
    find(driver, "#password").send_keys(PASSWORD)
    press(driver, "#signin")


def give(driver, unit: str, criterion: str, value: str) -> str:
    """Type a score into a unit's card, leave the field (a change), and wait for the card's word."""
    from selenium.webdriver.common.keys import Keys

    box = find(driver, f'#unit-{unit} input[name="{criterion}"]')
    box.clear()
    box.send_keys(value, Keys.TAB)
    state = f"#unit-{unit} .jury-state"
    return wait_until(driver, lambda d: d.find_element("css selector", state).text not in ("", "保存中…") and
                      d.find_element("css selector", state).text, f"the card of {unit} says whether it saved")


def score_on_the_phone(driver, base: str, jid: int, judge: str, shots: bool) -> None:
    sign_in(driver, base, judge)
    assert driver.current_url == f"{base}/jury/{jid}"  # a judge lands on its jury
    first = UNITS[0]
    for k, unit in enumerate(UNITS):
        for criterion, value in scores_of(judge, unit).items():
            assert give(driver, unit, criterion, f"{value:g}") == "已保存"
        if k == 0 and shots:
            # a score above the criterion's max is refused on the card, and nothing is saved
            said = give(driver, first, "cx", "45")
            assert said.startswith("未保存") and "0 to 40" in said
            assert "bad" in find(driver, f'#unit-{first} input[name="cx"]').get_attribute("class")
            screenshot_png(driver, SHOTS / "02-phone-refused.png")
            assert give(driver, first, "cx", f"{scores_of(judge, first)['cx']:g}") == "已保存"
    total = sum(scores_of(judge, first).values())
    assert find(driver, f"#unit-{first} .total").text == f"{total:g}"
    driver.refresh()  # survives a reload: every score is on the server
    wait_until(driver, lambda d: d.find_element("css selector", "#progress b").text == str(len(UNITS)),
               "every unit complete after the reload")
    assert find(driver, f'#unit-{first} input[name="sx"]').get_attribute("value") == f"{scores_of(judge, first)['sx']:g}"
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    box = find(driver, f'#unit-{first} input[name="cx"]').size
    assert box["height"] >= 44 and box["width"] >= 90  # large controls, for a thumb
    if shots:
        screenshot_png(driver, SHOTS / "01-phone-scored.png")
    find(driver, "#submit-sheets").click()  # the first tap asks again
    wait_until(driver, lambda d: "再点一次" in d.find_element("css selector", "#submit-sheets").text, "the second ask")
    press(driver, "#submit-sheets", "#jury-submitted")
    assert find(driver, f'#unit-{first} input[name="cx"]').get_attribute("disabled") is not None
    if shots:
        screenshot_png(driver, SHOTS / "03-phone-submitted.png")
    assert [e for e in console_errors(driver) if "Content Security Policy" in e] == []
    press(driver, "#signout")


def test_two_judges_score_on_the_phone_the_organizer_closes_and_the_big_screen_reveals(tmp_path):
    from arena.http.db import get_db
    from arena.services import juries, tokens
    from browser_kit import new_driver

    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    app = jury_app(tmp_path)
    jid = open_jury(app)
    with app.app_context():
        db = get_db()
        for unit in UNITS:  # the third judge, through the service
            juries.save_sheet(db, "zs", jid, unit, scores_of("judge3", unit), judge="judge3", actor="judge3")
        juries.submit(db, "zs", jid, judge="judge3", actor="judge3")
        organizer = tokens.issue(db, role="organizer", name="考核办", actor="setup")[0]
    with running(app) as base:
        phone = new_driver(tmp_path / "phone", "390,844", mobile=True)
        try:
            for k, judge in enumerate(JUDGES[:2]):
                score_on_the_phone(phone, base, jid, judge, shots=k == 0)
        finally:
            phone.quit()
        api = app.test_client()
        closed = api.post(f"/api/contests/zs/juries/{jid}/close", headers={"Authorization": f"Bearer {organizer}"})
        assert closed.status_code == 200, closed.get_json()
        order = [o["unit"] for o in closed.get_json()["order"]]
        screen = new_driver(tmp_path / "screen", "1920,1080")
        try:
            set_viewport(screen, 1920, 1080)
            screen.get(f"{base}/contests/zs/juries/{jid}")
            active = lambda d: d.find_element("css selector", ".slide.active")  # noqa: E731
            slide = wait_until(screen, active, "the first slide")
            assert slide.get_attribute("id") == f"reveal-{order[0]}"
            assert "第 1 位出场" in slide.text
            struck = slide.find_elements("css selector", "tr.dropped s")
            assert len(struck) == 2  # trim 1: the highest and the lowest of three
            screenshot_png(screen, SHOTS / "04-screen-first-unit.png")
            from selenium.webdriver.common.keys import Keys

            body = screen.find_element("css selector", "body")
            for unit in order[1:]:
                body.send_keys(Keys.ARROW_RIGHT)
                wait_until(screen, lambda d: active(d).get_attribute("id") == f"reveal-{unit}", f"the slide of {unit}")
            # 371312: judge1 90 high, judge2 80 low (the tie with judge3: by judge), x 80
            if "371312" in order:
                screen.get(f"{base}/contests/zs/juries/{jid}")
                for _ in range(order.index("371312")):
                    screen.find_element("css selector", "body").send_keys(Keys.ARROW_RIGHT)
                wait_until(screen, lambda d: active(d).get_attribute("id") == "reveal-371312", "河东区's slide")
                text = active(screen).text
                assert "河东区" in text and "80.00" in text and "去掉最高分" in text and "去掉最低分" in text
                screenshot_png(screen, SHOTS / "05-screen-a-tie.png")
                for _ in range(len(order) - order.index("371312") - 1):
                    screen.find_element("css selector", "body").send_keys(Keys.ARROW_RIGHT)
            screen.find_element("css selector", "body").send_keys(Keys.ARROW_RIGHT)
            wait_until(screen, lambda d: active(d).get_attribute("id") == "ranking-county", "the ranking")
            rows = [r.text for r in active(screen).find_elements("css selector", "tbody tr")]
            assert rows[0].startswith("1") and ("兰山区" in rows[0] or "河东区" in rows[0])
            assert "罗庄区" in rows[2]
            screenshot_png(screen, SHOTS / "06-screen-ranking.png")
            assert [e for e in console_errors(screen) if "Content Security Policy" in e] == []
        finally:
            screen.quit()
