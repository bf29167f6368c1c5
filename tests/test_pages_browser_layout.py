"""The public pages' layout in the real browser (issue 14): the contest page, the 考核细则 and the
big screen at 1440, 1920 and 390 px wide, screenshots in tests/artifacts/layout/ for a person to
look at; nothing on the contest page wider than its column; the first visit under 500 KB; on a
phone no text under 12 px, the sheet scrolling sideways with the unit column fixed, and the board's
footnote and light legend as text; on the big screen dragon and tiger rows set apart from the
middle, the flags slide filling the stage and a long correction note wrapped, not cut.

The demo contest with May, a corrected June (a long note) and the second quarter published.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from browser_kit import MISSING, console_errors, find, have_chromium, set_viewport, wait_until
from helpers import running

SHOTS = Path(__file__).parent / "artifacts" / "layout"
DUE = datetime(2026, 7, 15, 1, 0, tzinfo=timezone.utc)
NOTE = ("经核实，罗庄区6月份一般公共预算收入数据报送有误，现予更正并重新发布；本次更正涉及区县组第二名至第五名的名次，"
        "其余单位得分不变。各单位如有异议，请于公示期内向考核办提出。")
CID = "linyi-2026"
PAGES = {"contest": f"/contests/{CID}", "rules": f"/contests/{CID}/rules", "screen": f"/contests/{CID}/screen?rotate=300"}
HEIGHTS = {1440: 900, 1920: 1080, 390: 844}

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not have_chromium(), reason=MISSING)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo served on 127.0.0.1: May, June (corrected, revision 2, with NOTE) and 2026-Q2."""
    from arena import services
    from arena.engine.results import check_rows
    from arena.http.app import create_app
    from arena.ingest import RawRow
    from arena.services import demo, publishing
    from arena.store.db import connect, migrate

    root = tmp_path_factory.mktemp("layout")
    db = connect(str(root / "arena.db"))
    migrate(db)
    services.save_rules(db, Path(demo.DEMO_RULES).read_text(encoding="utf-8"), actor="t")
    contest, _ = services.contest_rules(db, CID)
    rows = demo.generate_results(contest)
    raw = [RawRow(i, r["unit"], r["key"], r["period"], r["value"]) for i, r in enumerate(rows, 1)]
    services.store_results(db, contest, check_rows(contest, raw), actor="t")
    for period in ("2026-05", "2026-06"):
        publishing.publish(db, CID, period, actor="t", now=DUE)
    fixed = next(r for r in rows if r["unit"] == "371311" and r["key"] == "ybys" and r["period"] == "2026-06")
    services.store_results(db, contest, check_rows(contest, [RawRow(1, fixed["unit"], fixed["key"], fixed["period"],
                                                                     fixed["value"] * 1.5)]), actor="t")
    _, made = publishing.publish(db, CID, "2026-06", actor="t", note=NOTE, now=DUE)
    assert made  # the correction is revision 2
    publishing.publish(db, CID, "2026-Q2", actor="t", now=DUE)
    db.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARENA_INSTANCE", str(root / "instance"))
        app = create_app({"DATABASE": str(root / "arena.db")})
    with running(app) as base:
        yield base


def open_at(driver, url: str, width: int, *, height: int | None = None) -> None:
    """``url`` in a viewport ``width`` wide (a phone's below 500 px), fonts loaded."""
    set_viewport(driver, width, height or HEIGHTS[width], mobile=width < 500)
    driver.get(url)
    wait_until(driver, lambda d: d.execute_script("return document.readyState === 'complete' && "
                                                  "document.fonts.status === 'loaded'"), f"{url} loaded")


def page_shot(driver, url: str, width: int, name: str, *, whole: bool = True) -> None:
    """A screenshot of ``url`` at ``width``: the whole page (the viewport stretched to it) or one screen."""
    open_at(driver, url, width)
    if whole:
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        set_viewport(driver, width, min(max(height, HEIGHTS[width]), 8000), mobile=width < 500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    data = driver.get_screenshot_as_png()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == width
    (SHOTS / f"{name}-{width}.png").write_bytes(data)


@pytest.mark.parametrize("width", [1440, 1920, 390])
def test_screenshots_of_the_contest_page_the_rules_and_the_big_screen(site, browser, width):
    for name, path in PAGES.items():
        page_shot(browser, site + path, width, name, whole=name != "screen")
        assert "2026年度临沂市综合擂台赛" in browser.page_source
        assert console_errors(browser) == [], name  # nothing refused by the Content-Security-Policy
    for name in PAGES:
        assert (SHOTS / f"{name}-{width}.png").stat().st_size > 10_000  # a page, not a blank


# Every visible element whose box leaves its parent's sideways, unless a scroll container
# between them (overflow-x auto, scroll or hidden) holds it: a table that scrolls is fine.
OVERFLOWS = """
const out = [];
const clipped = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
  if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
const block = el => { let p = el.parentElement;
  while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement; return p; };
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || ['SCRIPT', 'BR'].includes(el.tagName)) continue;
  const p = block(el);
  if (!p || p === document.documentElement) continue;
  const q = p.getBoundingClientRect();
  if ((r.right > q.right + 1 || r.left < q.left - 1) && !clipped(el))
    out.push(`${el.tagName}.${el.className} [${Math.round(r.left)}, ${Math.round(r.right)}] in ${p.tagName}.${p.className} [${Math.round(q.left)}, ${Math.round(q.right)}]`);
}
if (document.documentElement.scrollWidth > innerWidth)
  out.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${innerWidth} px window`);
return out;
"""


@pytest.mark.parametrize("width", [1440, 390])
def test_nothing_on_the_contest_page_leaves_its_column(site, browser, width):
    open_at(browser, site + PAGES["contest"], width)
    assert browser.execute_script(OVERFLOWS) == []
    # and the check sees one: a box wider than its card, outside any scroll container
    browser.execute_script("""const d = document.createElement('div'); d.className = 'too-wide';
      d.style.width = (innerWidth + 100) + 'px'; d.textContent = '宽'; document.querySelector('.card').append(d);""")
    assert any(line.startswith("DIV.too-wide") for line in browser.execute_script(OVERFLOWS))


def test_the_first_visit_of_a_contest_page_weighs_under_500_kb(site, browser):
    """What the browser transferred, by the Performance API (transferSize: headers and body as sent,
    from an empty cache), for the page and everything it loaded at once. This browser has Noto Sans
    CJK installed and so would not fetch the web font: it is fetched here as a machine without a
    CJK font would (font.css's url), and counted too."""
    open_at(browser, site + PAGES["contest"], 1440)
    font = browser.execute_script("""
      const css = [...document.styleSheets].find(s => s.href && s.href.includes('font'));
      const rule = css && [...css.cssRules].find(r => r.cssText.includes('url('));
      return rule ? new URL(rule.cssText.match(/url\\("?([^")]+)"?\\)/)[1], css.href).href : null;""")
    assert font, "the page names no web font"
    if not browser.execute_script("return performance.getEntriesByType('resource').some(e => e.name === arguments[0])",
                                  font):
        browser.execute_script("return fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => b.byteLength)", font)
    sizes = browser.execute_script("""
      const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      return Object.fromEntries(all.map(e => [e.name, e.transferSize]));""")
    assert len(sizes) >= 5 and all(n > 0 for n in sizes.values()), sizes  # page, 2 css, board, js, font
    assert any("/fonts/" in url for url in sizes), sizes
    (SHOTS / "first-visit.json").parent.mkdir(parents=True, exist_ok=True)
    (SHOTS / "first-visit.json").write_text(json.dumps(sizes, indent=1), encoding="utf-8")
    assert sum(sizes.values()) < 500_000, sizes


SMALLEST_TEXT = """
let least = [1e9, ''];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!n.textContent.trim() || !el || el.closest('script')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const size = parseFloat(getComputedStyle(el).fontSize);
  if (size < least[0]) least = [size, `${el.tagName}.${el.className}: ${n.textContent.trim().slice(0, 30)}`];
}
return least;
"""


def test_on_a_phone_no_text_is_under_12_px_and_the_sheet_scrolls_with_its_unit_column_fixed(site, browser):
    open_at(browser, site + PAGES["contest"], 390)
    size, where = browser.execute_script(SMALLEST_TEXT)
    assert size >= 12, where
    # the footnote and the light legend, which the 1080-px board shrinks to 5 px here, as text
    foot = find(browser, ".board-foot")
    assert "数据截至2026年6月30日" in foot.text and "时序进度50.0%（6/12）" in foot.text
    assert "1 工业技改投资" in foot.text and "8 单位工业增加值能耗" in foot.text
    assert float(foot.value_of_css_property("font-size").removesuffix("px")) >= 12
    box = find(browser, ".card .scroll")
    assert browser.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", box)
    name, rank = find(browser, ".card .scroll td.name"), find(browser, ".card .scroll td.rank")
    assert name.value_of_css_property("position") == "sticky" and name.value_of_css_property("left") == "0px"
    rank_before = rank.rect["x"]
    browser.execute_script("arguments[0].scrollLeft = 400", box)
    assert browser.execute_script("return arguments[0].scrollLeft", box) == 400
    assert rank.rect["x"] == pytest.approx(rank_before - 400, abs=1)  # the rest of the row moves away
    assert name.rect["x"] == pytest.approx(box.rect["x"], abs=1)  # the unit's name stays at the left edge


@pytest.mark.parametrize("path", ["/rules", "/flags", "/units/371302", "/2026-Q2", "/screen"])
def test_no_public_page_has_text_under_12_px_on_a_phone(site, browser, path):
    open_at(browser, site + f"/contests/{CID}{path}", 390)
    size, where = browser.execute_script(SMALLEST_TEXT)
    assert size >= 12, where
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390  # no sideways page


def test_every_board_and_the_big_screen_link_the_rules(site, browser):
    rules = f"/contests/{CID}/rules"
    open_at(browser, site + f"/contests/{CID}/2026-06", 390)
    assert find(browser, f".board-card a[href='{rules}']").is_displayed()
    open_at(browser, site + PAGES["screen"], 1920)
    link = find(browser, f"#screen a[href='{rules}']")
    assert link.is_displayed() and link.rect["y"] + link.rect["height"] <= 1080  # on the screen, to click


def test_the_big_screen_sets_dragon_and_tiger_apart_and_wraps_its_note(site, browser):
    open_at(browser, site + PAGES["screen"], 1920)
    styles = browser.execute_script("""
      const row = sel => { const r = document.querySelector('.slide.active ' + sel); const s = getComputedStyle(r.cells[0]);
        return [s.backgroundColor, s.color, getComputedStyle(r).outlineColor]; };
      return {dragon: row('tr.dragon'), tiger: row('tr.tiger'), middle: row('tr:not(.dragon):not(.tiger)')};""")
    assert len({styles["dragon"][0], styles["tiger"][0], styles["middle"][0]}) == 3, styles
    side = browser.execute_script("""
      const words = [...document.querySelectorAll('.slide.active .side')].map(s => s.textContent.trim());
      return words;""")
    assert "龙榜" in side and "虎榜" in side  # each set-apart row also says which board it is on
    note = find(browser, "#screen header .note")
    assert note.text.replace("\n", "").endswith("向考核办提出。")
    assert browser.execute_script("""const n = arguments[0], h = n.closest('header').getBoundingClientRect(),
      r = n.getBoundingClientRect();
      return n.scrollWidth <= n.clientWidth + 1 && r.height > 40 && r.bottom <= h.bottom && r.right <= innerWidth;""",
                                  note)
    # the flags slide: its lines fill the stage rather than sitting in its top corner
    browser.execute_script("""const s = document.querySelectorAll('.slide');
      s.forEach((x, i) => x.classList.toggle('active', i === s.length - 1));""")
    filled = browser.execute_script("""const f = document.querySelector('.slide.active .flags'),
      st = document.querySelector('.stage').getBoundingClientRect(), r = f.getBoundingClientRect();
      return [r.height / st.height, r.width / st.width];""")
    assert filled[0] > 0.5 and filled[1] > 0.8, filled
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "screen-flags-1920.png"))
