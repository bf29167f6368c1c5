"""Reminders (催报): who has not reported a month is reminded, through an outbox.

``queue_due`` decides what is owed and writes it to the outbox, each message at most once (its
``dedup`` key is unique); ``deliver_due`` sends what is due and records the outcome. The
scheduler calls both on every pass (``remind``), so a pass that was missed is made up by the next.

What is owed, for each contest with someone to remind (departments, or indicators
``reported_by: unit``) and each season month M whose reporting month M+1 has begun (from the day
reporting opens to the end of M+1), to each reporter with no pending or approved submission for M:

- before ``due`` ends: the latest reminder of ``reporting.remind`` whose day has begun, in the
  contest's time zone. A scheduler that was down on a reminder day sends it when it is back (once);
  one that slept through two reminder days sends only the later (the earlier says nothing more);
- from the end of ``due`` to the end of M+1: one overdue notice (逾期未报).

Nobody is reminded of a month with a final publication (it can no longer be reported). Each
message goes once per channel that is on: each robot webhook, and e-mail to the addresses of
the reporter's live accounts (no address: no e-mail).

Delivery is at least once, with a claim lease. A row is claimed in its own transaction (its next
attempt moved ``LEASE`` ahead, so another scheduler passes it by), sent, then marked sent in a
second transaction. A process that dies between sending and marking leaves the row claimed; once
the lease runs out it is sent again, so that crash, and only that one, can double a message. A
failure keeps the row, with its error, for another attempt after a backoff (1, 2, 4 ... minutes,
at most an hour); a channel that fails is left alone for the rest of the pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Callable
from zoneinfo import ZoneInfo

from arena import services
from arena.engine import reporting
from arena.engine.reporting import Reporter
from arena.engine.rules.model import Contest
from arena.services.channels import Outlets, SendFailed
from arena.store import outbox, users
from arena.store.db import transaction

log = logging.getLogger("arena.reminders")

LEASE = timedelta(minutes=5)  # far longer than one call may take (NOTIFY_TIMEOUT)
MAX_BACKOFF_MINUTES = 60
PER_PASS = 500  # messages one pass sends at most; the next pass goes on

KIND_NAMES = {"overdue": "逾期未报"}


def kind_name(kind: str) -> str:
    """A message's kind as people read it: 催报（截止前 2 天）, 催报（截止当日）, 逾期未报."""
    if kind.startswith("remind-"):
        days = int(kind.split("-", 1)[1])
        return "催报（截止当日）" if days == 0 else f"催报（截止前 {days} 天）"
    return KIND_NAMES.get(kind, kind)


def dedup_key(contest: str, month: str, kind: str, reporter: str, channel: str) -> str:
    # ids and unit codes never hold "|" (the rules' IDENT and CODE patterns)
    return f"{contest}|{month}|{kind}|{reporter}|{channel}"


def reporter_of(dedup: str) -> str | None:
    parts = dedup.split("|")
    return "|".join(parts[3:-1]) if len(parts) >= 5 else None


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(MAX_BACKOFF_MINUTES, 2 ** min(attempts - 1, 10)))


# -- what is owed ---------------------------------------------------------------------------------

SEND_AT = time(9, 0)  # reminders go out in office hours, not at midnight


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), zone)


def _sent_from(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, SEND_AT, zone)


def _reporting_ends(contest: Contest, month: str) -> datetime:
    """The end of month M+1 (the month M is reported in): no notice about M after it."""
    first = reporting.window(contest, month)[0]
    year, number = (first.year + 1, 1) if first.month == 12 else (first.year, first.month + 1)
    return _start_of(date(year, number, 1), ZoneInfo(contest.timezone))


def owed_kind(contest: Contest, month: str, now: datetime) -> str | None:
    """What ``month``'s missing reporters are owed at ``now``: ``remind-<d>``, ``overdue`` or None."""
    zone = ZoneInfo(contest.timezone)
    if not reporting.opens_at(contest, month) <= now < _reporting_ends(contest, month):
        return None
    if now >= reporting.due_end(contest, month):  # the morning after the due day
        return "overdue" if now >= _sent_from(reporting.due_end(contest, month).date(), zone) else None
    begun = [d for d, day in reporting.reminder_days(contest, month) if _sent_from(day, zone) <= now]
    return f"remind-{begun[-1]}" if begun else None


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _month(month: str) -> str:
    year, number = month.split("-")
    return f"{int(year)}年{int(number)}月"


def compose(contest: Contest, month: str, kind: str, reporter: Reporter) -> tuple[str, str]:
    """(subject, body) in Chinese: the contest, the month, the indicators owed, the due date."""
    names = {i.id: i.name for i in contest.indicators}
    owed = "、".join(f"{names[k]}（{k}）" for k in reporter.keys)
    due = _day(reporting.window(contest, month)[1])
    if kind == "overdue":
        subject = f"【逾期未报】{contest.name} {_month(month)}数据"
        lead = (f"{contest.name}{_month(month)}数据的报送截止日（{due}）已过，贵单位至今尚未报送，请尽快报送；"
                "逾期报送的将标记为迟报。")
    else:
        subject = f"【催报】{contest.name} {_month(month)}数据请于{due}前报送"
        when = "今天是报送截止日" if kind == "remind-0" else f"距报送截止还有 {kind.split('-', 1)[1]} 天"
        lead = f"{contest.name}{_month(month)}数据尚未报送，请于{due}（含当日）前报送，{when}。"
    body = f"{reporter.name}：\n{lead}\n尚需报送的指标：{owed}。\n（打擂台考核系统自动发送；如已报送，请忽略。）"
    return subject, body


def _recipients(db, contest: Contest, reporter: Reporter, outlets: Outlets) -> list[tuple[str, str]]:
    """(channel, recipient) for each channel that is on and reaches this reporter."""
    found = list(outlets.webhooks.items())
    if outlets.email:
        role, _, ident = reporter.id.partition(":")
        addresses = users.active_emails(db, contest=contest.id, role="department" if role == "dept" else "unit",
                                        department=ident if role == "dept" else None,
                                        unit=ident if role == "unit" else None)
        if addresses:
            found.append(("email", ", ".join(addresses)))
    return found


def queue_due(db, now: datetime, outlets: Outlets,
              failed: Callable[[str, Exception], None] | None = None) -> list[dict[str, Any]]:
    """Queue every reminder and overdue notice owed at ``now``; returns what was queued
    (``{"contest", "period", "kind", "reporter", "channel"}``). A contest that fails goes to
    ``failed`` (default: the log) and the others are reminded."""
    queued: list[dict[str, Any]] = []
    if not outlets:
        return queued
    for listed in services.list_contests(db):
        try:
            contest, _ = services.contest_rules(db, listed["id"])
            queued += _queue_contest(db, contest, now, outlets)
        except Exception as error:  # noqa: BLE001  (one contest's trouble never stops the others)
            log.exception("cannot queue reminders of %s", listed["id"])
            if failed:
                failed(listed["id"], error)
    return queued


def _queue_contest(db, contest: Contest, now: datetime, outlets: Outlets) -> list[dict[str, Any]]:
    reporters = reporting.expected_reporters(contest)
    if not reporters:
        return []  # nobody reports but the organizer
    queued = []
    final = None
    for month in contest.months:
        kind = owed_kind(contest, month, now)
        if kind is None:
            continue
        final = outbox.final_periods(db, contest.id) if final is None else final
        if month in final:
            continue
        with transaction(db):  # who has reported and what is queued, read and written together
            done = outbox.reported(db, contest.id, month)
            for reporter in reporters:
                if reporter.id in done:
                    continue
                subject, body = compose(contest, month, kind, reporter)
                for channel, recipient in _recipients(db, contest, reporter, outlets):
                    if outbox.queue(db, dedup=dedup_key(contest.id, month, kind, reporter.id, channel),
                                    channel=channel, recipient=recipient, subject=subject, body=body,
                                    contest=contest.id, period=month, kind=kind, now=now):
                        queued.append({"contest": contest.id, "period": month, "kind": kind,
                                       "reporter": reporter.id, "channel": channel})
    return queued


# -- delivery -------------------------------------------------------------------------------------

@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    withdrawn: int = 0


def deliver_due(db, now: datetime, outlets: Outlets, limit: int = PER_PASS) -> Delivery:
    """Send each unsent message due at ``now`` on a channel that is on (see the module's
    docstring: at least once, with a claim lease); a failure waits for a backoff."""
    outcome = Delivery()
    channels = dict(outlets.senders)
    for _ in range(limit):
        with transaction(db):
            claimed = outbox.claim_due(db, now, now + LEASE, tuple(channels), limit=1)
        if not claimed:
            break
        message = claimed[0]
        if _no_longer_owed(db, message):
            with transaction(db):
                outbox.withdraw(db, message["id"])
            outcome.withdrawn += 1
            log.info("withdrew message %s: %s has reported", message["id"], reporter_of(message["dedup"]))
            continue
        try:
            note = channels[message["channel"]](message)
        except Exception as error:  # noqa: BLE001  (a sender's bug is a failed attempt, never a lost message)
            error_text = str(error) if isinstance(error, SendFailed) else f"{type(error).__name__}: {error}"
            with transaction(db):
                attempts = outbox.mark_failed(db, message["id"], error_text, now + backoff(message["attempts"] + 1))
            outcome.failed += 1
            if not isinstance(error, SendFailed):
                log.exception("message %s on %s: unexpected error", message["id"], message["channel"])
            log.warning("message %s on %s failed (attempt %s): %s", message["id"], message["channel"],
                        attempts, error_text)
            del channels[message["channel"]]  # down: its other messages wait for the next pass
            continue
        with transaction(db):
            outbox.mark_sent(db, message["id"], now, note)
        outcome.sent += 1
    return outcome


def _no_longer_owed(db, message: dict) -> bool:
    """True when the reporter a reminder is for has reported its month since it was queued."""
    reporter = reporter_of(message["dedup"])
    if not message["contest"] or not message["period"] or reporter is None:
        return False
    return reporter in outbox.reported(db, message["contest"], message["period"])


def remind(db, now: datetime, outlets: Outlets) -> tuple[list[dict[str, Any]], Delivery]:
    """One pass's reminders: queue what is owed, then deliver what is due; never raises (the
    scheduler's other work must go on), failures are logged."""
    queued: list[dict[str, Any]] = []
    outcome = Delivery()
    if not outlets:
        return queued, outcome
    try:
        queued = queue_due(db, now, outlets)
    except Exception:  # noqa: BLE001
        log.exception("cannot queue reminders")
    try:
        outcome = deliver_due(db, now, outlets)
    except Exception:  # noqa: BLE001
        log.exception("cannot deliver reminders")
    if queued or outcome.sent or outcome.failed:
        log.info("reminders: %s queued, %s sent, %s failed", len(queued), outcome.sent, outcome.failed)
    return queued, outcome


# -- what was sent ----------------------------------------------------------------------------------

STATUS_NAMES = {"queued": "待发送", "sent": "已发送", "failed": "发送失败，待重试"}
CHANNEL_NAMES = {"wecom": "企业微信", "dingtalk": "钉钉", "email": "电子邮件"}


def _local(iso: str | None, zone: ZoneInfo) -> str | None:
    return None if not iso else datetime.fromisoformat(iso).astimezone(zone).isoformat(timespec="seconds")


def listing(db, contest: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The newest messages first, as people may see them: ``status`` (queued | sent | failed: it
    is retried), the reporter, and a webhook without its key (the query of its URL)."""
    from arena.services.channels import shown_url

    out = []
    zones: dict[str, ZoneInfo] = {}
    for row in outbox.recent(db, contest, limit):
        if row["contest"] and row["contest"] not in zones:  # times as the contest's people read them
            try:
                zones[row["contest"]] = ZoneInfo(services.contest_rules(db, row["contest"])[0].timezone)
            except Exception:  # noqa: BLE001  (a contest gone or unreadable: its times stay in UTC)
                zones[row["contest"]] = ZoneInfo("UTC")
        zone = zones.get(row["contest"] or "", ZoneInfo("UTC"))
        row = {**row, **{k: _local(row[k], zone) for k in ("created_at", "sent_at", "next_attempt_at")}}
        status = "sent" if row["sent_at"] else "failed" if row["attempts"] else "queued"
        shown = shown_url(row["recipient"]) if row["channel"] != "email" else row["recipient"]
        out.append({**row, "recipient": shown, "status": status, "status_name": STATUS_NAMES[status],
                    "reporter": reporter_of(row["dedup"]), "kind_name": kind_name(row["kind"]),
                    "channel_name": CHANNEL_NAMES.get(row["channel"], row["channel"])})
    return out
