"""The ``arena`` command. Each subcommand is a few lines over a service.

Errors go to stderr with a non-zero exit status, never a traceback (ARENA_DEBUG=1 shows one).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Callable

from arena.errors import ArenaError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def open_db():
    from arena import config
    from arena.store.db import connect, migrate

    settings = config.load()
    db = connect(settings["DATABASE"], settings["BUSY_TIMEOUT_MS"])
    migrate(db)
    return db, settings


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ArenaError(f"cannot read {path}: {exc.strerror or exc}") from None


@command("init")
def cmd_init(args) -> int:
    db, settings = open_db()
    print(f"database ready: {settings['DATABASE']}")
    return 0


@command("settings")
def cmd_settings(args) -> int:
    from arena.config import SETTINGS

    for s in SETTINGS:
        print(f"ARENA_{s.name}  (default {s.default!r})\n    {s.help}")
    return 0


@command("contest load")
def cmd_contest_load(args) -> int:
    from arena import services

    db, _ = open_db()
    text = read_file(args.file).decode("utf-8")
    done = services.save_rules(db, text, actor=actor(), note=args.note)
    if done["created"]:
        print(f"contest {done['contest']} created with rules version {done['version']}")
    elif done["changed"]:
        print(f"contest {done['contest']}: rules saved as version {done['version']}")
    else:
        print(f"contest {done['contest']}: rules unchanged (version {done['version']})")
    return 0


@command("results import")
def cmd_results_import(args) -> int:
    from arena import services
    from arena.ingest import detect_format

    db, _ = open_db()
    data = read_file(args.file)
    fmt = args.format or detect_format(args.file, None)
    counts = services.import_results(db, args.contest, data, fmt=fmt, actor=actor())
    print("inserted {inserted}, updated {updated}, unchanged {unchanged}".format(**counts))
    return 0


@command("score")
def cmd_score(args) -> int:
    from arena import services
    from arena.texttable import sheet_text

    db, _ = open_db()
    sheet = services.draft(db, args.contest, args.period)
    if args.json:
        print(json.dumps(sheet, ensure_ascii=False, indent=2))
    else:
        contest, _ = services.contest_rules(db, args.contest)
        print(sheet_text(sheet, {i.id: i.name for i in contest.indicators}))
    return 0


@command("publish")
def cmd_publish(args) -> int:
    from arena import publishing

    db, _ = open_db()
    row, created = publishing.publish(db, args.contest, args.period, actor=actor(), note=args.note)
    what = "published" if created else "unchanged: already published"
    print(f"{row['contest']} {row['period']} {what} as revision {row['revision']} ({row['published_at']})")
    return 0


@command("verify")
def cmd_verify(args) -> int:
    from arena import publishing
    from arena.store import publications

    db, _ = open_db()
    if args.period:
        targets = [(args.period, args.revision)]
    else:
        targets = [(p["period"], p["revision"]) for p in publications.list_all(db, args.contest)]
    failed = 0
    for period, revision in targets:
        check = publishing.verify(db, args.contest, period, revision)
        failed += not check["ok"]
        status = "ok" if check["ok"] else f"DIFFERS: {check['reason']}"
        print(f"{check['period']} revision {check['revision']}: {status}")
    if not targets:
        print("nothing is published yet")
    return 1 if failed else 0


@command("publications")
def cmd_publications(args) -> int:
    from arena.store import publications
    from arena.texttable import table

    db, _ = open_db()
    listed = publications.list_all(db, args.contest)
    rows = [[p["period"], p["kind"], p["revision"], p["published_at"], p["author"], p["note"] or "",
             p["rules_version"], p["data_sha256"][:12]] for p in listed]
    print(table(["期间", "类型", "版次", "发布时间", "发布人", "更正说明", "规则版本", "数据sha256"], rows,
                [False, False, True, False, False, False, True, False]))
    return 0


@command("scheduler")
def cmd_scheduler(args) -> int:
    import logging
    from datetime import datetime, timezone

    from arena import scheduler
    from arena.store.db import connect

    _, settings = open_db()

    def fresh_db():
        return connect(settings["DATABASE"], settings["BUSY_TIMEOUT_MS"])

    if args.now and not args.once:
        raise ArenaError("--now goes with --once")
    if args.once:
        now = None
        if args.now:
            try:
                now = datetime.fromisoformat(args.now.replace("Z", "+00:00"))
            except ValueError:
                raise ArenaError(f"--now: not an ISO time: {args.now!r} (e.g. 2026-04-10T09:00:00+08:00)") from None
            if now.tzinfo is None:
                raise ArenaError("--now needs an offset or Z (e.g. 2026-01-31T16:30:00Z)")
        done = scheduler.one_pass(fresh_db, now.astimezone(timezone.utc) if now else None)
        for p in done:
            print(f"published {p['contest']} {p['period']} revision {p['revision']}")
        if not done:
            print("nothing due")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sched = scheduler.build(fresh_db, tick_seconds=args.tick)
    print(f"scheduler running on {settings['DATABASE']} (Ctrl-C stops it)", flush=True)
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


@command("demo")
def cmd_demo(args) -> int:
    from arena import demo, services
    from arena.engine.results import check_rows
    from arena.ingest import RawRow

    db, settings = open_db()
    text = Path(demo.DEMO_RULES).read_text(encoding="utf-8")
    saved = services.save_rules(db, text, actor="demo", note="the demo contest")
    contest, _ = services.contest_rules(db, saved["contest"])
    raw = [RawRow(i, r["unit"], r["key"], r["period"], r["value"]) for i, r in enumerate(demo.generate_results(contest), 1)]
    counts = services.store_results(db, contest, check_rows(contest, raw), actor="demo")
    print(f"demo contest {contest.id} ({contest.name}): rules version {saved['version']}, "
          f"{len(raw)} result rows (inserted {counts['inserted']}, updated {counts['updated']}, "
          f"unchanged {counts['unchanged']})")
    print(f"database: {settings['DATABASE']}")
    print("look next:")
    print(f"  arena score {contest.id} 2026-06          # June's draft sheet, as a table")
    print(f"  arena score {contest.id} 2026-Q2          # the second quarter, with red and yellow flags")
    print(f"  arena score {contest.id} 2026 --json      # the year's sheet as the API shapes it")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arena", description="Scoring and leaderboards for 打擂台 contests.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("init", help="create and migrate the database")
    sub.add_parser("settings", help="list every setting with its help")

    contest = sub.add_parser("contest", help="contests and their rules").add_subparsers(dest="sub", required=True)
    load = contest.add_parser("load", help="create a contest from a rule file, or save its rules as a new version")
    load.add_argument("file")
    load.add_argument("--note", help="why the rules changed")

    res = sub.add_parser("results", help="result rows").add_subparsers(dest="sub", required=True)
    imp = res.add_parser("import", help="import results from CSV, Excel (.xlsx) or JSON: all rows or none")
    imp.add_argument("file")
    imp.add_argument("--contest", required=True)
    imp.add_argument("--format", choices=["csv", "xlsx", "json"], help="default: from the file's extension")

    sc = sub.add_parser("score", help="the draft sheet of a period (month 2026-03, 2026-Q1, 2026-H1, 2026)")
    sc.add_argument("contest")
    sc.add_argument("period")
    sc.add_argument("--json", action="store_true", help="the sheet exactly as the API shapes it")

    pub = sub.add_parser("publish", help="freeze a period's sheet (a correction needs --note)")
    pub.add_argument("contest")
    pub.add_argument("period")
    pub.add_argument("--note", help="更正说明: required for a revision after the first")

    ver = sub.add_parser("verify", help="recompute publications from their recorded rules and data")
    ver.add_argument("contest")
    ver.add_argument("period", nargs="?", help="default: every publication of the contest")
    ver.add_argument("--revision", type=int)

    pubs = sub.add_parser("publications", help="list a contest's publications")
    pubs.add_argument("contest")

    sch = sub.add_parser("scheduler", help="publish what falls due, on schedule (its own process)")
    sch.add_argument("--once", action="store_true", help="one pass: publish everything due now, then exit")
    sch.add_argument("--now", help="with --once: act as if it were this ISO time (e.g. 2026-01-31T16:30:00Z)")
    sch.add_argument("--tick", type=int, default=300, help="seconds between passes that catch up (default 300)")

    sub.add_parser("demo", help="load the Linyi demo contest with a year of synthetic results")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    name = args.command + (f" {args.sub}" if getattr(args, "sub", None) else "")
    try:
        return COMMANDS[name](args)
    except ArenaError as exc:
        print(f"arena: {exc}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as exc:
        print(f"arena: the file is not UTF-8 text ({exc.reason} at byte {exc.start})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("ARENA_DEBUG"):
            raise
        print(f"arena: internal error: {type(exc).__name__}: {exc} (ARENA_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
