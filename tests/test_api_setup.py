"""The API's test world (imported by the other tests/test_api_*.py), and the basics every
answer keeps: the one error body (404, 405, 413 included), JSON content, the OpenAPI spec."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers import SMALL_RULES, month_rows

SENTINEL = 8675.30912  # stored for unit A in April, which is never published
SENTINEL_TEXTS = ("8675.30912", "8675.3091")
RULES = SMALL_RULES.replace("  precision: 2\n", "  precision: 2\n  self_report: true\n")
ROLES = ("anonymous", "unit_a", "unit_b", "organizer", "admin")
MAX_BODY = 200_000


@dataclass
class World:
    app: object
    path: str
    tokens: dict[str, str] = field(default_factory=dict)
    token_ids: dict[str, int] = field(default_factory=dict)

    def client(self):
        return self.app.test_client()

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        out = dict(extra)
        if role != "anonymous":
            out["Authorization"] = f"Bearer {self.tokens[role]}"
        return out

    def dump(self) -> str:
        conn = sqlite3.connect(self.path)
        try:
            return "\n".join(conn.iterdump())
        finally:
            conn.close()

    def db(self):
        from arena.store.db import connect

        return connect(self.path)


def build_world(folder: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> World:
    """The small contest (self_report on): Jan-Mar and Q1 published, April stored (the sentinel in it)."""
    from arena import publishing, services, tokens
    from arena.app import create_app

    if monkeypatch is not None:
        monkeypatch.setenv("ARENA_INSTANCE", str(folder))  # rendered files land in the test's folder
    path = str(folder / "arena.db")
    app = create_app({"DATABASE": path, "TESTING": True, "MAX_CONTENT_LENGTH": MAX_BODY})
    world = World(app, path)
    db = world.db()
    services.save_rules(db, RULES, actor="test")
    rows = [r for m in ("2026-01", "2026-02", "2026-03", "2026-04") for r in month_rows(m)]
    for r in rows:
        if r["unit"] == "A" and r["key"] == "inv" and r["period"] == "2026-04":
            r["value"] = SENTINEL
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="test")
    for period in ("2026-01", "2026-02", "2026-03", "2026-Q1"):
        publishing.publish(db, "small", period, actor="test")
    made = {"admin": dict(role="admin"), "organizer": dict(role="organizer"),
            "unit_a": dict(role="unit", unit="A", contest="small"), "unit_b": dict(role="unit", unit="B", contest="small"),
            "victim": dict(role="unit", unit="C", contest="small")}
    for name, kw in made.items():
        token, row = tokens.issue(db, name=name, actor="test", **kw)
        world.tokens[name], world.token_ids[name] = token, row["id"]
    db.close()
    return world


@pytest.fixture
def world(tmp_path, monkeypatch) -> World:
    return build_world(tmp_path, monkeypatch)


def assert_error_body(response, status: int | None = None) -> dict:
    """The one error body: {"error": {"code", "message", "details": [...]}}, as JSON."""
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json", response.mimetype
    body = json.loads(response.get_data(as_text=True))
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["message"], str) and isinstance(body["error"]["details"], list)
    return body["error"]


@pytest.mark.parametrize("method, url, status, code", [
    ("GET", "/api/nothing-here", 404, "not_found"),  # werkzeug's 404, in our body
    ("DELETE", "/api/contests", 405, "method_not_allowed"),  # werkzeug's 405, in our body
    ("PATCH", "/api/contests/small/rules", 405, "method_not_allowed"),
    ("GET", "/api/contests/nope", 404, "not_found"),  # ours
    ("GET", "/api/contests/small/scores/2026-04", 404, "not_found"),  # stored, never published
    ("GET", "/api/contests/small/rules", 401, "unauthorized"),
    ("GET", "/api/contests/small/scores/2026-02?revision=x", 422, "validation_failed"),  # webargs, in our body
])
def test_every_failure_has_the_one_error_body(world, method, url, status, code):
    response = world.client().open(url, method=method)
    assert assert_error_body(response, status)["code"] == code


def test_405_names_the_allowed_methods_and_401_asks_for_a_bearer_token(world):
    client = world.client()
    response = client.delete("/api/contests")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    response = client.get("/api/audit")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_oversize_body_is_413_in_the_one_body(world):
    response = world.client().post("/api/contests/small/results", data=b"x" * (MAX_BODY + 1),
                                   headers=world.headers("organizer", **{"Content-Type": "text/csv"}))
    assert assert_error_body(response, 413)["code"] == "payload_too_large"


def test_openapi_describes_every_api_route_with_security(world):
    spec = world.client().get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    rules = {r.rule for r in world.app.url_map.iter_rules() if r.rule.startswith("/api/")}
    documented = {p.replace("{", "<").replace("}", ">") for p in spec["paths"]}
    assert {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"<\1>", r) for r in rules} == documented
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method == "parameters":
                continue
            assert "security" in op and "responses" in op and op.get("summary"), (method, path)
            assert "401" in op["responses"] and ({"200", "201"} & set(op["responses"])), (method, path)
    body = spec["paths"]["/api/contests/{cid}/results"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "text/csv", "multipart/form-data",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert spec["components"]["schemas"]["Error"]["required"] == ["error"]


def test_chinese_stays_unescaped_and_errors_are_never_cached(world):
    client = world.client()
    response = client.get("/api/contests/small")
    assert "甲县" in response.get_data(as_text=True)
    assert client.get("/api/contests/small/draft/2026-03").headers["Cache-Control"] == "private, no-store"
