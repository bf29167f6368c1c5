"""Objections on the unit's page (/me) and 异议处理 in the console, through the test client:
the form only while the latest month is under notice, refusals shown on the page, answers,
提前定稿, evidence downloads for the objecting unit and organizers only."""

from __future__ import annotations

import io

import pytest

from console_client import csrf_of, make_account, sign_in, text
from notice_world import PDF, at, load
from arena.store import publications
from arena.support import clock


@pytest.fixture(autouse=True)
def let_the_clock_run():
    yield
    clock.drive(None)


@pytest.fixture
def app(tmp_path):
    from arena import create_app
    from arena.http.db import get_db
    from arena.services import publishing

    app = create_app({"DATABASE": str(tmp_path / "nt.db"), "SECRET_KEY": "t", "TESTING": True, "REQUIRE_TOTP": False,
                      "EVIDENCE_DIR": str(tmp_path / "evidence")})
    with app.app_context():
        load(get_db())
        at("2026-02-10T09:00:00+08:00")
        publishing.publish(get_db(), "nt", "2026-01", actor="setup")
    at("2026-02-11T09:00:00+08:00")  # the day after, when people sign in (sessions read the same clock)
    return app


def client_of(app, role, name, username, **scope):
    make_account(app, role, name, username, **scope)
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


@pytest.fixture
def unit_a(app):
    return client_of(app, "unit", "甲县填报员", "jiaxian", contest="nt", unit="A")


@pytest.fixture
def organizer(app):
    return client_of(app, "organizer", "考核办张三", "zhangsan")


def object_on_me(client, message="增速有误，附统计局更正函", indicator="gdp", files=()):
    page = text(client.get("/me"))
    data = {"csrf_token": csrf_of(page), "period": "2026-01", "indicator": indicator, "message": message,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/me/objections", data=data, content_type="multipart/form-data")


def newest(app, period="2026-01"):
    from arena.http.db import get_db

    with app.app_context():
        return publications.latest(get_db(), "nt", period, with_sheet=False)


def test_the_unit_objects_on_its_page_while_the_month_is_under_notice(app, unit_a):
    page = text(unit_a.get("/me"))
    assert 'id="me-notice"' in page and "公示稿" in page and "2026-02-13 09:00:00+08:00" in page
    assert 'id="objection-form"' in page and '<option value="inv">投资</option>' in page
    done = object_on_me(unit_a, files=[("更正函.pdf", PDF)])
    assert done.status_code == 303, text(done)
    page = text(unit_a.get("/me"))
    assert 'id="me-objections"' in page and "增速有误，附统计局更正函" in page and "待处理" in page
    file = unit_a.get("/me/objections/1/files/更正函.pdf")
    assert file.status_code == 200 and file.data == PDF
    refused = object_on_me(unit_a, message="")
    assert refused.status_code == 422 and "请填写异议内容" in text(refused)
    refused = object_on_me(unit_a, files=[("更正函.pdf", b"not a pdf")])
    assert refused.status_code == 415 and "不是可接受的文件" in text(refused) and "增速有误" in text(refused)
    at("2026-02-13T09:00:00+08:00")
    assert sign_in(unit_a, "jiaxian").status_code == 302  # two days on: a new session
    page = text(unit_a.get("/me"))
    assert "公示期已结束" in page and 'id="objection-form"' not in page
    late = object_on_me(unit_a)
    assert late.status_code == 409 and "2026-02-13T09:00:00+08:00" in text(late)


def test_another_unit_sees_neither_the_objection_nor_its_file(app, unit_a):
    object_on_me(unit_a, message="只给组织方看", files=[("更正函.pdf", PDF)])
    unit_b = client_of(app, "unit", "乙县填报员", "yixian", contest="nt", unit="B")
    assert "只给组织方看" not in text(unit_b.get("/me"))
    assert unit_b.get("/me/objections/1/files/更正函.pdf").status_code == 404
    assert "只给组织方看" not in text(app.test_client().get("/contests/nt/2026-01"))


def test_the_organizer_answers_in_the_console(app, unit_a, organizer):
    object_on_me(unit_a, files=[("更正函.pdf", PDF)])
    assert 'id="objections-link"' in text(organizer.get("/console/contests/nt"))
    assert 'id="objections-link"' in text(organizer.get("/console/contests/nt/publications"))
    page = text(organizer.get("/console/contests/nt/objections"))
    assert 'id="objection-1"' in page and "甲县" in page and "增速有误" in page
    assert 'id="finalize-2026-01"' not in page  # one is open
    assert organizer.get("/console/contests/nt/objections/1/files/更正函.pdf").data == PDF
    token = csrf_of(page)
    unchanged = organizer.post("/console/contests/nt/objections/1/answer",
                               data={"csrf_token": token, "decision": "upheld", "reply": "已更正"})
    assert unchanged.status_code == 409 and "先更正数据再维持异议" in text(unchanged)
    from arena.http.db import get_db
    from notice_world import correct

    with app.app_context():
        correct(get_db(), "A", "gdp", "2026-01", 7.5)
    done = organizer.post("/console/contests/nt/objections/1/answer",
                          data={"csrf_token": token, "decision": "upheld", "reply": "经核实已更正"})
    assert done.status_code == 302
    assert (newest(app)["revision"], newest(app)["status"]) == (2, "notice")
    page = text(organizer.get("/console/contests/nt/objections"))
    assert "已更正为第 2 版" in page and 'id="finalize-2026-01"' in page
    page_a = text(unit_a.get("/me"))
    assert "成立（已更正）" in page_a and "经核实已更正" in page_a
    assert organizer.post("/console/contests/nt/objections/final",
                          data={"csrf_token": token, "period": "2026-01"}).status_code == 302
    assert (newest(app)["revision"], newest(app)["status"]) == (3, "final")
    assert 'id="no-notice"' in text(organizer.get("/console/contests/nt/objections"))


def test_console_refusals_change_nothing(app, unit_a, organizer):
    object_on_me(unit_a)
    token = csrf_of(text(organizer.get("/console/contests/nt/objections")))
    early = organizer.post("/console/contests/nt/objections/final", data={"csrf_token": token, "period": "2026-01"})
    assert early.status_code == 409 and "#1" in text(early)
    for data in ({"decision": "rejected", "reply": ""}, {"decision": "perhaps", "reply": "x"}, {"reply": "x"}):
        assert organizer.post("/console/contests/nt/objections/1/answer",
                              data={"csrf_token": token, **data}).status_code == 422
    assert organizer.post("/console/contests/nt/objections/final",
                          data={"csrf_token": token, "period": "2026-Q9"}).status_code == 422
    assert organizer.post("/console/contests/nt/objections/1/answer",
                          data={"decision": "rejected", "reply": "x"}).status_code == 403  # no CSRF token
    assert newest(app)["revision"] == 1
    # an organizer sees the unit's page and its objections, without the form
    page = text(organizer.get("/me?unit=A&contest=nt"))
    assert "增速有误" in page and 'id="objection-form"' not in page
