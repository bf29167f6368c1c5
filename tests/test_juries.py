"""A jury's life through the service (arena.services.juries): open, score as it goes, submit,
reopen with a reason, close into result rows; and who may see what when. Real SQLite in
tmp_path; the tallies are computed by hand in tests/jury_world.py."""

from __future__ import annotations

import pytest

from arena import services
from arena.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from arena.services import juries
from arena.services.juries import Viewer
from arena.store import audit, results
from builders import unit_row
from jury_world import JUDGES, SCORES, SHOWCASE, UNITS, X, make_judges, scores_of

ORG = "user boss (组织方)"


@pytest.fixture
def zs(db):
    services.save_rules(db, SHOWCASE, actor="setup")
    make_judges(db)
    return db


def opened(db, **kw):
    args = dict(indicator="xczs", period="2026-03", judges=list(JUDGES), order_seed=42, actor=ORG)
    args.update(kw)
    return juries.open_jury(db, "zs", **args)


def score_all(db, jid, judges=JUDGES, submit=True):
    for judge in judges:
        for unit in UNITS:
            juries.save_sheet(db, "zs", jid, unit, scores_of(judge, unit), judge=judge, actor=judge)
        if submit:
            juries.submit(db, "zs", jid, judge=judge, actor=judge)


def test_the_order_is_drawn_from_the_recorded_seed_and_drawn_again_the_same(zs, tmp_path):
    from arena.engine.jury import draw_order

    jury = opened(zs)
    assert jury["order_seed"] == 42 and sorted(jury["presentation"]) == sorted(UNITS)
    assert jury["presentation"] == draw_order(UNITS, 42)
    other = opened(zs, period="2026-04", order_seed=None)  # no seed given: one is drawn and kept
    assert isinstance(other["order_seed"], int)
    assert other["presentation"] == draw_order(UNITS, other["order_seed"])
    row = audit.list_audit(zs, action="jury.open", limit=1)[0]
    assert row["detail"]["order_seed"] == other["order_seed"] and row["detail"]["order"] == other["presentation"]


def test_a_whole_jury_closes_into_result_rows_with_the_trimmed_mean(zs):
    jid = opened(zs)["id"]
    score_all(zs, jid)
    closed = juries.close(zs, "zs", jid, actor=ORG)
    assert closed["status"] == "closed"
    stored = results.load_results(zs, "zs")["2026-03"]
    assert {u: stored[u]["xczs"] for u in UNITS} == X
    tally = {r["unit"]: r for r in closed["tally"]["units"]}
    assert [r["unit"] for r in closed["tally"]["units"]] == [o["unit"] for o in closed["order"]]
    t = {d["judge"]: (d["total"], d["dropped"]) for d in tally["371302"]["totals"]}
    assert t == {"judge1": (80, None), "judge2": (90, "high"), "judge3": (70, "low")}
    t = {d["judge"]: (d["total"], d["dropped"]) for d in tally["371312"]["totals"]}
    assert t == {"judge1": (90, "high"), "judge2": (80, "low"), "judge3": (80, None)}  # the tie: by judge
    assert tally["371371"]["points"] == 40.0  # 100 * 40 / (40 + 60)
    county = closed["tally"]["ranking"][0]
    assert [(u["unit"], u["rank"]) for u in county["units"]] == [("371302", 1), ("371312", 1), ("371311", 3)]
    # the value scores like any other: the month's draft has the jury's points
    sheet = services.draft(zs, "zs", "2026-03")
    assert unit_row(sheet, "371311")["indicators"]["xczs"]["points"] == 70.0
    assert audit.list_audit(zs, action="jury.close", limit=1)[0]["detail"]["x"] == X
    assert audit.list_audit(zs, action="results.import", limit=1)[0]["actor"] == ORG


def test_close_waits_for_every_judge_and_changes_nothing(zs):
    jid = opened(zs)["id"]
    score_all(zs, jid, judges=JUDGES[:2])
    score_all(zs, jid, judges=JUDGES[2:], submit=False)
    with pytest.raises(Conflict, match="judge3"):
        juries.close(zs, "zs", jid, actor=ORG)
    assert results.load_results(zs, "zs") == {}
    assert juries.view(zs, "zs", jid, Viewer("organizer"))["status"] == "open"


def test_scores_outside_0_to_max_are_refused_and_nothing_is_saved(zs):
    jid = opened(zs)["id"]
    with pytest.raises(ValidationFailed) as caught:
        juries.save_sheet(zs, "zs", jid, "371302", {"cx": 41, "sx": 10}, judge="judge1", actor="judge1")
    assert caught.value.details[0]["field"] == "scores.cx"
    for bad in ({"sx": -0.5}, {"zz": 1}, {"cx": "30"}, {}, None):
        with pytest.raises(ValidationFailed):
            juries.save_sheet(zs, "zs", jid, "371302", bad, judge="judge1", actor="judge1")
    assert juries.view(zs, "zs", jid, Viewer("judge", "judge1"))["mine"]["sheets"] == {}


def test_a_sheet_is_saved_as_it_goes_and_submit_needs_every_score(zs):
    jid = opened(zs)["id"]
    juries.save_sheet(zs, "zs", jid, "371302", {"cx": 30}, judge="judge1", actor="judge1")
    juries.save_sheet(zs, "zs", jid, "371302", {"sx": 50.5}, judge="judge1", actor="judge1")
    juries.save_sheet(zs, "zs", jid, "371302", {"cx": 31}, judge="judge1", actor="judge1")  # changed
    mine = juries.view(zs, "zs", jid, Viewer("judge", "judge1"))["mine"]
    assert mine == {"judge": "judge1", "submitted": False, "sheets": {"371302": {"cx": 31.0, "sx": 50.5}}}
    with pytest.raises(ValidationFailed) as caught:
        juries.submit(zs, "zs", jid, judge="judge1", actor="judge1")
    assert len(caught.value.details) == 6  # 3 units x 2 criteria not yet scored
    assert juries.view(zs, "zs", jid, Viewer("judge", "judge1"))["mine"]["submitted"] is False


def test_submit_locks_the_sheets_a_second_submit_is_refused_and_reopen_needs_a_reason(zs):
    jid = opened(zs)["id"]
    score_all(zs, jid, judges=JUDGES[:1])
    with pytest.raises(Conflict):
        juries.save_sheet(zs, "zs", jid, "371302", {"cx": 1}, judge="judge1", actor="judge1")
    with pytest.raises(Conflict):
        juries.submit(zs, "zs", jid, judge="judge1", actor="judge1")
    for reason in (None, "", "   "):
        with pytest.raises(ValidationFailed, match="原因"):
            juries.reopen(zs, "zs", jid, judge="judge1", reason=reason, actor=ORG)
    with pytest.raises(Conflict):  # judge2 has not submitted: nothing to reopen
        juries.reopen(zs, "zs", jid, judge="judge2", reason="误操作", actor=ORG)
    juries.reopen(zs, "zs", jid, judge="judge1", reason="评委甲误把实效性打反", actor=ORG)
    row = audit.list_audit(zs, action="jury.reopen", limit=1)[0]
    assert row["actor"] == ORG and row["detail"]["reason"] == "评委甲误把实效性打反"
    assert row["detail"]["judge"] == "judge1"
    juries.save_sheet(zs, "zs", jid, "371302", {"cx": 1}, judge="judge1", actor="judge1")  # open again
    assert juries.view(zs, "zs", jid, Viewer("judge", "judge1"))["mine"]["sheets"]["371302"]["cx"] == 1.0


def test_scoring_after_close_and_a_second_close_are_refused(zs):
    jid = opened(zs)["id"]
    score_all(zs, jid)
    juries.close(zs, "zs", jid, actor=ORG)
    before = results.load_results(zs, "zs")
    with pytest.raises(Conflict):
        juries.save_sheet(zs, "zs", jid, "371302", {"cx": 1}, judge="judge1", actor="judge1")
    with pytest.raises(Conflict):
        juries.close(zs, "zs", jid, actor=ORG)
    with pytest.raises(Conflict):
        juries.reopen(zs, "zs", jid, judge="judge1", reason="晚了", actor=ORG)
    assert results.load_results(zs, "zs") == before


def test_a_judge_not_of_this_jury_may_not_score(zs):
    from arena.services import accounts

    accounts.create_user(zs, username="judge9", role="judge", name="评委九", actor="setup")
    jid = opened(zs)["id"]
    with pytest.raises(Forbidden):
        juries.save_sheet(zs, "zs", jid, "371302", {"cx": 1}, judge="judge9", actor="judge9")
    with pytest.raises(Forbidden):
        juries.submit(zs, "zs", jid, judge="judge9", actor="judge9")
    with pytest.raises(NotFound):
        juries.save_sheet(zs, "zs", jid, "999999", {"cx": 1}, judge="judge1", actor="judge1")


@pytest.mark.parametrize("change, field", [
    ({"indicator": "gdp"}, "indicator"),
    ({"indicator": "nope"}, "indicator"),
    ({"period": "2026-Q1"}, "period"),
    ({"period": "2027-01"}, "period"),
    ({"judges": []}, "judges"),
    ({"judges": ["judge1", "judge2"]}, "judges"),  # trim 1 needs more than 2
    ({"judges": ["judge1", "judge2", "judge1"]}, "judges[2]"),
    ({"judges": ["judge1", "judge2", "nobody"]}, "judges[2]"),
    ({"order_seed": -1}, "order_seed"),
    ({"order_seed": "7"}, "order_seed"),
])
def test_a_bad_opening_is_refused_naming_the_field(zs, change, field):
    with pytest.raises(ValidationFailed) as caught:
        opened(zs, **change)
    assert field in [d["field"] for d in caught.value.details]
    assert juries.list_juries(zs, "zs", Viewer("organizer")) == []


def test_a_unit_account_or_organizer_cannot_judge_and_one_jury_per_month(zs):
    from arena.services import accounts

    accounts.create_user(zs, username="boss", role="organizer", name="组织方", actor="setup")
    with pytest.raises(ValidationFailed, match="不是评委"):
        opened(zs, judges=["judge1", "judge2", "boss"])
    opened(zs)
    with pytest.raises(Conflict):
        opened(zs)


def test_who_sees_what_before_the_close(zs):
    jid = opened(zs)["id"]
    score_all(zs, jid, judges=JUDGES[:1])
    juries.save_sheet(zs, "zs", jid, "371302", scores_of("judge2", "371302"), judge="judge2", actor="judge2")
    seen = juries.view(zs, "zs", jid, Viewer("judge", "judge2"))
    assert set(seen["mine"]["sheets"]) == {"371302"}  # its own sheet only
    assert "tally" not in seen and str(SCORES["judge1"]["371311"][0] * 1.0) not in str(seen["mine"])
    organizer = juries.view(zs, "zs", jid, Viewer("organizer"))
    assert "mine" not in organizer and "tally" not in organizer  # progress, never scores
    assert [(j["username"], j["submitted"], j["scored"]) for j in organizer["judges"]] == [
        ("judge1", True, 8), ("judge2", False, 2), ("judge3", False, 0)]
    with pytest.raises(Unauthorized):
        juries.view(zs, "zs", jid, Viewer("anonymous"))
    with pytest.raises(Forbidden):
        juries.view(zs, "zs", jid, Viewer("unit"))
    with pytest.raises(Forbidden):
        juries.view(zs, "zs", jid, Viewer("judge", "judge9"))
    assert juries.list_juries(zs, "zs", Viewer("anonymous")) == []


def test_after_the_close_the_tally_is_public_with_the_dropped_totals(zs):
    jid = opened(zs)["id"]
    score_all(zs, jid)
    juries.close(zs, "zs", jid, actor=ORG)
    for viewer in (Viewer("anonymous"), Viewer("unit"), Viewer("judge", "judge1")):
        seen = juries.view(zs, "zs", jid, viewer)
        assert seen["status"] == "closed" and "mine" not in seen
        first = {r["unit"]: r for r in seen["tally"]["units"]}["371311"]
        # 371311: judge1 60 (low), judge2 70, judge3 80 (high) -> x 70
        assert [(d["judge"], d["total"], d["dropped"]) for d in first["totals"]] == [
            ("judge1", 60, "low"), ("judge2", 70, None), ("judge3", 80, "high")]
        assert first["x"] == 70.0
    assert [j["id"] for j in juries.list_juries(zs, "zs", Viewer("anonymous"))] == [jid]
