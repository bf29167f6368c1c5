"""Accounts and the audit trail: ``arena user create|list|disable|reset-password`` and
``arena audit verify|export|purge``."""

from __future__ import annotations

import sys

from arena.cli.common import actor, command, open_db, print_records

USER_COLUMNS = [("id", "id", True), ("username", "username", False), ("name", "name", False),
                ("role", "role", False), ("contest", "contest", False), ("unit", "unit", False),
                ("department", "department", False), ("email", "email", False), ("totp", "totp", False),
                ("must change", "must_change", False), ("disabled", "disabled_at", False)]

# the store's roles (store.users.ROLES; a test holds them equal), written here so that building
# the parser, as `arena --help` does, opens no store module
ROLES = ("admin", "organizer", "department", "unit", "judge")


def add_parsers(sub) -> None:
    """The subcommands' arguments (called by cli.parser.build_parser)."""
    usr = sub.add_parser("user", help="people's accounts").add_subparsers(dest="sub", required=True)
    uc = usr.add_parser("create", help="make an account; prints its one-time password (changed at first sign-in)")
    uc.add_argument("username")
    uc.add_argument("--role", required=True, choices=ROLES)
    uc.add_argument("--name", required=True, help="the person's name, as the audit trail shows it")
    uc.add_argument("--contest", help="contest id (required for role unit; limits an organizer to it)")
    uc.add_argument("--unit", help="unit code (role unit)")
    uc.add_argument("--department", help="department id (role department)")
    uc.add_argument("--email", metavar="ADDR", help="where reminders (催报) to this department or unit are e-mailed")
    usr.add_parser("list", help="every account (never a password or a secret)")
    ud = usr.add_parser("disable", help="disable an account: its sessions end and its tokens are revoked")
    ud.add_argument("username")
    ur = usr.add_parser("reset-password", help="a new one-time password; the account's sessions end")
    ur.add_argument("username")

    aud = sub.add_parser("audit", help="the audit trail").add_subparsers(dest="sub", required=True)
    aud.add_parser("verify", help="check the hash chain; names the first row changed, removed or inserted")
    ae = aud.add_parser("export", help="write audit rows as JSON Lines to stdout (or -o FILE)")
    ae.add_argument("--since", help="only rows at or after this day (YYYY-MM-DD, UTC)")
    ae.add_argument("-o", "--output", metavar="FILE")
    ap = aud.add_parser("purge", help="delete the oldest rows older than a day (never younger than ARENA_AUDIT_KEEP_DAYS)")
    ap.add_argument("--before", required=True, help="YYYY-MM-DD")


@command("user create")
def cmd_user_create(args) -> int:
    from arena.services import accounts

    db, _ = open_db()
    secret, user = accounts.create_user(db, username=args.username, role=args.role, name=args.name, actor=actor(),
                                        contest=args.contest, unit=args.unit, department=args.department,
                                        email=args.email)
    print(f"账号 {user['username']}（{user['name']}，{accounts.ROLE_NAMES[user['role']]}）已创建。", file=sys.stderr)
    print("一次性密码如下（只显示这一次；首次登录时须修改）：", file=sys.stderr)
    print(secret)  # alone on stdout, so scripts can capture it
    return 0


@command("user list")
def cmd_user_list(args) -> int:
    from arena.services import accounts

    db, _ = open_db()
    print_records(accounts.list_users(db), USER_COLUMNS)
    return 0


@command("user disable")
def cmd_user_disable(args) -> int:
    from arena.services import accounts

    db, _ = open_db()
    done = accounts.disable(db, args.username, actor=actor())
    print(f"账号 {args.username} 已停用，其会话和令牌均已失效。" if done else f"账号 {args.username} 早已停用。")
    return 0


@command("user reset-password")
def cmd_user_reset(args) -> int:
    from arena.services import accounts

    db, _ = open_db()
    secret = accounts.reset_password(db, args.username, actor=actor())
    print(f"账号 {args.username} 的新一次性密码如下（下次登录时须修改）：", file=sys.stderr)
    print(secret)
    return 0


@command("audit verify")
def cmd_audit_verify(args) -> int:
    from arena.services import audit_trail

    db, _ = open_db()
    result = audit_trail.verify(db)
    if not result["ok"]:
        print(f"arena: audit chain broken at row {result['problem']['id']} ({result['problem']['kind']}): "
              f"{result['problem']['message']}", file=sys.stderr)
        return 1
    head = result["head"]
    print(f"audit chain intact: {result['rows']} rows" +
          (f"; newest row {head['id']} sha256 {head['sha256']}" if head else ""))
    return 0


@command("audit export")
def cmd_audit_export(args) -> int:
    from arena.services import audit_trail

    db, _ = open_db()
    since = audit_trail.parse_day(args.since, "--since") if args.since else None
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            count = audit_trail.export(db, out, since)
    else:
        count = audit_trail.export(db, sys.stdout, since)
    print(f"{count} audit rows exported", file=sys.stderr)
    return 0


@command("audit purge")
def cmd_audit_purge(args) -> int:
    from arena.services import audit_trail

    db, settings = open_db()
    before = audit_trail.parse_day(args.before, "--before")
    removed = audit_trail.purge(db, before, keep_days=int(settings["AUDIT_KEEP_DAYS"]), actor=actor())
    print(f"{removed} audit rows older than {before} removed; the chain still verifies from the first kept row")
    return 0



