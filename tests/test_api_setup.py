"""The basics every API answer keeps: the one error body (404, 405, 413 included), JSON
content, the OpenAPI spec."""

from __future__ import annotations

import re

import pytest

from api_world import MAX_BODY, assert_error_body


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
