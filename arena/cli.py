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
