"""The notice tests' world: a contest whose months are published for notice (公示) for 3 days,
two groups (the zone group does not score inv), January to March reported, and the clock
driven to the moments the tests name."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from arena.support import clock
from helpers import month_rows

RULES = """\
version: 1
contest:
  id: nt
  name: 公示擂台
  season: {start: 2026-01, end: 2026-12}
  timezone: Asia/Shanghai
  precision: 2
departments:
  tjj: 市统计局
groups:
  county: 区县组
  zone: 功能区组
units:
  - {code: "A", name: 甲县, group: county}
  - {code: "B", name: 乙县, group: county}
  - {code: "C", name: 丙县, group: county}
  - {code: "D", name: 丁区, group: zone}
indicators:
  - {id: gdp, name: 增速, unit: "%", weight: 60, method: rank}
  - {id: inv, name: 投资, unit: 亿元, weight: {county: 40}, method: completion, target: 120, progress: linear}
publish:
  monthly: {day: 10, at: "09:00"}
  quarterly: {day: 15, at: "09:00"}
  notice: {days: 3}
"""
PDF = b"%PDF-1.4\n% a small evidence file\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def rows(month: str, **kw) -> list[dict]:
    return month_rows(month, **kw) + [{"unit": "D", "key": "gdp", "period": month, "value": 4.0}]


def at(text: str) -> datetime:
    """Drive the clock to ``text`` (ISO with offset) and return the moment."""
    moment = datetime.fromisoformat(text)
    clock.drive(moment.timestamp())
    return moment


def load(db, months=("2026-01", "2026-02", "2026-03")) -> None:
    from arena import services

    services.save_rules(db, RULES, actor="setup")
    data = [r for m in months for r in rows(m)]
    services.import_results(db, "nt", json.dumps(data).encode(), fmt="json", actor="setup")


def correct(db, unit: str, key: str, period: str, value: float) -> None:
    from arena import services

    services.import_results(db, "nt", json.dumps([{"unit": unit, "key": key, "period": period, "value": value}]).encode(),
                            fmt="json", actor="setup")


@dataclass
class NoticeApi:
    app: object
    path: str
    tokens: dict[str, str] = field(default_factory=dict)

    def db(self):
        from arena.store.db import connect

        return connect(self.path)

    def call(self, method: str, url: str, role: str = "anonymous", **kw):
        headers = dict(kw.pop("headers", {}))
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return getattr(self.app.test_client(), method)(url, headers=headers, **kw)

    def object(self, role: str = "unit_a", period: str = "2026-01", indicator: str | None = "gdp",
               message: str = "本单位增速应为 7.5%，统计局已更正", **kw):
        return self.call("post", "/api/contests/nt/objections", role,
                         json={"period": period, "indicator": indicator, "message": message}, **kw)

    def answer(self, ident: int, decision: str, reply: str = "经核实，已答复"):
        return self.call("post", f"/api/contests/nt/objections/{ident}/answer", "organizer",
                         json={"decision": decision, "reply": reply})


def build(folder, monkeypatch) -> NoticeApi:
    """Rules and Jan-Mar loaded; January published at 2026-02-10 09:00 (Shanghai), under notice to the 13th."""
    from arena.http.app import create_app
    from arena.services import publishing, tokens

    monkeypatch.setenv("ARENA_INSTANCE", str(folder))
    path = str(folder / "nt.db")
    app = create_app({"DATABASE": path, "TESTING": True, "EVIDENCE_DIR": str(folder / "evidence")})
    world = NoticeApi(app, path)
    db = world.db()
    load(db)
    at("2026-02-10T09:00:00+08:00")
    publishing.publish(db, "nt", "2026-01", actor="setup")
    made = {"organizer": dict(role="organizer"), "unit_a": dict(role="unit", unit="A", contest="nt"),
            "unit_b": dict(role="unit", unit="B", contest="nt"), "unit_d": dict(role="unit", unit="D", contest="nt"),
            "department": dict(role="department", department="tjj", contest="nt")}
    for name, kw in made.items():
        world.tokens[name] = tokens.issue(db, name=name, actor="setup", **kw)[0]
    db.close()
    return world
