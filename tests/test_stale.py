"""A correction tells everyone what it leaves behind: stale publications in the CLI, the API,
the console and the public pages, boards and workbooks; verify's two verdicts; the import warning.

The clock is driven: everything before the correction happens on 2026-04-10, the re-import on
2026-04-18 and the corrections on 2026-04-20, so every date in a message is known by hand.
"""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from arena.support import clock
from arena.cli import main
from console_client import make_token, post, text
from helpers import SMALL_RULES, month_rows

MARCH_FIX = month_rows("2026-03", gdp=(5.0, 6.0, 7.0))  # C leads March now: ranks change
CORRECTED = "2026-03 was corrected (revision 2, 2026-04-20) after this was published"
RESULTS_CHANGED = "results of 2026-03 changed (2026-04-18) after this was published"
NOTICE = "2026年3月成绩已于 2026-04-20 更正（第 2 版）"


@pytest.fixture
def at(monkeypatch):
    """at(day): the clock reads 2026-04-<day> 10:00 in the contest's zone from now on."""
    def set_day(day: int):
        moment = datetime(2026, 4, day, 10, 0)
        monkeypatch.setattr(clock, "now", lambda tz="Asia/Shanghai": moment.replace(tzinfo=ZoneInfo(tz)))
    set_day(10)
    return set_day


@pytest.fixture
def api(app, at):
    """(client, organizer headers) with January to March, 2026-Q1 and 2026 published on 2026-04-10."""
    secret, _ = make_token(app, "organizer", "考核办")
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    for period in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026"):
        assert client.post("/api/contests/small/publications", json={"period": period}, headers=headers).status_code == 201
    return client, headers


def stale_of(client) -> dict[tuple[str, int], str | None]:
    listed = client.get("/api/contests/small/publications").get_json()
    return {(p["period"], p["revision"]): p["stale"] and p["stale"]["reason"] for p in listed}


def correct_march(client, headers, at):
    at(18)
    answer = client.post("/api/contests/small/results", json=MARCH_FIX, headers=headers)
    at(20)
    return answer, client.post("/api/contests/small/publications", json={"period": "2026-03", "note": "三月数据更正"},
                               headers=headers)


# -- the API ------------------------------------------------------------------------------

def test_the_api_lists_what_is_stale_and_why_and_the_correction_names_its_dependants(api, at):
    client, headers = api
    assert set(stale_of(client).values()) == {None}
    at(18)
    imported = client.post("/api/contests/small/results", json=MARCH_FIX, headers=headers).get_json()
    assert imported["updated"] == 2 and imported["warning"]["months"] == ["2026-03"]
    assert "公众看到的仍是已发布的成绩" in imported["warning"]["message"]
    assert stale_of(client) == {("2026-01", 1): None, ("2026-02", 1): None, ("2026-03", 1): RESULTS_CHANGED,
                                ("2026-Q1", 1): RESULTS_CHANGED, ("2026", 1): RESULTS_CHANGED}
    at(20)
    answer = client.post("/api/contests/small/publications", json={"period": "2026-03", "note": "三月数据更正"},
                         headers=headers)
    body = answer.get_json()
    assert answer.status_code == 201 and body["revision"] == 2 and body["stale"] is None
    assert [(d["period"], d["revision"], d["stale"]["reason"]) for d in body["stale_dependants"]] == [
        ("2026-Q1", 1, CORRECTED), ("2026", 1, CORRECTED)]
    cause = body["stale_dependants"][0]["stale"]["causes"][0]
    assert cause == {"month": "2026-03", "cause": "corrected", "revision": 2, "at": "2026-04-20T10:00:00+08:00"}
    # an older revision is superseded, never stale: only the newest of a period is judged
    assert stale_of(client)[("2026-03", 1)] is None and stale_of(client)[("2026-Q1", 1)] == CORRECTED
    for period in ("2026-Q1", "2026"):
        again = client.post("/api/contests/small/publications", json={"period": period, "note": "三月数据更正"},
                            headers=headers)
        assert again.status_code == 201 and again.get_json()["revision"] == 2
    assert set(stale_of(client).values()) == {None}


def test_an_import_that_touches_no_published_month_warns_of_nothing(api):
    client, headers = api
    answer = client.post("/api/contests/small/results", json=month_rows("2026-05"), headers=headers)
    assert answer.status_code == 200 and "warning" not in answer.get_json()  # May is not published
    # but the year was published before May came in: its inputs changed
    assert stale_of(client)[("2026", 1)] == "results of 2026-05 changed (2026-04-10) after this was published"
    same = client.post("/api/contests/small/results", json=month_rows("2026-03"), headers=headers)
    assert same.get_json() == {"inserted": 0, "updated": 0, "unchanged": 6}  # nothing stored: nothing to say


def test_a_stale_quarter_with_the_same_figures_is_still_republished_as_a_new_revision(api, at):
    client, headers = api
    at(18)
    # A's growth 7.0 -> 7.5: the ranks stay, so March's values change but Q1's mean points do not
    client.post("/api/contests/small/results", json=[{"unit": "A", "key": "gdp", "period": "2026-03", "value": 7.5}],
                headers=headers)
    at(20)
    client.post("/api/contests/small/publications", json={"period": "2026-03", "note": "甲县增速更正"}, headers=headers)
    assert stale_of(client)[("2026-Q1", 1)] == CORRECTED
    refused = client.post("/api/contests/small/publications", json={"period": "2026-Q1"}, headers=headers)
    assert refused.status_code == 422 and "note" in refused.get_json()["error"]["message"]
    made = client.post("/api/contests/small/publications", json={"period": "2026-Q1", "note": "甲县增速更正"},
                       headers=headers)
    assert made.status_code == 201 and made.get_json()["revision"] == 2
    old, new = (client.get(f"/api/contests/small/scores/2026-Q1?revision={r}").get_json() for r in (1, 2))
    assert old["groups"] == new["groups"]
    assert stale_of(client)[("2026-Q1", 2)] is None
    again = client.post("/api/contests/small/publications", json={"period": "2026-Q1", "note": "再来"}, headers=headers)
    assert again.status_code == 200 and again.get_json()["revision"] == 2  # fresh and the same: nothing new


# -- public pages, boards, workbooks ------------------------------------------------------

def test_public_pages_of_a_stale_quarter_or_year_say_a_month_was_corrected_until_republished(api, at):
    client, headers = api
    assert "stale-notice" not in text(client.get("/contests/small/2026-Q1"))
    correct_march(client, headers, at)
    for period in ("2026-Q1", "2026"):
        page = text(client.get(f"/contests/small/{period}"))
        assert 'id="stale-notice"' in page and NOTICE in page
    assert "stale-notice" not in text(client.get("/contests/small/2026-03"))  # a month shows its own correction
    client.post("/api/contests/small/publications", json={"period": "2026-Q1", "note": "三月数据更正"}, headers=headers)
    assert "stale-notice" not in text(client.get("/contests/small/2026-Q1"))
    assert NOTICE in text(client.get("/contests/small/2026"))  # the year is not republished yet


@pytest.mark.parametrize("path", ["/contests/small/2026-Q1/board.png", "/api/contests/small/boards/2026-Q1.png",
                                  "/contests/small/2026-Q1/board.png?size=screen"])
def test_a_stale_board_differs_from_the_fresh_one_and_the_republished_one_drops_the_notice(api, at, app, path):
    from arena.http.db import get_db
    from arena.render import cache
    from arena import services
    from arena.store import publications

    client, headers = api
    fresh = client.get(path)
    correct_march(client, headers, at)
    stale = client.get(path)
    assert stale.status_code == 200 and stale.data != fresh.data and stale.headers["ETag"] != fresh.headers["ETag"]
    assert "-stale-" in stale.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": fresh.headers["ETag"]}).status_code == 200  # not a 304
    client.post("/api/contests/small/publications", json={"period": "2026-Q1", "note": "三月数据更正"}, headers=headers)
    republished = client.get(path)
    assert "-stale-" not in republished.headers["ETag"] and republished.data != stale.data
    size = "screen" if "screen" in path else "phone"
    with app.app_context():
        row = publications.get(get_db(), "small", "2026-Q1")
        contest, _ = services.contest_rules(get_db(), "small")
    assert row["revision"] == 2 and republished.data == cache.board_bytes(None, row, contest, "png", size)


@pytest.mark.parametrize("path", ["/contests/small/2026-Q1/sheet.xlsx", "/api/contests/small/scores/2026-Q1.xlsx"])
def test_a_stale_workbook_carries_the_notice_until_republished(api, at, path):
    client, headers = api

    def notices(answer) -> list[str]:
        book = load_workbook(io.BytesIO(answer.data))
        return [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("注意：")]

    fresh = client.get(path)
    assert notices(fresh) == []
    correct_march(client, headers, at)
    stale = client.get(path)
    found = notices(stale)
    assert found and all(NOTICE in n for n in found) and stale.headers["ETag"] != fresh.headers["ETag"]
    assert load_workbook(io.BytesIO(stale.data))["区县组"]["A5"].value == found[0]  # the row above the header
    client.post("/api/contests/small/publications", json={"period": "2026-Q1", "note": "三月数据更正"}, headers=headers)
    assert notices(client.get(path)) == []


# -- the console --------------------------------------------------------------------------

def test_the_console_warns_on_import_lists_the_stale_and_republishes_them_in_one_post(app, organizer, at):
    from arena.services import publishing
    from arena.http.db import get_db

    with app.app_context():
        for period in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026"):
            publishing.publish(get_db(), "small", period, actor="setup")
    at(18)
    csv = "unit,key,period,value\n" + "".join(f"{r['unit']},{r['key']},{r['period']},{r['value']}\n" for r in MARCH_FIX)
    uploaded = post(organizer, "/console/contests/small/results", {"file": (io.BytesIO(csv.encode()), "三月.csv")},
                    files=True)
    page = text(organizer.get(uploaded.headers["Location"]))
    assert "更新 2 条" in page and "2026-03 已发布：公众看到的仍是已发布的成绩" in page
    listed = text(organizer.get("/console/contests/small/publications"))
    assert listed.count("已过期</span>") == 3  # March, Q1 and the year

    at(20)
    corrected = post(organizer, "/console/contests/small/publications",
                     {"period": "2026-03", "action": "correct", "note": "三月数据更正"})
    page = text(organizer.get(corrected.headers["Location"]))
    assert 'id="stale-dependants"' in page and "2026-Q1 第 1 版" in page and "2026 第 1 版" in page
    assert 'id="republish-note" name="note" maxlength="500" required value="三月数据更正"' in page
    quarter = text(organizer.get("/console/contests/small/draft?period=2026-Q1"))
    assert 'id="stale-state"' in quarter and "2026年3月成绩已于 2026-04-20 更正（第 2 版）" in quarter

    refused = organizer.post("/console/contests/small/republish", data={"month": "2026-03", "note": "x"})
    assert refused.status_code == 403  # no CSRF token: nothing republished
    bad = post(organizer, "/console/contests/small/republish", {"month": "2027-13", "note": "三月数据更正"})
    assert bad.status_code == 422 and "不是本赛季的月份" in text(bad)
    with app.app_context():
        assert [r["revision"] for r in publishing.publications.list_all(get_db(), "small")] == [1, 1, 1, 1, 1, 2]

    done = post(organizer, "/console/contests/small/republish", {"month": "2026-03", "note": "三月数据更正"})
    assert done.status_code == 302
    listed = text(organizer.get(done.headers["Location"]))
    assert "已重新发布：2026-Q1 第 2 版、2026 第 2 版" in listed and "已过期</span>" not in listed
    with app.app_context():
        made = publishing.publications.list_all(get_db(), "small")
    assert [(r["period"], r["revision"], r["note"]) for r in made[-2:]] == [("2026-Q1", 2, "三月数据更正"),
                                                                            ("2026", 2, "三月数据更正")]


# -- the CLI ------------------------------------------------------------------------------



def test_the_cli_warns_lists_and_verify_judges_reproducible_and_stale_apart(cli, tmp_path, at):
    def put(name, body):
        (tmp_path / name).write_text(body, encoding="utf-8")
        return tmp_path / name

    cli("contest", "load", put("r.yaml", SMALL_RULES))
    rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
    cli("results", "import", put("q1.json", json.dumps(rows)), "--contest", "small")
    for period in ("2026-01", "2026-02", "2026-03", "2026-Q1"):
        cli("publish", "small", period)
    code, out, _ = cli("verify", "small")
    assert code == 0 and out.count("reproducible; current") == 4

    at(18)
    code, out, _ = cli("results", "import", put("fix.json", json.dumps(MARCH_FIX)), "--contest", "small")
    assert code == 0 and "updated 2" in out and "2026-03 已发布：公众看到的仍是已发布的成绩" in out
    code, out, _ = cli("publications", "small")
    assert code == 0 and out.count(RESULTS_CHANGED) == 2  # March and Q1
    code, out, _ = cli("verify", "small")
    assert code == 1 and f"2026-Q1 revision 1: reproducible; STALE: {RESULTS_CHANGED}" in out
    assert "2026-01 revision 1: reproducible; current" in out

    at(20)
    code, out, _ = cli("publish", "small", "2026-03", "--note", "三月数据更正")
    assert code == 0 and "revision 2" in out
    assert "now stale (1), republish with the same note: 2026-Q1 revision 1" in out
    code, out, _ = cli("verify", "small")
    assert code == 1 and f"2026-Q1 revision 1: reproducible; STALE: {CORRECTED}" in out
    assert "2026-03 revision 1: reproducible; superseded by a newer revision" in out
    assert "2026-03 revision 2: reproducible; current" in out
    code, out, _ = cli("publish", "small", "2026-Q1", "--note", "三月数据更正")
    assert code == 0 and "revision 2" in out and "now stale" not in out
    code, out, _ = cli("verify", "small")
    assert code == 0 and "STALE" not in out and out.count("\n") == 6  # a line per publication

    # a stored sheet changed behind the service's back: not reproducible, though not stale
    conn = sqlite3.connect(tmp_path / "arena.db")
    conn.execute("DROP TRIGGER publications_no_update")
    conn.execute("UPDATE publications SET sheet = replace(sheet, '\"rank\":1', '\"rank\":9')"
                 " WHERE period = '2026-01'")
    conn.commit()
    conn.close()
    code, out, _ = cli("verify", "small", "2026-01")
    assert code == 1 and out == ("2026-01 revision 1: NOT REPRODUCIBLE: the recomputed sheet differs from the stored"
                                 " one; current\n")


# -- the service: what a month's sheet reads, and rules-made corrections ---------------------

def test_a_rules_made_correction_of_march_stales_its_quarter_and_april_but_not_february(small):
    from arena import services
    from arena.services import publishing
    from arena.services import staleness

    services.import_results(small, "small", json.dumps(month_rows("2026-04")).encode(), fmt="json", actor="t")
    early = datetime(2026, 5, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for period in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-Q1"):
        publishing.publish(small, "small", period, actor="t", now=early)
    services.save_rules(small, SMALL_RULES.replace("weight: 60", "weight: 50"), actor="t", note="lighter")
    assert set(staleness.stale_map(small, "small").values()) == {None}  # new rules alone stale nothing
    late = datetime(2026, 5, 21, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    publishing.publish(small, "small", "2026-03", actor="t", note="新权重", now=late)
    reasons = {k: v and v["reason"] for k, v in staleness.stale_map(small, "small").items()}
    march = "2026-03 was corrected (revision 2, 2026-05-21) after this was published"
    assert reasons == {("2026-01", 1): None, ("2026-02", 1): None, ("2026-03", 1): None, ("2026-03", 2): None,
                       ("2026-04", 1): march,  # April's change compares with March
                       ("2026-Q1", 1): march}
    assert [d["period"] for d in staleness.dependants(small, "small", "2026-03")] == ["2026-Q1", "2026-04"]  # reading order
    assert staleness.public_notice(small, "small", {"period": "2026-04", "kind": "month", "revision": 1}) is None
