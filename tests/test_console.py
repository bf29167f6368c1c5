"""The console's door: signing in and out, the session cookie, and cross-site POSTs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from console_client import (
    SMALL_CSV,
    csrf_of,
    dump,
    form_token,
    make_token,
    sign_in,
)
from helpers import SMALL_RULES

# -- signing in ---------------------------------------------------------------------------

def test_pages_need_signing_in(app):
    answer = app.test_client().get("/console/contests/small/results")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/console/signin?next=/console/contests/small/results"


def test_sign_in_keeps_only_the_token_id_in_a_strict_cookie(app):
    secret, token_id = make_token(app, "organizer", "考核办张三")
    client = app.test_client()
    answer = sign_in(client, secret)
    assert answer.status_code == 302 and answer.headers["Location"] == "/console/"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain HTTP in this test: a Secure cookie would never come back
    value = client.get_cookie("session", path="/console").value
    session = app.session_interface.get_signing_serializer(app).loads(value)
    assert set(session) <= {"token_id", "at", "csrf", "_flashes"} and session["token_id"] == token_id
    assert secret not in json.dumps(session)
    home = client.get("/console/").get_data(as_text=True)
    assert "考核办张三" in home and "小擂台" in home


@pytest.mark.parametrize("how", ["https", "setting"])
def test_cookie_is_secure_over_https_or_when_configured(app, how):
    secret, _ = make_token(app, "organizer", "甲")
    if how == "setting":
        app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    base = "https://localhost" if how == "https" else "http://localhost"
    page = client.get("/console/signin", base_url=base).get_data(as_text=True)
    answer = client.post("/console/signin", base_url=base, data={"token": secret, "csrf_token": csrf_of(page)})
    assert answer.status_code == 302 and "Secure" in answer.headers["Set-Cookie"]


def test_unit_token_cannot_enter(app):
    secret, _ = make_token(app, "unit", "甲县填报员", contest="small", unit="A")
    client = app.test_client()
    answer = sign_in(client, secret)
    assert answer.status_code == 403
    assert "单位令牌不能进入管理后台" in answer.get_data(as_text=True)
    assert client.get("/console/").status_code == 302  # still not signed in


def test_wrong_token_is_refused_and_rate_limited(app):
    app.config["AUTH_FAILURES_PER_MINUTE"] = 3
    secret, _ = make_token(app, "organizer", "甲")
    client = app.test_client()
    for _ in range(3):
        answer = sign_in(client, "not-a-token")
        assert answer.status_code == 401 and "令牌无效" in answer.get_data(as_text=True)
    answer = sign_in(client, secret)  # even the right token waits out the minute
    assert answer.status_code == 429 and "失败次数过多" in answer.get_data(as_text=True)


def test_revoked_token_ends_the_session_at_once(app, organizer):
    from arena.http.db import get_db
    from arena.services import tokens

    assert organizer.get("/console/").status_code == 200
    with app.app_context():
        for row in tokens.list_tokens(get_db()):
            tokens.revoke(get_db(), row["id"], actor="admin")
    answer = organizer.get("/console/contests/small/draft")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/console/signin")
    assert "登录已失效" in organizer.get(answer.headers["Location"]).get_data(as_text=True)


def test_expired_token_ends_the_session(app, monkeypatch):
    from arena.http.db import get_db
    from arena.store import tokens
    from arena.store.db import transaction

    soon = datetime.now(timezone.utc) + timedelta(seconds=2)
    with app.app_context():
        db = get_db()
        with transaction(db):
            tokens.create(db, token="secret-expiring", name="临时", role="organizer", contest=None, unit=None,
                          created_by="setup", now="2026-01-01T00:00:00+00:00", expires_at=soon.isoformat())
    client = app.test_client()
    assert sign_in(client, "secret-expiring").status_code == 302
    assert client.get("/console/").status_code == 200
    monkeypatch.setattr("arena.http.principals.epoch", lambda: soon.timestamp() + 1)  # the console reads it too
    assert client.get("/console/").status_code == 302


def test_sign_out(organizer):
    answer = organizer.post("/console/signout", data={"csrf_token": form_token(organizer)})
    assert answer.status_code == 302
    assert organizer.get("/console/").status_code == 302


def test_next_never_leaves_the_console(app):
    secret, _ = make_token(app, "organizer", "甲")
    for target, expected in (("/console/audit", "/console/audit"), ("https://evil.example/", "/console/"),
                             ("//evil.example/console", "/console/"), ("/api/audit", "/console/"),
                             ("/console/x\r\nSet-Cookie: a=b", "/console/"), ("/console/contests/small\n", "/console/")):
        assert sign_in(app.test_client(), secret, next=target).headers["Location"] == expected
    client = app.test_client()
    sign_in(client, secret)
    assert client.get("/console/signin?next=/console/contests/small%0a").headers["Location"] == "/console/"


def test_a_version_number_beyond_sqlite_is_not_found(organizer):
    assert organizer.get("/console/contests/small/rules/versions/99999999999999999999").status_code == 404


def test_a_token_scoped_to_one_contest_sees_only_it(app):
    from arena import services
    from arena.http.db import get_db

    with app.app_context():
        services.save_rules(get_db(), SMALL_RULES.replace("id: small", "id: other"), actor="setup")
    secret, _ = make_token(app, "organizer", "只管小擂台", contest="small")
    client = app.test_client()
    sign_in(client, secret)
    home = client.get("/console/").get_data(as_text=True)
    assert "/console/contests/small" in home and "/console/contests/other" not in home
    assert client.get("/console/contests/other/draft").status_code == 403


# -- cross-site requests ------------------------------------------------------------------

def _posts(organizer) -> dict[str, tuple[str, dict]]:
    """One POST of every kind the console takes, each of which would change the database."""
    from io import BytesIO

    fresh_rules = SMALL_RULES.replace("id: small", "id: fresh")
    return {
        "results": ("/console/contests/small/results", {"file": (BytesIO(SMALL_CSV.encode()), "april.csv")}),
        "rules": ("/console/contests/small/rules",
                  {"yaml": SMALL_RULES.replace("weight: 60", "weight: 50"), "note": "改权重", "action": "save"}),
        "publish": ("/console/contests/small/publications", {"period": "2026-03", "action": "publish"}),
        "contest": ("/console/contests", {"rules": (BytesIO(fresh_rules.encode()), "fresh.yaml")}),
    }


ATTACKS = {
    "no_token": ({}, None),
    "wrong_token": ({}, "forged"),
    "foreign_origin": ({"Origin": "https://evil.example"}, "valid"),
    "null_origin": ({"Origin": "null"}, "valid"),
    "cross_site_fetch": ({"Sec-Fetch-Site": "cross-site"}, "valid"),
    "same_site_fetch": ({"Sec-Fetch-Site": "same-site"}, "valid"),
}


@pytest.mark.parametrize("kind", ["results", "rules", "publish", "contest"])
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_cross_site_post_changes_nothing(app, organizer, kind, attack):
    headers, token = ATTACKS[attack]
    path, data = _posts(organizer)[kind]
    if token is not None:
        data["csrf_token"] = form_token(organizer) if token == "valid" else token
    before = dump(app)
    answer = organizer.post(path, data=data, headers=headers, content_type="multipart/form-data")
    assert answer.status_code == 403
    assert "没有做任何更改" in answer.get_data(as_text=True)
    assert dump(app) == before


@pytest.mark.parametrize("kind", ["results", "rules", "publish", "contest"])
def test_the_same_posts_from_the_console_itself_do_change_things(app, organizer, kind):
    # the control for the test above: with the token and same-origin headers each POST works
    path, data = _posts(organizer)[kind]
    data["csrf_token"] = form_token(organizer)
    before = dump(app)
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    answer = organizer.post(path, data=data, headers=headers, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert dump(app) != before


def test_cross_site_sign_out_and_sign_in_are_refused(app, organizer):
    assert organizer.post("/console/signout", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert organizer.get("/console/").status_code == 200  # still signed in
    secret, _ = make_token(app, "organizer", "乙")
    stranger = app.test_client()
    assert stranger.post("/console/signin", data={"token": secret}).status_code == 403  # login CSRF
    assert stranger.get("/console/").status_code == 302


def test_an_unknown_console_address_is_the_consoles_html_page(app, organizer):
    for client in (app.test_client(), organizer):
        answer = client.get("/console/nothing-here")
        assert answer.status_code == 404 and answer.mimetype == "text/html"
    refused = organizer.delete("/console/")
    assert refused.status_code == 405 and refused.mimetype == "text/html" and "GET" in refused.headers["Allow"]
    assert app.test_client().get("/api/nothing-here").mimetype == "application/json"


def test_every_font_stack_names_the_cjk_font_before_any_generic_family():
    """Chrome on Linux lets a generic family (system-ui, sans-serif...) answer Chinese with boxes
    when no CJK font is installed: ArenaCJK, the app's own, must be asked first."""
    import re
    from pathlib import Path

    import arena

    generic = {"system-ui", "ui-monospace", "ui-sans-serif", "sans-serif", "serif", "monospace"}
    root = Path(arena.__file__).parent
    stacks = []
    for css in (root / "http/console/static/console.css", root / "http/web/static/arena.css"):
        text = css.read_text(encoding="utf-8")
        stacks += [s for s in re.findall(r"(?:font-family|--mono)\s*:\s*([^;{}]+);", text) if "var(" not in s]
    assert len(stacks) >= 3
    for stack in stacks:
        names = [n.strip().strip('"') for n in stack.split(",")]
        assert "ArenaCJK" in names, stack
        first_generic = min((names.index(n) for n in names if n in generic), default=len(names))
        assert names.index("ArenaCJK") < first_generic, stack


@pytest.mark.parametrize("iso, shown", [
    ("2026-02-10T09:00:00+08:00", "2026-02-10 09:00:00+08:00"),
    ("2026-02-10T01:00:00.123456+00:00", "2026-02-10 01:00:00+00:00"),
    (None, "—"),
])
def test_console_times_read_as_dates(iso, shown):
    from arena.http.console import console_time

    assert console_time(iso) == shown
