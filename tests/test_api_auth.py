"""Tokens and roles: the CLI, hashing, expiry, revocation, contest scope, the failed-attempt limit
shared through SQLite, and a walk of EVERY route of app.url_map with every method and role."""

from __future__ import annotations

import hashlib
import re

import pytest

from api_world import ROLES, World, assert_error_body, build_world

# -- the authorization table --------------------------------------------------------------------
# route -> method -> (least role, the status a caller with that role gets from the sample request;
# an int, or per role). Callers below the role get 401 (anonymous) or 403. A route of app.url_map
# missing here fails the walk.
RANK = {"anyone": 0, "unit": 1, "organizer": 2, "admin": 3}
ROLE_RANK = {"anonymous": 0, "unit_a": 1, "unit_b": 1, "organizer": 2, "admin": 3}
EMPTY_BODY = 415  # a POST or PUT without a body: its content type is refused
NOT_A_JUDGE = {"anonymous": 401, "unit_a": 403, "unit_b": 403, "organizer": 403, "admin": 403}
API = {
    "/api/contests": {"GET": ("anyone", 200), "POST": ("organizer", EMPTY_BODY)},
    "/api/contests/<cid>": {"GET": ("anyone", 200)},
    "/api/contests/<cid>/rules": {"GET": ("organizer", 200), "PUT": ("organizer", EMPTY_BODY)},
    "/api/contests/<cid>/rules/versions": {"GET": ("organizer", 200)},
    "/api/contests/<cid>/rules/preview": {"POST": ("organizer", 422)},  # ?period= is missing
    "/api/contests/<cid>/results": {"GET": ("unit", 200), "POST": ("unit", EMPTY_BODY)},
    "/api/contests/<cid>/template/<period>.xlsx": {"GET": ("unit", 200)},  # each its own rows (test_fill_in)
    "/api/contests/<cid>/draft/<period>": {"GET": ("organizer", 200)},
    # reporting: units see their own part; organizers all (no submission 1 exists: 404)
    "/api/contests/<cid>/submissions": {"GET": ("unit", 200), "POST": ("unit", EMPTY_BODY)},
    "/api/contests/<cid>/submissions/<int(max=9223372036854775807):submission_id>/approve": {"POST": ("organizer", 404)},
    "/api/contests/<cid>/submissions/<int(max=9223372036854775807):submission_id>/return": {"POST": ("organizer", EMPTY_BODY)},
    "/api/contests/<cid>/submissions/<int(max=9223372036854775807):submission_id>/files/<name>": {"GET": ("unit", 404)},
    "/api/contests/<cid>/reporting/<period>": {"GET": ("unit", 200)},
    "/api/contests/<cid>/scores/<period>": {"GET": ("anyone", 200)},
    "/api/contests/<cid>/scores/<period>/<unit>": {"GET": ("anyone", 200)},
    "/api/contests/<cid>/scores/<period>.xlsx": {"GET": ("anyone", 200)},
    "/api/contests/<cid>/boards/<period>.png": {"GET": ("anyone", 200)},
    "/api/contests/<cid>/boards/<period>.svg": {"GET": ("anyone", 200)},
    "/api/contests/<cid>/flags": {"GET": ("anyone", 200)},
    "/api/contests/<cid>/notices/<period>.docx": {"GET": ("anyone", 200)},
    "/api/contests/<cid>/notices/<period>.pdf": {"GET": ("anyone", 200)},
    # the small contest warns nobody: no 约谈通知 for unit A
    "/api/contests/<cid>/notices/<period>/interview-<unit>.docx": {"GET": ("anyone", 404)},
    "/api/contests/<cid>/notices/<period>/interview-<unit>.pdf": {"GET": ("anyone", 404)},
    # organizers name the unit (?unit=); without it they get 400
    "/api/contests/<cid>/standing": {"GET": ("unit", {"unit_a": 200, "unit_b": 200, "organizer": 400, "admin": 400})},
    "/api/contests/<cid>/publications": {"GET": ("anyone", 200), "POST": ("organizer", EMPTY_BODY)},
    # objections are raised by units only: organizers 403 before the body is read
    "/api/contests/<cid>/objections": {"GET": ("unit", 200), "POST": (
        "unit", {"unit_a": EMPTY_BODY, "unit_b": EMPTY_BODY, "organizer": 403, "admin": 403})},
    "/api/contests/<cid>/objections/<int:ident>/answer": {"POST": ("organizer", EMPTY_BODY)},
    "/api/contests/<cid>/objections/<int:ident>/files/<path:name>": {"GET": ("unit", 404)},  # no objection 1
    "/api/contests/<cid>/publications/<period>/final": {"POST": ("organizer", 409)},  # the world has no notice
    "/api/audit": {"GET": ("organizer", 200)},
    # juries: the small contest has none (404); judges only score and submit, refused before the body
    "/api/contests/<cid>/juries": {"GET": ("anyone", 200), "POST": ("organizer", EMPTY_BODY)},
    "/api/contests/<cid>/juries/<int:jid>": {"GET": ("anyone", 404)},
    "/api/contests/<cid>/juries/<int:jid>/sheets/<unit>": {"PUT": ("anyone", NOT_A_JUDGE)},
    "/api/contests/<cid>/juries/<int:jid>/submit": {"POST": ("anyone", NOT_A_JUDGE)},
    "/api/contests/<cid>/juries/<int:jid>/reopen": {"POST": ("organizer", EMPTY_BODY)},
    "/api/contests/<cid>/juries/<int:jid>/close": {"POST": ("organizer", 404)},
    "/api/tokens": {"GET": ("admin", 200), "POST": ("admin", EMPTY_BODY)},
    "/api/tokens/<int(max=9223372036854775807):token_id>": {"DELETE": ("admin", 200)},
    "/api/whoami": {"GET": ("anyone", 200)},
    "/api/openapi.json": {"GET": ("anyone", 200)},
    # programmes: the world has none (404); creating one reads the body
    "/api/programmes": {"POST": ("organizer", EMPTY_BODY)},
    "/api/programmes/<pid>/draft": {"GET": ("anyone", 404)},
    "/api/programmes/<pid>/publications": {"POST": ("organizer", 404)},
    "/api/programmes/<pid>/scores/<period>": {"GET": ("anyone", 404)},
    **{f"/api/programmes/<pid>/{kind}/<period>.{fmt}": {"GET": ("anyone", 404)}
       for kind, fmt in (("boards", "png"), ("boards", "svg"), ("notices", "docx"), ("notices", "pdf"))},
}
# Routes outside /api (pages, console, static files): by path prefix, longest first.
# "anyone may GET": every role gets the same answer, never 401/403/5xx.
# "own sign-in": the console signs in with its session cookie; a bearer token changes nothing.
PAGES = {"/console": "own sign-in", "/login": "own sign-in", "/logout": "own sign-in", "/account": "own sign-in",
         "/me": "own sign-in", "/report": "own sign-in", "/jury": "own sign-in", "": "anyone may GET"}
SAMPLES = {"cid": "small", "contest_id": "small", "period": "2026-02", "unit": "A", "code": "A", "fmt": "png",
           "filename": "no-such-file.css", "version": "1", "username": "nobody", "ident": "1", "submission_id": "1", "jid": "1",
           "name": "x.pdf", "pid": "nope"}
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def sample_url(rule: str, world: World) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "token_id":
            return str(world.token_ids["victim"])
        assert name in SAMPLES, f"add a sample value for the route argument {name!r} (route {rule})"
        return SAMPLES[name]

    return ARG.sub(value, rule)


def expected(rule: str, method: str, role: str) -> int:
    least, ok = API[rule][method if method != "HEAD" else "GET"]
    if ROLE_RANK[role] >= RANK[least]:
        return ok[role] if isinstance(ok, dict) else ok
    return 401 if role == "anonymous" else 403


def test_every_route_answers_every_role_as_the_table_says(world):
    client, adapter = world.client(), world.app.url_map.bind("localhost")
    rules = sorted({r.rule for r in world.app.url_map.iter_rules()})
    api_rules = [r for r in rules if r.startswith("/api/")]
    assert sorted(set(api_rules) - set(API)) == [], "routes missing from the API table"
    assert sorted(set(API) - set(api_rules)) == [], "the table names routes that do not exist"
    wrong = []
    for rule in rules:
        url = sample_url(rule, world)
        allowed = adapter.allowed_methods(url.split("?")[0])
        policy = next(PAGES[p] for p in sorted(PAGES, key=len, reverse=True) if rule.startswith(p))
        seen = {}
        for method in METHODS:
            for role in ROLES:
                response = client.open(url, method=method, headers=world.headers(role))
                status = response.status_code
                seen[(method, role)] = status
                if method not in allowed:
                    want = 405
                elif method == "OPTIONS" and rule.startswith("/api/"):
                    want = 200
                elif rule.startswith("/api/"):
                    want = expected(rule, method, role)
                else:
                    want = seen[(method, "anonymous")]  # a token changes nothing outside /api
                    if status >= 500 or (policy == "anyone may GET" and method in ("GET", "HEAD") and status in (401, 403)):
                        want = "< 500 and not 401/403"
                if status != want:
                    wrong.append(f"{method} {url} as {role}: {status}, expected {want}")
                if status >= 400 and rule.startswith("/api/") and method != "HEAD":
                    assert_error_body(response)
    assert wrong == []


# -- tokens ---------------------------------------------------------------------------------------

def run_cli(args, monkeypatch, capsys, database):
    from arena import cli

    monkeypatch.setenv("ARENA_DATABASE", database)
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_token_create_prints_the_token_alone_and_stores_only_its_hash(world, monkeypatch, capsys):
    code, out, err = run_cli(["token", "create", "--role", "organizer", "--name", "alice", "--expires", "30"],
                             monkeypatch, capsys, world.path)
    token = out.strip()
    assert code == 0 and out == token + "\n" and re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    dump = world.dump()
    assert token not in dump and hashlib.sha256(token.encode()).hexdigest() in dump
    response = world.client().get("/api/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["role"] == "organizer" and response.get_json()["name"] == "alice"
    code, out, _ = run_cli(["token", "list"], monkeypatch, capsys, world.path)
    assert code == 0 and "alice" in out and token not in out
    token_id = response.get_json()["token_id"]
    code, out, _ = run_cli(["token", "revoke", str(token_id)], monkeypatch, capsys, world.path)
    assert code == 0 and "revoked" in out
    assert world.client().get("/api/whoami", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    actions = [a["action"] for a in world.client().get("/api/audit?limit=2", headers=world.headers("organizer")).get_json()]
    assert actions == ["token.revoke", "token.create"]


@pytest.mark.parametrize("args, says", [
    (["--role", "unit", "--name", "x", "--contest", "small"], "needs --unit"),  # unit without --unit
    (["--role", "unit", "--name", "x", "--unit", "Z", "--contest", "small"], "no unit 'Z'"),
    (["--role", "organizer", "--name", "x", "--contest", "nope"], "no contest 'nope'"),
    (["--role", "organizer", "--name", "x", "--unit", "A"], "only a unit token"),
    (["--role", "organizer", "--name", "bad\x07name"], "control character"),
    (["--role", "organizer", "--name", "x", "--expires", "0"], "1 to 3650 days"),
])
def test_token_create_refuses_what_cannot_work(world, monkeypatch, capsys, args, says):
    before = world.dump()
    code, out, err = run_cli(["token", "create", *args], monkeypatch, capsys, world.path)
    assert code == 1 and out == "" and says in err
    assert world.dump() == before


def test_an_expired_token_is_refused(world, monkeypatch):
    from arena.http import principals
    from arena.services import tokens

    db = world.db()
    token, _ = tokens.issue(db, role="organizer", name="short", expires_days=1, actor="test")
    headers = {"Authorization": f"Bearer {token}"}
    assert world.client().get("/api/audit", headers=headers).status_code == 200
    now = principals.epoch()
    monkeypatch.setattr(principals, "epoch", lambda: now + 86400 + 5)  # a day and 5 seconds later
    assert_error_body(world.client().get("/api/audit", headers=headers), 401)


def test_a_contest_scoped_token_acts_only_on_its_contest(world):
    from arena.services import tokens
    from helpers import SMALL_RULES

    db = world.db()
    token, _ = tokens.issue(db, role="organizer", name="other", contest="small", actor="test")
    client, headers = world.client(), {"Authorization": f"Bearer {token}"}
    assert client.get("/api/contests/small/rules", headers=headers).status_code == 200
    other = SMALL_RULES.replace("id: small", "id: other")
    response = client.post("/api/contests", data=other, headers={**headers, "Content-Type": "application/yaml"})
    assert_error_body(response, 403)
    assert_error_body(client.get("/api/audit?contest=other", headers=headers), 403)
    assert all(row["contest"] == "small" for row in client.get("/api/audit", headers=headers).get_json())


def test_a_contest_scoped_admin_lists_only_its_contests_tokens(world):
    from arena import services
    from arena.services import tokens
    from helpers import SMALL_RULES

    db = world.db()
    services.save_rules(db, SMALL_RULES.replace("id: small", "id: other"), actor="test")
    tokens.issue(db, role="unit", name="别的比赛的单位", unit="A", contest="other", actor="test")
    token, _ = tokens.issue(db, role="admin", name="只管 other", contest="other", actor="test")
    listed = world.client().get("/api/tokens", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert {t["name"] for t in listed} == {"别的比赛的单位", "只管 other"}
    everyone = world.client().get("/api/tokens", headers=world.headers("admin")).get_json()
    assert {"unit_a", "别的比赛的单位"} <= {t["name"] for t in everyone}


def test_admins_make_and_revoke_tokens_over_the_api_with_audit_rows(world):
    client, admin = world.client(), world.headers("admin")
    made = client.post("/api/tokens", json={"role": "unit", "name": "乙县填报", "unit": "B", "contest": "small",
                                            "expires_days": 7}, headers=admin)
    assert made.status_code == 201 and made.get_json()["expires_at"]
    token = made.get_json()["token"]
    assert client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"}).get_json()["unit"] == "B"
    listed = client.get("/api/tokens", headers=admin).get_json()
    assert all("token" not in t and "sha256" not in t for t in listed)
    gone = client.delete(f"/api/tokens/{made.get_json()['id']}", headers=admin)
    assert gone.get_json() == {"id": made.get_json()["id"], "revoked": True}
    assert client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert_error_body(client.delete("/api/tokens/99999", headers=admin), 404)
    assert_error_body(client.get("/api/tokens", headers=world.headers("organizer")), 403)


# -- failed attempts ------------------------------------------------------------------------------

def test_failed_attempts_are_limited_per_address_and_shared_by_workers(tmp_path, monkeypatch):
    from arena.http import principals
    from arena.http.app import create_app

    world = build_world(tmp_path, monkeypatch)
    world.app.config["AUTH_FAILURES_PER_MINUTE"] = 3
    moment = 1_800_000_000.0 + 20  # 20 s into a minute
    monkeypatch.setattr(principals, "epoch", lambda: moment)
    client, bad = world.client(), {"Authorization": "Bearer not-a-token"}
    for _ in range(3):
        assert_error_body(client.get("/api/contests", headers=bad), 401)
    good = world.headers("organizer")
    blocked = client.get("/api/audit", headers=good)  # even a valid token, from this address
    assert assert_error_body(blocked, 429)["code"] == "too_many_requests"
    assert blocked.headers["Retry-After"] == "40"
    assert client.get("/api/contests").status_code == 200  # no token: not an attempt
    other = client.get("/api/audit", headers=good, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # another address is not blocked
    second = create_app({"DATABASE": world.path, "TESTING": True, "AUTH_FAILURES_PER_MINUTE": 3})
    assert second.test_client().get("/api/audit", headers=good).status_code == 429  # another worker agrees
    moment += 60
    assert client.get("/api/audit", headers=good).status_code == 200  # the next minute


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_trusted_proxy_each_client_has_its_own_count(tmp_path, monkeypatch, proxies):
    from arena.http import principals
    from arena.http.app import create_app

    world = build_world(tmp_path, monkeypatch)
    app = create_app({"DATABASE": world.path, "TESTING": True, "AUTH_FAILURES_PER_MINUTE": 2,
                      "TRUSTED_PROXIES": proxies})
    monkeypatch.setattr(principals, "epoch", lambda: 1_800_000_000.0)
    client, proxy = app.test_client(), {"REMOTE_ADDR": "127.0.0.1"}  # every request comes through nginx
    for _ in range(2):
        client.get("/api/contests", headers={"Authorization": "Bearer nope", "X-Forwarded-For": "203.0.113.7"},
                   environ_base=proxy)
    other = client.get("/api/audit", headers={**world.headers("organizer"), "X-Forwarded-For": "198.51.100.2"},
                       environ_base=proxy)
    assert other.status_code == (200 if proxies else 429)  # without trust, the proxy's one address is blocked


def test_a_burst_of_bad_tokens_past_the_check_still_gets_429_beyond_the_limit(tmp_path, monkeypatch):
    """Requests that all passed the first check at once (as concurrent workers do) are counted
    atomically, and those beyond the limit are answered 429, not 401."""
    from arena.http import principals
    from arena.store import tokens as stored

    world = build_world(tmp_path, monkeypatch)
    world.app.config["AUTH_FAILURES_PER_MINUTE"] = 3
    monkeypatch.setattr(principals, "epoch", lambda: 1_800_000_000.0)
    monkeypatch.setattr(stored, "failures", lambda *a: 0)  # every request saw the count before any failure
    statuses = [world.client().get("/api/contests", headers={"Authorization": "Bearer nope"}).status_code
                for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
