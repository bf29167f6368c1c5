"""Programmes on a real database: saving, the draft from what is published, publishing once
every contest's year is, corrections, staleness, the scheduler's pass and the CLI."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from arena import services
from arena.errors import Conflict, ValidationFailed
from arena.services import programmes, publishing
from helpers import SMALL_RULES, month_rows

PROGRAMME = """\
version: 1
programme: {id: small-all, name: 2026年度总榜, year: 2026}
contests:
  - {id: small, weight: 60}
  - {id: small-zx, weight: 40}
flag_points: 0.5
honours: {count: 1, name: 先进单位}
penalties: {count: 1, name: 通报批评}
"""


@pytest.fixture
def two(small):
    """The small contest and a special one (small-zx, B leads it), January to March reported."""
    services.save_rules(small, SMALL_RULES.replace("id: small", "id: small-zx").replace("小擂台", "小专项"), actor="test")
    rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m, gdp=(5.0, 7.0, 6.0))]
    services.import_results(small, "small-zx", json.dumps(rows).encode(), fmt="json", actor="test")
    programmes.save(small, PROGRAMME, actor="test")
    return small


def units(sheet):
    return {u["unit"]: u for g in sheet["groups"] for u in g["units"]}


def publish_year(db, cid):
    for period in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026"):
        publishing.publish(db, cid, period, actor="test")


def test_a_programme_naming_an_unknown_contest_is_refused(small):
    with pytest.raises(ValidationFailed) as caught:
        programmes.save(small, PROGRAMME, actor="test")
    assert caught.value.details == [{"path": "contests[1].id", "message": "no contest 'small-zx'"}]
    with pytest.raises(Conflict):
        programmes.save(small, PROGRAMME.replace("id: small-all", "id: small").replace(
            "  - {id: small, weight: 60}\n  - {id: small-zx, weight: 40}", "  - {id: small, weight: 100}"), actor="t")


def test_draft_reads_only_what_is_published(two):
    nothing = programmes.draft(two, "small-all")
    assert nothing["draft"] is True and {u["total"] for u in units(nothing).values()} == {0.0}
    publishing.publish(two, "small", "2026-01", actor="test")
    sheet = units(programmes.draft(two, "small-all"))
    january = units(services.draft(two, "small", "2026-01"))
    # the year so far is January alone: 60 * January's total / 100, nothing from small-zx
    assert sheet["A"]["total"] == round(0.6 * january["A"]["total"], 2)
    assert sheet["A"]["flags"] == ["missing"] and sheet["A"]["red_flags"] == 0  # Q1 is not published


def test_published_once_every_year_is_then_corrected_and_stale(two):
    publish_year(two, "small")
    with pytest.raises(Conflict, match="small-zx"):
        programmes.publish(two, "small-all", actor="test")
    publish_year(two, "small-zx")
    row, created = programmes.publish(two, "small-all", actor="test")
    assert created and row["revision"] == 1
    assert programmes.publish(two, "small-all", actor="test")[1] is False
    sheet = programmes.published(two, "small-all", "2026")
    assert sheet["draft"] is False and sheet["stale"] is None and sheet["revision"] == 1
    a, b = units(services.draft(two, "small", "2026")), units(services.draft(two, "small-zx", "2026"))
    got = units(sheet)
    for code in "ABC":  # 60 and 40 of the two year totals, plus 0.5 a red flag
        flags = a[code]["red_flags"] + b[code]["red_flags"]
        assert got[code]["total"] == round(0.6 * a[code]["total"] + 0.4 * b[code]["total"] + 0.5 * flags, 2)
    assert [u["unit"] for u in sheet["groups"][0]["units"] if u["honour"]] == [sheet["groups"][0]["units"][0]["unit"]]
    # small-zx's March corrected and its year republished: the programme is stale until republished
    services.import_results(two, "small-zx", json.dumps(month_rows("2026-03", gdp=(9.0, 1.0, 2.0))).encode(),
                            fmt="json", actor="test")
    publishing.publish(two, "small-zx", "2026-03", actor="test", note="更正")
    publishing.publish(two, "small-zx", "2026", actor="test", note="更正")
    stale = programmes.published(two, "small-all", "2026")["stale"]
    assert stale["causes"][0]["contest"] == "small-zx" and "重新发布（第 2 版）" in stale["message"]
    with pytest.raises(ValidationFailed, match="needs a note"):
        programmes.publish(two, "small-all", actor="test")
    row, created = programmes.publish(two, "small-all", actor="test", note="专项年度更正")
    assert created and row["revision"] == 2
    assert programmes.published(two, "small-all", "2026")["stale"] is None
    assert programmes.published(two, "small-all", "2026", revision=1)["revision"] == 1


def test_the_scheduler_publishes_the_programme_exactly_once(two):
    now = datetime(2026, 4, 20, tzinfo=timezone.utc)
    publish_year(two, "small")
    assert programmes.publish_due(two, now) == []  # small-zx's year is not published yet
    publish_year(two, "small-zx")
    done = programmes.publish_due(two, now)
    assert [(r["programme"], r["period"], r["revision"]) for r in done] == [("small-all", "2026", 1)]
    assert programmes.publish_due(two, now) == []


def test_cli_loads_and_reports_problems(cli, tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text(PROGRAMME.replace("weight: 40", "weight: 30"), encoding="utf-8")
    code, out, err = cli("programme", "load", str(bad))
    assert code != 0 and "contests" in err and "sum to 90" in err


def test_scheduler_passes_publish_the_programme_once_across_a_restart(two, tmp_path, driven_clock):
    from arena.services import scheduler
    from arena.store.db import connect
    from arena.store import programmes as stored

    driven_clock.tick(2_000_000_000 - driven_clock.moment)  # 2033: every period of 2026 is long due
    path = two.conn.execute("PRAGMA database_list").fetchone()[2]
    now = datetime(2027, 2, 1, tzinfo=timezone.utc)
    scheduler.one_pass(lambda: connect(path), now=now)
    rows = stored.list_all(two, "small-all")
    assert [(r["period"], r["revision"], r["author"]) for r in rows] == [("2026", 1, "scheduler")]
    scheduler.one_pass(lambda: connect(path), now=now)  # a second process, after a restart
    assert len(stored.list_all(two, "small-all")) == 1


def test_one_failing_programme_does_not_stop_the_others(two, monkeypatch, caplog):
    programmes.save(two, PROGRAMME.replace("small-all", "small-b").replace("总榜", "总榜乙"), actor="test")
    publish_year(two, "small")
    publish_year(two, "small-zx")
    real = programmes.publish

    def broken(db, pid, *args, **kw):
        if pid == "small-all":
            raise RuntimeError("a bug in one programme")
        return real(db, pid, *args, **kw)

    monkeypatch.setattr(programmes, "publish", broken)
    done = programmes.publish_due(two, datetime(2026, 4, 20, tzinfo=timezone.utc))
    assert [r["programme"] for r in done] == ["small-b"]
    assert "cannot publish programme small-all" in caplog.text
