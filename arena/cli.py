"""The ``arena`` command. Each subcommand is a few lines over a service.

Errors go to stderr with a non-zero exit status, never a traceback (ARENA_DEBUG=1 shows one).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import shutil
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
    done = _publish_demo_year(db, contest)
    print(f"published {len(done)} periods of the demo year, each at its due moment; database {settings['DATABASE']}")
    me = _program()
    print("look next:")
    print(f"  {me} score {contest.id} 2026-06            # June's draft sheet, as a table")
    print(f"  {me} score {contest.id} 2026-Q2 --json     # a quarter with its red and yellow flags, as JSON")
    print(f"  {me} board {contest.id} 2026-06 -o board.png")
    print(f"  {me} token create --role organizer --name 演示   # then sign in at /console")
    if args.no_serve:
        return 0
    from arena.serve import serve

    base = f"http://{args.bind}"
    print(f"serving on {base}/  (Ctrl-C stops it)")
    print(f"  {base}/contests/{contest.id}          the latest month: tables, 龙虎榜, red flags")
    print(f"  {base}/contests/{contest.id}/screen   the big screen (公开亮屏)")
    print(f"  {base}/api/openapi.json               the API", flush=True)
    serve(args.bind, args.workers)
    return 0


def _program() -> str:
    """How to call this command again, for hints: ``arena`` when on PATH, else the path used."""
    called = sys.argv[0] if sys.argv and os.path.basename(sys.argv[0]) == "arena" else "arena"
    if shutil.which("arena") == os.path.abspath(called):
        return "arena"
    return os.path.relpath(called)


def _publish_demo_year(db, contest) -> list[dict]:
    """Publish every due period of the season, each at its own due moment, so published_at reads true."""
    from arena import publishing
    from arena.engine.calendar import due_at, season_periods

    done: list[dict] = []
    for moment in sorted({due_at(contest, p) for p in season_periods(contest)}):
        done += publishing.publish_due(db, moment, actor="demo")
    return done


@command("token create")
def cmd_token_create(args) -> int:
    from arena import tokens

    db, _ = open_db()
    token, _row = tokens.issue(db, role=args.role, name=args.name, unit=args.unit, contest=args.contest,
                               expires_days=args.expires, actor=actor())
    print(token)  # alone on stdout, so scripts can capture it
    return 0


@command("token list")
def cmd_token_list(args) -> int:
    from arena import tokens
    from arena.texttable import table

    db, _ = open_db()
    rows = [[t["id"], t["name"], t["role"], t["contest"] or "", t["unit"] or "", t["created_at"],
             t["expires_at"] or "", t["revoked_at"] or ""] for t in tokens.list_tokens(db)]
    print(table(["id", "name", "role", "contest", "unit", "created", "expires", "revoked"], rows,
                [True, False, False, False, False, False, False, False]))
    return 0


@command("token revoke")
def cmd_token_revoke(args) -> int:
    from arena import tokens

    db, _ = open_db()
    done = tokens.revoke(db, args.id, actor=actor())
    print(f"token {args.id} revoked" if done else f"token {args.id} was revoked already")
    return 0


@command("bench")
def cmd_bench(args) -> int:
    from arena import bench

    if min(args.units, args.indicators, args.months, args.repeats) < 1 or args.months > 12:
        raise ArenaError("bench: --units, --indicators, --repeats at least 1; --months from 1 to 12")
    figures = bench.run(args.units, args.indicators, args.months, args.repeats,
                        say=lambda line: print(f"bench: {line}", file=sys.stderr, flush=True))
    print(json.dumps(figures, ensure_ascii=False) if args.json else bench.table(figures))
    return 1 if figures["errors"] else 0


@command("serve")
def cmd_serve(args) -> int:
    from arena.serve import serve

    print(f"serving on http://{args.bind}/ with {args.workers or 'default'} workers (Ctrl-C stops it)", flush=True)
    serve(args.bind, args.workers, args.threads)
    return 0


@command("board")
def cmd_board(args) -> int:
    from arena import config
    from arena.render import fonts
    from arena.render.cache import board_bytes
    from arena.web import data

    fmt = Path(args.output).suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise ArenaError(f"-o {args.output}: name a .png or .svg file")
    db, settings = open_db()
    fonts.configure(settings["CJK_FONT"])
    pub = data.published(db, args.contest, args.period)  # not published: an error, never a draft board
    body = board_bytes(str(config.instance_path()), pub.row, pub.contest, fmt, args.size)
    try:
        Path(args.output).write_bytes(body)
    except OSError as exc:
        raise ArenaError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"{args.output}: {pub.row['contest']} {pub.period} revision {pub.row['revision']}, "
          f"{args.size} {fmt.upper()}, {len(body)} bytes")
    return 0


@command("export-static")
def cmd_export_static(args) -> int:
    from arena import config
    from arena.render import fonts
    from arena.static_export import export_static

    db, settings = open_db()
    fonts.configure(settings["CJK_FONT"])
    try:
        done = export_static(db, args.dir, instance_path=str(config.instance_path()))
    except OSError as exc:
        raise ArenaError(f"cannot write into {args.dir}: {exc.strerror or exc}") from None
    print(f"{done['dir']}: {done['contests']} contests, {done['files']} files ({done['written']} written); "
          "open index.html, or upload the folder to any static host")
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

    demo = sub.add_parser("demo", help="load the Linyi demo contest with a year of synthetic results, "
                                       "publish its year and serve it")
    demo.add_argument("--no-serve", action="store_true", help="load and publish, then exit")
    demo.add_argument("--bind", default="127.0.0.1:8000", help="address to serve on (default 127.0.0.1:8000)")
    demo.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")

    tok = sub.add_parser("token", help="API tokens").add_subparsers(dest="sub", required=True)
    tc = tok.add_parser("create", help="make a token; prints it alone (it is stored only as a hash)")
    tc.add_argument("--role", required=True, choices=["admin", "organizer", "unit"])
    tc.add_argument("--name", required=True, help="who holds it, for the audit trail")
    tc.add_argument("--unit", help="unit code (role unit)")
    tc.add_argument("--contest", help="contest id: the only contest the token may act on (required for unit)")
    tc.add_argument("--expires", type=int, metavar="DAYS", help="expire after DAYS days (default: never)")
    tok.add_parser("list", help="every token (never its secret)")
    tr = tok.add_parser("revoke", help="revoke a token by id")
    tr.add_argument("id", type=int)

    srv = sub.add_parser("serve", help="serve the app with gunicorn")
    srv.add_argument("--bind", default="127.0.0.1:8000", help="ADDRESS:PORT (default 127.0.0.1:8000)")
    srv.add_argument("--workers", type=int, help="worker processes (default 2 per core)")
    srv.add_argument("--threads", type=int, default=1, help="threads per worker (more than 1: gthread workers)")

    ben = sub.add_parser("bench", help="measure the performance targets on a synthetic contest (temporary database)")
    ben.add_argument("--units", type=int, default=2850, help="units, in 3 groups (default 2850)")
    ben.add_argument("--indicators", type=int, default=40, help="indicators, every method (default 40)")
    ben.add_argument("--months", type=int, default=12, help="months of results, 1 to 12 (default 12)")
    ben.add_argument("--repeats", type=int, default=3, help="repeats of each measure; figures are medians (default 3)")
    ben.add_argument("--json", action="store_true", help="one JSON object, one key per figure")

    brd = sub.add_parser("board", help="the 龙虎榜 image of a published period (PNG or SVG by extension)")
    brd.add_argument("contest")
    brd.add_argument("period")
    brd.add_argument("-o", "--output", required=True, metavar="FILE", help="board.png or board.svg")
    brd.add_argument("--size", choices=["phone", "screen"], default="phone",
                     help="phone: 1080 px wide (default); screen: 1920x1080")

    exp = sub.add_parser("export-static", help="every publication as JSON, PNG and HTML for a static host")
    exp.add_argument("dir")
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
