"""The reporting tests' world: the small contest with a department (市统计局 reports gdp), units
reporting inv themselves, a veto adjustment, swing 0.5 and review on; January to March stored
by the organizer, January published; a token for each kind of reporter."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from helpers import SMALL_RULES, month_rows

RULES = SMALL_RULES.replace(
    "  - {id: gdp, name: 增速, unit: \"%\", weight: 60, method: rank}\n",
    "  - {id: gdp, name: 增速, unit: \"%\", weight: 60, method: rank, reported_by: tjj}\n",
).replace(
    "progress: linear}\n",
    "progress: linear, reported_by: unit}\n"
    "adjustments:\n  - {id: veto, name: 一票否决, veto: true}\n"
    "departments:\n  tjj: 市统计局\n  swj: 市商务局\n"
    "reporting: {opens: 1, due: 5, swing: 0.5}\n",
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ROLES = {"organizer": dict(role="organizer"),
         "tjj": dict(role="department", department="tjj", contest="small"),
         "swj": dict(role="department", department="swj", contest="small"),
         "unit_a": dict(role="unit", unit="A", contest="small"),
         "unit_b": dict(role="unit", unit="B", contest="small")}


@dataclass
class World:
    app: object
    path: str
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self):
        return self.app.test_client()

    def headers(self, role: str) -> dict[str, str]:
        return {} if role == "anonymous" else {"Authorization": f"Bearer {self.tokens[role]}"}

    def db(self):
        from arena.store.db import connect

        return connect(self.path)

    def dump(self) -> list[str]:
        db = self.db()
        try:
            return [line for line in db.conn.iterdump() if "auth_failures" not in line]
        finally:
            db.close()


def build(folder: Path, rules: str = RULES) -> World:
    from arena import create_app, services
    from arena.services import publishing, tokens

    path = str(folder / "arena.db")
    app = create_app({"DATABASE": path, "TESTING": True, "EVIDENCE_DIR": str(folder / "evidence")})
    world = World(app, path)
    db = world.db()
    services.save_rules(db, rules, actor="setup")
    rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="setup")
    publishing.publish(db, "small", "2026-01", actor="setup")
    for name, kw in ROLES.items():
        world.tokens[name] = tokens.issue(db, name=name, actor="setup", **kw)[0]
    db.close()
    return world
