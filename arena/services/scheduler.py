"""``arena scheduler``: APScheduler 3 says *when to look*; the store makes it exactly once.

Every pass makes final each month whose notice (公示) has ended with no objection open, then
publishes each period that is due and has no publication yet, oldest first
(``publishing.publish_due``); a pass runs at start, at each contest's publish times (cron
triggers in the contest's own time zone) and on a steady tick that also notices new contests
and rule changes. Runs in its own process, never inside web workers.

Each pass then queues and delivers reminders (催报, services/reminders.py) through the channels
that are on (``outlets``, built from the settings by the CLI); a pass without outlets sends none.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from arena.support import clock

log = logging.getLogger("arena.scheduler")

# coalesce: missed fires of one job collapse into one pass (a pass publishes all that is due).
# misfire_grace_time None: a late pass still runs however late; it is idempotent.
# max_instances 1: passes never overlap within this process; across processes the store's
# unique key and BEGIN IMMEDIATE keep publishing exactly once.
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


def one_pass(open_db: Callable, now: datetime | None = None, failed: Callable | None = None,
             outlets=None, reminded: Callable | None = None) -> list[dict]:
    """Publish everything due at ``now`` (default: the clock) and return what was published; a
    contest that fails goes to ``failed`` (default: the log) and the others are published. Then
    the reminders owed at ``now`` through ``outlets`` (channels.Outlets; None: none), whose
    (queued, delivery) go to ``reminded``; their failures never stop the pass."""
    from arena.services import programmes, publishing, reminders

    from arena.store import heartbeat

    db = open_db()
    try:
        moment = now or clock.now("UTC")
        done = publishing.publish_due(db, moment, actor="scheduler", failed=failed)
        for row in programmes.publish_due(db, moment, actor="scheduler"):
            log.info("published programme %s %s revision %s", row["programme"], row["period"], row["revision"])
        if outlets:
            outcome = reminders.remind(db, moment, outlets)
            if reminded:
                reminded(*outcome)
        heartbeat.record_pass(db, clock.now("UTC"))  # the pass's real time, whatever ``now`` it acted at
    finally:
        db.close()
    for p in done:
        log.info("published %s %s revision %s", p["contest"], p["period"], p["revision"])
    return done


def build(open_db: Callable, tick_seconds: int = 300, kind: type[BaseScheduler] = BlockingScheduler,
          outlets=None) -> BaseScheduler:
    """A scheduler with one pass now, cron passes per contest, and a steady tick (which also
    sends reminders, and retries those that failed, within a tick of falling due)."""
    from arena import services

    scheduler = kind(timezone="UTC", job_defaults=JOB_DEFAULTS)

    def refresh() -> None:
        """(Re)read every contest's publish block and set its cron jobs; then make a pass."""
        db = open_db()
        try:
            for listed in services.list_contests(db):
                try:  # one contest's rules that cannot be read must not stop the others' jobs
                    _add_jobs(scheduler, services.contest_rules(db, listed["id"])[0], open_db, outlets)
                except Exception:  # noqa: BLE001
                    log.exception("cannot schedule %s", listed["id"])
        finally:
            db.close()
        one_pass(open_db, outlets=outlets)

    scheduler.add_job(refresh, "interval", seconds=tick_seconds, id="tick", next_run_time=clock.now("UTC"))
    return scheduler


def _add_jobs(scheduler: BaseScheduler, contest, open_db: Callable, outlets=None) -> None:
    for name, rule in (("monthly", contest.publish.monthly), ("quarterly", contest.publish.quarterly)):
        hour, minute = rule.at.split(":")
        trigger = CronTrigger(day=rule.day, hour=int(hour), minute=int(minute), timezone=contest.timezone)
        scheduler.add_job(one_pass, trigger, args=[open_db], kwargs={"outlets": outlets},
                          id=f"{contest.id}:{name}", replace_existing=True)
    if contest.weekly is not None:  # 周调度: the weekday after each ISO week (APScheduler counts mon=0)
        hour, minute = contest.weekly.at.split(":")
        trigger = CronTrigger(day_of_week=contest.weekly.weekday - 1, hour=int(hour), minute=int(minute),
                              timezone=contest.timezone)
        scheduler.add_job(one_pass, trigger, args=[open_db], kwargs={"outlets": outlets},
                          id=f"{contest.id}:weekly", replace_existing=True)
