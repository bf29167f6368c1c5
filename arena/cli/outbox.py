"""``arena outbox``: the reminders (催报) waiting, sent and failing, newest first."""

from __future__ import annotations

from arena.cli.common import command, open_db, print_records
from arena.cli.parser import whole

COLUMNS = [("id", "id", True), ("status", "status", False), ("contest", "contest", False),
           ("period", "period", False), ("kind", "kind", False), ("reporter", "reporter", False),
           ("channel", "channel", False), ("recipient", "recipient", False), ("attempts", "attempts", True),
           ("queued at", "created_at", False), ("next attempt", "next_attempt_at", False),
           ("sent at", "sent_at", False), ("last error", "last_error", False)]


def add_parsers(sub) -> None:
    out = sub.add_parser("outbox", help="reminders (催报) queued, sent and failed, newest first")
    out.add_argument("--contest", help="only this contest's")
    out.add_argument("--status", choices=["queued", "sent", "failed"], help="only messages in this state")
    out.add_argument("--limit", type=whole(1, 100_000), default=50, help="how many (default 50)")


@command("outbox")
def cmd_outbox(args) -> int:
    from arena.services import reminders

    db, _ = open_db()
    rows = reminders.listing(db, args.contest, limit=args.limit if not args.status else 100_000)
    if args.status:
        rows = [r for r in rows if r["status"] == args.status][: args.limit]
    for r in rows:
        if r["status"] == "sent":
            r["next_attempt_at"] = None  # it has none
    if not rows:
        print("no messages")
        return 0
    print_records(rows, COLUMNS)
    return 0
