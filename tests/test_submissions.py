"""Submissions (报送) through the API: who may submit what, all or nothing, swing and its
explanation, late at the due day's end, review, approval as an import, evidence by content and
seen only by organizers and the submitter, the 报送情况 grid, and POST /results for units.

The world (submit_world.py): 市统计局 (tjj) reports gdp for every unit, each unit its own inv,
veto is an adjustment; January to March stored by the organizer, January published; swing 0.5.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from api_world import assert_error_body
from submit_world import PDF, RULES, build

SUBMISSIONS = "/api/contests/small/submissions"
ZONE = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


@pytest.fixture
def world(tmp_path):
    return build(tmp_path)


def row(unit="A", key="gdp", period="2026-04", value=7.5, **extra):
    return {"unit": unit, "key": key, "period": period, "value": value, **extra}


def submit(world, role, rows, **kw):
    return world.client().post(SUBMISSIONS, json=rows, headers=world.headers(role), **kw)


def audit_actions(world, contest="small"):
    from arena.store import audit

    db = world.db()
    try:
        return [a["action"] for a in reversed(audit.list_audit(db, contest=contest))]
    finally:
        db.close()


@pytest.mark.parametrize("case, role, rows, status, says", [
    ("department_other_indicator", "tjj", [row(key="inv")], 403, "inv 由各单位自行报送"),
    ("department_not_its_own", "swj", [row()], 403, "gdp 由市统计局报送"),
    ("unit_other_unit", "unit_a", [row(unit="B", key="inv")], 403, "B 不是本单位"),
    ("unit_department_indicator", "unit_a", [row(key="gdp")], 403, "gdp 由市统计局报送"),
    ("unit_adjustment", "unit_a", [row(key="veto", value=1)], 403, "加减分和否决只能由组织方录入"),
    ("department_adjustment", "tjj", [row(key="veto", value=1)], 403, "加减分和否决只能由组织方录入"),
    ("department_published_month", "tjj", [row(period="2026-01")], 403, "2026-01 已发布"),
    ("unit_published_month", "unit_a", [row(key="inv", period="2026-01")], 403, "2026-01 已发布"),
    ("never_over_an_organizer_value", "tjj", [row(period="2026-03", value=6.9)], 409, "已由组织方录入为 7"),
    ("two_months", "tjj", [row(), row(period="2026-05")], 422, "2026-05 的第一行"),
    ("one_bad_row_stores_nothing", "tjj", [row(), row(unit="Z")], 422, "Z"),
    ("anonymous", "anonymous", [row()], 401, None),
])
def test_refused_submissions_name_the_row_and_change_nothing(world, case, role, rows, status, says):
    before = world.dump()
    error = assert_error_body(submit(world, role, rows), status)
    if says:
        assert any(says in d["message"] for d in error["details"]), error
    assert world.dump() == before


def test_an_equal_value_is_no_replacement_and_a_department_reports_any_unit(world):
    answer = submit(world, "tjj", [row(period="2026-03", value=7.0), row(unit="B", period="2026-03", value=6.0)])
    assert answer.status_code == 201 and answer.get_json()["status"] == "pending"


def test_returned_then_submitted_again_then_approved_as_an_import(world):
    client, org = world.client(), world.headers("organizer")
    first = submit(world, "tjj", [row(value=7.5), row(unit="B", value=6.5)]).get_json()
    assert first == {"id": 1, "status": "pending"}
    assert assert_error_body(client.post(f"{SUBMISSIONS}/1/return", json={"reason": "  "}, headers=org), 422)
    answer = client.post(f"{SUBMISSIONS}/1/return", json={"reason": "乙县数据有误，请核实"}, headers=org)
    assert answer.status_code == 200 and answer.get_json()["reason"] == "乙县数据有误，请核实"
    assert assert_error_body(client.post(f"{SUBMISSIONS}/1/return", json={"reason": "再退"}, headers=org), 409)
    assert assert_error_body(client.post(f"{SUBMISSIONS}/1/approve", headers=org), 409)
    mine = client.get(SUBMISSIONS, headers=world.headers("tjj")).get_json()
    assert [(s["id"], s["status"], s["reason"]) for s in mine] == [(1, "returned", "乙县数据有误，请核实")]
    again = submit(world, "tjj", [row(value=7.5), row(unit="B", value=6.2)]).get_json()
    assert again == {"id": 2, "status": "pending"}
    draft = client.get("/api/contests/small/results?period=2026-04", headers=org).get_json()
    assert draft == []  # pending rows are not results
    answer = client.post(f"{SUBMISSIONS}/2/approve", headers=org)
    assert answer.get_json() == {"id": 2, "status": "approved", "inserted": 2, "updated": 0, "unchanged": 0}
    stored = client.get("/api/contests/small/results?period=2026-04", headers=org).get_json()
    assert {(r["unit"], r["value"]) for r in stored} == {("A", 7.5), ("B", 6.2)}
    # a later approved submission replaces the department's own value, and history keeps the old one
    submit(world, "tjj", [row(value=8.0)])
    client.post(f"{SUBMISSIONS}/3/approve", headers=org)
    from arena.store import results

    db = world.db()
    history = results.result_history(db, "small", "A", "gdp", "2026-04")
    db.close()
    assert [h["value"] for h in history] == [7.5]
    actions = audit_actions(world)
    assert actions[-8:] == ["submission.create", "submission.return", "submission.create", "results.import",
                            "submission.approve", "submission.create", "results.import", "submission.approve"]
    assert client.get(SUBMISSIONS + "?status=pending", headers=org).get_json() == []


def test_a_new_submission_replaces_the_pending_one_of_the_same_cells(world):
    submit(world, "tjj", [row(value=7.5)])
    submit(world, "tjj", [row(value=7.6)])
    listed = world.client().get(SUBMISSIONS, headers=world.headers("organizer")).get_json()
    assert [(s["id"], s["status"]) for s in listed] == [(2, "pending"), (1, "returned")]
    assert listed[1]["reason"] == "已被第 2 号报送替换（重新报送）"


# inv of unit A in March is 12.0 (stored by the organizer); swing 0.5:
#   18 -> |18 - 12| / 12 = 0.5, not above: no explanation needed
#   19 -> 7 / 12 = 0.5833 > 0.5: refused without an explanation, kept with one
@pytest.mark.parametrize("value, explanation, status", [
    (18.0, None, 201), (19.0, None, 422), (19.0, "新项目集中开工", 201), (19.0, "   ", 422), (6.0, None, 201),
    (5.9, None, 422),  # |5.9 - 12| / 12 = 0.508
])
def test_swing_needs_an_explanation(world, value, explanation, status):
    extra = {} if explanation is None else {"explanation": explanation}
    answer = submit(world, "unit_a", [row(key="inv", value=value, **extra)])
    assert answer.status_code == status, answer.get_json()
    if status == 422:
        detail = answer.get_json()["error"]["details"][0]
        assert detail["row"] == 1 and detail["field"] == "explanation" and "须填写说明" in detail["message"]


def test_explanations_in_csv_and_the_swing_marks_of_the_listing(world):
    body = "单位,指标,期间,数值,说明\nA,inv,2026-04,19,新项目集中开工\n"
    answer = world.client().post(SUBMISSIONS, data=body.encode(),
                                 headers={**world.headers("unit_a"), "Content-Type": "text/csv"})
    assert answer.status_code == 201, answer.get_json()
    [listed] = world.client().get(SUBMISSIONS, headers=world.headers("unit_a")).get_json()
    assert listed["rows"] == [{"unit": "A", "key": "inv", "period": "2026-04", "value": 19.0,
                               "explanation": "新项目集中开工", "previous": 12.0, "swing": 0.5833, "over_swing": True}]
    # result imports still refuse the column
    plain = world.client().post("/api/contests/small/results", data=body.encode(),
                                headers={**world.headers("organizer"), "Content-Type": "text/csv"})
    assert assert_error_body(plain, 400)


def test_the_fill_in_workbooks_explanation_column_goes_with_each_value_of_its_row(world):
    import io

    from openpyxl import load_workbook

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    got = world.client().get("/api/contests/small/template/2026-04.xlsx", headers=world.headers("unit_a"))
    book = load_workbook(io.BytesIO(got.data))
    ws = book.worksheets[0]
    assert [c.value for c in ws[4]] == ["单位代码", "单位", "投资（亿元）", "说明（与上月相比变动超过 50% 的须填写）"]

    def posted(explanation, to=SUBMISSIONS, role="unit_a", value=19):
        ws["C5"], ws["D5"] = value, explanation
        buf = io.BytesIO()
        book.save(buf)
        return world.client().post(to, data=buf.getvalue(), headers={**world.headers(role), "Content-Type": xlsx})

    refused = posted(None)  # 19 against 12 in March: a swing of 0.5833 needs a word
    assert refused.status_code == 422 and "须填写说明" in refused.get_json()["error"]["details"][0]["message"]
    answer = posted("新项目集中开工")
    assert answer.status_code == 201, answer.get_json()
    [listed] = world.client().get(SUBMISSIONS, headers=world.headers("unit_a")).get_json()
    assert [(r["key"], r["value"], r["explanation"], r["over_swing"]) for r in listed["rows"]] == [
        ("inv", 19.0, "新项目集中开工", True)]
    # a result import reads no explanation: the text is refused, not dropped
    plain = posted("新项目集中开工", "/api/contests/small/results", "organizer")
    assert assert_error_body(plain, 400)
    assert "说明只随报送" in plain.get_json()["error"]["details"][0]["message"]
    before = world.dump()
    nothing = posted("只有说明", value=None)  # an explanation of nothing
    assert nothing.status_code == 400 and "没有填写数值" in nothing.get_json()["error"]["details"][0]["message"]
    assert world.dump() == before


@pytest.mark.parametrize("moment, late", [("2026-05-05T23:59:59", False), ("2026-05-06T00:00:00", True)])
def test_late_from_the_end_of_the_due_day(world, moment, late):
    from arena.support import clock

    with clock.pretend(at(moment)):
        submit(world, "tjj", [row()])
    [listed] = world.client().get(SUBMISSIONS, headers=world.headers("tjj")).get_json()
    assert listed["late"] is late


def test_review_false_and_the_organizer_approve_at_once(tmp_path):
    world = build(tmp_path, RULES.replace("swing: 0.5}", "swing: 0.5, review: false}"))
    assert submit(world, "tjj", [row()]).get_json() == {"id": 1, "status": "approved"}
    assert submit(world, "organizer", [row(unit="B", value=6.1)]).get_json() == {"id": 2, "status": "approved"}
    stored = world.client().get("/api/contests/small/results?period=2026-04", headers=world.headers("organizer"))
    assert {(r["unit"], r["value"]) for r in stored.get_json()} == {("A", 7.5), ("B", 6.1)}


def test_an_organizer_submission_is_approved_at_once_even_with_review(world):
    assert submit(world, "organizer", [row(key="veto", value=1)]).get_json() == {"id": 1, "status": "approved"}


def test_approving_a_month_published_meanwhile_is_409(world):
    from arena.services import publishing

    submit(world, "tjj", [row()])
    world.client().post("/api/contests/small/results", json=[row(unit="C", value=5.0)], headers=world.headers("organizer"))
    db = world.db()
    publishing.publish(db, "small", "2026-04", actor="setup")
    db.close()
    before = world.dump()
    error = assert_error_body(world.client().post(f"{SUBMISSIONS}/1/approve", headers=world.headers("organizer")), 409)
    assert "已在提交后发布" in error["message"] and "组织方导入更正" in error["message"]
    assert world.dump() == before


def test_approving_over_a_value_the_organizer_stored_meanwhile_is_409(world):
    submit(world, "tjj", [row(value=7.5)])
    world.client().post("/api/contests/small/results", json=[row(value=7.1)], headers=world.headers("organizer"))
    error = assert_error_body(world.client().post(f"{SUBMISSIONS}/1/approve", headers=world.headers("organizer")), 409)
    assert "已由组织方录入为 7.1" in error["details"][0]["message"]


def test_only_organizers_review(world):
    submit(world, "tjj", [row()])
    for role in ("tjj", "unit_a"):
        assert_error_body(world.client().post(f"{SUBMISSIONS}/1/approve", headers=world.headers(role)), 403)
        assert_error_body(world.client().post(f"{SUBMISSIONS}/1/return", json={"reason": "x"},
                                              headers=world.headers(role)), 403)
    assert_error_body(world.client().post(f"{SUBMISSIONS}/99/approve", headers=world.headers("organizer")), 404)


# -- evidence -----------------------------------------------------------------------------------

def with_evidence(world, role, files, body="unit,key,period,value\nA,gdp,2026-04,7.5\n"):
    from io import BytesIO

    data = {"file": (BytesIO(body.encode()), "rows.csv"),
            "evidence": [(BytesIO(content), name) for name, content in files]}
    return world.client().post(SUBMISSIONS, data=data, headers=world.headers(role), content_type="multipart/form-data")


def test_evidence_is_checked_by_its_bytes(world):
    before = world.dump()
    error = assert_error_body(with_evidence(world, "tjj", [("统计报表.pdf", b"just text, not a PDF")]), 415)
    assert "统计报表.pdf" in error["message"]
    assert world.dump() == before


def test_evidence_is_seen_by_organizers_and_its_submitter_only_and_each_download_is_audited(world):
    assert with_evidence(world, "tjj", [("统计报表.pdf", PDF)]).status_code == 201
    [listed] = world.client().get(SUBMISSIONS, headers=world.headers("organizer")).get_json()
    [file] = listed["files"]
    assert file["name"] == "统计报表.pdf" and file["media_type"] == "application/pdf" and file["size"] == len(PDF)
    for role in ("organizer", "tjj"):
        answer = world.client().get(file["url"], headers=world.headers(role))
        assert answer.status_code == 200 and answer.data == PDF
        assert answer.mimetype == "application/pdf"
        assert answer.headers["Content-Disposition"].startswith("attachment;")
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Cache-Control"] == "private, no-store"
    for role, status in (("unit_a", 404), ("swj", 404), ("anonymous", 401)):
        assert_error_body(world.client().get(file["url"], headers=world.headers(role)), status)
    assert world.client().get(SUBMISSIONS, headers=world.headers("unit_a")).get_json() == []
    assert audit_actions(world).count("evidence.download") == 2


def test_evidence_is_never_public_nor_exported(world, tmp_path):
    from arena.export.static_site import export_static

    with_evidence(world, "tjj", [("统计报表.pdf", PDF)])
    world.client().post(f"{SUBMISSIONS}/1/approve", headers=world.headers("organizer"))
    from arena.services import publishing

    db = world.db()
    publishing.publish(db, "small", "2026-04", actor="setup")
    out = tmp_path / "site"
    export_static(db, out, instance_path=str(tmp_path))
    db.close()
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert PDF not in data and "统计报表".encode() not in data, path
    client = world.client()
    for page in ("/", "/contests/small", "/contests/small/2026-04", "/contests/small/units/A",
                 "/api/contests/small/scores/2026-04", "/api/contests/small"):
        text = client.get(page).get_data()
        assert "统计报表".encode() not in text and b"%PDF" not in text, page


# -- the grid -----------------------------------------------------------------------------------

def grid(world, role, period="2026-04"):
    answer = world.client().get(f"/api/contests/small/reporting/{period}", headers=world.headers(role))
    assert answer.status_code == 200, answer.get_json()
    return {(c["unit"], c["key"]): c["status"] for c in answer.get_json()["cells"]}


def test_the_grid_shows_each_cell_state_and_late_after_the_due_day(world):
    from arena.support import clock

    with clock.pretend(at("2026-05-03T10:00:00")):
        submit(world, "tjj", [row(unit="A")])  # 1: pending
        submit(world, "tjj", [row(unit="B", value=6.0)])  # 2: returned
        world.client().post(f"{SUBMISSIONS}/2/return", json={"reason": "请核实"}, headers=world.headers("organizer"))
        submit(world, "unit_a", [row(key="inv")])  # 3
        world.client().post(f"{SUBMISSIONS}/3/approve", headers=world.headers("organizer"))
        world.client().post("/api/contests/small/results", json=[row(unit="C", key="inv", value=9)],
                            headers=world.headers("organizer"))
        assert grid(world, "organizer") == {("A", "gdp"): "pending", ("B", "gdp"): "returned",
                                            ("C", "gdp"): "missing", ("A", "inv"): "approved",
                                            ("B", "inv"): "missing", ("C", "inv"): "approved"}
        assert grid(world, "tjj") == {("A", "gdp"): "pending", ("B", "gdp"): "returned", ("C", "gdp"): "missing"}
        assert grid(world, "unit_b") == {("B", "inv"): "missing"}
        assert grid(world, "swj") == {}
    with clock.pretend(at("2026-05-06T00:00:00")):
        assert grid(world, "organizer")[("C", "gdp")] == "late" and grid(world, "unit_b") == {("B", "inv"): "late"}
    answer = world.client().get("/api/contests/small/reporting/2026-04", headers=world.headers("organizer")).get_json()
    assert answer["due_end"] == "2026-05-06T00:00:00+08:00"
    assert answer["counts"] == {"missing": 0, "pending": 1, "returned": 1, "approved": 2, "late": 2}
    assert_error_body(world.client().get("/api/contests/small/reporting/2026-04"), 401)
    assert_error_body(world.client().get("/api/contests/small/reporting/2027-04", headers=world.headers("tjj")), 404)
    assert_error_body(world.client().get("/api/contests/small/reporting/soon", headers=world.headers("tjj")), 400)


# -- POST /results by a unit ------------------------------------------------------------------------

@pytest.fixture
def self_report(tmp_path):
    return build(tmp_path, RULES.replace("  precision: 2\n", "  precision: 2\n  self_report: true\n"))


@pytest.mark.parametrize("rows, status, says", [
    ([row(key="inv", period="2026-03", value=99.0)], 409, "已由组织方录入为 12"),
    ([row(key="veto", period="2026-04", value=1)], 403, "加减分和否决只能由组织方录入"),
    ([row(key="gdp", period="2026-04", value=1)], 403, "gdp 由市统计局报送"),
    ([row(unit="B", key="inv", period="2026-04", value=1)], 403, "B 不是本单位"),
])
def test_a_unit_posting_results_obeys_the_rules_of_a_submission(self_report, rows, status, says):
    before = self_report.dump()
    answer = self_report.client().post("/api/contests/small/results", json=rows, headers=self_report.headers("unit_a"))
    error = assert_error_body(answer, status)
    assert any(says in d["message"] for d in error["details"]), error
    assert self_report.dump() == before


def test_a_unit_posting_results_stores_its_own_rows_and_may_change_them(self_report):
    client, unit_a = self_report.client(), self_report.headers("unit_a")
    ok = client.post("/api/contests/small/results", json=[row(key="inv", value=13.0)], headers=unit_a)
    assert ok.get_json() == {"inserted": 1, "updated": 0, "unchanged": 0}
    again = client.post("/api/contests/small/results", json=[row(key="inv", value=14.0)], headers=unit_a)
    assert again.get_json() == {"inserted": 0, "updated": 1, "unchanged": 0}
    assert grid(self_report, "unit_a") == {("A", "inv"): "approved"}
    # the organizer's correction then stands against the unit
    client.post("/api/contests/small/results", json=[row(key="inv", value=15.0)], headers=self_report.headers("organizer"))
    answer = client.post("/api/contests/small/results", json=[row(key="inv", value=16.0)], headers=unit_a)
    assert assert_error_body(answer, 409)
    assert json.dumps(answer.get_json(), ensure_ascii=False).count("已由组织方录入为 15") == 1
