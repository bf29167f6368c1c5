"""Security headers on every kind of answer (arena/headers.py), and templates with nothing
inline that a Content-Security-Policy without 'unsafe-inline' would block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api_world import build_world

ROOT = Path(__file__).parent.parent
KINDS = {
    "api json": ("GET", "/api/contests", 200, "application/json"),
    "page": ("GET", "/contests/small", 200, "text/html"),
    "screen": ("GET", "/contests/small/screen", 200, "text/html"),
    "console": ("GET", "/login", 200, "text/html"),
    "image": ("GET", "/api/contests/small/boards/2026-03.png", 200, "image/png"),
    "svg": ("GET", "/api/contests/small/boards/2026-03.svg", 200, "image/svg+xml"),
    "xlsx": ("GET", "/api/contests/small/scores/2026-03.xlsx", 200,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "404": ("GET", "/api/contests/none", 404, "application/json"),
    "page 404": ("GET", "/no-such-page", 404, "application/json"),
    "405": ("DELETE", "/api/contests", 405, "application/json"),
    "console 404": ("GET", "/console/no-such-page", 404, "text/html"),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    yield build_world(tmp_path_factory.mktemp("headers"), mp)
    mp.undo()


def directives(csp: str) -> dict[str, str]:
    return {d.split()[0]: " ".join(d.split()[1:]) for d in csp.split(";") if d.strip()}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_answer_carries_the_headers(world, kind):
    method, path, status, mimetype = KINDS[kind]
    response = world.client().open(path, method=method)
    assert (response.status_code, response.mimetype) == (status, mimetype)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == "'none'"
    if mimetype == "text/html":
        script = csp.get("script-src", csp["default-src"])
        style = csp.get("style-src", csp["default-src"])
        assert script == "'self'" and style == "'self'", csp
    elif mimetype == "image/svg+xml":
        assert csp["default-src"] == "'none'" and "script-src" not in csp  # no script, whatever the SVG says
    else:
        assert csp["default-src"] == "'none'"


def test_frame_ancestors_lets_a_wall_frame_the_public_pages_only(tmp_path, monkeypatch):
    world = build_world(tmp_path, monkeypatch)
    from arena.http.app import create_app

    app = create_app({"DATABASE": world.path, "TESTING": True,
                      "FRAME_ANCESTORS": "'self' https://wall.example.cn"})
    client = app.test_client()
    page = client.get("/contests/small/screen")
    assert directives(page.headers["Content-Security-Policy"])["frame-ancestors"] == "'self' https://wall.example.cn"
    assert "X-Frame-Options" not in page.headers
    for path in ("/login", "/api/contests"):
        answer = client.get(path)
        assert directives(answer.headers["Content-Security-Policy"])["frame-ancestors"] == "'none'", path
        assert answer.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("value", ["x; script-src *", "'unsafe-inline'", "", "https://a.cn\r\nSet-Cookie: x"])
def test_a_frame_ancestors_setting_that_could_break_the_header_is_refused(value, tmp_path):
    from arena import config
    from arena.http.app import create_app
    from arena.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        config.load(environ={"ARENA_FRAME_ANCESTORS": value, "ARENA_DATABASE": str(tmp_path / "a.db")})
    assert caught.value.details[0]["field"] == "ARENA_FRAME_ANCESTORS"
    with pytest.raises(ConfigError):
        create_app({"DATABASE": str(tmp_path / "a.db"), "FRAME_ANCESTORS": value})


INLINE = [(r"<script(?![^>]*\bsrc=)[^>]*>", "an inline script"), (r"\sstyle=", "a style attribute"),
          (r"<style", "a style element"), (r"\son[a-z]+\s*=", "an event handler attribute"),
          (r"javascript:", "a javascript: URL")]


@pytest.mark.parametrize("template", sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("arena/http/*/templates/**/*.html")))
def test_templates_hold_no_inline_script_style_or_handler(template):
    text = (ROOT / template).read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE if re.search(pattern, text)]
    assert found == [], f"{template}: {found}"


@pytest.mark.parametrize("path", ["/", "/contests/small", "/contests/small/2026-03", "/contests/small/units/A",
                                  "/contests/small/flags", "/contests/small/screen"])
def test_rendered_pages_hold_nothing_inline(world, path):
    page = world.client().get(path).get_data(as_text=True)
    assert [what for pattern, what in INLINE if re.search(pattern, page)] == []
