"""Serving and access: serve, demo (load, publish and serve the demo contest), token create/list/revoke."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

from arena.cli.common import actor, command, open_db, print_records

TOKEN_COLUMNS = [("id", "id", True), ("name", "name", False), ("role", "role", False), ("contest", "contest", False),
                 ("unit", "unit", False), ("created", "created_at", False), ("expires", "expires_at", False),
                 ("revoked", "revoked_at", False)]


@command("serve")
def cmd_serve(args) -> int:
    from arena.http.serve import prepare, serve

    prepare()  # the database opens and takes writes before we say the server is up
    print(f"serving on http://{args.bind}/ with {args.workers or 'default'} workers (Ctrl-C stops it)", flush=True)
    serve(args.bind, args.workers, args.threads, prepared=True)
    return 0


@command("demo")
def cmd_demo(args) -> int:
    from arena.support import clock
    from arena.cli.publishing import parse_now

    now = parse_now(args.now) if args.now else None
    with clock.pretend(now):  # loading and publishing as if it were --now; serving on the real clock
        contest_id = _load_demo()
    if args.no_serve:
        return 0
    os.environ["ARENA_REQUIRE_TOTP"] = "0"  # the served app (and its workers) read it at start
    from arena.http.serve import serve

    base = f"http://{args.bind}"
    print(f"serving on {base}/  (Ctrl-C stops it)")
    print(f"  {base}/contests/{contest_id}          the latest month: tables, 龙虎榜, red flags")
    print(f"  {base}/contests/{contest_id}/screen   the big screen (公开亮屏)")
    print(f"  {base}/login                          sign in (console; /me for 兰山区; /report for 市统计局)")
    print(f"  {base}/api/openapi.json               the API", flush=True)
    serve(args.bind, args.workers)
    return 0


def _load_demo() -> str:
    from arena import services
    from arena.services import demo
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
    _load_special(db)
    done, waiting = _publish_demo_year(db, contest)
    _load_programme(db)
    mine = [r for r in done if r["contest"] == contest.id]  # the special contest's are counted on their own
    print(f"published {len(mine)} periods of the demo year, each at its due moment; database {settings['DATABASE']}"
          f" (and {len(done) - len(mine)} of the special contest)")
    for moment, periods in waiting:
        print(f"  not yet due: {', '.join(periods)} (due {moment:%Y-%m-%d %H:%M})")
    me = _program()
    if waiting:
        print(f"  `{me} scheduler` publishes each when it falls due")
    print("look next:")
    print(f"  {me} score {contest.id} 2026-06            # June's draft sheet, as a table")
    print(f"  {me} score {contest.id} 2026-Q2 --json     # a quarter with its red and yellow flags, as JSON")
    print(f"  {me} board {contest.id} 2026-06 -o board.png")
    print("demo accounts (sign in at /login; the demo turns TOTP off: ARENA_REQUIRE_TOTP=0, "
          "so no second factor is asked for):")
    for account in demo.demo_accounts(db):
        print(f"  {account['username']:<10} {account['password']:<22} {account['role']} ({account['name']})")
    return contest.id


def _load_special(db) -> None:
    """The demo's special contest (专项擂台赛), so the year's list truly spans contests."""
    from arena import services
    from arena.engine.results import check_rows
    from arena.ingest import RawRow
    from arena.services import demo_programme

    saved = services.save_rules(db, demo_programme.SPECIAL_RULES.read_text(encoding="utf-8"), actor="demo",
                                note="the demo's special contest")
    special, _ = services.contest_rules(db, saved["contest"])
    rows = demo_programme.special_results(special)
    raw = [RawRow(i, r["unit"], r["key"], r["period"], r["value"]) for i, r in enumerate(rows, 1)]
    services.store_results(db, special, check_rows(special, raw), actor="demo")
    print(f"demo contest {special.id} ({special.name}): {len(raw)} result rows")


def _load_programme(db) -> None:
    """The demo's programme over its contests; published once every contest's year is."""
    from arena.support import clock
    from arena.services import demo_programme, programmes

    saved = programmes.save(db, demo_programme.PROGRAMME.read_text(encoding="utf-8"), actor="demo")
    done = programmes.publish_due(db, clock.now("Asia/Shanghai"), actor="demo")
    state = "published" if done else "a draft (草稿) until every contest's year is published"
    print(f"demo programme {saved['programme']} (全年列榜单): {state}; page /programmes/{saved['programme']}")


def _program() -> str:
    """How to call this command again, for hints: ``arena`` when on PATH, else the path used."""
    called = sys.argv[0] if sys.argv and os.path.basename(sys.argv[0]) == "arena" else "arena"
    if shutil.which("arena") == os.path.abspath(called):
        return "arena"
    relative = os.path.relpath(called)
    return os.path.abspath(called) if relative.startswith("..") else relative


def _publish_demo_year(db, contest) -> tuple[list[dict], list[tuple[datetime, list[str]]]]:
    """Publish each period whose due moment has passed, at that moment, so published_at reads
    true and never lies ahead of the clock; answer those and the (moment, periods) still waiting."""
    from arena.support import clock
    from arena.services import publishing
    from arena.engine.calendar import KIND_ORDER, due_at, season_periods

    now = clock.now(contest.timezone)
    moments: dict[datetime, list[str]] = {}
    for p in sorted(season_periods(contest), key=lambda p: KIND_ORDER[p.kind]):
        moments.setdefault(due_at(contest, p), []).append(str(p))
    done: list[dict] = []
    for moment in sorted(m for m in moments if m <= now):
        done += publishing.publish_due(db, moment, actor="demo")
    done += publishing.publish_due(db, now, actor="demo")  # what a scheduler would do by now: 公示 ended
    return done, [(m, moments[m]) for m in sorted(moments) if m > now]


@command("token create")
def cmd_token_create(args) -> int:
    from arena.services import tokens

    db, _ = open_db()
    owner = None
    if args.owner:
        from arena.services import accounts

        owner = accounts.require(db, args.owner)
    token, _row = tokens.issue(db, role=args.role, name=args.name, unit=args.unit, contest=args.contest,
                               department=args.department,
                               expires_days=args.expires, actor=actor(), owner=owner)
    print(token)  # alone on stdout, so scripts can capture it
    return 0


@command("token list")
def cmd_token_list(args) -> int:
    from arena.services import tokens

    db, _ = open_db()
    print_records(tokens.list_tokens(db), TOKEN_COLUMNS)
    return 0


@command("token revoke")
def cmd_token_revoke(args) -> int:
    from arena.services import tokens

    db, _ = open_db()
    done = tokens.revoke(db, args.id, actor=actor())
    print(f"token {args.id} revoked" if done else f"token {args.id} was revoked already")
    return 0
