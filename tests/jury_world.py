"""A small showcase contest (展示擂台赛) for the jury tests: four units in two groups, one jury
indicator (创新性 max 40, 实效性 max 60, trim 1), and judge accounts."""

from __future__ import annotations

SHOWCASE = """\
version: 1
contest: {id: zs, name: 2026年度展示擂台赛, season: {start: 2026-01, end: 2026-12}, precision: 2}
groups: {county: 区县组, zone: 功能区组}
units:
  - {code: "371302", name: 兰山区, group: county}
  - {code: "371311", name: 罗庄区, group: county}
  - {code: "371312", name: 河东区, group: county}
  - {code: "371371", name: 临沂高新区, group: zone}
indicators:
  - id: xczs
    name: 现场展示
    weight: 100
    method: jury
    criteria:
      - {id: cx, name: 创新性, max: 40}
      - {id: sx, name: 实效性, max: 60}
    trim: 1
  - {id: gdp, name: 地区生产总值增速, unit: "%", weight: 10, method: rank}
"""
UNITS = ("371302", "371311", "371312", "371371")
JUDGES = ("judge1", "judge2", "judge3")
JUDGE_NAMES = {"judge1": "评委甲", "judge2": "评委乙", "judge3": "评委丙"}

# each judge's (创新性, 实效性) for each unit; totals in the comments
SCORES = {
    "judge1": {"371302": (30, 50), "371311": (20, 40), "371312": (35, 55), "371371": (10, 20)},  # 80 60 90 30
    "judge2": {"371302": (36, 54), "371311": (25, 45), "371312": (30, 50), "371371": (20, 30)},  # 90 70 80 50
    "judge3": {"371302": (28, 42), "371311": (30, 50), "371312": (32, 48), "371371": (15, 25)},  # 70 80 80 40
}
# trim 1 of 3: x is the middle total. 371302: 70 80 90 -> 80; 371311: 60 70 80 -> 70;
# 371312: 80 80 90 -> 80 (judge2 and judge3 tie at 80: ordered by judge, judge2 is dropped low);
# 371371: 30 40 50 -> 40. Points = 100 * x / 100 = x.
X = {"371302": 80.0, "371311": 70.0, "371312": 80.0, "371371": 40.0}


def make_judges(db, contest: str | None = "zs") -> None:
    from arena.services import accounts

    for username in JUDGES:
        accounts.create_user(db, username=username, role="judge", name=JUDGE_NAMES[username], actor="setup",
                             contest=contest)


def scores_of(judge: str, unit: str) -> dict[str, float]:
    cx, sx = SCORES[judge][unit]
    return {"cx": cx, "sx": sx}


def jury_app(tmp_path, judges=JUDGES):
    """An app on the showcase contest with signed-in-able judge accounts (tests/console_client.py)
    and an organizer (zhangsan); TOTP off, as the console tests have it."""
    from arena import create_app, services
    from arena.http.db import get_db
    from console_client import make_account

    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "SECRET_KEY": "test-secret", "TESTING": True,
                      "REQUIRE_TOTP": False})
    with app.app_context():
        services.save_rules(get_db(), SHOWCASE, actor="setup")
    for username in judges:
        make_account(app, "judge", JUDGE_NAMES[username], username, contest="zs")
    make_account(app, "organizer", "考核办张三", "zhangsan")
    return app


def open_jury(app, judges=JUDGES, seed=42) -> int:
    from arena.http.db import get_db
    from arena.services import juries

    with app.app_context():
        return juries.open_jury(get_db(), "zs", indicator="xczs", period="2026-03", judges=list(judges),
                                order_seed=seed, actor="user zhangsan (考核办张三)")["id"]
