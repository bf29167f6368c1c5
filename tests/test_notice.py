"""Notice before final (公示) and objections (异议): deadlines, who may object and see what,
answers, finalizing exactly once (by hand and by the scheduler), quarters that wait for their
months, and evidence files. Times are hand-computed in the contest's zone."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest

from api_world import assert_error_body
from notice_world import PDF, PNG, RULES, at, build, correct, load
from arena.services import notice, publishing
from arena.store import audit, publications
from arena.support import clock


@pytest.fixture(autouse=True)
def let_the_clock_run():
    yield
    clock.drive(None)


@pytest.fixture
def api(tmp_path, monkeypatch):
    return build(tmp_path, monkeypatch)


@pytest.fixture
def nt(db):
    load(db)
    return db


# -- the deadline --------------------------------------------------------------------------

@pytest.mark.parametrize("zone, published, days, until", [
    pytest.param("Asia/Shanghai", "2026-02-10T09:00:00+08:00", 3, "2026-02-13T09:00:00+08:00", id="three_days_later"),
    # calendar days on the contest's wall clock: 3 days over the spring change are 71 hours
    pytest.param("Europe/Berlin", "2026-03-27T10:00:00+01:00", 3, "2026-03-30T10:00:00+02:00", id="across_summer_time"),
    pytest.param("Asia/Shanghai", "2026-02-27T18:30:00+08:00", 2, "2026-03-01T18:30:00+08:00", id="over_a_month_end"),
    # published at 01:00 UTC, which is already the 10th in Shanghai: the stamp and deadline are Shanghai's
    pytest.param("Asia/Shanghai", "2026-02-09T17:00:00-08:00", 1, "2026-02-11T09:00:00+08:00", id="in_the_contests_zone"),
])
def test_notice_until_is_days_later_in_the_contests_zone(db, zone, published, days, until):
    load(db)
    from arena import services

    services.save_rules(db, RULES.replace("Asia/Shanghai", zone).replace("days: 3", f"days: {days}"), actor="t")
    moment = at(published)
    row, created = publishing.publish(db, "nt", "2026-01", actor="t", now=moment)
    assert created and row["status"] == "notice" and row["notice_until"] == until
    sheet = json.loads(publications.get(db, "nt", "2026-01")["sheet"])
    assert (sheet["status"], sheet["notice_until"]) == ("notice", until)


def test_a_quarter_is_never_under_notice_and_a_contest_without_notice_publishes_final(db):
    from arena import services
    from helpers import SMALL_RULES, month_rows

    services.save_rules(db, SMALL_RULES, actor="t")
    services.import_results(db, "small", json.dumps(month_rows("2026-01")).encode(), fmt="json", actor="t")
    row, _ = publishing.publish(db, "small", "2026-01", actor="t")
    assert (row["status"], row["notice_until"]) == ("final", None)
    row, _ = publishing.publish(db, "small", "2026-Q1", actor="t")  # without notice a quarter does not wait
    assert row["status"] == "final"


# -- raising an objection ------------------------------------------------------------------

def test_a_unit_objects_during_notice_and_the_deadline_closes_the_window(api):
    at("2026-02-12T08:00:00+08:00")
    answer = api.object()
    assert answer.status_code == 201, answer.get_data(as_text=True)
    made = answer.get_json()
    assert (made["unit"], made["period"], made["revision"], made["indicator"], made["status"]) == \
        ("A", "2026-01", 1, "gdp", "open")
    assert made["raised_at"] == "2026-02-12T08:00:00+08:00"
    at("2026-02-13T08:59:59+08:00")
    assert api.object(indicator=None).status_code == 201  # the whole row, one second before the deadline
    at("2026-02-13T09:00:00+08:00")
    late = assert_error_body(api.object(indicator="inv"), 409)
    assert "2026-02-13T09:00:00+08:00" in late["message"]


def test_a_month_not_under_notice_takes_no_objection(api):
    at("2026-03-20T09:00:00+08:00")
    assert "不在公示期" in assert_error_body(api.object(period="2026-02"), 409)["message"]  # not published
    assert "不在公示期" in assert_error_body(api.object(period="2026-Q1"), 409)["message"]
    assert api.call("post", "/api/contests/nt/publications/2026-01/final", "organizer").status_code == 201
    assert "已是正式稿" in assert_error_body(api.object(), 409)["message"]


def test_who_may_object(api):
    at("2026-02-11T09:00:00+08:00")
    assert_error_body(api.object(role="anonymous"), 401)
    assert_error_body(api.object(role="department"), 403)
    assert_error_body(api.object(role="organizer"), 403)
    assert "不考核" in assert_error_body(api.object(role="unit_d", indicator="inv"), 422)["message"]
    assert assert_error_body(api.object(indicator="nope"), 422)["details"][0]["field"] == "indicator"
    assert api.object(role="unit_d", indicator="gdp").status_code == 201


def test_a_unit_added_after_publication_has_no_row_to_object_to(api):
    from arena import services
    from arena.services import tokens

    db = api.db()
    services.save_rules(db, RULES.replace('  - {code: "D"', '  - {code: "E", name: 戊区, group: zone}\n  - {code: "D"'),
                        actor="t")
    api.tokens["unit_e"] = tokens.issue(db, name="e", actor="t", role="unit", unit="E", contest="nt")[0]
    db.close()
    at("2026-02-11T09:00:00+08:00")
    assert "没有本单位" in assert_error_body(api.object(role="unit_e", indicator=None), 403)["message"]


@pytest.mark.parametrize("body, status, field", [
    pytest.param({"period": "2026-01", "indicator": "gdp", "message": ""}, 422, "message", id="empty_message"),
    pytest.param({"period": "2026-01", "indicator": "gdp", "message": "长" * 2001}, 422, "message", id="message_too_long"),
    pytest.param({"period": "2026-01", "indicator": "gdp", "message": "a\x07b"}, 422, "message", id="control_character"),
    pytest.param({"period": "2026-01", "message": "x"}, 422, "indicator", id="indicator_missing"),
    pytest.param({"period": "2026-13", "indicator": None, "message": "x"}, 400, "period", id="bad_period"),
    pytest.param({"period": "2026-01", "indicator": None, "message": "x", "extra": 1}, 422, "extra", id="unknown_key"),
])
def test_bad_objections_are_refused_and_change_nothing(api, body, status, field):
    at("2026-02-11T09:00:00+08:00")
    answer = api.call("post", "/api/contests/nt/objections", "unit_a", json=body)
    error = assert_error_body(answer, status)
    assert field in [d.get("field") for d in error["details"]], error
    assert api.call("get", "/api/contests/nt/objections", "organizer").get_json() == []


def test_one_open_objection_per_unit_month_and_indicator(api):
    at("2026-02-11T09:00:00+08:00")
    first = api.object().get_json()
    again = assert_error_body(api.object(), 409)
    assert f"#{first['id']}" in again["message"]
    assert api.object(indicator=None).status_code == 201  # the whole row is another objection
    assert api.answer(first["id"], "rejected").status_code == 200
    assert api.object().status_code == 201  # answered: the unit may object again during notice


# -- who sees what -------------------------------------------------------------------------

def test_only_the_objecting_unit_and_organizers_see_an_objection(api):
    at("2026-02-11T09:00:00+08:00")
    mine = api.object(message="甲县的异议：仅甲县可见").get_json()
    api.object(role="unit_b", message="乙县的异议")
    url = "/api/contests/nt/objections?period=2026-01"
    assert [o["unit"] for o in api.call("get", url, "organizer").get_json()] == ["A", "B"]
    seen_by_b = api.call("get", url, "unit_b")
    assert [o["unit"] for o in seen_by_b.get_json()] == ["B"]
    assert "仅甲县可见" not in seen_by_b.get_data(as_text=True)
    assert_error_body(api.call("get", url + "&unit=A", "unit_b"), 403)
    assert_error_body(api.call("get", url), 401)
    assert_error_body(api.call("get", url, "department"), 403)
    for public in ("/api/contests/nt/scores/2026-01", "/api/contests/nt/publications", "/contests/nt/2026-01"):
        assert "仅甲县可见" not in api.call("get", public).get_data(as_text=True)
    assert api.call("get", url, "unit_a").get_json()[0]["id"] == mine["id"]


# -- evidence files ------------------------------------------------------------------------

def _with_files(api, files, role="unit_a", indicator="inv"):
    data = {"period": "2026-01", "indicator": indicator, "message": "附统计局更正函",
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return api.call("post", "/api/contests/nt/objections", role, data=data, content_type="multipart/form-data")


def test_evidence_files_are_checked_by_content_and_seen_only_by_the_unit_and_organizers(api):
    at("2026-02-11T09:00:00+08:00")
    refused = _with_files(api, [("更正函.pdf", b"just text, not a PDF")])
    assert "不是可接受的文件" in assert_error_body(refused, 415)["message"]
    assert api.call("get", "/api/contests/nt/objections", "organizer").get_json() == []  # nothing was kept
    made = _with_files(api, [("更正函.pdf", PDF), ("截图.png", PNG)])
    assert made.status_code == 201, made.get_data(as_text=True)
    files = made.get_json()["files"]
    assert [(f["name"], f["media_type"], f["size"]) for f in files] == [
        ("更正函.pdf", "application/pdf", len(PDF)), ("截图.png", "image/png", len(PNG))]
    url = files[0]["url"]
    for role in ("organizer", "unit_a"):
        got = api.call("get", url, role)
        assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
        assert got.headers["Content-Disposition"].startswith("attachment;")
        assert "no-store" in got.headers["Cache-Control"]
    assert_error_body(api.call("get", url, "unit_b"), 404)
    assert_error_body(api.call("get", url), 401)
    assert_error_body(api.call("get", url, "department"), 403)
    assert_error_body(api.call("get", url.replace("%E6%9B%B4", "x"), "organizer"), 404)
    db = api.db()
    downloads = audit.list_audit(db, action="evidence.download")
    db.close()
    assert len(downloads) == 2 and all("更正函.pdf" in d["target"] for d in downloads)


# -- answers -------------------------------------------------------------------------------

def test_upheld_after_a_correction_is_a_new_notice_revision_to_the_same_deadline(api):
    at("2026-02-11T09:00:00+08:00")
    ident = api.object().get_json()["id"]
    unchanged = assert_error_body(api.answer(ident, "upheld", "数据有误，已更正"), 409)
    assert "先更正数据再维持异议" in unchanged["message"]
    db = api.db()
    assert publications.latest(db, "nt", "2026-01")["revision"] == 1  # the refusal published nothing
    at("2026-02-12T10:00:00+08:00")
    correct(db, "A", "gdp", "2026-01", 7.5)
    done = api.answer(ident, "upheld", "经核实，增速应为 7.5%，已更正")
    assert done.status_code == 200, done.get_data(as_text=True)
    assert (done.get_json()["status"], done.get_json()["answer_revision"]) == ("upheld", 2)
    newest = publications.latest(db, "nt", "2026-01")
    assert (newest["revision"], newest["status"], newest["notice_until"]) == (2, "notice", "2026-02-13T09:00:00+08:00")
    assert newest["published_at"] == "2026-02-12T10:00:00+08:00"
    assert newest["note"] == f"异议 #{ident} 成立：经核实，增速应为 7.5%，已更正"
    sheet = json.loads(newest["sheet"])
    assert sheet["groups"][0]["units"][0]["indicators"]["gdp"]["value"] == 7.5
    assert_error_body(api.answer(ident, "rejected"), 409)  # answered once
    db.close()


def test_one_correction_answers_two_objections(api):
    at("2026-02-11T09:00:00+08:00")
    first = api.object().get_json()["id"]
    second = api.object(indicator=None, message="整行有误").get_json()["id"]
    db = api.db()
    correct(db, "A", "gdp", "2026-01", 7.5)
    db.close()
    assert api.answer(first, "upheld", "已更正").get_json()["answer_revision"] == 2
    # the sheet does not change again, but revision 2 (made after the objection) carries the correction
    assert api.answer(second, "upheld", "同上，已更正").get_json()["answer_revision"] == 2


def test_rejected_keeps_the_revision(api):
    at("2026-02-11T09:00:00+08:00")
    ident = api.object().get_json()["id"]
    assert_error_body(api.answer(ident, "rejected", ""), 422)
    assert_error_body(api.call("post", f"/api/contests/nt/objections/{ident}/answer", "organizer",
                               json={"decision": "maybe", "reply": "x"}), 422)
    assert_error_body(api.call("post", f"/api/contests/nt/objections/{ident}/answer", "unit_a",
                               json={"decision": "rejected", "reply": "x"}), 403)
    done = api.answer(ident, "rejected", "经核实，数据无误").get_json()
    assert (done["status"], done["reply"], done["answer_revision"]) == ("rejected", "经核实，数据无误", None)
    db = api.db()
    assert [p["revision"] for p in publications.list_all(db, "nt")] == [1]
    db.close()
    seen = api.call("get", "/api/contests/nt/objections", "unit_a").get_json()[0]
    assert (seen["status"], seen["reply"]) == ("rejected", "经核实，数据无误")
    assert_error_body(api.answer(999, "rejected"), 404)


def test_raise_answer_and_final_leave_audit_rows(api):
    at("2026-02-11T09:00:00+08:00")
    ident = api.object().get_json()["id"]
    api.answer(ident, "rejected")
    api.call("post", "/api/contests/nt/publications/2026-01/final", "organizer")
    db = api.db()
    rows = {a: audit.list_audit(db, action=a) for a in ("objection.raise", "objection.answer", "publication.final")}
    db.close()
    assert [len(r) for r in rows.values()] == [1, 1, 1]
    assert rows["objection.raise"][0]["actor"].startswith("token ")
    assert rows["objection.answer"][0]["target"] == f"2026-01 objection {ident}: rejected"
    assert rows["publication.final"][0]["target"] == "2026-01 r2"


# -- final ---------------------------------------------------------------------------------

def test_final_by_hand_is_refused_while_an_objection_is_open_and_made_once(api):
    at("2026-02-11T09:00:00+08:00")
    ident = api.object().get_json()["id"]
    url = "/api/contests/nt/publications/2026-01/final"
    refused = assert_error_body(api.call("post", url, "organizer"), 409)
    assert f"#{ident}" in refused["message"]
    assert_error_body(api.call("post", url, "unit_a"), 403)
    api.answer(ident, "rejected")
    made = api.call("post", url, "organizer")
    assert made.status_code == 201
    body = made.get_json()
    assert (body["revision"], body["status"], body["notice_until"]) == (2, "final", None)
    assert body["note"] == "提前定稿（公示期原至 2026-02-13T09:00:00+08:00）"
    again = api.call("post", url, "organizer")
    assert again.status_code == 200 and again.get_json()["revision"] == 2
    assert_error_body(api.call("post", "/api/contests/nt/publications/2026-02/final", "organizer"), 409)
    assert_error_body(api.call("post", "/api/contests/nt/publications/2026-Q1/final", "organizer"), 409)
    assert_error_body(api.call("post", "/api/contests/nt/publications/nonsense/final", "organizer"), 400)


def test_the_final_revision_has_the_same_figures_and_verifies(nt, cli):
    at("2026-02-10T09:00:00+08:00")
    publishing.publish(nt, "nt", "2026-01", actor="t")
    at("2026-02-13T09:00:00+08:00")
    row, created = notice.finalize(nt, "nt", "2026-01", actor="t")
    assert created and row["note"] == "公示期满"
    first, final = (json.loads(publications.get(nt, "nt", "2026-01", n)["sheet"]) for n in (1, 2))
    envelope = ("revision", "published_at", "note", "status", "notice_until")
    assert {k: v for k, v in first.items() if k not in envelope} == {k: v for k, v in final.items() if k not in envelope}
    assert (final["status"], final["notice_until"], final["published_at"]) == ("final", None, "2026-02-13T09:00:00+08:00")
    assert all(publishing.verify(nt, "nt", "2026-01", n)["ok"] for n in (1, 2))


def test_arena_verify_passes_on_notice_and_final_revisions(tmp_path, cli):
    assert cli("contest", "load", _file(tmp_path, "rules.yaml", RULES))[0] == 0
    from notice_world import rows

    data = json.dumps(rows("2026-01"))
    assert cli("results", "import", _file(tmp_path, "jan.json", data), "--contest", "nt")[0] == 0
    at("2026-02-10T09:00:00+08:00")
    assert cli("publish", "nt", "2026-01")[0] == 0
    code, out, _ = cli("verify", "nt")
    assert code == 0 and "2026-01 revision 1: reproducible; current" in out
    at("2026-02-14T00:00:00+08:00")
    assert cli("scheduler", "--once", "--now", "2026-02-14T00:00:00+08:00")[0] == 0
    code, out, _ = cli("verify", "nt")
    assert code == 0, out
    assert "2026-01 revision 2: reproducible; current" in out


def _file(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- the scheduler -------------------------------------------------------------------------

def _pass(db, text: str) -> list[tuple[str, int, str]]:
    moment = at(text)
    return [(p["period"], p["revision"], p["status"]) for p in publishing.publish_due(db, moment)]


def test_the_scheduler_finalizes_once_when_the_deadline_has_passed(nt, tmp_path):
    from arena.store.db import connect

    assert _pass(nt, "2026-02-10T09:00:00+08:00") == [("2026-01", 1, "notice")]
    assert _pass(nt, "2026-02-13T08:59:00+08:00") == []
    other = connect(str(tmp_path / "arena.db"))  # a second scheduler, on its own connection
    try:
        assert _pass(nt, "2026-02-13T09:00:00+08:00") == [("2026-01", 2, "final")]
        assert _pass(other, "2026-02-13T09:00:00+08:00") == []
        assert _pass(nt, "2026-02-20T09:00:00+08:00") == []
    finally:
        other.close()
    final = publications.latest(nt, "nt", "2026-01")
    assert (final["revision"], final["note"], final["author"]) == (2, "公示期满", "scheduler")


def test_two_schedulers_at_once_make_one_final_revision(nt, tmp_path):
    import threading

    from arena.store.db import connect

    _pass(nt, "2026-02-10T09:00:00+08:00")
    moment = at("2026-02-14T09:00:00+08:00")
    made, errors = [], []

    def run():
        db = connect(str(tmp_path / "arena.db"))
        try:
            made.extend(publishing.publish_due(db, moment))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and [(p["period"], p["revision"]) for p in made] == [("2026-01", 2)]
    assert [p["revision"] for p in publications.list_all(nt, "nt")] == [1, 2]


def test_an_open_objection_delays_final_until_it_is_answered(nt):
    from arena.services import objections

    _pass(nt, "2026-02-10T09:00:00+08:00")
    at("2026-02-12T09:00:00+08:00")
    ident = objections.raise_objection(nt, "nt", unit="B", actor="unit B", period="2026-01", indicator=None,
                                       message="整行有误")["id"]
    assert _pass(nt, "2026-02-13T10:00:00+08:00") == []
    assert _pass(nt, "2026-02-15T10:00:00+08:00") == []
    at("2026-02-16T09:00:00+08:00")
    objections.answer(nt, "nt", ident, decision="rejected", reply="数据无误", actor="t")
    assert _pass(nt, "2026-02-16T09:05:00+08:00") == [("2026-01", 2, "final")]
    assert _pass(nt, "2026-02-16T09:10:00+08:00") == []


def test_an_upheld_answer_after_the_deadline_is_finalized_by_the_next_pass(nt):
    from arena.services import objections

    _pass(nt, "2026-02-10T09:00:00+08:00")
    at("2026-02-12T09:00:00+08:00")
    ident = objections.raise_objection(nt, "nt", unit="A", actor="unit A", period="2026-01", indicator="gdp",
                                       message="增速有误")["id"]
    at("2026-02-14T09:00:00+08:00")
    correct(nt, "A", "gdp", "2026-01", 7.5)
    objections.answer(nt, "nt", ident, decision="upheld", reply="已更正", actor="t")
    assert [(p["revision"], p["status"]) for p in publications.list_all(nt, "nt")] == [(1, "notice"), (2, "notice")]
    assert _pass(nt, "2026-02-14T09:01:00+08:00") == [("2026-01", 3, "final")]
    assert json.loads(publications.latest(nt, "nt", "2026-01")["sheet"])["groups"][0]["units"][0]["indicators"]["gdp"][
        "value"] == 7.5
    assert all(publishing.verify(nt, "nt", "2026-01", n)["ok"] for n in (1, 2, 3))


# -- a quarter waits -----------------------------------------------------------------------

def test_a_quarter_waits_for_its_months_to_be_final(nt, cli, monkeypatch):
    # down until Apr 15: Jan, Feb, Mar fall due and go under notice to Apr 18; Q1 (due Apr 15) waits
    assert _pass(nt, "2026-04-15T09:00:00+08:00") == [("2026-01", 1, "notice"), ("2026-02", 1, "notice"),
                                                        ("2026-03", 1, "notice")]
    refused = pytest.raises(Exception, publishing.publish, nt, "nt", "2026-Q1", actor="t")
    assert refused.value.status == 409 and "2026-03（公示至 2026-04-18T09:00:00+08:00）" in refused.value.message
    assert _pass(nt, "2026-04-16T09:00:00+08:00") == []
    notice.finalize(nt, "nt", "2026-01", actor="t")  # early, by hand: Feb and Mar still hold the quarter
    assert [w["month"] for w in notice.waiting_months(nt, _contest(nt), "2026-Q1")] == \
        ["2026-02", "2026-03"]
    assert _pass(nt, "2026-04-17T09:00:00+08:00") == []
    # the first pass after the deadline: Feb and Mar final, then the quarter, in that order
    assert _pass(nt, "2026-04-18T09:00:00+08:00") == [("2026-02", 2, "final"), ("2026-03", 2, "final"),
                                                        ("2026-Q1", 1, "final")]
    assert _pass(nt, "2026-04-18T09:05:00+08:00") == []
    assert publishing.verify(nt, "nt", "2026-Q1")["ok"]


def _contest(db):
    from arena import services

    return services.contest_rules(db, "nt")[0]


def test_publishing_a_quarter_by_hand_names_the_months_still_under_notice(api, tmp_path, monkeypatch, cli):
    at("2026-02-12T09:00:00+08:00")
    answer = api.call("post", "/api/contests/nt/publications", "organizer", json={"period": "2026-Q1"})
    error = assert_error_body(answer, 409)
    assert [d["month"] for d in error["details"]] == ["2026-01", "2026-02", "2026-03"]
    assert "2026-01（公示至 2026-02-13T09:00:00+08:00）" in error["message"] and "2026-02（尚未发布）" in error["message"]
    monkeypatch.setenv("ARENA_DATABASE", api.path)
    code, _, err = cli("publish", "nt", "2026-Q1")
    assert code != 0 and "2026-01（公示至 2026-02-13T09:00:00+08:00）" in err


def test_arena_finalize_makes_a_month_final_once_and_says_why_it_will_not(nt, cli):
    at("2026-02-10T09:00:00+08:00")
    publishing.publish(nt, "nt", "2026-01", actor="t")
    publishing.publish(nt, "nt", "2026-02", actor="t")
    code, out, _ = cli("finalize", "nt", "2026-01")
    assert code == 0
    assert out == "nt 2026-01 final as revision 2 (2026-02-10T09:00:00+08:00): 提前定稿（公示期原至 2026-02-13T09:00:00+08:00）\n"
    code, out, _ = cli("finalize", "nt", "2026-01")
    assert code == 0 and "unchanged: already final as revision 2" in out
    at("2026-02-14T08:00:00+08:00")
    code, out, _ = cli("finalize", "nt", "2026-02", "--note", "经核无异议")
    assert code == 0 and out.endswith("final as revision 2 (2026-02-14T08:00:00+08:00): 经核无异议\n")
    row = publications.get(nt, "nt", "2026-02")
    assert (row["status"], row["note"]) == ("final", "经核无异议") and row["author"].startswith("cli")
    code, _, err = cli("finalize", "nt", "2026-Q1")
    assert code == 1 and "只有月度成绩有公示期" in err
    code, _, err = cli("finalize", "nt", "2026-03")
    assert code == 1 and "尚未发布" in err
    assert publishing.verify(nt, "nt", "2026-01", 2)["ok"]
