"""What each endpoint answers: rules, results (JSON, CSV, XLSX, multipart), publications, published
sheets from their stored bytes (ETag, 304, Cache-Control), a unit's row, flags, standing, audit,
boards and workbooks, and the rules preview on the demo contest."""

from __future__ import annotations

import io
import json

import pytest

from helpers import SMALL_RULES
from api_world import RULES, assert_error_body

RESULTS = "/api/contests/small/results"


def yaml_headers(world, role="organizer"):
    return world.headers(role, **{"Content-Type": "application/yaml"})


# -- published sheets -------------------------------------------------------------------------

def test_a_published_sheet_is_its_stored_bytes_with_a_strong_etag_and_304(world):
    from arena.store import publications

    stored = publications.get(world.db(), "small", "2026-02")
    client = world.client()
    response = client.get("/api/contests/small/scores/2026-02")
    assert response.status_code == 200 and response.get_data(as_text=True) == stored["sheet"]
    assert response.headers["ETag"] == f'"{stored["sheet_sha256"]}"'  # strong: no W/
    assert response.headers["Cache-Control"] == "public, max-age=300"
    again = client.get("/api/contests/small/scores/2026-02", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get("/api/contests/small/scores/2026-02", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    pinned = client.get("/api/contests/small/scores/2026-02?revision=1")
    assert "immutable" in pinned.headers["Cache-Control"] and pinned.get_data() == response.get_data()


def test_later_rules_and_results_never_change_a_publication_and_a_correction_needs_a_note(world):
    client, organizer = world.client(), world.headers("organizer")
    first = client.get("/api/contests/small/scores/2026-02").get_data()
    changed = RULES.replace("weight: 60", "weight: 50")
    assert client.put("/api/contests/small/rules", data=changed, headers=yaml_headers(world)).get_json()["version"] == 2
    client.post(RESULTS, json=[{"unit": "C", "key": "gdp", "period": "2026-02", "value": 9.0}], headers=organizer)
    assert client.get("/api/contests/small/scores/2026-02").get_data() == first
    assert_error_body(client.post("/api/contests/small/publications", json={"period": "2026-02"}, headers=organizer), 422)
    made = client.post("/api/contests/small/publications", json={"period": "2026-02", "note": "更正：丙县数据"},
                       headers=organizer)
    assert made.status_code == 201 and made.get_json()["revision"] == 2 and made.headers["Location"].endswith("revision=2")
    same = client.post("/api/contests/small/publications", json={"period": "2026-02", "note": "again"}, headers=organizer)
    assert same.status_code == 200 and same.get_json()["revision"] == 2
    assert json.loads(client.get("/api/contests/small/scores/2026-02").get_data())["revision"] == 2
    assert client.get("/api/contests/small/scores/2026-02?revision=1").get_data() == first
    listed = client.get("/api/contests/small/publications").get_json()
    assert [(p["period"], p["revision"]) for p in listed][-1] == ("2026-02", 2) and listed[-1]["note"] == "更正：丙县数据"
    actions = [a["action"] for a in client.get("/api/audit?contest=small", headers=organizer).get_json()]
    assert actions[:3] == ["publication.correct", "results.import", "rules.save"]
    only = client.get("/api/audit?action=rules.save", headers=organizer).get_json()
    assert [a["action"] for a in only] == ["rules.save"]


def test_one_units_row_of_a_published_sheet(world):
    response = world.client().get("/api/contests/small/scores/2026-03/B")
    body = response.get_json()
    assert body["group"] == {"id": "county", "name": "区县组"} and body["revision"] == 1
    # March: inv target 120 * 3/12 = 30; B reported 10: ratio 0.3333, 40 * 10/30 = 13.33; gdp rank 2 of 3: 30
    assert body["row"]["indicators"]["inv"]["points"] == 13.33 and body["row"]["total"] == 43.33
    assert response.headers["ETag"] and world.client().get(
        "/api/contests/small/scores/2026-03/B", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_flags_of_every_published_quarter_and_each_units_count(world):
    body = world.client().get("/api/contests/small/flags").get_json()
    # Q1 means: A (100 + 84 + 76) / 3 = 86.67 wins the one red flag; C is last: the one yellow flag
    assert [q["period"] for q in body["quarters"]] == ["2026-Q1"]
    group = body["quarters"][0]["groups"][0]
    assert [u["unit"] for u in group["red_flag"]] == ["A"] and [u["unit"] for u in group["yellow_flag"]] == ["C"]
    assert group["red_flag"][0]["total"] == 86.67
    counts = {u["unit"]: (u["red_flags"], u["yellow_flags"]) for u in body["years"][0]["units"]}
    assert body["years"][0]["year"] == 2026 and counts == {"A": (1, 0), "B": (0, 0), "C": (0, 1)}


def test_a_units_standing_in_the_latest_published_month(world):
    body = world.client().get("/api/contests/small/standing", headers=world.headers("unit_b")).get_json()
    assert [h["period"] for h in body["history"]] == ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    latest = body["latest"]
    # March: A 60 + 16 = 76, B 30 + 13.33 = 43.33, C 0 + 10.67 = 10.67
    assert (latest["period"], latest["rank"], latest["total"]) == ("2026-03", 2, 43.33)
    assert latest["above"] == {"unit": "A", "name": "甲县", "rank": 1, "total": 76.0, "points": 32.67}  # 76 - 43.33
    # one red flag in the county group, min_score 0: the line is place 1's total, 76
    assert latest["red_flag_line"] == {"quarter": "2026-Q1", "places": 1, "min_score": 0.0, "line": 76.0,
                                       "points": 32.67, "inside": False}
    assert [r["indicator"] for r in latest["red_lights"]] == ["inv"]  # ratio 0.3333 < 0.9; gdp has no target
    # lost: gdp 60 - 30 = 30, inv 40 - 13.33 = 26.67
    assert [(x["indicator"], x["lost"]) for x in latest["lost_most"]] == [("gdp", 30.0), ("inv", 26.67)]
    top = world.client().get("/api/contests/small/standing?unit=A", headers=world.headers("organizer")).get_json()
    assert top["latest"]["above"] is None and top["latest"]["red_flag_line"]["inside"] is True
    assert_error_body(world.client().get("/api/contests/small/standing?unit=A", headers=world.headers("unit_b")), 403)


# -- rules and contests -------------------------------------------------------------------------

def test_rules_are_saved_only_when_the_whole_file_validates(world):
    client = world.client()
    before = client.get("/api/contests/small/rules/versions", headers=world.headers("organizer")).get_json()
    bad = RULES.replace("weight: 60", "weight: -5").replace("method: completion", "method: magic")
    error = assert_error_body(client.put("/api/contests/small/rules", data=bad, headers=yaml_headers(world)), 422)
    assert len(error["details"]) >= 2 and all("path" in d and "line" in d for d in error["details"])
    after = client.get("/api/contests/small/rules/versions", headers=world.headers("organizer")).get_json()
    assert after == before
    saved = client.put("/api/contests/small/rules?note=权重调整", data=RULES.replace("weight: 60", "weight: 55"),
                       headers=yaml_headers(world)).get_json()
    assert saved["version"] == 2 and saved["changed"] is True
    versions = client.get("/api/contests/small/rules/versions", headers=world.headers("organizer")).get_json()
    assert [(v["version"], v["note"]) for v in versions] == [(1, None), (2, "权重调整")]
    assert "weight: 55" in client.get("/api/contests/small/rules", headers=world.headers("organizer")).get_json()["yaml"]


def test_a_contest_is_created_from_a_rule_file(world):
    client = world.client()
    other = SMALL_RULES.replace("id: small", "id: other")
    made = client.post("/api/contests", data=other, headers=yaml_headers(world))
    assert made.status_code == 201 and made.headers["Location"] == "/api/contests/other"
    assert [c["id"] for c in client.get("/api/contests").get_json()] == ["other", "small"]
    detail = client.get("/api/contests/other").get_json()
    assert detail["indicators"][0] == {"id": "gdp", "name": "增速", "unit": "%", "weight": {"county": 60.0},
                                       "better": "higher", "method": "rank"}
    assert_error_body(client.post("/api/contests", data=other, headers=yaml_headers(world)), 409)


# -- results ------------------------------------------------------------------------------------

def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["单位", "指标", "期间", "数值"])
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("how", ["json", "csv", "xlsx", "multipart csv", "multipart xlsx"])
def test_results_arrive_as_json_csv_xlsx_or_an_upload(world, how):
    rows = [("A", "gdp", "2026-05", 7.5), ("B", "gdp", "2026-05", 6.5), ("A", "gdp", "2026-04", 7.0)]  # last unchanged
    text = "unit,key,period,value\n" + "".join(f"{u},{k},{p},{v}\n" for u, k, p, v in rows)
    client, headers = world.client(), world.headers("organizer")
    if how == "json":
        response = client.post(RESULTS, json=[dict(zip(("unit", "key", "period", "value"), r)) for r in rows], headers=headers)
    elif how == "csv":
        response = client.post(RESULTS, data=text, headers={**headers, "Content-Type": "text/csv"})
    elif how == "xlsx":
        response = client.post(RESULTS, data=xlsx(rows), headers={
            **headers, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    else:
        data, name = (text.encode(), "五月.csv") if how.endswith("csv") else (xlsx(rows), "五月.xlsx")
        response = client.post(RESULTS, data={"file": (io.BytesIO(data), name)}, headers=headers,
                               content_type="multipart/form-data")
    assert response.status_code == 200 and response.get_json() == {"inserted": 2, "updated": 0, "unchanged": 1}
    stored = client.get(RESULTS + "?period=2026-05", headers=headers).get_json()
    assert [(r["unit"], r["value"], r["stored_by"]) for r in stored] == [
        ("A", 7.5, f"token {world.token_ids['organizer']} (organizer)"), ("B", 6.5, f"token {world.token_ids['organizer']} (organizer)")]


def test_results_are_all_or_nothing_with_every_bad_row_named(world):
    client, headers = world.client(), world.headers("organizer")
    before = world.dump()
    response = client.post(RESULTS, data="unit,key,period,value\nA,gdp,2026-05,1\nZ,gdp,2026-05,1\nB,gdpp,2026-05,x\n",
                           headers={**headers, "Content-Type": "text/csv"})
    error = assert_error_body(response, 422)
    assert {(d["row"], d["field"]) for d in error["details"]} == {(3, "unit"), (4, "key"), (4, "value")}
    assert world.dump() == before


def test_a_unit_submits_only_where_the_contest_lets_it(tmp_path, world):
    client, unit_a = world.client(), world.headers("unit_a")
    ok = client.post(RESULTS, json=[{"unit": "A", "key": "gdp", "period": "2026-05", "value": 8.0}], headers=unit_a)
    assert ok.status_code == 200 and ok.get_json()["inserted"] == 1
    mine = client.get(RESULTS, headers=unit_a).get_json()
    assert {r["unit"] for r in mine} == {"A"}
    before = world.dump()
    foreign = [{"unit": "A", "key": "gdp", "period": "2026-05", "value": 9.0},
               {"unit": "B", "key": "gdp", "period": "2026-05", "value": 1.0}]
    error = assert_error_body(client.post(RESULTS, json=foreign, headers=unit_a), 403)
    assert error["message"] == "单位只能报送本单位的成绩"
    assert error["details"] == [{"row": 2, "field": "unit", "message": "B 不是本单位"}]
    assert world.dump() == before
    error = assert_error_body(client.post(RESULTS, json=[{"unit": "A", "key": "gdp", "period": "2026-03", "value": 8.0}],
                                          headers=unit_a), 403)
    assert error["message"] == "这些月份已发布：如需更正，请联系组织方"
    assert error["details"] == [{"row": 1, "field": "period", "message": "2026-03 已发布"}]
    closed = RULES.replace("  self_report: true\n", "")
    client.put("/api/contests/small/rules", data=closed, headers=yaml_headers(world))
    error = assert_error_body(client.post(RESULTS, json=[{"unit": "A", "key": "gdp", "period": "2026-06", "value": 8.0}],
                                          headers=unit_a), 403)
    assert "self_report" in error["message"]


# -- boards and workbooks -------------------------------------------------------------------------

def test_boards_and_workbooks_of_published_periods_carry_the_publications_etag(world):
    from arena.store import publications

    sha = publications.get(world.db(), "small", "2026-02")["sheet_sha256"]
    from arena.render.cache import RENDER_VERSION

    client = world.client()
    png = client.get("/api/contests/small/boards/2026-02.png")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.get_data()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.headers["ETag"] == f'"{sha}-phone-v{RENDER_VERSION}.png"'
    screen = client.get("/api/contests/small/boards/2026-02.png?size=screen")
    assert screen.headers["ETag"] == f'"{sha}-screen-v{RENDER_VERSION}.png"' and screen.get_data() != png.get_data()
    assert client.get("/api/contests/small/boards/2026-02.png", headers={"If-None-Match": png.headers["ETag"]}).status_code == 304
    svg = client.get("/api/contests/small/boards/2026-Q1.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.get_data()
    book = client.get("/api/contests/small/scores/2026-02.xlsx")
    assert book.status_code == 200 and book.get_data()[:2] == b"PK" and book.headers["ETag"] == f'"{sha}-v{RENDER_VERSION}.xlsx"'
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(book.get_data())).sheetnames  # a readable workbook


# -- preview --------------------------------------------------------------------------------------

def test_a_weight_edit_previews_its_rank_changes_on_the_demo_contest_and_saves_nothing(tmp_path):
    from pathlib import Path

    from arena import services
    from arena.engine.results import check_rows
    from arena.http.app import create_app
    from arena.ingest import RawRow
    from arena.services import demo, tokens
    from arena.store.db import connect

    path = str(tmp_path / "demo.db")
    app = create_app({"DATABASE": path, "TESTING": True})
    db = connect(path)
    text = Path(demo.DEMO_RULES).read_text(encoding="utf-8")
    services.save_rules(db, text, actor="test")
    contest, _ = services.contest_rules(db, "linyi-2026")
    raw = [RawRow(i, r["unit"], r["key"], r["period"], r["value"]) for i, r in enumerate(demo.generate_results(contest), 1)]
    services.store_results(db, contest, check_rows(contest, raw), actor="test")
    token, _ = tokens.issue(db, role="organizer", name="考核办", actor="test")
    edited = text.replace("    weight: 12\n    method: efficacy", "    weight: 60\n    method: efficacy", 1)
    assert edited != text
    dump = "\n".join(db.conn.iterdump())
    response = app.test_client().post("/api/contests/linyi-2026/rules/preview?period=2026-06", data=edited.encode(),
                                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    now = services.draft(db, "linyi-2026", "2026-06")
    ranks_now = {u["unit"]: u["rank"] for g in now["groups"] for u in g["units"]}
    ranks_new = {u["unit"]: u["rank"] for g in body["sheet"]["groups"] for u in g["units"]}
    assert {r["unit"]: r["rank_now"] for r in body["ranks"]} == ranks_now
    assert {r["unit"]: r["rank_new"] for r in body["ranks"]} == ranks_new
    moved = [r for r in body["ranks"] if r["change"]]
    assert moved and all(r["change"] == r["rank_now"] - r["rank_new"] for r in moved)
    assert body["sheet"]["revision"] is None and body["rules_sha256"] != now["rules_sha256"]
    assert "\n".join(db.conn.iterdump()) == dump  # saved nothing
    assert services.contest_rules(db, "linyi-2026")[1]["version"] == 1
