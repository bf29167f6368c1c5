"""Reminders (催报): each owed once, to whoever has not reported, through real loopback servers.

The clock is the ``now`` each pass is given: no sleeps. Submissions are plain rows in the
submissions table (the submissions service is someone else's).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest

from arena import services
from arena.services import reminders, scheduler
from arena.services.channels import Outlets, dingtalk, email, wecom
from arena.store import outbox
from arena.store.db import connect, transaction
from reminder_kit import CYCLE_RULES, REPORTERS, Recorder, sh, smtp_server, submit, webhook


@pytest.fixture
def cycle(db):
    services.save_rules(db, CYCLE_RULES, actor="test")
    return db


def robot(url: str) -> Outlets:
    return Outlets({"wecom": wecom(5)}, {"wecom": url})


def run(db, outlets, *moments):
    """One scheduler's reminder work at each moment: queue, then deliver."""
    for moment in moments:
        reminders.remind(db, moment, outlets)


def sent_rows(db):
    return [r for r in outbox.recent(db, "cycle", 1000) if r["sent_at"]]


# -- who is reminded, and how often ----------------------------------------------------------------

def test_each_reminder_goes_once_to_each_reporter_who_has_not_reported(cycle):
    submit(cycle, "dept:tjj", "2026-03")  # pending: reported
    recorder = Recorder()
    with webhook(recorder) as url:
        run(cycle, robot(url),
            sh("2026-04-02 23:59"), sh("2026-04-03 08:59"),  # before the first reminder goes out (09:00)
            sh("2026-04-03 09:00"), sh("2026-04-03 09:05"), sh("2026-04-03 18:00"), sh("2026-04-04 09:00"),
            sh("2026-04-05 09:00"), sh("2026-04-05 12:00"), sh("2026-04-05 23:59"))
    kinds = Counter((r["kind"], reminders.reporter_of(r["dedup"])) for r in sent_rows(cycle))
    missing = [r for r in REPORTERS if r != "dept:tjj"]
    assert kinds == Counter({(k, r): 1 for k in ("remind-2", "remind-0") for r in missing})
    assert len(recorder.calls) == 6 and all(c["ok"] for c in recorder.calls)
    assert {r["period"] for r in sent_rows(cycle)} == {"2026-03"}  # February's reporting ended with March


def test_a_message_names_the_contest_month_indicators_reporter_and_due_date(cycle):
    recorder = Recorder()
    with webhook(recorder) as url:
        run(cycle, robot(url), sh("2026-04-03 10:00"))
    text = next(t for t in recorder.texts if "市商务局" in t)
    assert text.startswith("【催报】月度擂台 2026年3月数据请于2026年4月5日前报送\n市商务局：")
    assert "外贸进出口（trade）" in text and "距报送截止还有 2 天" in text
    assert "地区生产总值增速" not in text  # tjj's, not swj's
    unit = next(t for t in recorder.texts if "甲县" in t)
    assert "群众满意度（sat）" in unit
    assert recorder.calls[0]["content_type"].startswith("application/json")
    assert recorder.calls[0]["body"]["msgtype"] == "text"


def test_approved_counts_as_reported_and_returned_does_not(cycle):
    submit(cycle, "unit:A", "2026-03", "returned")
    submit(cycle, "unit:B", "2026-03", "approved")
    submit(cycle, "dept:swj", "2026-02")  # another month: does not count for March
    recorder = Recorder()
    with webhook(recorder) as url:
        run(cycle, robot(url), sh("2026-04-03 09:00"))
    reminded = {reminders.reporter_of(r["dedup"]) for r in sent_rows(cycle)}
    assert reminded == {"dept:tjj", "dept:swj", "unit:A"}


def test_overdue_notice_once_after_due_and_none_once_the_next_month_ends(cycle):
    recorder = Recorder()
    with webhook(recorder) as url:
        run(cycle, robot(url), sh("2026-04-05 23:00"))  # remind-0 to the four
        submit(cycle, "unit:A", "2026-03")  # reports on the due day
        run(cycle, robot(url), sh("2026-04-06 00:05"), sh("2026-04-06 09:00"), sh("2026-04-06 09:05"), sh("2026-04-20 10:00"),
            sh("2026-04-30 23:59"))
        overdue = [r for r in sent_rows(cycle) if r["kind"] == "overdue"]
        assert sorted(reminders.reporter_of(r["dedup"]) for r in overdue) == ["dept:swj", "dept:tjj", "unit:B"]
        assert "逾期未报" in overdue[0]["subject"] and "2026年4月5日" in overdue[0]["body"]
        calls = len(recorder.calls)
        run(cycle, robot(url), sh("2026-05-01 00:00"), sh("2026-05-02 12:00"))  # March's reporting is over
    assert len(recorder.calls) == calls
    assert all(r["period"] == "2026-03" for r in sent_rows(cycle))


def test_a_scheduler_down_on_a_reminder_day_catches_up_once(cycle, tmp_path):
    path = str(tmp_path / "arena.db")
    recorder = Recorder()
    with webhook(recorder) as url:
        outlets = robot(url)
        scheduler.one_pass(lambda: connect(path), sh("2026-04-02 23:55"), outlets=outlets)
        assert recorder.calls == []
        # down over the whole of the 3rd; back on the 4th
        for moment in (sh("2026-04-04 10:00"), sh("2026-04-04 10:05"), sh("2026-04-04 23:00")):
            scheduler.one_pass(lambda: connect(path), moment, outlets=outlets)
        assert Counter(r["kind"] for r in sent_rows(cycle)) == {"remind-2": 4}
        # down over the due day too: back on the 6th, only the overdue notice (remind-0 is moot)
        scheduler.one_pass(lambda: connect(path), sh("2026-04-06 10:00"), outlets=outlets)
    assert Counter(r["kind"] for r in sent_rows(cycle)) == {"remind-2": 4, "overdue": 4}
    assert len(recorder.calls) == 8


def test_sleeping_through_both_reminder_days_sends_only_the_later(cycle):
    recorder = Recorder()
    with webhook(recorder) as url:
        run(cycle, robot(url), sh("2026-04-05 09:30"), sh("2026-04-05 10:00"))
    assert Counter(r["kind"] for r in sent_rows(cycle)) == {"remind-0": 4}
    assert all("今天是报送截止日" in t for t in recorder.texts)


def test_a_contest_without_reporting_config_queues_nothing(db):
    from helpers import SMALL_RULES

    services.save_rules(db, SMALL_RULES, actor="test")  # every indicator is the organizer's
    recorder = Recorder()
    with webhook(recorder) as url:
        for day in range(1, 31):
            reminders.remind(db, sh(f"2026-04-{day:02d} 09:00"), robot(url))
    assert outbox.recent(db) == [] and recorder.calls == []


def test_no_channel_on_queues_nothing(cycle):
    assert reminders.queue_due(cycle, sh("2026-04-03 09:00"), Outlets()) == []
    assert outbox.recent(cycle) == []


def test_a_month_published_final_is_not_reminded(cycle, monkeypatch):
    monkeypatch.setattr(outbox, "final_periods", lambda db, contest: {"2026-03"})
    assert reminders.queue_due(cycle, sh("2026-04-03 09:00"), robot("http://127.0.0.1:9/x")) == []


def test_one_contest_that_fails_does_not_stop_the_others(cycle, monkeypatch):
    other = CYCLE_RULES.replace("id: cycle", "id: other").replace("月度擂台", "另一擂台")
    services.save_rules(cycle, other, actor="test")
    real = services.contest_rules

    def broken(db, cid, *a):
        if cid == "cycle":
            raise RuntimeError("rules unreadable")
        return real(db, cid, *a)

    monkeypatch.setattr(services, "contest_rules", broken)
    failed = []
    queued = reminders.queue_due(cycle, sh("2026-04-03 09:00"), robot("http://127.0.0.1:9/x"),
                                 failed=lambda cid, error: failed.append(cid))
    assert failed == ["cycle"] and {q["contest"] for q in queued} == {"other"} and len(queued) == 4


# -- delivery: down channels, claims, withdrawal ----------------------------------------------------

@pytest.mark.parametrize("how", ["500", "errcode"])
def test_a_down_channel_delays_then_delivers_exactly_once_with_backoff(cycle, how):
    for reporter in REPORTERS[1:]:
        submit(cycle, reporter, "2026-03")  # only tjj is missing: one message
    recorder = Recorder(fail=2, how=how)
    t0 = sh("2026-04-03 09:00")
    with webhook(recorder) as url:
        outlets = robot(url)
        run(cycle, outlets, t0)
        [row] = outbox.recent(cycle)
        assert row["attempts"] == 1 and row["sent_at"] is None
        assert ("HTTP 500" if how == "500" else "errcode 45009") in row["last_error"]
        assert "SECRET-TOKEN" not in row["last_error"]  # the webhook's key is never recorded
        assert row["next_attempt_at"] == outbox.utc(t0 + timedelta(minutes=1))
        run(cycle, outlets, t0 + timedelta(seconds=59))  # not yet due again
        assert len(recorder.calls) == 1
        run(cycle, outlets, t0 + timedelta(minutes=1))  # fails again: waits 2 minutes
        assert outbox.get(cycle, row["id"])["next_attempt_at"] == outbox.utc(t0 + timedelta(minutes=3))
        run(cycle, outlets, t0 + timedelta(minutes=2, seconds=59))
        assert len(recorder.calls) == 2
        run(cycle, outlets, t0 + timedelta(minutes=3), t0 + timedelta(minutes=4), t0 + timedelta(hours=5))
    assert len(recorder.calls) == 3 and len(recorder.texts) == 1
    done = outbox.get(cycle, row["id"])
    assert done["attempts"] == 3 and done["sent_at"] == outbox.utc(t0 + timedelta(minutes=3))
    assert done["last_error"] is None


def test_backoff_doubles_up_to_an_hour():
    assert [reminders.backoff(n).total_seconds() / 60 for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_an_unreachable_channel_keeps_every_message(cycle):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/robot?key=SECRET-TOKEN"
    run(cycle, robot(dead), sh("2026-04-03 09:00"))
    rows = outbox.recent(cycle)
    assert len(rows) == 4 and not any(r["sent_at"] for r in rows)
    # the first failure leaves the channel alone for the rest of the pass: one attempt, not four
    assert sorted(r["attempts"] for r in rows) == [0, 0, 0, 1]
    assert all("SECRET-TOKEN" not in (r["last_error"] or "") for r in rows)
    assert "无法连接 http://127.0.0.1" in max(rows, key=lambda r: r["attempts"])["last_error"]


def test_a_claimed_message_is_not_sent_by_a_second_scheduler_until_its_lease_ends(cycle):
    recorder = Recorder()
    t0 = sh("2026-04-03 09:00")
    with webhook(recorder) as url:
        outlets = robot(url)
        reminders.queue_due(cycle, t0, outlets)
        with transaction(cycle):  # the first scheduler claims everything, then dies before sending
            claimed = outbox.claim_due(cycle, t0, t0 + reminders.LEASE, ("wecom",), limit=100)
        assert len(claimed) == 4
        assert reminders.deliver_due(cycle, t0 + timedelta(minutes=1), outlets).sent == 0  # the second
        assert recorder.calls == []
        # after the lease the messages go out: at least once (a crash after sending would double)
        assert reminders.deliver_due(cycle, t0 + reminders.LEASE, outlets).sent == 4
        assert reminders.deliver_due(cycle, t0 + reminders.LEASE * 3, outlets).sent == 0
    assert len(recorder.calls) == 4


def test_a_queued_reminder_is_withdrawn_once_its_reporter_reports(cycle):
    for reporter in REPORTERS[1:]:
        submit(cycle, reporter, "2026-03")
    recorder = Recorder(fail=1)
    t0 = sh("2026-04-03 09:00")
    with webhook(recorder) as url:
        run(cycle, robot(url), t0)  # tjj's reminder fails once
        submit(cycle, "dept:tjj", "2026-03")  # then tjj reports
        run(cycle, robot(url), t0 + timedelta(minutes=5), sh("2026-04-05 09:00"), sh("2026-04-06 09:00"))
    assert len(recorder.calls) == 1 and recorder.texts == []
    assert outbox.recent(cycle) == []


# -- DingTalk and e-mail -----------------------------------------------------------------------------

SECRET = "SEC0123456789abcdef"


def _signed(call: dict, secret: str = SECRET) -> bool:
    """What DingTalk checks: sign == base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))."""
    stamp, sign = call["query"].get("timestamp"), call["query"].get("sign")
    if not stamp or not sign:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest())
    return hmac.compare_digest(expected.decode(), sign)


def test_dingtalk_calls_are_signed_and_the_server_verifies_them(cycle):
    recorder = Recorder()
    with webhook(recorder, check=_signed) as url:
        run(cycle, Outlets({"dingtalk": dingtalk(SECRET, 5)}, {"dingtalk": url}), sh("2026-04-03 09:00"))
    assert len(recorder.calls) == 4 and all(c["ok"] for c in recorder.calls)
    assert all(c["query"]["access_token"] == "SECRET-TOKEN" for c in recorder.calls)  # the robot's own query kept
    assert all(c["body"]["msgtype"] == "text" for c in recorder.calls)
    assert len(sent_rows(cycle)) == 4


def test_a_wrong_dingtalk_secret_is_refused_and_kept_for_retry(cycle):
    recorder = Recorder()
    with webhook(recorder, check=_signed) as url:
        run(cycle, Outlets({"dingtalk": dingtalk("SECwrong", 5)}, {"dingtalk": url}), sh("2026-04-03 09:00"))
    rows = outbox.recent(cycle)
    assert len(recorder.calls) == 1 and not any(r["sent_at"] for r in rows)
    assert any("errcode 310000" in (r["last_error"] or "") for r in rows)
    assert not any("SECwrong" in (r["last_error"] or "") for r in rows)


def _account(db, username, role, email=None, **scope):
    from arena.services import accounts

    accounts.create_user(db, username=username, role=role, name=username, actor="test", contest="cycle",
                         email=email, **scope)


def test_email_goes_to_the_live_accounts_of_each_reporter_in_chinese(cycle):
    _account(cycle, "tjj1", "department", "wang@tjj.example.gov.cn", department="tjj")
    _account(cycle, "tjj2", "department", "li@tjj.example.gov.cn", department="tjj")
    _account(cycle, "swj1", "department", None, department="swj")  # no address: swj gets no e-mail
    _account(cycle, "unita", "unit", "jia@a.example.cn", unit="A")
    _account(cycle, "unita2", "unit", "old@a.example.cn", unit="A")
    from arena.services import accounts

    accounts.disable(cycle, "unita2", actor="test")  # a disabled account is not written to
    with smtp_server() as (port, received):
        outlets = Outlets({"email": email(host="127.0.0.1", port=port, tls="none", user=None, password=None,
                                          sender="kaohe@example.gov.cn", timeout=5)})
        run(cycle, outlets, sh("2026-04-03 09:00"), sh("2026-04-03 09:05"))
    assert len(received) == 2
    by_rcpt = {tuple(sorted(e.rcpt_tos)): e for e in received}
    assert set(by_rcpt) == {("li@tjj.example.gov.cn", "wang@tjj.example.gov.cn"), ("jia@a.example.cn",)}
    mail = message_from_bytes(by_rcpt[("jia@a.example.cn",)].original_content, policy=default_policy)
    assert mail["Subject"] == "【催报】月度擂台 2026年3月数据请于2026年4月5日前报送"
    body = mail.get_content()
    assert body.startswith("甲县：\n月度擂台2026年3月数据尚未报送") and "群众满意度（sat）" in body
    assert "kaohe@example.gov.cn" in mail["From"]
    assert {r["recipient"] for r in sent_rows(cycle)} == {"li@tjj.example.gov.cn, wang@tjj.example.gov.cn",
                                                          "jia@a.example.cn"}


def test_an_smtp_server_that_is_down_keeps_the_email_for_later(cycle):
    _account(cycle, "unita", "unit", "jia@a.example.cn", unit="A")
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    t0 = sh("2026-04-03 09:00")
    down = Outlets({"email": email(host="127.0.0.1", port=dead, tls="none", user=None, password=None,
                                   sender=None, timeout=5)})
    run(cycle, down, t0)
    [row] = outbox.recent(cycle)
    assert row["attempts"] == 1 and row["sent_at"] is None and "SMTP 127.0.0.1" in row["last_error"]
    with smtp_server() as (port, received):
        up = Outlets({"email": email(host="127.0.0.1", port=port, tls="none", user=None, password=None,
                                     sender=None, timeout=5)})
        run(cycle, up, t0 + timedelta(minutes=1), t0 + timedelta(minutes=2))
    assert len(received) == 1 and outbox.get(cycle, row["id"])["sent_at"] is not None
