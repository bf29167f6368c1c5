"""Reminders at the surfaces: `arena user create --email`, `arena outbox`, `arena scheduler --once`
with a robot set in the environment, and the console's 催报记录 page."""

from __future__ import annotations

from console_client import make_account, sign_in
from reminder_kit import CYCLE_RULES, Recorder, sh, submit, webhook


def test_user_create_with_email_and_user_list_shows_it(cli):
    assert cli("init")[0] == 0
    code, out, err = cli("user", "create", "wang", "--role", "admin", "--name", "王", "--email", "wang@example.gov.cn")
    assert code == 0, err
    code, out, _ = cli("user", "list")
    assert "email" in out and "wang@example.gov.cn" in out


def test_a_malformed_email_is_refused_by_name_and_nothing_is_made(cli):
    cli("init")
    code, out, err = cli("user", "create", "wang", "--role", "admin", "--name", "王", "--email", "wang@localhost")
    assert code == 1 and "电子邮箱格式不正确" in err and "wang@localhost" in err
    assert "wang" not in cli("user", "list")[1]


def test_settings_refuse_a_webhook_that_is_not_a_url(cli, monkeypatch):
    monkeypatch.setenv("ARENA_WECOM_WEBHOOK", "qyapi.weixin.qq.com/send")
    code, _, err = cli("init")
    assert code == 1 and "ARENA_WECOM_WEBHOOK" in err
    monkeypatch.delenv("ARENA_WECOM_WEBHOOK")
    monkeypatch.setenv("ARENA_SMTP_TLS", "tls")
    code, _, err = cli("init")
    assert code == 1 and "ARENA_SMTP_TLS" in err


def test_scheduler_once_reminds_through_the_robot_in_settings_and_outbox_lists_it(cli, tmp_path, monkeypatch):
    (tmp_path / "rules.yaml").write_text(CYCLE_RULES, encoding="utf-8")
    assert cli("contest", "load", tmp_path / "rules.yaml")[0] == 0
    recorder = Recorder(fail=1)
    with webhook(recorder) as url:
        monkeypatch.setenv("ARENA_WECOM_WEBHOOK", url)
        code, out, err = cli("scheduler", "--once", "--now", "2026-04-03T09:00:00+08:00")
        assert code == 0, err
        assert "reminders: 4 queued, 0 sent, 1 failed" in out  # a robot that fails is left alone for the pass
        code, out, _ = cli("outbox", "--status", "failed")
        assert code == 0 and out.count(" failed ") == 1 and "HTTP 500" in out
        assert "SECRET-TOKEN" not in out  # the webhook is shown without its key
        assert "http://127.0.0.1:" in out
        code, out, _ = cli("scheduler", "--once", "--now", "2026-04-03T09:01:00+08:00")
        assert "reminders: 0 queued, 4 sent, 0 failed" in out
        assert cli("scheduler", "--once", "--now", "2026-04-03T10:00:00+08:00")[1].strip() == "nothing due"
    assert len(recorder.texts) == 4
    code, out, _ = cli("outbox", "--contest", "cycle")
    rows = [line for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert len(rows) == 4 and all(" sent " in line and "remind-2" in line for line in rows)
    assert cli("outbox", "--contest", "nosuch")[1].strip() == "no messages"


def _app(tmp_path, **settings):
    from arena import create_app, services
    from arena.http.db import get_db

    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "SECRET_KEY": "test-secret", "TESTING": True,
                      "REQUIRE_TOTP": False, **settings})
    with app.app_context():
        services.save_rules(get_db(), CYCLE_RULES, actor="setup")
    return app


def test_the_console_shows_a_contests_reminders_in_chinese(tmp_path):
    from arena.http.db import get_db
    from arena.services import reminders
    from arena.services.channels import Outlets, wecom

    recorder = Recorder()
    with webhook(recorder) as url:
        app = _app(tmp_path, WECOM_WEBHOOK=url)
        with app.app_context():
            db = get_db()
            submit(db, "unit:B", "2026-03")
            reminders.remind(db, sh("2026-04-03 09:00"), Outlets({"wecom": wecom(5)}, {"wecom": url}))
    make_account(app, "organizer", "考核办张三", "zhangsan")
    client = app.test_client()
    assert sign_in(client, "zhangsan").status_code == 302
    overview = client.get("/console/contests/cycle").get_data(as_text=True)
    assert "/console/contests/cycle/reminders" in overview
    page = client.get("/console/contests/cycle/reminders")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "催报记录" in html and "已发送" in html and "催报（截止前 2 天）" in html and "企业微信" in html
    assert "市统计局" in html and "甲县" in html and 'data-reporter="unit:B"' not in html
    assert "SECRET-TOKEN" not in html and "<script" not in html
    assert client.get("/console/contests/nosuch/reminders").status_code == 404


def test_a_contest_scoped_organizer_cannot_read_anothers_reminders(tmp_path):
    app = _app(tmp_path)
    make_account(app, "organizer", "别处", "bieren", contest="cycle")
    from helpers import SMALL_RULES
    from arena import services
    from arena.http.db import get_db

    with app.app_context():
        services.save_rules(get_db(), SMALL_RULES, actor="setup")
    client = app.test_client()
    assert sign_in(client, "bieren").status_code == 302
    assert client.get("/console/contests/small/reminders").status_code == 403
    page = client.get("/console/contests/cycle/reminders").get_data(as_text=True)
    assert "还没有催报消息" in page and "未配置" in page


def test_the_people_screen_takes_an_email(tmp_path):
    from console_client import form_token

    app = _app(tmp_path)
    make_account(app, "admin", "管理员", "admin1")
    client = app.test_client()
    assert sign_in(client, "admin1").status_code == 302
    token = form_token(client, "/console/people")
    answer = client.post("/console/people", data={"csrf_token": token, "username": "tjjuser", "role": "department",
                                                  "name": "统计局李四", "contest": "cycle", "department": "tjj",
                                                  "email": "li@tjj.example.gov.cn"})
    assert answer.status_code == 201 and "li@tjj.example.gov.cn" in answer.get_data(as_text=True)
    bad = client.post("/console/people", data={"csrf_token": token, "username": "other", "role": "department",
                                               "name": "x", "contest": "cycle", "department": "tjj", "email": "nope"})
    assert bad.status_code == 422 and "电子邮箱格式不正确" in bad.get_data(as_text=True)
