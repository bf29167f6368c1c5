"""Headless Debian chromium for the tests, driven by selenium: one way to start it and to wait.

Nothing here sleeps for a fixed time: ``wait_until`` polls for the state a test checks, with a
deadline generous enough for a machine whose cores are busy (a slow machine waits longer, a
fast one no longer than it needs).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")
PATIENCE = 60  # seconds: a deadline, not a delay
MISSING = ("Debian's chromium and chromium-driver are not installed "
           "(apt-get install -y chromium chromium-driver; .ci/run installs them where apt-get is available)")


def have_chromium() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


def cjk_fontconfig(folder: Path) -> dict[str, str]:
    """Environment for chromium with mpl-font's Noto Sans CJK as a system font (as on an office
    PC), so screenshots show Chinese on a bare CI machine too."""
    from arena.render.fonts import package_fonts  # finds mpl-font's files without importing it

    fonts = folder / "fonts"
    fonts.mkdir(exist_ok=True)
    noto = Path(package_fonts()[0]).parent
    for name in ("NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf"):
        if not (fonts / name).exists():
            (fonts / name).symlink_to(noto / name)
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{folder / "fontconfig-cache"}</cachedir>
</fontconfig>
""", encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def new_driver(folder: Path, window: str = "1366,900", *, mobile: bool = False):
    """A selenium Chrome on Debian's chromium, its profile and fonts in ``folder``; quit it after."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    folder.mkdir(parents=True, exist_ok=True)
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={folder / 'chromium-profile'}", f"--window-size={window}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(str(CHROMEDRIVER), env=cjk_fontconfig(folder))
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(5)
    if mobile:
        width, height = (int(n) for n in window.split(","))
        set_viewport(driver, width, height, mobile=True)
    return driver


def set_viewport(driver, width: int, height: int, *, mobile: bool = False) -> None:
    """The page's own viewport, exactly (a window size counts the browser's frame too)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def wait_until(driver, check: Callable[[Any], Any], what: str, timeout: float = PATIENCE) -> Any:
    """Poll ``check(driver)`` until it is truthy; fail naming ``what`` after ``timeout`` seconds."""
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.support.wait import WebDriverWait

    def ready(d):
        try:
            return check(d)
        except WebDriverException:  # mid-navigation: ask again
            return False

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(ready)
    except TimeoutException:
        raise AssertionError(f"after {timeout} s: {what}") from None


def press(driver, css: str, expect: str | None = None) -> None:
    """Click ``css`` and wait until the next page has replaced this one and loaded (and shows
    ``expect``, if given). The old page is marked in its window object; a new document has no
    mark. Selenium's staleness_of is not used: while the old document is torn down chromedriver
    may answer "Node with given id does not belong to the document" instead of a stale element."""
    from selenium.webdriver.common.by import By

    driver.execute_script("window.__arenaOldPage = true")
    wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, css), f"{css} on the page").click()
    wait_until(driver, lambda d: d.execute_script("return !window.__arenaOldPage && document.readyState === 'complete'")
               and (expect is None or d.find_elements(By.CSS_SELECTOR, expect)),
               f"the page after {css}" + (f" with {expect}" if expect else ""))


def console_errors(driver) -> list[str]:
    """Messages the page logged to the console (errors and warnings), e.g. CSP violations."""
    return [e["message"] for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "WARNING")]


def screenshot_png(driver, path: Path) -> tuple[int, int]:
    """Save the viewport as PNG; its (width, height) in pixels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = driver.get_screenshot_as_png()
    path.write_bytes(data)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def full_page_shot(driver, folder: Path, name: str, width: int = 1366) -> None:
    """A full-page screenshot in ``folder``: the window is stretched to the page's height first."""
    folder.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, max(900, min(int(height) + 200, 6000)))  # + the browser chrome
    driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(width, 900)


def find(driver, css: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, css)
