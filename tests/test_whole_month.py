"""One month played whole, as issue 13 asks: a department (市统计局), two units and an
organizer, through the API, the scheduler and real local servers (a WeCom-style webhook and
aiosmtpd), with the clock driven from the window's opening to the end of the notice.

March 2026 is reported in April: the window opens on the 1st, reminders go two days before the
due day (the 3rd) and on it (the 5th), March publishes on the 10th at 09:00 under a three-day
notice (公示), and is final on the 13th at 09:00 if no objection is open then.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from reminder_kit import Recorder, smtp_server, webhook
from arena.support import clock

ZONE = ZoneInfo("Asia/Shanghai")
CID = "month"
API = f"/api/contests/{CID}"
RULES = """\
version: 1
contest:
  id: month
  name: 全市综合擂台赛
  season: {start: 2026-03, end: 2026-12}
  timezone: Asia/Shanghai
groups:
  county: 区县组
units:
  - {code: "A", name: 甲县, group: county}
  - {code: "B", name: 乙县, group: county}
departments:
  tjj: 市统计局
indicators:
  - {id: gdp, name: 地区生产总值增速, unit: "%", weight: 60, method: rank, reported_by: tjj}
  - {id: sat, name: 群众满意度, weight: 40, method: rank, reported_by: unit}
adjustments:
  - {id: bonus, name: 创新加分, points: 1, max: 3}
reporting: {opens: 1, due: 5, remind: [2, 0]}
publish:
  monthly: {day: 10, at: "09:00"}
  notice: {days: 3}
"""
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


@pytest.fixture(autouse=True)
def let_the_clock_run():
    yield
    clock.drive(None)


class Month:
    """The app, its database file, a token per player, and the scheduler's pass at a moment."""

    def __init__(self, folder, outlets):
        from arena import create_app, services
        from arena.services import accounts, tokens
        from arena.store.db import connect

        self.path = str(folder / "arena.db")
        self.app = create_app({"DATABASE": self.path, "TESTING": True, "EVIDENCE_DIR": str(folder / "evidence")})
        self.outlets, self.connect = outlets, lambda: connect(self.path)
        db = self.connect()
        services.save_rules(db, RULES, actor="setup")
        players = {"organizer": dict(role="organizer"),
                   "tjj": dict(role="department", department="tjj", contest=CID),
                   "unit_a": dict(role="unit", unit="A", contest=CID),
                   "unit_b": dict(role="unit", unit="B", contest=CID)}
        self.tokens = {name: tokens.issue(db, name=name, actor="setup", **kw)[0] for name, kw in players.items()}
        # the department's clerk and 甲县's clerk have e-mail; 乙县's is reached by the robot only
        accounts.create_user(db, username="tjj-wang", role="department", name="王统计", actor="setup",
                             contest=CID, department="tjj", email="wang@tjj.example.gov.cn")
        accounts.create_user(db, username="jia-li", role="unit", name="李填报", actor="setup",
                             contest=CID, unit="A", email="li@jia.example.gov.cn")
        db.close()
        self.client = self.app.test_client()

    def call(self, method: str, path: str, who: str, expect: int, **kw):
        answer = getattr(self.client, method)(API + path, headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kw)
        assert answer.status_code == expect, (method, path, answer.get_data(as_text=True)[:800])
        return answer.get_json()

    def tick(self, text: str) -> list[tuple[str, int, str]]:
        """The clock reads ``text``; one scheduler pass as of then; what it published."""
        from arena.services import scheduler

        moment = at(text)
        clock.drive(moment.timestamp())
        done = scheduler.one_pass(self.connect, moment, outlets=self.outlets)
        return [(p["period"], p["revision"], p["status"]) for p in done]

    def grid(self) -> dict[tuple[str, str], str]:
        cells = self.call("get", "/reporting/2026-03", "organizer", 200)["cells"]
        return {(c["unit"], c["key"]): c["status"] for c in cells}


def test_a_whole_month_from_the_window_opening_to_final(tmp_path):
    from arena.services.channels import Outlets, email, wecom

    robot = Recorder()
    with webhook(robot) as url, smtp_server() as (port, mails):
        outlets = Outlets({"wecom": wecom(5), "email": email(host="127.0.0.1", port=port, tls="none", user=None,
                                                                password=None, sender="khb@example.gov.cn", timeout=5)},
                          {"wecom": url})
        m = Month(tmp_path, outlets)

        # the window opens on 1 April: nothing is owed yet, nothing is published
        assert m.tick("2026-04-01 09:00") == [] and robot.calls == [] and mails == []
        assert set(m.grid().values()) == {"missing"}

        # 3 April, two days before due: one reminder per reporter, by robot and by e-mail, once
        m.tick("2026-04-03 09:00")
        m.tick("2026-04-03 09:05")
        m.tick("2026-04-03 17:00")
        texts = robot.texts
        assert len(texts) == 3 and all(t.startswith("【催报】全市综合擂台赛 2026年3月数据") for t in texts)
        assert sorted(t.split("\n")[1].split("：")[0] for t in texts) == ["乙县", "市统计局", "甲县"]
        assert sorted(tuple(e.rcpt_tos) for e in mails) == [("li@jia.example.gov.cn",), ("wang@tjj.example.gov.cn",)]

        # the department submits gdp for both counties; the organizer returns it with a reason
        first = m.call("post", "/submissions", "tjj", 201, json=[
            {"unit": "A", "key": "gdp", "period": "2026-03", "value": 6.8},
            {"unit": "B", "key": "gdp", "period": "2026-03", "value": 68.0}])
        assert first["status"] == "pending"
        assert m.grid()[("A", "gdp")] == "pending"
        m.call("post", f"/submissions/{first['id']}/return", "organizer", 200, json={"reason": "乙县增速应为 6.8 左右，请核实"})
        assert m.grid()[("B", "gdp")] == "returned"
        mine = m.call("get", "/submissions", "tjj", 200)
        assert [(s["id"], s["status"], s["reason"]) for s in mine] == [(first["id"], "returned", "乙县增速应为 6.8 左右，请核实")]

        # resubmitted, corrected, and approved: its rows become results, with an audit row
        again = m.call("post", "/submissions", "tjj", 201, json=[
            {"unit": "A", "key": "gdp", "period": "2026-03", "value": 6.8},
            {"unit": "B", "key": "gdp", "period": "2026-03", "value": 6.1}])
        m.call("post", f"/submissions/{again['id']}/approve", "organizer", 200)
        stored = {(r["unit"], r["key"]): r["value"] for r in m.call("get", "/results?period=2026-03", "organizer", 200)}
        assert stored == {("A", "gdp"): 6.8, ("B", "gdp"): 6.1}

        # 甲县 reports its own figure with evidence (a PDF); 乙县 reports without
        upload = {"file": (io.BytesIO(b"unit,key,period,value\nA,sat,2026-03,92\n"), "sat.csv"),
                  "evidence": [(io.BytesIO(PDF), "满意度调查报告.pdf")]}
        a = m.call("post", "/submissions", "unit_a", 201, data=upload, content_type="multipart/form-data")
        b = m.call("post", "/submissions", "unit_b", 201, json=[{"unit": "B", "key": "sat", "period": "2026-03", "value": 88}])
        listed = {s["id"]: s for s in m.call("get", "/submissions?status=pending", "organizer", 200)}
        assert [f["name"] for f in listed[a["id"]]["files"]] == ["满意度调查报告.pdf"]
        evidence = m.client.get(listed[a["id"]]["files"][0]["url"], headers={"Authorization": f"Bearer {m.tokens['organizer']}"})
        assert evidence.status_code == 200 and evidence.data == PDF
        for s in (a, b):
            m.call("post", f"/submissions/{s['id']}/approve", "organizer", 200)
        m.call("post", "/results", "organizer", 200, json=[{"unit": "A", "key": "bonus", "period": "2026-03", "value": 1}])
        assert set(m.grid().values()) == {"approved"}

        # the due day: everyone has reported, so nobody is reminded again; nothing is overdue after
        m.tick("2026-04-05 09:00")
        m.tick("2026-04-06 09:00")
        assert len(robot.texts) == 3 and len(mails) == 2

        # 10 April 09:00: March is published for notice until 13 April 09:00
        assert m.tick("2026-04-10 09:00") == [("2026-03", 1, "notice")]
        sheet = m.client.get(f"{API}/scores/2026-03").get_json()
        assert (sheet["status"], sheet["notice_until"]) == ("notice", "2026-04-13T09:00:00+08:00")
        assert "公示稿" in m.client.get(f"/contests/{CID}/2026-03").get_data(as_text=True)

        # 乙县 objects to its satisfaction figure; the organizer corrects it and upholds the objection
        objection = m.call("post", "/objections", "unit_b", 201,
                           json={"period": "2026-03", "indicator": "sat", "message": "我县满意度应为 90，见复核报告"})
        assert m.call("get", "/objections?period=2026-03", "unit_a", 200) == []  # not 甲县's to see
        m.call("post", "/results", "organizer", 200, json=[{"unit": "B", "key": "sat", "period": "2026-03", "value": 90}])
        m.call("post", f"/objections/{objection['id']}/answer", "organizer", 200,
               json={"decision": "upheld", "reply": "经复核，乙县满意度更正为 90"})
        corrected = m.client.get(f"{API}/scores/2026-03").get_json()
        assert (corrected["revision"], corrected["status"], corrected["notice_until"]) == \
            (2, "notice", "2026-04-13T09:00:00+08:00")
        b_row = next(u for g in corrected["groups"] for u in g["units"] if u["unit"] == "B")
        assert b_row["indicators"]["sat"]["value"] == 90

        # the deadline: not a minute early, then final exactly once
        assert m.tick("2026-04-13 08:59") == []
        assert m.tick("2026-04-13 09:00") == [("2026-03", 3, "final")]
        assert m.tick("2026-04-13 09:05") == []
        # the quarter (March alone, this season) is due on the 15th and its month is final by then
        assert m.tick("2026-04-15 09:00") == [("2026-Q1", 1, "final")] and m.tick("2026-04-20 09:00") == []

    final = m.client.get(f"{API}/scores/2026-03").get_json()
    assert (final["revision"], final["status"], final["note"], final["notice_until"]) == (3, "final", "公示期满", None)
    assert _figures(final) == _figures(corrected)
    assert Counter(c["ok"] for c in robot.calls) == Counter({True: 3})  # no message lost, none twice
    db = m.connect()
    try:
        from arena.services import publishing
        from arena.store import audit_chain

        assert all(publishing.verify(db, CID, "2026-03", r)["ok"] for r in (1, 2, 3))
        assert audit_chain.verify(db)["ok"]
        actions = Counter(a for (a,) in db.conn.execute("SELECT action FROM audit WHERE contest = ?", (CID,)))
    finally:
        db.close()
    assert actions["submission.create"] == 4 and actions["submission.approve"] == 3
    assert actions["submission.return"] == 1 and actions["evidence.download"] == 1


def _figures(sheet: dict) -> str:
    return json.dumps(sheet["groups"], ensure_ascii=False, sort_keys=True)
