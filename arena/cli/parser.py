"""The ``arena`` argument parser: every subcommand with its options and help."""

from __future__ import annotations

import argparse


def whole(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high`` (argparse names the option)."""
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= n <= high:
            raise argparse.ArgumentTypeError(f"{n} is not from {low} to {high}")
        return n
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arena", description="Scoring and leaderboards for 打擂台 contests.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("init", help="create and migrate the database")
    sub.add_parser("settings", help="list every setting with its help")

    contest = sub.add_parser("contest", help="contests and their rules").add_subparsers(dest="sub", required=True)
    load = contest.add_parser("load", help="create a contest from a rule file, or save its rules as a new version")
    load.add_argument("file")
    load.add_argument("--note", help="why the rules changed")

    prog = sub.add_parser("programme", help="programmes: the year's list across contests (全年列榜单)").add_subparsers(
        dest="sub", required=True)
    pload = prog.add_parser("load", help="create a programme from its file, or save it as a new version")
    pload.add_argument("file")
    pload.add_argument("--note", help="why the file changed")
    pscore = prog.add_parser("score", help="the programme's list now (草稿 until every contest's year is published)")
    pscore.add_argument("programme")
    pscore.add_argument("period", nargs="?", help="the year (default: the programme's)")
    pscore.add_argument("--json", action="store_true")
    ppub = prog.add_parser("publish", help="freeze the programme's year once every contest's year is published")
    ppub.add_argument("programme")
    ppub.add_argument("period", nargs="?", help="the year (default: the programme's)")
    ppub.add_argument("--note", help="更正说明: required for a revision after the first")

    res = sub.add_parser("results", help="result rows").add_subparsers(dest="sub", required=True)
    imp = res.add_parser("import", help="import results from CSV, Excel (.xlsx) or JSON: all rows or none")
    imp.add_argument("file")
    imp.add_argument("--contest", required=True)
    imp.add_argument("--format", choices=["csv", "xlsx", "json"], help="default: from the file's extension")

    sc = sub.add_parser("score", help="the draft sheet of a period (month 2026-03, 2026-Q1, 2026-H1, 2026, week 2026-W14)")
    sc.add_argument("contest")
    sc.add_argument("period")
    sc.add_argument("--json", action="store_true", help="the sheet exactly as the API shapes it")

    pub = sub.add_parser("publish", help="freeze a period's sheet (a correction needs --note)")
    pub.add_argument("contest")
    pub.add_argument("period")
    pub.add_argument("--note", help="更正说明: required for a revision after the first")

    fin = sub.add_parser("finalize", help="make a month under notice (公示期) final now, with the same figures "
                                          "(refused while an objection is open)")
    fin.add_argument("contest")
    fin.add_argument("period", help="a month, e.g. 2026-03")
    fin.add_argument("--note", help="default 公示期满 once the notice has ended, 提前定稿 before")

    ver = sub.add_parser("verify", help="recompute publications from their recorded rules and data")
    ver.add_argument("contest")
    ver.add_argument("period", nargs="?", help="default: every publication of the contest")
    ver.add_argument("--revision", type=whole(1, 1_000_000))

    pubs = sub.add_parser("publications", help="list a contest's publications")
    pubs.add_argument("contest")

    sch = sub.add_parser("scheduler", help="publish what falls due, on schedule (its own process)")
    sch.add_argument("--once", action="store_true", help="one pass: publish everything due now, then exit")
    sch.add_argument("--now", help="with --once: act as if it were this ISO time (e.g. 2026-01-31T16:30:00Z)")
    sch.add_argument("--tick", type=whole(1, 86400), default=300, help="seconds between passes that catch up (default 300)")

    demo = sub.add_parser("demo", help="load the Linyi demo contest with a year of synthetic results, "
                                       "publish what is due and serve it")
    demo.add_argument("--no-serve", action="store_true", help="load and publish, then exit")
    demo.add_argument("--now", help="act as if it were this ISO time (e.g. 2027-02-01T00:00:00+08:00)")
    demo.add_argument("--bind", default="127.0.0.1:8000", help="address to serve on (default 127.0.0.1:8000)")
    demo.add_argument("--workers", type=whole(1, 64), default=2, help="gunicorn workers (default 2)")

    tok = sub.add_parser("token", help="API tokens").add_subparsers(dest="sub", required=True)
    tc = tok.add_parser("create", help="make a token; prints it alone (it is stored only as a hash)")
    tc.add_argument("--role", required=True, choices=["admin", "organizer", "department", "unit"])
    tc.add_argument("--name", required=True, help="who holds it, for the audit trail")
    tc.add_argument("--unit", help="unit code (role unit)")
    tc.add_argument("--department", help="department id of the contest's rules (role department)")
    tc.add_argument("--contest", help="contest id: the only contest the token may act on (required for unit)")
    tc.add_argument("--expires", type=int, metavar="DAYS", help="expire after DAYS days (default: never)")
    tc.add_argument("--owner", metavar="USERNAME", help="the account that owns it: never more than it may do")
    tok.add_parser("list", help="every token (never its secret)")
    tr = tok.add_parser("revoke", help="revoke a token by id")
    tr.add_argument("id", type=whole(1, 2**63 - 1))

    srv = sub.add_parser("serve", help="serve the app with gunicorn")
    srv.add_argument("--bind", default="127.0.0.1:8000", help="ADDRESS:PORT (default 127.0.0.1:8000)")
    srv.add_argument("--workers", type=whole(1, 64), help="worker processes (default 2 per core)")
    srv.add_argument("--threads", type=whole(1, 64), default=1, help="threads per worker (more than 1: gthread workers)")

    from arena.cli import ops  # backup, restore

    ops.add_parsers(sub)

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
    exp.add_argument("dir", help="a folder, or s3://BUCKET/PREFIX (ARENA_S3_ENDPOINT_URL for other S3 stores)")

    from arena.cli import accounts, outbox  # user and audit; outbox

    accounts.add_parsers(sub)
    outbox.add_parsers(sub)
    return parser
