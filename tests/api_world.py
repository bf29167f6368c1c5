"""The API tests' world: the small contest (self_report on) with Jan-Mar and Q1 published,
April stored with a sentinel value in it, and a token for each role; the one error body."""

from __future__ import annotations

import json
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
    from arena import services
    from arena.http.app import create_app
    from arena.services import publishing, tokens

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


def assert_error_body(response, status: int | None = None) -> dict:
    """The one error body: {"error": {"code", "message", "details": [...]}}, as JSON."""
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json", response.mimetype
    body = json.loads(response.get_data(as_text=True))
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["message"], str) and isinstance(body["error"]["details"], list)
    return body["error"]
