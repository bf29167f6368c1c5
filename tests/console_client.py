"""Helpers for the console's tests: accounts and tokens, signing in, CSRF-carrying posts, the
database as SQL text, audit rows. The fixtures (app, organizer) are in conftest.py."""

from __future__ import annotations

import re

from helpers import month_rows

SMALL_CSV = "unit,key,period,value\n" + "".join(
    f"{r['unit']},{r['key']},{r['period']},{r['value']}\n" for r in month_rows("2026-04")
)


def make_token(app, role: str, name: str, **scope) -> tuple[str, int]:
    from arena.http.db import get_db
    from arena.services import tokens

    with app.app_context():
        secret, row = tokens.issue(get_db(), role=role, name=name, actor="setup", **scope)
    return secret, row["id"]


PASSWORD = "Test-pass-2026"  # every test account's password (its one-time password replaced)


def make_account(app, role: str, name: str, username: str, *, password: str = PASSWORD, totp: str | None = None,
                 **scope) -> dict:
    """An account that has changed its one-time password to ``password`` (and has ``totp`` as
    its factor when given), as after its first sign-in."""
    from arena.services import accounts
    from arena.services import passwords
    from arena.http.db import get_db
    from arena.store import users
    from arena.store.db import transaction

    with app.app_context():
        db = get_db()
        accounts.create_user(db, username=username, role=role, name=name, actor="setup", **scope)
        user = users.find(db, username)
        with transaction(db):
            users.update(db, user["id"], password_hash=passwords.hash_password(password), must_change=0,
                         totp_secret=totp)
        return users.find(db, username)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_of(page),
                                       **extra})


def sign_out(client):
    return client.post("/logout", data={"csrf_token": form_token(client, "/account")})


def form_token(client, path: str = "/console/") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


def dump(app) -> list[str]:
    """Every row of the database except the failed-sign-in counter and the sessions, as SQL text."""
    from arena.http.db import get_db

    with app.app_context():
        return [line for line in get_db().conn.iterdump() if "auth_failures" not in line and "sessions" not in line]


def post(client, path: str, data: dict, files: bool = False):
    data = {**data, "csrf_token": form_token(client)}
    kind = "multipart/form-data" if files else "application/x-www-form-urlencoded"
    return client.post(path, data=data, content_type=kind)


def text(answer) -> str:
    return answer.get_data(as_text=True)


def audit_rows(app, action: str) -> list[dict]:
    from arena.http.db import get_db
    from arena.store import audit

    with app.app_context():
        return audit.list_audit(get_db(), action=action)


ACTOR = "user zhangsan (考核办张三)"  # as arena.http.principals.Principal.actor names the organizer
