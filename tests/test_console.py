"""The console's door: signing in and out, the session cookie, and cross-site POSTs."""

from __future__ import annotations

import json

import pytest
from console_client import (
    PASSWORD,
    SMALL_CSV,
    csrf_of,
    dump,
    form_token,
    make_account,
    make_token,
    sign_in,
    text,
)
from helpers import SMALL_RULES

# -- signing in ---------------------------------------------------------------------------

def test_pages_need_signing_in(app):
    answer = app.test_client().get("/console/contests/small/results")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/login?next=/console/contests/small/results"


def test_the_old_token_sign_in_address_leads_to_login(app):
    answer = app.test_client().get("/console/signin?next=/console/audit")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login?next=/console/audit"


def test_sign_in_keeps_only_a_session_id_in_a_strict_cookie(app):
    make_account(app, "organizer", "考核办张三", "zhangsan")
    client = app.test_client()
    answer = sign_in(client, "zhangsan")
    assert answer.status_code == 302 and answer.headers["Location"] == "/console/"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP in this test: a Secure cookie would never come back
    value = client.get_cookie("session").value
    session = app.session_interface.get_signing_serializer(app).loads(value)
    assert set(session) <= {"sid", "csrf", "_flashes"} and len(session["sid"]) >= 43
    assert "zhangsan" not in json.dumps(session) and PASSWORD not in json.dumps(session)
    home = client.get("/console/").get_data(as_text=True)
    assert "考核办张三" in home and "小擂台" in home


@pytest.mark.parametrize("how", ["https", "setting"])
def test_cookie_is_secure_over_https_or_when_configured(app, how):
    make_account(app, "organizer", "甲", "jia")
    if how == "setting":
        app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    base = "https://localhost" if how == "https" else "http://localhost"
    page = client.get("/login", base_url=base).get_data(as_text=True)
    answer = client.post("/login", base_url=base,
                         data={"username": "jia", "password": PASSWORD, "csrf_token": csrf_of(page)})
    assert answer.status_code == 302 and "Secure" in answer.headers["Set-Cookie"]


def test_a_unit_account_cannot_enter_the_console(app):
    make_account(app, "unit", "甲县填报员", "jiaxian", contest="small", unit="A")
    client = app.test_client()
    answer = sign_in(client, "jiaxian")
    assert answer.status_code == 302 and answer.headers["Location"] == "/me"
    refused = client.get("/console/")
    assert refused.status_code == 403 and "不能进入管理后台" in refused.get_data(as_text=True)


def test_a_token_no_longer_signs_in_to_the_console(app):
    secret, _ = make_token(app, "organizer", "甲")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    answer = client.post("/login", data={"token": secret, "csrf_token": csrf_of(page)})
    assert answer.status_code == 401 and client.get("/console/").status_code == 302


def test_wrong_passwords_from_one_address_are_slowed(app):
    app.config["AUTH_FAILURES_PER_MINUTE"] = 3
    for name in ("jia", "yiyi"):
        make_account(app, "organizer", name, name)
    client = app.test_client()
    for name in ("jia", "yiyi", "jia"):  # spread over two accounts: neither locks
        answer = sign_in(client, name, "Wrong-pass-1")
        assert answer.status_code == 401 and "用户名、密码或动态口令不正确" in text(answer)
    answer = sign_in(client, "yiyi")  # even the right password waits out the minute
    assert answer.status_code == 429 and "失败次数过多" in text(answer) and int(answer.headers["Retry-After"]) >= 1


def test_disabling_the_account_ends_the_session_at_once(app, organizer):
    from arena.services import accounts
    from arena.http.db import get_db

    assert organizer.get("/console/").status_code == 200
    with app.app_context():
        accounts.disable(get_db(), "zhangsan", actor="admin")
    answer = organizer.get("/console/contests/small/draft")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert "登录已失效" in organizer.get(answer.headers["Location"]).get_data(as_text=True)


def test_sign_out(organizer):
    answer = organizer.post("/logout", data={"csrf_token": form_token(organizer)})
    assert answer.status_code == 302
    assert organizer.get("/console/").status_code == 302


def test_next_never_leaves_the_site(app):
    make_account(app, "organizer", "甲", "jia")
    for target, expected in (("/console/audit", "/console/audit"), ("https://evil.example/", "/console/"),
                             ("//evil.example/console", "/console/"), ("/api/audit", "/console/"),
                             ("/console/x\r\nSet-Cookie: a=b", "/console/"), ("/console/contests/small\n", "/console/")):
        assert sign_in(app.test_client(), "jia", next=target).headers["Location"] == expected
    client = app.test_client()
    sign_in(client, "jia")
    assert client.get("/login?next=/console/contests/small%0a").headers["Location"] == "/console/"


def test_a_version_number_beyond_sqlite_is_not_found(organizer):
    assert organizer.get("/console/contests/small/rules/versions/99999999999999999999").status_code == 404


def test_an_account_scoped_to_one_contest_sees_only_it(app):
    from arena import services
    from arena.http.db import get_db

    with app.app_context():
        services.save_rules(get_db(), SMALL_RULES.replace("id: small", "id: other"), actor="setup")
    make_account(app, "organizer", "只管小擂台", "xiao", contest="small")
    client = app.test_client()
    sign_in(client, "xiao")
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
    assert organizer.post("/logout", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert organizer.get("/console/").status_code == 200  # still signed in
    make_account(app, "organizer", "乙", "yiyi")
    stranger = app.test_client()
    assert stranger.post("/login", data={"username": "yiyi", "password": PASSWORD}).status_code == 403  # login CSRF
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
