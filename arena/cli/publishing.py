"""Publishing: publish, verify, publications, and the scheduler that publishes on time."""

from __future__ import annotations

import sys

from arena.cli.common import actor, command, open_db, print_records
from arena.errors import ArenaError

PUBLICATION_COLUMNS = [("期间", "period", False), ("类型", "kind", False), ("版次", "revision", True),
                       ("发布时间", "published_at", False), ("发布人", "author", False), ("更正说明", "note", False),
                       ("规则版本", "rules_version", True), ("数据sha256", "data_sha256", False),
                       ("过期原因 stale", "stale", False)]


@command("publish")
def cmd_publish(args) -> int:
    from arena.services import publishing

    db, row = _made(lambda db: publishing.publish(db, args.contest, args.period, actor=actor(), note=args.note),
                    "published", "unchanged: already published")
    if row is not None and row["revision"] > 1:
        from arena.services import staleness

        stale = staleness.dependants(db, row["contest"], row["period"])
        if stale:
            print(f"now stale ({len(stale)}), republish with the same note: "
                  + ", ".join(f"{d['period']} revision {d['revision']}" for d in stale))
    return 0


@command("finalize")
def cmd_finalize(args) -> int:
    from arena.services import notice

    _made(lambda db: notice.finalize(db, args.contest, args.period, actor=actor(), note=args.note),
          "final", "unchanged: already final", with_note=True)
    return 0


def _made(make, done: str, unchanged: str, *, with_note: bool = False):
    """Run ``make(db)`` -> (revision, created) and say which revision came of it; returns the
    database and the revision when one was made (None when it was there already)."""
    db, _ = open_db()
    row, created = make(db)
    said = f"{row['contest']} {row['period']} {done if created else unchanged} as revision {row['revision']}"
    print(f"{said} ({row['published_at']})" + (f": {row['note']}" if with_note else ""))
    return db, row if created else None


@command("verify")
def cmd_verify(args) -> int:
    from arena.services import publishing, staleness
    from arena.store import contests, publications

    db, _ = open_db()
    contests.require_contest(db, args.contest)
    if args.period:
        targets = [(args.period, args.revision)]
    else:
        targets = [(p["period"], p["revision"]) for p in publications.list_all(db, args.contest)]
    failed = 0
    stale_map = staleness.stale_map(db, args.contest)
    for period, revision in targets:
        check = publishing.verify(db, args.contest, period, revision, stale_map)
        failed += not check["ok"] or check["stale"] is not None
        reproducible = "reproducible" if check["ok"] else f"NOT REPRODUCIBLE: {check['reason']}"
        fresh = (f"STALE: {check['stale']['reason']}" if check["stale"] else
                 "current" if check["newest"] else "superseded by a newer revision")
        print(f"{check['period']} revision {check['revision']}: {reproducible}; {fresh}")
    if not targets:
        print("nothing is published yet")
    return 1 if failed else 0


@command("publications")
def cmd_publications(args) -> int:
    from arena.store import contests, publications
    from arena.services import staleness

    db, _ = open_db()
    contests.require_contest(db, args.contest)
    stale = staleness.stale_map(db, args.contest)
    listed = [{**p, "data_sha256": p["data_sha256"][:12],
               "stale": (stale.get((p["period"], p["revision"])) or {}).get("reason", "")}
              for p in publications.list_all(db, args.contest)]
    print_records(listed, PUBLICATION_COLUMNS)
    return 0


def parse_now(text: str):
    """A --now option: an ISO time with an offset, in a year a contest runs in."""
    from datetime import datetime

    try:
        now = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ArenaError(f"--now: not an ISO time: {text!r} (e.g. 2026-04-10T09:00:00+08:00)") from None
    if now.tzinfo is None:
        raise ArenaError("--now needs an offset or Z (e.g. 2026-01-31T16:30:00Z)")
    if not 1970 <= now.year <= 9998:
        raise ArenaError(f"--now: {text} is not a time a contest runs in (years 1970 to 9998)")
    return now


@command("scheduler")
def cmd_scheduler(args) -> int:
    import logging
    from datetime import timezone

    from arena.support import clock

    from arena.services import scheduler
    from arena.services.channels import Outlets
    from arena.store.db import connect

    _, settings = open_db()
    outlets = Outlets.from_settings(settings)  # the reminders' channels: read here, not deep in services

    def fresh_db():
        return connect(settings["DATABASE"], settings["BUSY_TIMEOUT_MS"])

    if args.now and not args.once:
        raise ArenaError("--now goes with --once")
    if args.once:
        now = parse_now(args.now) if args.now else None
        failures: list[str] = []
        reminded: list = []  # (queued, delivery) of the pass's reminders
        with clock.pretend(now):  # "as if it were T": stamps included, so T may be ahead of the clock
            done = scheduler.one_pass(fresh_db, now.astimezone(timezone.utc) if now else None,
                                      failed=lambda cid, period, error: failures.append(f"{cid} {period}: {error}"),
                                      outlets=outlets, reminded=lambda q, d: reminded.extend([q, d]))
        for p in done:
            print(f"published {p['contest']} {p['period']} revision {p['revision']}")
        queued, delivery = reminded or ([], None)
        busy = bool(queued) or bool(delivery and (delivery.sent or delivery.failed or delivery.withdrawn))
        if busy:
            print(f"reminders: {len(queued)} queued, {delivery.sent} sent, {delivery.failed} failed (arena outbox)")
        if not done and not failures and not busy:
            print("nothing due")
        for line in failures:
            print(f"arena: cannot publish {line}", file=sys.stderr)
        return 1 if failures else 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # its job bookkeeping on every tick is noise
    sched = scheduler.build(fresh_db, tick_seconds=args.tick, outlets=outlets)
    print(f"scheduler running on {settings['DATABASE']} (Ctrl-C stops it)", flush=True)
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0
