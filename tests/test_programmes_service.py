"""Programmes stored, published once every year they span is out, corrected with a note, stale
after a contest's year is republished, and through the CLI."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from arena import services
from arena.errors import Conflict, NotFound, ValidationFailed
from arena.services import programmes, publishing
from arena.store import programmes as store
from helpers import SMALL_RULES, month_rows

NOW = datetime(2026, 4, 20, 1, 0, tzinfo=timezone.utc)
PROGRAMME = """version: 1
programme: {id: small-all, name: 2026年度总榜, year: 2026}
contests:
  - {id: small, weight: 60}
  - {id: small-zx, weight: 40}
flag_points: 1
honours: {count: 1, name: 先进单位}
penalties: {count: 1, name: 通报批评}
"""


@pytest.fixture
def two(small):
    """small (甲 1st, 乙 2nd, 丙 3rd each month) and small-zx, where 丙 leads and 甲 is not a unit."""
    zx = SMALL_RULES.replace("id: small", "id: small-zx").replace("小擂台", "小专项擂台")
    services.save_rules(small, zx.replace('  - {code: "A", name: 甲县, group: county}\n', ""), actor="t")
    rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m, gdp=(0, 6.0, 7.0), inv=(0, 10.0, 12.0))
            if r["unit"] != "A"]
    services.import_results(small, "small-zx", json.dumps(rows).encode(), fmt="json", actor="t")
    programmes.save(small, PROGRAMME, actor="t")
    return small


def publish_years(db, *contests):
    for cid in contests:
        for period in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026-H1", "2026"):
            publishing.publish(db, cid, period, actor="t", now=NOW)


def test_the_draft_waits_for_each_year_and_publish_refuses_until_all_are_out(two):
    assert programmes.draft(two, "small-all")["waiting"] == ["small", "small-zx"]
    publish_years(two, "small")
    draft = programmes.draft(two, "small-all")
    assert draft["status"] == "draft" and draft["waiting"] == ["small-zx"]
    with pytest.raises(Conflict, match="small-zx"):
        programmes.publish(two, "small-all", actor="t", now=NOW)
    assert store.latest(two, "small-all", "2026") is None
    assert programmes.publish_due(two, now=NOW) == []


def test_published_once_with_the_hand_computed_list(two):
    publish_years(two, "small", "small-zx")
    year = {cid: {u["unit"]: u for g in publishing.frozen_sheet(publishing_row(two, cid))["groups"] for u in g["units"]}
            for cid in ("small", "small-zx")}
    done = programmes.publish_due(two, now=NOW)
    assert [(r["programme"], r["period"], r["revision"]) for r in done] == [("small-all", "2026", 1)]
    assert programmes.publish_due(two, now=NOW) == []  # exactly once
    sheet = json.loads(store.revision(two, "small-all", "2026")["sheet"])
    rows = {u["unit"]: u for g in sheet["groups"] for u in g["units"]}
    for code in "BC":  # .6 * small's year total + .4 * small-zx's + 1 per red flag won in either
        flags = year["small"][code]["red_flags"] + year["small-zx"][code]["red_flags"]
        expected = round(0.6 * year["small"][code]["total"] + 0.4 * year["small-zx"][code]["total"] + flags, 2)
        assert rows[code]["total"] == pytest.approx(expected, abs=0.006)
    assert rows["A"]["flags"] == ["missing"] and rows["A"]["contests"]["small-zx"] is None
    assert [u["unit"] for g in sheet["groups"] for u in g["units"] if u["honour"]] == [min(rows, key=lambda c: rows[c]["rank"])]
    assert sheet["revision"] == 1 and sheet["inputs"] == {"small": 1, "small-zx": 1}


def publishing_row(db, cid):
    from arena.store import publications

    return publications.latest(db, cid, "2026")


def test_a_republished_year_makes_the_list_stale_and_a_correction_needs_a_note(two):
    publish_years(two, "small", "small-zx")
    programmes.publish(two, "small-all", actor="t", now=NOW)
    changed = [{"unit": "B", "key": "gdp", "period": "2026-03", "value": 99.0}]
    services.import_results(two, "small-zx", json.dumps(changed).encode(), fmt="json", actor="t")
    publishing.publish(two, "small-zx", "2026-03", actor="t", note="更正", now=NOW)
    publishing.publish(two, "small-zx", "2026-Q1", actor="t", note="更正", now=NOW)
    publishing.publish(two, "small-zx", "2026-H1", actor="t", note="更正", now=NOW)
    publishing.publish(two, "small-zx", "2026", actor="t", note="更正", now=NOW)
    row = store.latest(two, "small-all", "2026")
    assert "small-zx 的年度成绩已更正为第2版" in programmes.stale_now(two, "small-all", row)
    with pytest.raises(ValidationFailed, match="needs a note"):
        programmes.publish(two, "small-all", actor="t", now=NOW)
    fixed, created = programmes.publish(two, "small-all", actor="t", note="专项擂台赛年度成绩更正", now=NOW)
    assert created and fixed["revision"] == 2
    assert programmes.stale_now(two, "small-all", store.latest(two, "small-all", "2026")) is None
    assert json.loads(store.revision(two, "small-all", "2026", 1)["sheet"])["revision"] == 1  # kept as it was


def test_a_bad_programme_changes_nothing(two):
    with pytest.raises(ValidationFailed, match="do not exist"):
        programmes.save(two, PROGRAMME.replace("small-zx", "nowhere"), actor="t")
    with pytest.raises(Conflict, match="contest's id"):
        programmes.save(two, PROGRAMME.replace("id: small-all", "id: small"), actor="t")
    assert [p["id"] for p in store.list_all(two)] == ["small-all"]
    with pytest.raises(NotFound):
        programmes.load(two, "nowhere")


def test_the_cli_loads_shows_and_publishes(cli, tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(SMALL_RULES, encoding="utf-8")
    assert cli("contest", "load", path)[0] == 0
    zx = tmp_path / "zx.yaml"
    zx.write_text(SMALL_RULES.replace("id: small", "id: small-zx"), encoding="utf-8")
    assert cli("contest", "load", zx)[0] == 0
    prog = tmp_path / "all.yaml"
    prog.write_text(PROGRAMME, encoding="utf-8")
    code, out, _ = cli("programme", "load", prog)
    assert code == 0 and "programme small-all (2026年度总榜) saved, year 2026" in out
    code, out, _ = cli("programme", "show", "small-all")
    assert code == 0 and "草稿（未发布）; waiting for small, small-zx" in out
    code, _, err = cli("programme", "publish", "small-all")
    assert code != 0 and "waits for the year sheets" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(PROGRAMME.replace("weight: 40", "weight: 30"), encoding="utf-8")
    code, _, err = cli("programme", "load", bad)
    assert code != 0 and "sum to 90" in err
