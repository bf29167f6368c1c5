"""The juries' endpoints (API.md "Juries"): the whole life through the Flask test client, and
every bad input a clear 4xx that changes nothing (the database dump is compared)."""

from __future__ import annotations

import pytest

from api_world import World, assert_error_body
from jury_world import JUDGES, SHOWCASE, UNITS, X, make_judges, scores_of


@pytest.fixture
def jw(tmp_path, monkeypatch) -> World:
    from arena import services
    from arena.http.app import create_app
    from arena.services import tokens
    from arena.store import users

    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path))
    path = str(tmp_path / "arena.db")
    world = World(create_app({"DATABASE": path, "TESTING": True}), path)
    db = world.db()
    services.save_rules(db, SHOWCASE, actor="test")
    make_judges(db)
    services.accounts.create_user(db, username="judge9", role="judge", name="评委九", actor="test")
    for name, kw in {"organizer": dict(role="organizer"), "unit": dict(role="unit", unit="371302", contest="zs")}.items():
        world.tokens[name] = tokens.issue(db, name=name, actor="test", **kw)[0]
    for username in (*JUDGES, "judge9"):
        owner = users.find(db, username)
        world.tokens[username] = tokens.issue(db, name=username, role="judge", actor="test", owner=owner,
                                              contest=owner["contest"])[0]
    db.close()
    return world


def open_one(jw, **kw) -> dict:
    body = {"indicator": "xczs", "period": "2026-03", "judges": list(JUDGES), "order_seed": 7, **kw}
    r = jw.client().post("/api/contests/zs/juries", json=body, headers=jw.headers("organizer"))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def put(jw, judge, jid, unit, scores):
    return jw.client().put(f"/api/contests/zs/juries/{jid}/sheets/{unit}", json={"scores": scores},
                           headers=jw.headers(judge))


def test_a_jury_from_opening_to_the_public_tally(jw):
    c = jw.client()
    jury = open_one(jw)
    jid = jury["id"]
    assert jury["status"] == "open" and jury["order_seed"] == 7 and len(jury["order"]) == 4
    for judge in JUDGES:
        for unit in UNITS:
            r = put(jw, judge, jid, unit, scores_of(judge, unit))
            assert r.status_code == 200, r.get_json()
        assert r.get_json()["total"] == sum(scores_of(judge, UNITS[-1]).values())
        r = c.post(f"/api/contests/zs/juries/{jid}/submit", headers=jw.headers(judge))
        assert r.status_code == 200 and r.get_json()["mine"]["submitted"] is True
    r = c.post(f"/api/contests/zs/juries/{jid}/close", headers=jw.headers("organizer"))
    assert r.status_code == 200, r.get_json()
    public = c.get(f"/api/contests/zs/juries/{jid}")
    assert public.status_code == 200
    tally = public.get_json()["tally"]
    assert {u["unit"]: u["x"] for u in tally["units"]} == X
    assert "兰山区" in public.get_data(as_text=True)  # Chinese unescaped
    rows = c.get("/api/contests/zs/results?period=2026-03", headers=jw.headers("organizer")).get_json()
    assert {r["unit"]: r["value"] for r in rows if r["key"] == "xczs"} == X
    assert [j["id"] for j in c.get("/api/contests/zs/juries").get_json()] == [jid]


def numbers(body) -> set[float]:
    """Every number anywhere in a JSON body."""
    if isinstance(body, dict):
        return set().union(*map(numbers, body.values())) if body else set()
    if isinstance(body, list):
        return set().union(*map(numbers, body)) if body else set()
    return {body} if isinstance(body, (int, float)) and not isinstance(body, bool) else set()


def test_who_may_read_a_jury_before_its_close(jw):
    c = jw.client()
    jid = open_one(jw)["id"]
    put(jw, "judge1", jid, "371302", {"cx": 33, "sx": 44})
    mine = c.get(f"/api/contests/zs/juries/{jid}", headers=jw.headers("judge1")).get_json()
    assert mine["mine"]["sheets"] == {"371302": {"cx": 33.0, "sx": 44.0}}
    other = c.get(f"/api/contests/zs/juries/{jid}", headers=jw.headers("judge2"))
    assert other.status_code == 200 and other.get_json()["mine"]["sheets"] == {}
    assert not {33, 44} & numbers(other.get_json())  # judge1's scores nowhere (not by text: a time may hold 44)
    org = c.get(f"/api/contests/zs/juries/{jid}", headers=jw.headers("organizer"))
    assert "mine" not in org.get_json() and "tally" not in org.get_json() and not {33, 44} & numbers(org.get_json())
    assert_error_body(c.get(f"/api/contests/zs/juries/{jid}"), 401)
    assert_error_body(c.get(f"/api/contests/zs/juries/{jid}", headers=jw.headers("unit")), 403)
    assert_error_body(c.get(f"/api/contests/zs/juries/{jid}", headers=jw.headers("judge9")), 403)
    assert c.get("/api/contests/zs/juries").get_json() == []
    assert c.get("/api/contests/zs/juries", headers=jw.headers("judge1")).get_json()[0]["id"] == jid


def test_bad_input_is_a_clear_4xx_that_changes_nothing(jw):
    c = jw.client()
    jid = open_one(jw)["id"]
    for judge in JUDGES[:2]:
        for unit in UNITS:
            put(jw, judge, jid, unit, scores_of(judge, unit))
        c.post(f"/api/contests/zs/juries/{jid}/submit", headers=jw.headers(judge))
    put(jw, "judge3", jid, "371302", {"cx": 1})
    before = jw.dump()
    cases = [
        (put(jw, "judge3", jid, "371302", {"cx": 40.5}), 422, "0 to 40"),  # above max
        (put(jw, "judge3", jid, "371302", {"sx": -1}), 422, "0 to 60"),  # below 0
        (put(jw, "judge3", jid, "371302", {"zz": 1}), 422, "not a criterion"),
        (put(jw, "judge3", jid, "371302", {"cx": "12"}), 422, "number"),
        (put(jw, "judge3", jid, "371302", {}), 422, "scores"),
        (put(jw, "judge9", jid, "371302", {"cx": 1}), 403, "judge9"),  # not of this jury
        (put(jw, "organizer", jid, "371302", {"cx": 1}), 403, "judge"),
        (put(jw, "anonymous", jid, "371302", {"cx": 1}), 401, "token"),
        (put(jw, "judge3", jid, "999", {"cx": 1}), 404, "999"),
        (put(jw, "judge1", jid, "371302", {"cx": 1}), 409, "提交"),  # submitted: locked
        (c.post(f"/api/contests/zs/juries/{jid}/submit", headers=jw.headers("judge1")), 409, "提交"),  # second submit
        (c.post(f"/api/contests/zs/juries/{jid}/submit", headers=jw.headers("judge3")), 422, "没有打分"),
        (c.post(f"/api/contests/zs/juries/{jid}/close", headers=jw.headers("organizer")), 409, "judge3"),
        (c.post(f"/api/contests/zs/juries/{jid}/close", headers=jw.headers("judge1")), 403, "organizer"),
        (c.post(f"/api/contests/zs/juries/{jid}/reopen", json={"judge": "judge1"}, headers=jw.headers("organizer")),
         422, "reason"),
        (c.post(f"/api/contests/zs/juries/{jid}/reopen", json={"judge": "judge1", "reason": " "},
                headers=jw.headers("organizer")), 422, "原因"),
        (c.post("/api/contests/zs/juries", json={"indicator": "xczs", "period": "2026-03", "judges": list(JUDGES)},
                headers=jw.headers("organizer")), 409, "已有评审"),
        (c.post("/api/contests/zs/juries", json={"indicator": "gdp", "period": "2026-04", "judges": list(JUDGES)},
                headers=jw.headers("organizer")), 422, "method: jury"),
        (c.post("/api/contests/zs/juries", json={"indicator": "xczs", "period": "2026-04", "judges": ["judge1"]},
                headers=jw.headers("organizer")), 422, "多于 2"),
        (c.post("/api/contests/zs/juries", json={"indicator": "xczs", "period": "2026-04", "judges": list(JUDGES)},
                headers=jw.headers("judge1")), 403, "organizer"),
        (c.get("/api/contests/zs/juries/999"), 404, "999"),
    ]
    for response, status, words in cases:
        error = assert_error_body(response, status)
        assert words in error["message"] + str(error["details"]), (status, error)
    assert jw.dump() == before


def test_scoring_after_close_is_refused_and_reopen_is_audited(jw):
    c = jw.client()
    jid = open_one(jw)["id"]
    for judge in JUDGES:
        for unit in UNITS:
            put(jw, judge, jid, unit, scores_of(judge, unit))
        c.post(f"/api/contests/zs/juries/{jid}/submit", headers=jw.headers(judge))
    r = c.post(f"/api/contests/zs/juries/{jid}/reopen", json={"judge": "judge2", "reason": "评委乙要求更正"},
               headers=jw.headers("organizer"))
    assert r.status_code == 200
    assert [j["submitted"] for j in r.get_json()["judges"]] == [True, False, True]
    audit = c.get("/api/audit?action=jury.reopen", headers=jw.headers("organizer")).get_json()
    assert audit[0]["detail"]["reason"] == "评委乙要求更正"
    assert put(jw, "judge2", jid, "371302", {"cx": 36}).status_code == 200
    c.post(f"/api/contests/zs/juries/{jid}/submit", headers=jw.headers("judge2"))
    assert c.post(f"/api/contests/zs/juries/{jid}/close", headers=jw.headers("organizer")).status_code == 200
    before = jw.dump()
    assert_error_body(put(jw, "judge2", jid, "371302", {"cx": 1}), 409)
    assert_error_body(c.post(f"/api/contests/zs/juries/{jid}/close", headers=jw.headers("organizer")), 409)
    assert jw.dump() == before


def test_a_judge_token_needs_a_judge_account(jw):
    c = jw.client()
    from arena.services import tokens
    from arena.errors import ValidationFailed

    db = jw.db()
    with pytest.raises(ValidationFailed, match="judge account"):
        tokens.issue(db, name="x", role="judge", actor="test")
    db.close()
    who = c.get("/api/whoami", headers=jw.headers("judge1")).get_json()
    assert who["role"] == "judge"
