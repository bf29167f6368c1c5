"""Bad input never takes a worker down: each attack of issue 10 §5 is sent and answered with a
JSON 4xx (or 507/503) that changes nothing, while the service goes on answering others."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request

import pytest

from api_world import RULES, assert_error_body
from helpers import SMALL_RULES, running
from xlsx_bombs import inline_row, results_sheet, row_bomb, shared_strings_bomb, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def post_xlsx(world, body: bytes, role: str = "unit_a"):
    return world.client().post("/api/contests/small/results", data=body,
                               headers=world.headers(role, **{"Content-Type": XLSX}))


# -- workbooks -------------------------------------------------------------------------------

def test_a_shared_strings_bomb_from_a_unit_token_is_413_and_stores_nothing(world):
    bomb = shared_strings_bomb()
    assert len(bomb) < 200_000  # the attack's size: far under any body limit
    before = world.dump()
    error = assert_error_body(post_xlsx(world, bomb), 413)
    assert "sharedStrings.xml" in error["message"] and world.dump() == before


def test_shared_strings_past_the_cap_are_counted_before_parsing():
    from arena.errors import PayloadTooLarge
    from arena.ingest import parse_results
    from arena.ingest.limits import XlsxLimits

    varied = b"".join(b"<si><t>s%d</t></si>" % i for i in range(20_000))  # compresses normally
    with pytest.raises(PayloadTooLarge, match="共享字符串"):
        parse_results(workbook(strings=varied), "xlsx", xlsx=XlsxLimits(rows=100))
    assert len(parse_results(results_sheet(), "xlsx", xlsx=XlsxLimits(rows=100))) == 6


def test_a_sheet_of_600000_rows_is_refused_before_openpyxl_reads_it():
    from arena.errors import PayloadTooLarge
    from arena.ingest import parse_results

    with pytest.raises(PayloadTooLarge, match="行"):
        parse_results(row_bomb(), "xlsx")  # the default MAX_XLSX_ROWS


def test_max_xlsx_rows_bounds_an_upload(world):
    world.app.config["MAX_XLSX_ROWS"] = 3
    error = assert_error_body(post_xlsx(world, results_sheet(months=1), role="organizer"), 413)
    assert "3" in error["message"]
    world.app.config["MAX_XLSX_ROWS"] = 200_000
    assert post_xlsx(world, results_sheet(months=1), role="organizer").status_code == 200


def test_the_row_count_is_exact_across_chunk_boundaries(monkeypatch):
    from arena.ingest import limits as ingest_limits
    from arena.errors import PayloadTooLarge
    from arena.ingest.limits import XlsxLimits, check_package

    monkeypatch.setattr(ingest_limits, "_CHUNK", 7)  # every tag is cut somewhere
    limits = XlsxLimits(rows=5)  # rows + 10,000 <row> tags allowed (header, blank rows)
    cap = limits.rows + 10_000

    def rows(n: int) -> bytes:
        import io
        import zipfile
        return zipfile.ZipFile(io.BytesIO(workbook(rows=b"<row/>" * n)))

    check_package(rows(cap), limits)
    with pytest.raises(PayloadTooLarge):
        check_package(rows(cap + 1), limits)


def test_the_deadline_stops_a_slow_parse():
    from arena.errors import PayloadTooLarge
    from arena.ingest import parse_results
    from arena.ingest.limits import XlsxLimits

    with pytest.raises(PayloadTooLarge, match="秒"):  # a zero budget is spent by the 1000th row
        parse_results(results_sheet(months=200), "xlsx", xlsx=XlsxLimits(rows=10_000, seconds=0))


def test_content_beyond_the_64th_column_is_422_and_styled_empty_cells_are_read_past():
    from arena.errors import ValidationFailed
    from arena.ingest import parse_results

    far = inline_row(9, "unit")[:-6] + b'<c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(ValidationFailed, match="XFD9"):
        parse_results(workbook(rows=inline_row(1, "unit", "key", "period", "value") + far), "xlsx")
    styled = b"".join(b'<row r="%d"><c r="XFD%d" s="1"/></row>' % (n, n) for n in range(20, 30))
    assert len(parse_results(results_sheet(extra=styled), "xlsx")) == 6


def test_a_bomb_keeps_no_worker_from_answering_others(world):
    """A threaded server: two bombs and a normal request at once; every answer is what it should be."""
    answers: dict[str, tuple[int, dict]] = {}

    def send(name: str, path: str, body: bytes | None = None) -> None:
        headers = world.headers("unit_a", **({"Content-Type": XLSX} if body else {}))
        request = urllib.request.Request(base + path, data=body, headers=headers, method="POST" if body else "GET")
        try:
            with urllib.request.urlopen(request) as response:
                answers[name] = (response.status, json.loads(response.read()))
        except urllib.error.HTTPError as exc:
            answers[name] = (exc.code, json.loads(exc.read()))

    bomb = shared_strings_bomb()
    with running(world.app) as base:
        senders = [threading.Thread(target=send, args=(f"bomb{i}", "/api/contests/small/results", bomb))
                   for i in range(2)]
        senders.append(threading.Thread(target=send, args=("list", "/api/contests")))
        for s in senders:
            s.start()
        send("sheet", "/api/contests/small/scores/2026-03")
        for s in senders:
            s.join()
    assert answers["bomb0"][0] == answers["bomb1"][0] == 413
    assert answers["bomb0"][1]["error"]["code"] == "payload_too_large"
    assert answers["list"][0] == 200 and answers["list"][1][0]["id"] == "small"
    assert answers["sheet"][0] == 200 and answers["sheet"][1]["period"] == "2026-03"


# -- rule files ----------------------------------------------------------------------------

def test_a_rule_file_of_772645_unknown_keys_stops_at_the_first_hundred(world):
    from arena.engine.rules import MAX_BYTES

    flood = (RULES + "".join(f"k{i:x}: 1\n" for i in range(772_645))).encode()
    assert len(flood) < MAX_BYTES  # under the size limit, as the attack was
    world.app.config["MAX_CONTENT_LENGTH"] = MAX_BYTES
    before = world.dump()
    response = world.client().put("/api/contests/small/rules", data=flood,
                                  headers=world.headers("organizer", **{"Content-Type": "application/yaml"}))
    error = assert_error_body(response, 422)
    assert len(error["details"]) == 1 and "reading stopped" in error["details"][0]["message"]
    assert world.dump() == before


def test_problems_are_listed_up_to_200_and_counted_beyond():
    from arena.engine.rules import RulesError, load_rules

    units = "".join(f'  - {{code: "X{i}", name: 单位{i}, group: county, extra: 1}}\n' for i in range(300))
    text = SMALL_RULES.replace('  - {code: "A", name: 甲县, group: county}\n', units + '  - {code: "A", name: 甲县, group: county}\n')
    with pytest.raises(RulesError) as caught:
        load_rules(text)
    details = caught.value.details
    assert len(details) == 201 and details[-1]["message"] == "… and 100 more problems not listed"
    assert caught.value.message == "the rule file has 300 problems (the first 200 are listed)"


def test_a_mapping_keyed_by_codes_may_hold_many_keys():
    """groups, targets, exempt and weights are keyed by codes: no key limit there."""
    from arena.engine.rules import load_rules

    groups = "".join(f"  g{i}: 组{i}\n" for i in range(150))
    contest = load_rules(SMALL_RULES.replace("  county: 区县组\n", "  county: 区县组\n" + groups))
    assert len(contest.groups) == 151


@pytest.mark.parametrize("season, where", [
    ("{start: 0001-01, end: 9999-12}", "contest.season.start"),
    ("{start: 2026-01, end: 9999-12}", "contest.season.end"),
    ("{start: 2026-01, end: 2031-01}", "contest.season.end"),
])
def test_a_season_is_at_most_five_years_of_ordinary_years(season, where):
    from arena.engine.rules import RulesError, load_rules

    with pytest.raises(RulesError) as caught:
        load_rules(SMALL_RULES.replace("{start: 2026-01, end: 2026-12}", season))
    assert [d["path"] for d in caught.value.details] == [where]


def test_a_five_year_season_is_accepted():
    from arena.engine.rules import load_rules

    contest = load_rules(SMALL_RULES.replace("end: 2026-12", "end: 2030-12"))
    assert contest.season_end == "2030-12"


def test_unit_codes_that_differ_only_in_case_are_refused():
    from arena.engine.rules import RulesError, load_rules

    text = SMALL_RULES.replace('{code: "C", name: 丙县', '{code: "a", name: 丙县')
    with pytest.raises(RulesError) as caught:
        load_rules(text)
    assert [(d["path"], "only in upper and lower case" in d["message"]) for d in caught.value.details] == [
        ("units[2].code", True)]


# -- the scheduler -------------------------------------------------------------------------

def test_one_contest_that_crashes_does_not_stop_the_pass(db, monkeypatch, capsys, tmp_path):
    from datetime import datetime, timezone

    from arena import services

    from arena.services import publishing
    from arena.cli import main

    services.save_rules(db, SMALL_RULES, actor="test")
    services.save_rules(db, SMALL_RULES.replace("id: small", "id: other"), actor="test")
    rows = [{"unit": u, "key": k, "period": "2026-01", "value": 5.0} for u in "ABC" for k in ("gdp", "inv")]
    for cid in ("small", "other"):
        services.import_results(db, cid, json.dumps(rows).encode(), fmt="json", actor="test")
    real = publishing.due_periods

    def due(contest, now, scored):
        if contest.id == "other":  # sorted first: "other" < "small"
            raise ValueError("year 10000 is out of range")
        return real(contest, now, scored)

    monkeypatch.setattr(publishing, "due_periods", due)
    monkeypatch.setenv("ARENA_DATABASE", str(tmp_path / "arena.db"))
    status = main(["scheduler", "--once", "--now", "2026-02-10T09:00:00+08:00"])
    out, err = capsys.readouterr()
    assert status == 1 and "published small 2026-01 revision 1" in out
    assert "arena: cannot publish other" in err and "year 10000 is out of range" in err


# -- storage -------------------------------------------------------------------------------

def read_only_app(world):
    from arena.http.app import create_app

    return create_app({"DATABASE": f"file:{world.path}?mode=ro", "TESTING": True})


def test_a_read_only_database_answers_503_and_still_serves_reads(world):
    app = read_only_app(world)
    client = app.test_client()
    error = assert_error_body(client.post("/api/contests/small/publications", json={"period": "2026-04"},
                                          headers=world.headers("organizer")), 503)
    assert error["code"] == "read_only" and "cannot be written" in error["message"]
    assert client.get("/api/contests/small/scores/2026-03").status_code == 200


def test_a_full_database_answers_507_and_changes_nothing(world, monkeypatch):
    from arena.store import db as store

    real = store.connect

    def full(path, busy_timeout_ms=10000):
        database = real(path, busy_timeout_ms)
        pages = database.conn.execute("PRAGMA page_count").fetchone()[0]
        database.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL at the next new page
        return database

    monkeypatch.setattr(store, "connect", full)
    before = world.dump()
    big = RULES.replace("name: 小擂台", "name: 小擂台" + "大" * 20_000)
    response = world.client().put("/api/contests/small/rules", data=big.encode(),
                                  headers=world.headers("organizer", **{"Content-Type": "application/yaml"}))
    error = assert_error_body(response, 507)
    assert error["code"] == "insufficient_storage" and "full" in error["message"]
    assert world.dump() == before


def test_the_cli_says_one_plain_line_for_a_read_only_database(world, monkeypatch, capsys):
    from arena.cli import main

    monkeypatch.setenv("ARENA_DATABASE", f"file:{world.path}?mode=ro")
    assert main(["publish", "small", "2026-04"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("arena: the database cannot be written") and err.count("\n") == 1
    assert "internal error" not in err


def test_serve_checks_the_database_takes_writes_before_saying_it_is_up(world, monkeypatch, capsys):
    from arena.http import serve
    from arena.cli import main

    monkeypatch.setattr(serve.ArenaServer, "run", lambda self: pytest.fail("gunicorn must not start"))
    monkeypatch.setenv("ARENA_DATABASE", f"file:{world.path}?mode=ro")
    assert main(["serve", "--workers", "1"]) == 1
    out, err = capsys.readouterr()
    assert "serving on" not in out and "cannot be written" in err


def test_serve_says_it_is_up_on_a_writable_database(world, monkeypatch, capsys):
    from arena.http import serve
    from arena.cli import main

    started = []
    monkeypatch.setattr(serve.ArenaServer, "run", lambda self: started.append(self.options["workers"]))
    monkeypatch.setenv("ARENA_DATABASE", world.path)
    assert main(["serve", "--workers", "1"]) == 0
    assert "serving on" in capsys.readouterr().out and started == [1]


# -- the OpenAPI document ------------------------------------------------------------------

PERIOD_SAMPLES = ["2026", "2026-01", "2026-12", "2026-Q1", "2026-Q4", "2026-H1", "2026-H2", "0000-01", "2026-13",
                  "2026-00", "2026-Q5", "2026-H3", "26-01", "2026-1", "2026-01 ", "x", "", "2026-q1"]


def test_the_document_declares_the_patterns_the_api_accepts(world):
    from arena.http.api.spec_patterns import TEXT
    from arena.engine.periods import PeriodError, parse_period

    spec = world.client().get("/api/openapi.json").get_json()
    params = {(path, p["in"], p["name"]): p for path, ops in spec["paths"].items()
              for op in [{"parameters": ops.get("parameters", [])}, *(o for o in ops.values() if isinstance(o, dict))]
              for p in op.get("parameters", [])}
    period_patterns = {p["schema"]["pattern"] for (path, where, name), p in params.items() if name == "period"}
    assert len(period_patterns) == 1 and len([k for k in params if k[2] == "period"]) >= 8
    pattern = period_patterns.pop()
    for sample in PERIOD_SAMPLES:  # the pattern and the parser agree, both ways
        try:
            parse_period(sample)
            parsed = True
        except PeriodError:
            parsed = False
        assert bool(re.search(pattern, sample)) == parsed, sample
    assert params[("/api/contests/{cid}/standing", "query", "unit")]["required"] is True
    rules_body = spec["paths"]["/api/contests"]["post"]["requestBody"]["content"]["application/yaml"]["schema"]
    assert rules_body["minLength"] == 1 and rules_body["pattern"] == TEXT
    for text, ok in (("version: 1\n", True), ("  \n\t", False), ("a\x00b", False), ("中文\r\n", True)):
        assert bool(re.search(TEXT, text)) == ok, repr(text)
    publish = spec["components"]["schemas"]["PublishRequest"]["properties"]
    assert publish["period"]["pattern"] == pattern and "pattern" in publish["note"]


def test_a_storage_error_outside_a_transaction_is_still_503_not_500(world, monkeypatch):
    import sqlite3

    from arena import services

    def broken(db):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(services, "list_contests", broken)
    error = assert_error_body(world.client().get("/api/contests"), 503)
    assert error["code"] == "read_only" and "unable to open database file" in error["message"]
