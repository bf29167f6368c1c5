"""The console's people screens (admins only) and /me (a unit's own page; organizers any unit's)."""

from __future__ import annotations

import pytest
from console_client import audit_rows, dump, form_token, make_account, post, sign_in, text


@pytest.fixture
def admin(app):
    make_account(app, "admin", "系统管理员", "admin1")
    client = app.test_client()
    assert sign_in(client, "admin1").status_code == 302
    return client


def test_only_admins_see_people(organizer, admin):
    assert organizer.get("/console/people").status_code == 403
    page = admin.get("/console/people")
    assert page.status_code == 200 and "admin1" in text(page) and "zhangsan" in text(page)


def test_admin_creates_resets_and_disables_an_account(app, admin):
    made = post(admin, "/console/people", {"username": "lisi", "name": "李四", "role": "organizer"})
    assert made.status_code == 201
    one_time = text(made).split('id="issued-password">')[1].split("<")[0]
    person = app.test_client()
    assert sign_in(person, "lisi", one_time).headers["Location"] == "/account"
    reset = post(admin, "/console/people/lisi/reset", {})
    assert reset.status_code == 200 and person.get("/account").status_code == 302  # its session ended
    assert post(admin, "/console/people/lisi/disable", {}).status_code == 302
    assert "已停用" in text(admin.get("/console/people"))
    assert [r["target"] for r in audit_rows(app, "user.disable")] == ["user lisi"]


@pytest.mark.parametrize("form, message", [
    ({"username": "x", "name": "某", "role": "admin"}, "用户名"),
    ({"username": "wangwu", "name": "王五", "role": "unit", "contest": "small"}, "单位账号"),
    ({"username": "wangwu", "name": "王五", "role": "unit", "contest": "small", "unit": "ZZ"}, "没有单位"),
    ({"username": "admin1", "name": "重名", "role": "admin"}, "已被使用"),
])
def test_bad_new_accounts_are_refused_in_chinese_and_change_nothing(app, admin, form, message):
    before = dump(app)
    answer = post(admin, "/console/people", form)
    assert 400 <= answer.status_code < 500 and message in text(answer) and "没有做任何更改" in text(answer)
    assert dump(app) == before


def test_an_admin_cannot_disable_themself_or_an_unknown_account(admin):
    assert post(admin, "/console/people/admin1/disable", {}).status_code == 403
    assert post(admin, "/console/people/ghost/disable", {}).status_code == 404


def publish(app, *months):
    from arena.services import publishing
    from arena.http.db import get_db

    with app.app_context():
        for month in months:
            publishing.publish(get_db(), "small", month, actor="setup")


def test_a_unit_sees_its_own_page_and_no_other(app):
    publish(app, "2026-01", "2026-02")
    make_account(app, "unit", "甲县", "jiaxian", contest="small", unit="A")
    client = app.test_client()
    sign_in(client, "jiaxian")
    page = client.get("/me")
    body = text(page)
    assert page.status_code == 200 and 'id="me-rank"' in body and "2026-02 月度成绩" in body
    assert "/contests/small/units/A/chart.png" in body and "失分最多的指标" in body
    assert client.get("/me?unit=B").status_code == 403
    assert client.get("/me?contest=other").status_code == 403


def test_before_anything_is_published_the_page_says_so(app):
    make_account(app, "unit", "甲县", "jiaxian", contest="small", unit="A")
    client = app.test_client()
    sign_in(client, "jiaxian")
    assert "还没有已发布的月度成绩" in text(client.get("/me"))


def test_an_organizer_sees_any_units_page(app, organizer):
    publish(app, "2026-01")
    chooser = organizer.get("/me")
    assert chooser.status_code == 200 and "/me?contest=small&amp;unit=B" in text(chooser)
    page = organizer.get("/me?unit=B")
    assert page.status_code == 200 and "乙县" in text(page)
    assert organizer.get("/me?unit=NOPE").status_code == 404
    assert organizer.get("/me?contest=nope&unit=B").status_code == 404


def test_me_needs_signing_in(app):
    answer = app.test_client().get("/me")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login?next=/me"


def test_sign_out_from_me(app, organizer):
    assert organizer.post("/logout", data={"csrf_token": form_token(organizer, "/account")}).status_code == 302
    assert organizer.get("/me").status_code == 302
