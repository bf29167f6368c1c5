"""API.md, row by row: who may, status codes, response shapes, the sheet, times, Chinese, ETags,
the pages and the CLI. Two worlds: the small contest of test_api_setup (Jan-Mar and Q1
published, April stored), and the demo year loaded and published by `arena demo --no-serve`,
with a token from `arena token create`, served by an app that found the same database through
ARENA_DATABASE."""

from __future__ import annotations

import io
import json
import re

import pytest

from helpers import SMALL_RULES, month_rows
from api_world import RULES, assert_error_body

TOP = ["contest", "period", "kind", "revision", "published_at", "note", "status", "notice_until", "rules_sha256", "data_sha256", "groups"]
UNIT = ["unit", "name", "rank", "total", "change", "flags", "indicators", "adjustments", "board"]
CELL = ["value", "target", "ratio", "points", "light", "missing"]
FLAGS = {"month": {"missing", "warning", "vetoed"}, "quarter": {"vetoed", "red_flag", "yellow_flag"},
         "half": {"vetoed"}, "year": {"vetoed"}}
SHANGHAI = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
DEMO = "linyi-2026"
DEMO_PERIODS = ["2026-06", "2026-09", "2026-Q2", "2026-Q3", "2026-H1", "2026"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def yaml(world, role="organizer"):
    return world.headers(role, **{"Content-Type": "application/yaml"})


def rounded(x: float, places: int) -> bool:
    return x is None or round(x, places) == x


def check_sheet(sheet: dict, kind: str, precision: int, *, draft: bool) -> None:
    """The shape of "The sheet" in API.md, key order included."""
    assert list(sheet) == TOP and sheet["kind"] == kind
    if draft:
        assert sheet["revision"] is None and sheet["published_at"] is None
    else:
        assert isinstance(sheet["revision"], int) and SHANGHAI.match(sheet["published_at"])
    assert len(sheet["rules_sha256"]) == 64 and len(sheet["data_sha256"]) == 64
    for group in sheet["groups"]:
        assert list(group) == ["id", "name", "units"]
        ranks = [u["rank"] for u in group["units"]]
        assert ranks == sorted(ranks)  # rank order
        for u in group["units"]:
            assert list(u)[:len(UNIT)] == UNIT, list(u)
            assert rounded(u["total"], precision) and (u["change"] is None or isinstance(u["change"], int))
            assert set(u["flags"]) <= FLAGS[kind] and u["board"] in ("dragon", "tiger", None)
            assert all(rounded(v, precision) for v in u["adjustments"].values())
            for cell in u["indicators"].values():
                if cell is None:
                    continue
                if kind == "month":
                    assert list(cell) == CELL and rounded(cell["points"], precision) and rounded(cell["ratio"], 4)
                    assert cell["light"] in ("red", "yellow", "green", None) and isinstance(cell["missing"], bool)
                else:  # quarter, half, year: the mean points
                    assert isinstance(cell, float) and rounded(cell, precision)


# -- the demo world: loaded and published by the CLI, read by the app ---------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from arena.cli import main
    from arena.http.app import create_app

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARENA_DATABASE", str(folder / "arena.db"))
        mp.setenv("ARENA_INSTANCE", str(folder))
        assert main(["demo", "--no-serve", "--now", "2027-02-01T00:00:00+08:00"]) == 0  # the whole year past
        out = io.StringIO()
        mp.setattr("sys.stdout", out)
        assert main(["token", "create", "--role", "organizer", "--name", "考核办"]) == 0
        app = create_app()  # no test_config: the database comes from ARENA_DATABASE, as the CLI's did
    token = out.getvalue()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}\n", token), token  # the token alone on stdout
    return {"app": app, "folder": folder, "headers": {"Authorization": f"Bearer {token.strip()}"}}


def test_cli_and_app_find_the_database_through_arena_database(demo):
    client = demo["app"].test_client()
    assert demo["app"].config["DATABASE"] == str(demo["folder"] / "arena.db")
    assert [c["id"] for c in client.get("/api/contests").get_json()] == [DEMO, "linyi-zx-2026"]  # and its special contest
    assert client.get("/api/whoami", headers=demo["headers"]).get_json()["role"] == "organizer"


def test_cli_demo_publishes_its_year_in_every_kind(demo):
    listed = demo["app"].test_client().get(f"/api/contests/{DEMO}/publications").get_json()
    assert {p["kind"] for p in listed} == {"month", "quarter", "half", "year"}
    assert {p["period"] for p in listed} >= {f"2026-{m:02d}" for m in range(1, 13)} | {"2026-Q4", "2026-H2", "2026"}


@pytest.mark.parametrize("period", DEMO_PERIODS)
def test_the_sheet_shape_of_drafts_and_publications(demo, period):
    from arena.engine.periods import parse_period

    client = demo["app"].test_client()
    precision = client.get(f"/api/contests/{DEMO}").get_json()["precision"]
    kind = parse_period(period).kind
    draft = json.loads(client.get(f"/api/contests/{DEMO}/draft/{period}", headers=demo["headers"]).get_data())
    check_sheet(draft, kind, precision, draft=True)
    published = json.loads(client.get(f"/api/contests/{DEMO}/scores/{period}").get_data())
    check_sheet(published, kind, precision, draft=False)


def test_an_exempt_indicator_is_null_and_a_vetoed_unit_is_flagged(demo):
    client = demo["app"].test_client()
    sheet = client.get(f"/api/contests/{DEMO}/scores/2026-09").get_json()
    rows = {u["unit"]: u for g in sheet["groups"] for u in g["units"]}
    assert rows["371391"]["indicators"]["pm25"] is None  # 高新区 is exempt from PM2.5
    assert "vetoed" in rows["371325"]["flags"]  # 费县, September


@pytest.mark.parametrize("period", DEMO_PERIODS)
def test_cli_score_json_prints_the_api_draft(demo, period, monkeypatch, capsys):
    from arena.cli import main

    monkeypatch.setenv("ARENA_DATABASE", str(demo["folder"] / "arena.db"))
    monkeypatch.setenv("ARENA_INSTANCE", str(demo["folder"]))
    assert main(["score", DEMO, period, "--json"]) == 0
    printed = capsys.readouterr().out
    api = demo["app"].test_client().get(f"/api/contests/{DEMO}/draft/{period}", headers=demo["headers"])
    # the same keys in the same order with the same numbers (an int 0 and a float 0.0 would differ)
    compact = json.dumps(json.loads(printed), ensure_ascii=False, separators=(",", ":"))
    assert compact == api.get_data(as_text=True).rstrip("\n")


def test_flags_hold_every_published_quarters_flags_and_each_units_count(demo):
    client = demo["app"].test_client()
    body = client.get(f"/api/contests/{DEMO}/flags").get_json()
    assert [q["period"] for q in body["quarters"]] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    counts: dict[str, list[int]] = {}
    for quarter in body["quarters"]:
        sheet = client.get(f"/api/contests/{DEMO}/scores/{quarter['period']}").get_json()
        assert quarter["revision"] == sheet["revision"] and quarter["published_at"] == sheet["published_at"]
        for group, listed in zip(sheet["groups"], quarter["groups"]):
            for i, flag in enumerate(("red_flag", "yellow_flag")):
                holders = [u["unit"] for u in group["units"] if flag in u["flags"]]
                assert [u["unit"] for u in listed[flag]] == holders
                for unit in holders:
                    counts.setdefault(unit, [0, 0])[i] += 1
    [year] = body["years"]
    assert year["year"] == 2026
    got = {u["unit"]: [u["red_flags"], u["yellow_flags"]] for u in year["units"]}
    assert {k: v for k, v in got.items() if v != [0, 0]} == counts and sum(c[0] for c in counts.values()) >= 16


def test_get_scores_xlsx_is_the_published_sheet_one_worksheet_per_group(demo):
    from openpyxl import load_workbook

    client = demo["app"].test_client()
    sheet_groups = client.get(f"/api/contests/{DEMO}/scores/2026-Q2").get_json()["groups"]
    groups = [g["name"] for g in sheet_groups]
    response = client.get(f"/api/contests/{DEMO}/scores/2026-Q2.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    book = load_workbook(io.BytesIO(response.get_data()))
    # a worksheet per group, in the sheet's order; more (the 说明 notes) may follow
    assert book.sheetnames[:len(groups)] == groups == ["区县组", "功能区组"]
    assert [book[g].max_row for g in groups] == [6 + len(g["units"]) for g in sheet_groups]


# -- who may do what ---------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/api/contests", "/api/contests/small", "/api/contests/small/publications", "/api/contests/small/scores/2026-03",
    "/api/contests/small/scores/2026-03/A", "/api/contests/small/flags", "/api/contests/small/boards/2026-03.svg",
    "/api/contests/small/scores/2026-03.xlsx", "/api/openapi.json", "/", "/contests/small", "/contests/small/screen",
])
def test_who_anyone_reads_contests_sheets_boards_flags_pages_and_the_spec(world, url):
    assert world.client().get(url).status_code == 200


def test_who_no_token_is_401_a_token_that_may_not_is_403_nothing_published_is_404(world):
    client = world.client()
    for url in ("/api/contests/small/draft/2026-03", "/api/contests/small/rules", "/api/audit",
                "/api/contests/small/standing", "/api/contests/small/results"):
        assert assert_error_body(client.get(url), 401)["code"] == "unauthorized"
    for role, url in (("unit_a", "/api/contests/small/draft/2026-03"), ("unit_a", "/api/audit"),
                      ("organizer", "/api/tokens"), ("unit_a", "/api/contests/small/results?unit=B")):
        assert assert_error_body(client.get(url, headers=world.headers(role)), 403)["code"] == "forbidden"
    for url in ("/api/contests/small/scores/2026-04", "/api/contests/small/scores/2026-04/A",
                "/api/contests/small/boards/2026-04.png", "/api/contests/small/scores/2026-04.xlsx",
                "/api/contests/small/scores/2026-02?revision=2"):
        assert assert_error_body(client.get(url), 404)["code"] == "not_found"
    assert client.get("/contests/small/2026-04").status_code == 404


def test_who_a_unit_reads_its_own_results_and_submits_only_unpublished_months(world):
    client, unit_b = world.client(), world.headers("unit_b")
    assert {r["unit"] for r in client.get("/api/contests/small/results", headers=unit_b).get_json()} == {"B"}
    ok = client.post("/api/contests/small/results", json=[{"unit": "B", "key": "gdp", "period": "2026-05", "value": 1}],
                     headers=unit_b)
    assert ok.status_code == 200
    for row in ({"unit": "A", "key": "gdp", "period": "2026-05", "value": 1},   # another unit's
                {"unit": "B", "key": "gdp", "period": "2026-02", "value": 1}):  # a published month
        assert_error_body(client.post("/api/contests/small/results", json=[row], headers=unit_b), 403)


# -- errors ------------------------------------------------------------------------------------

def test_errors_every_status_in_the_one_body_and_a_failed_request_changes_nothing(world):
    client, before = world.client(), world.dump()
    org = world.headers("organizer")
    cases = [
        (400, client.put("/api/contests/small/rules", data=SMALL_RULES.replace("id: small", "id: x"), headers=yaml(world))),
        (401, client.get("/api/audit")),
        (403, client.get("/api/audit", headers=world.headers("unit_a"))),
        (404, client.get("/api/contests/nope")),
        (409, client.post("/api/contests", data=RULES, headers=yaml(world))),
        (413, client.post("/api/contests/small/results", data=b"x" * 300_000, headers={**org, "Content-Type": "text/csv"})),
        (415, client.post("/api/contests/small/results", data=b"a", headers={**org, "Content-Type": "text/plain"})),
        (422, client.put("/api/contests/small/rules", data=RULES.replace("weight: 60", "weight: -1"), headers=yaml(world))),
    ]
    for status, response in cases:
        assert_error_body(response, status)
    assert world.dump() == before


def test_errors_details_list_every_problem_with_where_it_is(world):
    client = world.client()
    bad = RULES.replace("weight: 60", "weight: -1").replace("method: completion", "method: magic")
    rules = assert_error_body(client.put("/api/contests/small/rules", data=bad, headers=yaml(world)), 422)["details"]
    assert {d["path"] for d in rules} >= {"indicators[0].weight", "indicators[1].method"}
    assert all(isinstance(d["line"], int) and d["message"] for d in rules)
    text = "unit,key,period,value\nA,gdp,2026-05,1\nZ,gdp,2026-05,1\nA,inv,2026-05,NaN\n"
    rows = assert_error_body(client.post("/api/contests/small/results", data=text, headers=world.headers(
        "organizer", **{"Content-Type": "text/csv"})), 422)["details"]
    assert {(d["row"], d["field"]) for d in rows} == {(3, "unit"), (4, "value")} and all(d["message"] for d in rows)


# -- endpoints, one per row ------------------------------------------------------------------------

def test_get_contests_lists_id_name_season(world):
    assert world.client().get("/api/contests").get_json() == [
        {"id": "small", "name": "小擂台", "season": {"start": "2026-01", "end": "2026-12"}}]


def test_post_contests_is_201_or_409_if_the_id_exists(world):
    client = world.client()
    made = client.post("/api/contests", data=SMALL_RULES.replace("id: small", "id: two"), headers=yaml(world))
    assert made.status_code == 201 and made.get_json()["contest"] == "two" and made.get_json()["version"] == 1
    assert assert_error_body(client.post("/api/contests", data=SMALL_RULES.replace("id: small", "id: two"),
                                         headers=yaml(world)), 409)["code"] == "conflict"
    assert_error_body(client.post("/api/contests", data=SMALL_RULES.replace("id: small", "id: three"),
                                  headers=yaml(world, "unit_a")), 403)


def test_get_contest_has_name_season_groups_units_indicators_adjustments(world):
    body = world.client().get("/api/contests/small").get_json()
    assert {"name", "season", "groups", "units", "indicators", "adjustments"} <= set(body)
    assert body["groups"] == [{"id": "county", "name": "区县组"}]
    assert [u["code"] for u in body["units"]] == ["A", "B", "C"] and body["adjustments"] == []
    assert [list(i) for i in body["indicators"]] == [["id", "name", "unit", "weight", "better", "method"]] * 2
    assert body["indicators"][1] == {"id": "inv", "name": "投资", "unit": "亿元", "weight": {"county": 40.0},
                                     "better": "higher", "method": "completion"}


def test_get_rules_is_version_sha256_yaml_of_the_rules_in_force(world):
    from arena.engine.rules import rules_sha256

    body = world.client().get("/api/contests/small/rules", headers=world.headers("organizer")).get_json()
    assert {"version", "sha256", "yaml"} <= set(body)
    assert body["version"] == 1 and body["yaml"] == RULES and body["sha256"] == rules_sha256(RULES)


def test_put_rules_is_200_with_the_next_version_or_422_and_the_old_version_is_kept(world):
    client, org = world.client(), world.headers("organizer")
    assert_error_body(client.put("/api/contests/small/rules", data=RULES.replace("weight: 40", "weight: x"),
                                 headers=yaml(world)), 422)
    saved = client.put("/api/contests/small/rules", data=RULES.replace("weight: 60", "weight: 50"), headers=yaml(world))
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    versions = client.get("/api/contests/small/rules/versions", headers=org).get_json()
    assert [v["version"] for v in versions] == [1, 2]
    assert client.get("/api/contests/small/rules", headers=org).get_json()["version"] == 2
    from arena.store import contests

    assert contests.get_rules(world.db(), "small", 1)["yaml"] == RULES


def test_get_rules_versions_has_number_sha256_who_when_note(world):
    client = world.client()
    client.put("/api/contests/small/rules?note=调权重", data=RULES.replace("weight: 60", "weight: 50"), headers=yaml(world))
    versions = client.get("/api/contests/small/rules/versions", headers=world.headers("organizer")).get_json()
    assert [(v["version"], v["note"]) for v in versions] == [(1, None), (2, "调权重")]
    assert versions[1]["author"] == f"token {world.token_ids['organizer']} (organizer)"
    assert all(len(v["sha256"]) == 64 and SHANGHAI.match(v["created_at"]) for v in versions)


def test_post_rules_preview_answers_the_draft_under_it_and_each_units_rank_now_and_new(world):
    client, before = world.client(), world.dump()
    edited = RULES.replace("weight: 60", "weight: 1").replace("weight: 40", "weight: 99")
    body = client.post("/api/contests/small/rules/preview?period=2026-04", data=edited, headers=yaml(world)).get_json()
    check_sheet(body["sheet"], "month", 2, draft=True)
    now = client.get("/api/contests/small/draft/2026-04", headers=world.headers("organizer")).get_json()
    assert {r["unit"]: r["rank_now"] for r in body["ranks"]} == {u["unit"]: u["rank"] for u in now["groups"][0]["units"]}
    assert {r["unit"]: r["rank_new"] for r in body["ranks"]} == {
        u["unit"]: u["rank"] for u in body["sheet"]["groups"][0]["units"]}
    assert world.dump() == before


def test_post_results_is_200_with_inserted_updated_unchanged(world):
    rows = [{"unit": "A", "key": "gdp", "period": "2026-04", "value": 7.0},   # as stored
            {"unit": "B", "key": "gdp", "period": "2026-04", "value": 1.5},   # changed
            {"unit": "C", "key": "gdp", "period": "2026-05", "value": 2.0}]   # new
    response = world.client().post("/api/contests/small/results", json=rows, headers=world.headers("organizer"))
    assert response.status_code == 200 and response.get_json() == {"inserted": 1, "updated": 1, "unchanged": 1}


def test_get_results_gives_the_rows_with_who_stored_each_and_when(world):
    client, org = world.client(), world.headers("organizer")
    client.post("/api/contests/small/results", json=[{"unit": "B", "key": "gdp", "period": "2026-05", "value": 3.0}],
                headers=org)
    rows = client.get("/api/contests/small/results?period=2026-05&unit=B", headers=org).get_json()
    assert [(r["unit"], r["key"], r["period"], r["value"]) for r in rows] == [("B", "gdp", "2026-05", 3.0)]
    assert rows[0]["stored_by"] == f"token {world.token_ids['organizer']} (organizer)"
    assert SHANGHAI.match(rows[0]["stored_at"])


def test_get_draft_is_the_sheet_computed_now_not_published(world):
    client, org = world.client(), world.headers("organizer")
    client.post("/api/contests/small/results", json=[{"unit": "C", "key": "gdp", "period": "2026-03", "value": 99.0}],
                headers=org)
    draft = client.get("/api/contests/small/draft/2026-03", headers=org)
    assert draft.headers["Cache-Control"] == "private, no-store"
    sheet = json.loads(draft.get_data())
    check_sheet(sheet, "month", 2, draft=True)
    assert sheet["groups"][0]["units"][0]["unit"] == "C"  # the new value counts at once ...
    assert client.get("/api/contests/small/scores/2026-03").get_json()["groups"][0]["units"][0]["unit"] == "A"  # ... not here


def test_post_publications_is_201_with_its_revision_or_200_when_nothing_changed(world):
    client, org = world.client(), world.headers("organizer")
    made = client.post("/api/contests/small/publications", json={"period": "2026-04"}, headers=org)
    assert made.status_code == 201 and made.get_json()["revision"] == 1
    again = client.post("/api/contests/small/publications", json={"period": "2026-04"}, headers=org)
    assert again.status_code == 200 and again.get_json() == made.get_json()
    client.post("/api/contests/small/results", json=[{"unit": "C", "key": "gdp", "period": "2026-04", "value": 9.0}],
                headers=org)
    error = assert_error_body(client.post("/api/contests/small/publications", json={"period": "2026-04"}, headers=org), 422)
    assert error["details"][0]["field"] == "note" and "更正说明" in error["message"]
    fixed = client.post("/api/contests/small/publications", json={"period": "2026-04", "note": "丙县更正"}, headers=org)
    assert fixed.status_code == 201 and fixed.get_json()["revision"] == 2 and fixed.get_json()["note"] == "丙县更正"


def test_get_publications_has_period_revision_published_at_note_rules_and_data_sha256(world):
    client = world.client()
    listed = client.get("/api/contests/small/publications").get_json()
    assert [p["period"] for p in listed] == ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    for p in listed:
        sheet = client.get(f"/api/contests/small/scores/{p['period']}?revision={p['revision']}").get_json()
        assert {k: p[k] for k in ("period", "revision", "published_at", "note", "rules_sha256", "data_sha256")} == {
            k: sheet[k] for k in ("period", "revision", "published_at", "note", "rules_sha256", "data_sha256")}


def test_get_scores_is_the_latest_revision_and_revision_n_an_older_one(world):
    client, org = world.client(), world.headers("organizer")
    first = client.get("/api/contests/small/scores/2026-03").get_data()
    client.post("/api/contests/small/results", json=[{"unit": "C", "key": "gdp", "period": "2026-03", "value": 9.0}],
                headers=org)
    client.post("/api/contests/small/publications", json={"period": "2026-03", "note": "更正"}, headers=org)
    latest = client.get("/api/contests/small/scores/2026-03").get_json()
    assert latest["revision"] == 2 and latest["note"] == "更正"
    check_sheet(latest, "month", 2, draft=False)
    assert client.get("/api/contests/small/scores/2026-03?revision=1").get_data() == first


def test_get_scores_unit_is_one_units_row_of_it(world):
    client = world.client()
    sheet = client.get("/api/contests/small/scores/2026-Q1").get_json()
    for row in sheet["groups"][0]["units"]:
        body = client.get(f"/api/contests/small/scores/2026-Q1/{row['unit']}").get_json()
        assert body["row"] == row and body["period"] == "2026-Q1" and body["revision"] == sheet["revision"]


def test_get_standing_gives_its_rows_and_the_points_to_the_unit_above_and_the_red_flag_line(world):
    body = world.client().get("/api/contests/small/standing", headers=world.headers("unit_b")).get_json()
    assert body["unit"] == "B" and [h["period"] for h in body["history"]] == ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    assert all(h["row"]["unit"] == "B" for h in body["history"])
    latest = body["latest"]
    assert latest["period"] == "2026-03"  # the latest published month: April is stored, not published
    # March: A 76.00, B 43.33: 76 - 43.33 = 32.67 to the unit above and to the one-flag line
    assert latest["above"]["points"] == 32.67 and latest["red_flag_line"]["points"] == 32.67
    assert [r["indicator"] for r in latest["red_lights"]] == ["inv"]


def test_get_boards_png_and_svg_of_a_published_period(world):
    client = world.client()
    png = client.get("/api/contests/small/boards/2026-03.png")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.get_data()[:4] == b"\x89PNG"
    svg = client.get("/api/contests/small/boards/2026-Q1.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.get_data()


def test_get_audit_is_who_did_what_when_for_rules_results_publications_tokens(world):
    client, org = world.client(), world.headers("organizer")
    client.put("/api/contests/small/rules", data=RULES.replace("weight: 60", "weight: 50"), headers=yaml(world))
    client.post("/api/contests/small/results", json=[{"unit": "C", "key": "gdp", "period": "2026-04", "value": 9.0}],
                headers=org)
    client.post("/api/contests/small/publications", json={"period": "2026-04"}, headers=org)
    client.post("/api/tokens", json={"role": "unit", "name": "丙县", "contest": "small", "unit": "C"},
                headers=world.headers("admin"))
    rows = client.get("/api/audit?limit=4", headers=org).get_json()
    assert [r["action"] for r in rows] == ["token.create", "publication.create", "results.import", "rules.save"]
    assert rows[0]["actor"] == f"token {world.token_ids['admin']} (admin)"
    assert all(SHANGHAI.match(r["at"]) for r in rows)
    from arena.engine.rules import rules_sha256

    assert rows[3]["before_sha256"] == rules_sha256(RULES) and all(r["after_sha256"] for r in rows[1:])


def test_get_openapi_describes_every_row_of_api_md(world):
    spec = world.client().get("/api/openapi.json").get_json()
    rows = [("get", "/api/contests"), ("post", "/api/contests"), ("get", "/api/contests/{cid}"),
            ("get", "/api/contests/{cid}/rules"), ("put", "/api/contests/{cid}/rules"),
            ("get", "/api/contests/{cid}/rules/versions"), ("post", "/api/contests/{cid}/rules/preview"),
            ("post", "/api/contests/{cid}/results"), ("get", "/api/contests/{cid}/results"),
            ("get", "/api/contests/{cid}/draft/{period}"), ("post", "/api/contests/{cid}/publications"),
            ("get", "/api/contests/{cid}/publications"), ("get", "/api/contests/{cid}/scores/{period}"),
            ("get", "/api/contests/{cid}/scores/{period}/{unit}"), ("get", "/api/contests/{cid}/standing"),
            ("get", "/api/contests/{cid}/flags"), ("get", "/api/contests/{cid}/boards/{period}.png"),
            ("get", "/api/contests/{cid}/boards/{period}.svg"), ("get", "/api/contests/{cid}/scores/{period}.xlsx"),
            ("get", "/api/audit"), ("get", "/api/openapi.json")]
    missing = [(m, p) for m, p in rows if m not in spec["paths"].get(p, {})]
    assert missing == []
    assert {"201", "409"} <= set(spec["paths"]["/api/contests"]["post"]["responses"])
    assert {"200", "201"} <= set(spec["paths"]["/api/contests/{cid}/publications"]["post"]["responses"])


# -- times, Chinese, ETags ------------------------------------------------------------------------

def test_times_carry_the_contests_offset(world):
    client, org = world.client(), world.headers("organizer")
    tokyo = SMALL_RULES.replace("id: small", "id: tokyo").replace("Asia/Shanghai", "Asia/Tokyo")
    assert client.post("/api/contests", data=tokyo, headers=yaml(world)).status_code == 201
    client.post("/api/contests/tokyo/results", json=month_rows("2026-01"), headers=org)
    published = client.post("/api/contests/tokyo/publications", json={"period": "2026-01"}, headers=org).get_json()
    made = client.post("/api/tokens", json={"role": "unit", "name": "甲", "contest": "tokyo", "unit": "A"},
                       headers=world.headers("admin")).get_json()
    times = [published["published_at"], made["created_at"],
             client.get("/api/contests/tokyo/scores/2026-01").get_json()["published_at"],
             client.get("/api/contests/tokyo/rules/versions", headers=org).get_json()[0]["created_at"],
             client.get("/api/contests/tokyo/results?unit=A", headers=org).get_json()[0]["stored_at"],
             *[r["at"] for r in client.get("/api/audit?contest=tokyo", headers=org).get_json()],
             *[t["created_at"] for t in client.get("/api/tokens", headers=world.headers("admin")).get_json()
               if t["contest"] == "tokyo"]]
    assert len(times) == 10  # audit: contest.create, results.import, publication.create, token.create
    assert [t for t in times if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", t)] == []


@pytest.mark.parametrize("url, role", [
    ("/api/contests", "anonymous"), ("/api/contests/small", "anonymous"), ("/api/contests/small/rules", "organizer"),
    ("/api/contests/small/scores/2026-03", "anonymous"), ("/api/contests/small/scores/2026-03/A", "anonymous"),
    ("/api/contests/small/draft/2026-04", "organizer"), ("/api/contests/small/flags", "anonymous"),
    ("/api/contests/small/standing", "unit_a"), ("/api/contests/small/rules/versions", "organizer"),
    ("/api/openapi.json", "anonymous"),
    ("/api/contests/small/scores/nope", "anonymous"),  # an error body
])
def test_json_is_utf8_with_chinese_unescaped(world, url, role):
    client = world.client()
    client.put("/api/contests/small/rules?note=调权重", data=RULES.replace("weight: 60", "weight: 50"), headers=yaml(world))
    response = client.get(url, headers=world.headers(role))
    raw = response.get_data()
    assert response.mimetype == "application/json" and b"\\u" not in raw
    text = raw.decode("utf-8")
    if response.status_code == 200:
        assert re.search(r"[\u4e00-\u9fff]", text), text[:200]


@pytest.mark.parametrize("url", [
    "/api/contests/small/scores/2026-03", "/api/contests/small/scores/2026-03?revision=1",
    "/api/contests/small/scores/2026-03/B", "/api/contests/small/boards/2026-03.png",
    "/api/contests/small/boards/2026-Q1.svg", "/api/contests/small/scores/2026-Q1.xlsx",
])
def test_published_sheets_and_boards_carry_a_strong_etag_and_answer_304(world, url):
    client = world.client()
    response = client.get(url)
    etag = response.headers["ETag"]
    assert response.status_code == 200 and etag.startswith('"') and not etag.startswith("W/")
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(url).headers["ETag"] == etag  # immutable: the same tag every time


# -- pages -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, words", [
    ("/", ["小擂台", "2026年第一季度"]),  # the contests, each with its latest publication
    ("/contests/small", ["区县组", "甲县", "龙虎榜", "红旗"]),
    ("/contests/small/2026-02", ["2026年2月", "甲县"]),
    ("/contests/small/units/B", ["乙县", "2026年1月", "2026年第一季度"]),
    ("/contests/small/screen", ["大屏", "区县组", "screen.js"]),
])
def test_pages_are_html_in_chinese(world, url, words):
    response = world.client().get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert [w for w in words if w not in text] == []
    assert "8675.3" not in text  # nothing unpublished


def test_the_console_signs_in_with_an_account(world):
    response = world.client().get("/console", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path == "/login"
    assert 'name="username"' in text and 'name="password"' in text and 'name="token"' not in text


# -- the CLI ---------------------------------------------------------------------------------------

@pytest.fixture
def cli(world, monkeypatch, capsys):
    from arena.cli import main

    monkeypatch.setenv("ARENA_DATABASE", world.path)

    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.mark.parametrize("argv", [
    ["init"], ["contest", "load", "r.yaml"], ["results", "import", "r.csv", "--contest", "small"],
    ["score", "small", "2026-03", "--json"], ["publish", "small", "2026-03", "--note", "更正"],
    ["board", "small", "2026-03", "-o", "b.png"], ["token", "create", "--role", "unit", "--unit", "A",
                                                   "--contest", "small", "--name", "甲县"],
    ["serve"], ["scheduler", "--once", "--now", "2026-04-10T09:00:00+08:00"], ["demo"], ["export-static", "out"],
    ["bench"],
])
def test_cli_has_every_command_of_api_md(argv):
    from arena.cli import COMMANDS, build_parser

    args = build_parser().parse_args(argv)
    assert args.command + (f" {args.sub}" if getattr(args, "sub", None) else "") in COMMANDS


def test_cli_init_contest_load_and_results_import(world, cli, tmp_path):
    assert cli("init")[0] == 0
    (tmp_path / "r.yaml").write_text(RULES.replace("weight: 60", "weight: 50"), encoding="utf-8")
    code, out, _ = cli("contest", "load", tmp_path / "r.yaml", "--note", "调权重")
    assert code == 0 and "version 2" in out
    (tmp_path / "r.csv").write_text("unit,key,period,value\nA,gdp,2026-05,1\n", encoding="utf-8")
    assert cli("results", "import", tmp_path / "r.csv", "--contest", "small")[1].strip() == \
        "inserted 1, updated 0, unchanged 0"
    client, org = world.client(), world.headers("organizer")
    assert client.get("/api/contests/small/rules", headers=org).get_json()["version"] == 2
    assert client.get("/api/contests/small/results?period=2026-05", headers=org).get_json()[0]["value"] == 1.0


def test_cli_publish_with_a_note_makes_a_correction(world, cli):
    client = world.client()
    client.post("/api/contests/small/results", json=[{"unit": "C", "key": "gdp", "period": "2026-03", "value": 9.0}],
                headers=world.headers("organizer"))
    code, out, err = cli("publish", "small", "2026-03")
    assert code != 0 and out == "" and "更正说明" in err
    code, out, _ = cli("publish", "small", "2026-03", "--note", "丙县更正")
    assert code == 0 and "revision 2" in out
    sheet = client.get("/api/contests/small/scores/2026-03").get_json()
    assert (sheet["revision"], sheet["note"]) == (2, "丙县更正")


def test_cli_board_writes_the_published_board(world, cli, tmp_path):
    code, out, _ = cli("board", "small", "2026-03", "-o", tmp_path / "b.png")
    assert code == 0 and (tmp_path / "b.png").read_bytes() == world.client().get(
        "/api/contests/small/boards/2026-03.png").get_data()


def test_cli_token_create_prints_the_token_alone(world, cli):
    code, out, err = cli("token", "create", "--role", "unit", "--unit", "C", "--contest", "small", "--name", "丙县")
    assert code == 0 and re.fullmatch(r"[A-Za-z0-9_-]{43}\n", out)
    me = world.client().get("/api/whoami", headers={"Authorization": f"Bearer {out.strip()}"}).get_json()
    assert (me["role"], me["unit"], me["contest"]) == ("unit", "C", "small")


def test_cli_scheduler_once_now_publishes_what_is_due_then(world, cli):
    # April is due on 2026-05-10 09:00 (+08:00); a minute before, nothing is
    assert cli("scheduler", "--once", "--now", "2026-05-10T08:59:00+08:00")[1].strip() == "nothing due"
    code, out, _ = cli("scheduler", "--once", "--now", "2026-05-10T09:00:00+08:00")
    assert code == 0 and out.strip() == "published small 2026-04 revision 1"
    assert world.client().get("/api/contests/small/scores/2026-04").get_json()["published_at"] == "2026-05-10T09:00:00+08:00"


def test_cli_export_static_writes_the_published_site(world, cli, tmp_path):
    code, out, _ = cli("export-static", tmp_path / "site")
    assert code == 0 and (tmp_path / "site" / "index.html").exists()
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "site").rglob("*.html"))
    assert "小擂台" in text and "8675.3" not in text


@pytest.mark.parametrize("argv, says", [
    (["score", "nope", "2026-03", "--json"], "no contest 'nope'"),
    (["publish", "small", "2026-13"], "2026-13"),
    (["board", "small", "2026-04", "-o", "x.png"], "not published"),
    (["scheduler", "--once", "--now", "soon"], "--now"),
    (["token", "create", "--role", "unit", "--name", "x"], "--unit"),
    (["results", "import", "/no/such.csv", "--contest", "small"], "cannot read"),
])
def test_cli_errors_go_to_stderr_with_a_nonzero_status(cli, argv, says):
    code, out, err = cli(*argv)
    assert code != 0 and out == "" and err.startswith("arena: ") and says in err and "Traceback" not in err
