"""A table of bad requests: each gets its 4xx in the one error body, and the database dump
(sqlite3 iterdump) is byte-identical before and after."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from helpers import SMALL_RULES
from api_world import MAX_BODY, RULES, assert_error_body, build_world

JSON, CSV, YAML = "application/json", "text/csv", "application/yaml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULTS, PUBLISH, RULES_URL = "/api/contests/small/results", "/api/contests/small/publications", "/api/contests/small/rules"


def zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(name, data)
    return out.getvalue()


def row(**kw) -> str:
    item = {"unit": "A", "key": "gdp", "period": "2026-05", "value": 7.5}
    item.update(kw)
    return json.dumps([item])


def rules_with(old: str, new: str) -> str:
    assert old in RULES
    return RULES.replace(old, new)


NEST = "[" * 5000 + "]" * 5000
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b]\n"
GDP = "{id: gdp, name: 增速, unit: \"%\", weight: 60, method: rank}"

# (name, method, url, role, content type, body, status)
CASES = [
    # JSON numbers and shapes
    ("results NaN", "POST", RESULTS, "organizer", JSON, row().replace("7.5", "NaN"), 400),
    ("results Infinity", "POST", RESULTS, "organizer", JSON, row().replace("7.5", "-Infinity"), 400),
    ("results 1e999", "POST", RESULTS, "organizer", JSON, row().replace("7.5", "1e999"), 400),
    ("results 40-digit integer", "POST", RESULTS, "organizer", JSON, row().replace("7.5", "9" * 40), 400),
    ("results boolean value", "POST", RESULTS, "organizer", JSON, row(value=True), 422),
    ("results duplicate key", "POST", RESULTS, "organizer", JSON, row().replace('"value"', '"value": 1, "value"'), 400),
    ("results malformed JSON", "POST", RESULTS, "organizer", JSON, '[{"unit": "A", ', 400),
    ("results an object, not a list", "POST", RESULTS, "organizer", JSON, '{"unit": "A"}', 400),
    ("results 5000-deep nesting", "POST", RESULTS, "organizer", JSON, NEST, 400),
    ("results lone surrogate unit", "POST", RESULTS, "organizer", JSON, row().replace('"A"', '"\\ud800"'), 422),
    ("results control character unit", "POST", RESULTS, "organizer", JSON, row(unit="A\u0007"), 422),
    ("results unknown unit", "POST", RESULTS, "organizer", JSON, row(unit="Z"), 422),
    ("results unknown key", "POST", RESULTS, "organizer", JSON, row(key="gdpp"), 422),
    ("results period outside the season", "POST", RESULTS, "organizer", JSON, row(period="2027-01"), 422),
    ("results period month 13", "POST", RESULTS, "organizer", JSON, row(period="2026-13"), 422),
    ("results quarter, not a month", "POST", RESULTS, "organizer", JSON, row(period="2026-Q2"), 422),
    ("results duplicate rows", "POST", RESULTS, "organizer", JSON, json.dumps(json.loads(row()) * 2), 422),
    ("results SQL injection unit", "POST", RESULTS, "organizer", JSON, row(unit="A'); DROP TABLE results; --"), 422),
    ("results formula-like value", "POST", RESULTS, "organizer", JSON, row(value="().__class__.__bases__"), 422),
    ("results unknown field", "POST", RESULTS, "organizer", JSON, row(extra=1), 400),
    # CSV and XLSX
    ("csv wrong columns", "POST", RESULTS, "organizer", CSV, "unit,key,when,value\nA,gdp,2026-05,1\n", 400),
    ("csv unclosed quote", "POST", RESULTS, "organizer", CSV, 'unit,key,period,value\nA,gdp,"2026-05,1\n', 400),
    ("csv ragged row", "POST", RESULTS, "organizer", CSV, "unit,key,period,value\nA,gdp,2026-05,1,9,9\n", 400),
    ("csv bad number", "POST", RESULTS, "organizer", CSV, "unit,key,period,value\nA,gdp,2026-05,1.2.3\n", 422),
    ("csv UTF-16", "POST", RESULTS, "organizer", CSV, "unit,key".encode("utf-16"), 400),
    ("xlsx not a zip", "POST", RESULTS, "organizer", XLSX, b"PK\x03\x04 broken", 400),
    ("xlsx a zip, not a workbook", "POST", RESULTS, "organizer", XLSX, zipped("hello.txt", b"hi"), 400),
    ("xlsx an old .xls", "POST", RESULTS, "organizer", XLSX, b"\xd0\xcf\x11\xe0" + b"\0" * 100, 400),
    # content types and sizes
    ("results as text/html", "POST", RESULTS, "organizer", "text/html", "<p>hi</p>", 415),
    ("results without a content type", "POST", RESULTS, "organizer", None, row(), 415),
    ("publication as form data", "POST", PUBLISH, "organizer", "application/x-www-form-urlencoded", "period=2026-05", 415),
    ("rules as JSON", "PUT", RULES_URL, "organizer", JSON, RULES, 415),
    ("oversize body", "POST", RESULTS, "organizer", CSV, "x" * (MAX_BODY + 10), 413),
    ("rules not UTF-8", "PUT", RULES_URL, "organizer", YAML, "name: \xff".encode("latin-1"), 400),
    # publication bodies
    ("publication NaN", "POST", PUBLISH, "organizer", JSON, '{"period": NaN}', 400),
    ("publication boolean period", "POST", PUBLISH, "organizer", JSON, '{"period": true}', 422),
    ("publication number period", "POST", PUBLISH, "organizer", JSON, '{"period": 202604}', 422),
    ("publication duplicate key", "POST", PUBLISH, "organizer", JSON, '{"period": "2026-04", "period": "2026-05"}', 400),
    ("publication unknown key", "POST", PUBLISH, "organizer", JSON, '{"period": "2026-04", "x": 1}', 422),
    ("publication deep nesting", "POST", PUBLISH, "organizer", JSON, NEST, 400),
    ("publication lone surrogate note", "POST", PUBLISH, "organizer", JSON, '{"period": "2026-04", "note": "\\udc00"}', 422),
    ("publication control character note", "POST", PUBLISH, "organizer", JSON, '{"period": "2026-04", "note": "a\\u0000b"}', 422),
    ("publication SQL injection period", "POST", PUBLISH, "organizer", JSON, '{"period": "2026\' OR 1=1 --"}', 400),
    ("publication nothing scored", "POST", PUBLISH, "organizer", JSON, '{"period": "2026-11"}', 404),
    ("publication a list", "POST", PUBLISH, "organizer", JSON, '["2026-04"]', 422),
    # rule files
    ("rules YAML alias bomb", "PUT", RULES_URL, "organizer", YAML, BOMB, 422),
    ("rules 5000-deep nesting", "PUT", RULES_URL, "organizer", YAML, NEST, 422),
    ("rules !!python tag", "PUT", RULES_URL, "organizer", YAML,
     rules_with("version: 1", "version: !!python/object/apply:os.system ['true']"), 422),
    ("rules formula escape", "PUT", RULES_URL, "organizer", YAML,
     rules_with(GDP, GDP.replace("method: rank", "method: formula, expr: \"().__class__.__bases__\"")), 422),
    ("rules formula import", "PUT", RULES_URL, "organizer", YAML,
     rules_with(GDP, GDP.replace("method: rank", "method: formula, expr: \"__import__('os').system('true')\"")), 422),
    ("rules control character name", "PUT", RULES_URL, "organizer", YAML, rules_with("name: 甲县", 'name: "甲\\x07县"'), 422),
    ("rules unknown key", "PUT", RULES_URL, "organizer", YAML, rules_with("precision: 2", "precison: 2"), 422),
    ("rules of another contest", "PUT", RULES_URL, "organizer", YAML, rules_with("id: small", "id: other"), 400),
    ("rules duplicate contest", "POST", "/api/contests", "organizer", YAML, SMALL_RULES, 409),
    ("preview bad YAML", "POST", "/api/contests/small/rules/preview?period=2026-03", "organizer", YAML, "a: [", 422),
    ("preview without a period", "POST", "/api/contests/small/rules/preview", "organizer", YAML, RULES, 422),
    ("preview bad period", "POST", "/api/contests/small/rules/preview?period=2026-99", "organizer", YAML, RULES, 400),
    # paths and query strings
    ("unknown contest", "GET", "/api/contests/nope/scores/2026-02", "anonymous", None, None, 404),
    ("SQL injection contest", "GET", "/api/contests/small'%20OR%201=1--/scores/2026-02", "anonymous", None, None, 404),
    ("unknown unit row", "GET", "/api/contests/small/scores/2026-02/Z", "anonymous", None, None, 404),
    ("unknown period", "GET", "/api/contests/small/scores/2026-99", "anonymous", None, None, 404),
    ("unpublished board", "GET", "/api/contests/small/boards/2026-04.png", "anonymous", None, None, 404),
    ("unpublished workbook", "GET", "/api/contests/small/scores/2026-04.xlsx", "anonymous", None, None, 404),
    ("bad board size", "GET", "/api/contests/small/boards/2026-02.png?size=huge", "anonymous", None, None, 422),
    ("revision not a number", "GET", "/api/contests/small/scores/2026-02?revision=1e9", "anonymous", None, None, 422),
    ("revision zero", "GET", "/api/contests/small/scores/2026-02?revision=0", "anonymous", None, None, 422),
    ("revision never made", "GET", "/api/contests/small/scores/2026-02?revision=7", "anonymous", None, None, 404),
    ("results bad period query", "GET", RESULTS + "?period=2026'--", "organizer", None, None, 400),
    ("draft bad period", "GET", "/api/contests/small/draft/20x6", "organizer", None, None, 400),
    ("draft unscored period", "GET", "/api/contests/small/draft/2026-11", "organizer", None, None, 404),
    ("audit limit boolean", "GET", "/api/audit?limit=true", "organizer", None, None, 422),
    ("standing unknown unit", "GET", "/api/contests/small/standing?unit=Z", "organizer", None, None, 404),
    ("method not allowed", "DELETE", "/api/contests/small", "admin", None, None, 405),
    ("no such route", "GET", "/api/contests/small/everything", "admin", None, None, 404),
    # who may
    ("unit submits another unit", "POST", RESULTS, "unit_a", JSON, row(unit="B"), 403),
    ("unit submits a published month", "POST", RESULTS, "unit_a", JSON, row(period="2026-02"), 403),
    ("unit reads another unit", "GET", RESULTS + "?unit=B", "unit_a", None, None, 403),
    ("token request boolean days", "POST", "/api/tokens", "admin", JSON, '{"role": "admin", "name": "x", "expires_days": true}', 422),
    ("token request control name", "POST", "/api/tokens", "admin", JSON, '{"role": "admin", "name": "a\\u001bb"}', 422),
    ("token request unit without contest", "POST", "/api/tokens", "admin", JSON, '{"role": "unit", "name": "x", "unit": "A"}', 422),
]


@pytest.fixture(scope="module")
def bad_world(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("name, method, url, role, media, body, status", CASES, ids=[c[0] for c in CASES])
def test_a_bad_request_gets_its_4xx_and_changes_nothing(bad_world, name, method, url, role, media, body, status):
    headers = bad_world.headers(role)
    if media:
        headers["Content-Type"] = media
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    before = bad_world.dump()
    response = bad_world.client().open(url, method=method, data=data, headers=headers)
    assert_error_body(response, status)
    assert bad_world.dump() == before


def test_a_multipart_upload_without_its_file_field_is_400(bad_world):
    before = bad_world.dump()
    response = bad_world.client().post(RESULTS, headers=bad_world.headers("organizer"),
                                       data={"other": (io.BytesIO(b"unit,key,period,value\n"), "r.csv")},
                                       content_type="multipart/form-data")
    assert_error_body(response, 400)
    response = bad_world.client().post(RESULTS, headers=bad_world.headers("organizer"),
                                       data={"file": (io.BytesIO(b"\xd0\xcf\x11\xe0"), "old.xls")},
                                       content_type="multipart/form-data")
    assert_error_body(response, 415)
    assert bad_world.dump() == before


def test_an_unsaved_correction_without_a_note_is_422_and_changes_nothing(tmp_path):
    world = build_world(tmp_path)
    client, organizer = world.client(), world.headers("organizer")
    changed = client.post(RESULTS, json=[{"unit": "C", "key": "gdp", "period": "2026-02", "value": 9.9}], headers=organizer)
    assert changed.status_code == 200
    before = world.dump()
    assert_error_body(client.post(PUBLISH, json={"period": "2026-02"}, headers=organizer), 422)
    assert world.dump() == before
