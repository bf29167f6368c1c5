"""Each sign-in rule against the real app: lockout, idle expiry (driven clock), the 12-hour
cap, one session per account, sign-out, a replayed old cookie, the TOTP factor, the one-time
password, personal tokens, and the audit rows every one of them leaves."""

from __future__ import annotations

import json

import pyotp
import pytest
from console_client import PASSWORD, audit_rows, csrf_of, form_token, make_account, sign_in, sign_out, text

from arena.support import clock
from helpers import SMALL_RULES, month_rows


@pytest.fixture
def totp_app(tmp_path, driven_clock):
    """An app with TOTP required (the default), on the driven clock."""
    from arena import create_app, services
    from arena.http.db import get_db

    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "SECRET_KEY": "test-secret", "TESTING": True})
    with app.app_context():
        services.save_rules(get_db(), SMALL_RULES, actor="setup")
        rows = [r for m in ("2026-01", "2026-02") for r in month_rows(m)]
        services.import_results(get_db(), "small", json.dumps(rows).encode(), fmt="json", actor="setup")
    return app


def code_now(secret: str) -> str:
    return pyotp.TOTP(secret).at(clock.epoch())


def test_the_sixth_try_is_refused_even_with_the_right_password(app, driven_clock):
    make_account(app, "organizer", "甲", "jia")
    client = app.test_client()
    for attempt in range(1, 5):
        assert sign_in(client, "jia", f"Wrong-pass-{attempt}").status_code == 401
    fifth = sign_in(client, "jia", "Wrong-pass-5")
    assert fifth.status_code == 429 and "锁定" in text(fifth) and fifth.headers["Retry-After"] == "900"
    sixth = sign_in(client, "jia")
    assert sixth.status_code == 429 and "已被锁定" in text(sixth) and client.get("/console/").status_code == 302
    assert [r["detail"]["failures"] for r in audit_rows(app, "signin.lockout")] == [5]
    assert len(audit_rows(app, "signin.failure")) == 5 and len(audit_rows(app, "signin.refused")) == 1
    driven_clock.tick(15 * 60 + 1)
    assert sign_in(client, "jia").status_code == 302 and client.get("/console/").status_code == 200


def test_an_idle_session_ends_on_the_server(app, driven_clock):
    make_account(app, "organizer", "甲", "jia")
    client = app.test_client()
    sign_in(client, "jia")
    driven_clock.tick(29 * 60)
    assert client.get("/console/").status_code == 200  # a request within 30 minutes keeps it alive
    driven_clock.tick(29 * 60)
    assert client.get("/console/").status_code == 200
    driven_clock.tick(30 * 60 + 1)
    answer = client.get("/console/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert audit_rows(app, "session.end")[0]["detail"] == {"why": "idle"}


def test_the_idle_limit_is_a_setting(app, driven_clock):
    app.config["IDLE_MINUTES"] = 5
    make_account(app, "organizer", "甲", "jia")
    client = app.test_client()
    sign_in(client, "jia")
    driven_clock.tick(5 * 60 + 1)
    assert client.get("/console/").status_code == 302


def test_a_session_ends_after_twelve_hours_however_busy(app, driven_clock):
    make_account(app, "organizer", "甲", "jia")
    client = app.test_client()
    sign_in(client, "jia")
    for _ in range(24):  # 11 h 36 min, never idle for long
        driven_clock.tick(29 * 60)
        assert client.get("/console/").status_code == 200
    driven_clock.tick(29 * 60)  # 12 h 5 min
    assert client.get("/console/").status_code == 302
    assert audit_rows(app, "session.end")[0]["detail"] == {"why": "cap"}


def test_a_second_sign_in_ends_the_first(app):
    make_account(app, "organizer", "甲", "jia")
    first, second = app.test_client(), app.test_client()
    sign_in(first, "jia")
    assert first.get("/console/").status_code == 200
    sign_in(second, "jia")
    assert second.get("/console/").status_code == 200
    assert first.get("/console/").status_code == 302
    assert audit_rows(app, "session.end")[0]["detail"] == {"why": "replaced"}


def test_sign_out_ends_the_session_so_the_old_cookie_no_longer_works(app):
    make_account(app, "organizer", "甲", "jia")
    client = app.test_client()
    sign_in(client, "jia")
    old_cookie = client.get_cookie("session").value
    assert sign_out(client).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/console/").status_code == 302
    assert audit_rows(app, "session.end")[0]["detail"] == {"why": "signout"}


def test_the_one_time_password_must_be_changed_first(app):
    from arena.services import accounts
    from arena.http.db import get_db

    with app.app_context():
        secret, _ = accounts.create_user(get_db(), username="newbie", role="organizer", name="新人", actor="setup")
    client = app.test_client()
    answer = sign_in(client, "newbie", secret)
    assert answer.status_code == 302 and answer.headers["Location"] == "/account"
    assert client.get("/console/").headers["Location"] == "/account"
    page = client.get("/account").get_data(as_text=True)
    weak = client.post("/account/password", data={"old_password": secret, "new_password": "newbie",
                                                  "repeat": "newbie", "csrf_token": csrf_of(page)})
    assert weak.status_code == 422 and "至少 10 个字符" in text(weak) and "没有做任何更改" in text(weak)
    done = client.post("/account/password", data={"old_password": secret, "new_password": "Newbie-2026!",
                                                  "repeat": "Newbie-2026!", "csrf_token": csrf_of(page)})
    assert done.status_code == 302 and client.get("/console/").status_code == 200
    assert audit_rows(app, "password.change")[0]["target"] == "user newbie"


def test_totp_is_required_for_organizers_enrolled_and_then_asked_for(totp_app, driven_clock):
    make_account(totp_app, "organizer", "甲", "jia")
    client = totp_app.test_client()
    answer = sign_in(client, "jia")
    assert answer.headers["Location"] == "/account#totp"
    assert client.get("/console/").headers["Location"] == "/account"  # may not act yet
    client.post("/account/totp/begin", data={"csrf_token": form_token(client, "/account")})
    page = client.get("/account").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    wrong = client.post("/account/totp/confirm", data={"code": "000000", "csrf_token": csrf_of(page)})
    assert wrong.status_code == 422 and "动态口令不正确" in text(wrong)
    assert client.post("/account/totp/confirm", data={"code": code_now(secret),
                                                      "csrf_token": csrf_of(page)}).status_code == 302
    assert client.get("/console/").status_code == 200
    sign_out(client)

    driven_clock.tick(30)  # the next step: the code used to enrol may not be used again
    fresh = totp_app.test_client()
    assert sign_in(fresh, "jia").status_code == 401  # no code
    assert sign_in(fresh, "jia", code="123456").status_code == 401
    good = code_now(secret)
    assert sign_in(fresh, "jia", code=good).status_code == 302 and fresh.get("/console/").status_code == 200
    again = totp_app.test_client()
    assert sign_in(again, "jia", code=good).status_code == 401  # the same code, replayed
    actions = {r["action"] for r in audit_rows(totp_app, "totp.enable")}
    assert actions == {"totp.enable"}
    assert {r["detail"]["why"] for r in audit_rows(totp_app, "signin.failure")} == {"totp"}


def test_a_required_factor_cannot_be_turned_off(totp_app):
    make_account(totp_app, "admin", "管理员", "admin1", totp=pyotp.random_base32())
    from arena.http.db import get_db
    from arena.store import users

    with totp_app.app_context():
        secret = users.find(get_db(), "admin1")["totp_secret"]
    client = totp_app.test_client()
    assert sign_in(client, "admin1", code=code_now(secret)).status_code == 302
    answer = client.post("/account/totp/remove", data={"password": PASSWORD,
                                                       "csrf_token": form_token(client, "/account")})
    assert answer.status_code == 409 and "不能关闭" in text(answer)


def test_personal_tokens_are_made_listed_and_revoked_at_account(app):
    make_account(app, "unit", "甲县", "jiaxian", contest="small", unit="A")
    client = app.test_client()
    sign_in(client, "jiaxian")
    made = client.post("/account/tokens", data={"name": "报表脚本", "csrf_token": form_token(client, "/account")})
    assert made.status_code == 201
    token = made.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    api = app.test_client()
    who = api.get("/api/whoami", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (who["role"], who["contest"], who["unit"]) == ("unit", "small", "A")  # no more than its owner
    page = client.get("/account").get_data(as_text=True)
    assert "报表脚本" in page and token not in page
    token_id = int(page.split('/account/tokens/')[1].split("/")[0])
    assert client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(page)}).status_code == 302
    assert api.get("/api/whoami", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    bad = client.post("/account/tokens", data={"name": "", "csrf_token": csrf_of(page)})
    assert bad.status_code == 422 and "名称" in text(bad)


def test_disabling_an_account_ends_its_tokens(app):
    from arena.services import accounts
    from arena.http.db import get_db

    make_account(app, "organizer", "甲", "jia")
    client = app.test_client()
    sign_in(client, "jia")
    made = client.post("/account/tokens", data={"name": "脚本", "csrf_token": form_token(client, "/account")})
    token = made.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/whoami", headers=headers).get_json()["role"] == "organizer"
    with app.app_context():
        accounts.disable(get_db(), "jia", actor="admin")
    assert app.test_client().get("/api/whoami", headers=headers).status_code == 401
    assert client.get("/account").status_code == 302


def test_tokens_made_before_accounts_keep_working(app):
    from console_client import make_token

    secret, _ = make_token(app, "organizer", "旧令牌")
    who = app.test_client().get("/api/whoami", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert who["role"] == "organizer"


def test_only_a_csrf_checked_post_signs_in(app):
    make_account(app, "organizer", "甲", "jia")
    client = app.test_client()
    answer = client.open("/login", method="HEAD", data={"username": "jia", "password": PASSWORD})
    assert answer.status_code == 200 and client.get("/console/").status_code == 302
    assert audit_rows(app, "signin.failure") == [] and audit_rows(app, "signin.success") == []
