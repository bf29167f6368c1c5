"""The programme's page in the real browser: the draft, then the published list with its board."""

from __future__ import annotations

from pathlib import Path

from arena.http.db import get_db
from arena.services import programmes, publishing
from browser_kit import console_errors, find, full_page_shot, wait_until
from helpers import running
from test_programme_api import ONE

ARTIFACTS = Path(__file__).parent / "artifacts"


def test_programme_page_draft_then_published(app, browser):
    with app.app_context():
        programmes.save(get_db(), ONE, actor="test")
        publishing.publish(get_db(), "small", "2026-01", actor="test")
    with running(app) as base:
        browser.get(f"{base}/programmes/small-all")
        assert "草稿 · 未发布" in find(browser, "#draft").text
        full_page_shot(browser, ARTIFACTS, "programme-page-draft")
        with app.app_context():
            for period in ("2026-02", "2026-03", "2026-Q1", "2026"):
                publishing.publish(get_db(), "small", period, actor="test")
            programmes.publish(get_db(), "small-all", actor="test")
        browser.get(f"{base}/programmes/small-all")
        assert "甲县" in browser.page_source and "先进单位" in browser.page_source
        assert not browser.find_elements("css selector", "#draft")
        wait_until(browser, lambda d: d.execute_script("return document.getElementById('board').naturalWidth") > 0,
                   "the board image to load")
        full_page_shot(browser, ARTIFACTS, "programme-page")
        assert console_errors(browser) == []
