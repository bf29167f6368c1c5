"""No publication is stamped later than the moment it was made: publish() refuses a `now`
ahead of the clock, and the demo publishes only what is due, naming what is waiting. The
clock is pinned with clock.pretend (what `--now` does), so nothing here depends on today."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from arena.support import clock

from arena.services import publishing
from arena.cli import main
from arena.errors import BadRequest
from arena.store import publications
from arena.store.db import connect

SHANGHAI = timezone(timedelta(hours=8))
CLOCK = datetime(2026, 4, 20, 9, 0, tzinfo=SHANGHAI)


def test_publish_refuses_a_moment_ahead_of_the_clock_and_changes_nothing(small):
    with clock.pretend(CLOCK):
        with pytest.raises(BadRequest, match=r"later than the clock reads \(2026-04-20T09:00:00\+08:00\)"):
            publishing.publish(small, "small", "2026-03", actor="t", now=CLOCK + timedelta(seconds=1))
        assert publications.list_all(small, "small") == []
        row, created = publishing.publish(small, "small", "2026-03", actor="t", now=CLOCK - timedelta(days=10))
        assert created and row["published_at"] == "2026-04-10T09:00:00+08:00"  # a past moment: as given
        row, _ = publishing.publish(small, "small", "2026-02", actor="t")
        assert row["published_at"] == "2026-04-20T09:00:00+08:00"  # no moment: the clock's


def test_pretend_needs_an_aware_moment_and_ends_with_its_block():
    with pytest.raises(ValueError):
        with clock.pretend(datetime(2026, 1, 1)):
            pass
    with clock.pretend(CLOCK):
        assert clock.now("UTC") == datetime(2026, 4, 20, 1, 0, tzinfo=timezone.utc)
    assert clock.now("UTC") != datetime(2026, 4, 20, 1, 0, tzinfo=timezone.utc)


def test_the_demo_publishes_what_is_due_and_names_what_waits(tmp_path, monkeypatch, capsys):
    # on 2026-12-02 12:00: January-October are due (October on 11-10), Q1-Q3 and H1 too:
    # 10 + 3 + 1 = 14, and June's four weeks (周调度): 18; November falls due 12-10, December
    # 2027-01-10, Q4, H2 and the year 01-15; the showcase (linyi-zs-2026) adds June, Q2 and H1: 21;
    # the special contest (linyi-zx-2026) its own January-October, Q1-Q3 and H1: 35
    db_path = tmp_path / "arena.db"
    monkeypatch.setenv("ARENA_DATABASE", str(db_path))
    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path))
    assert main(["demo", "--no-serve", "--now", "2026-12-02T12:00:00+08:00"]) == 0
    out = capsys.readouterr().out
    assert "published 35 periods" in out
    assert "not yet due: 2026-11 (due 2026-12-10 09:00)" in out
    assert "not yet due: 2026-12 (due 2027-01-10 09:00)" in out
    assert "not yet due: 2026-Q4, 2026-H2, 2026 (due 2027-01-15 09:00)" in out
    rows = publications.list_all(connect(str(db_path)), "linyi-2026")
    assert len(rows) == 18 and max(r["published_at"] for r in rows) == "2026-11-10T09:00:00+08:00"
    # the scheduler, as if on 2026-12-10 09:00, publishes November at that moment
    assert main(["scheduler", "--once", "--now", "2026-12-10T09:00:00+08:00"]) == 0
    assert capsys.readouterr().out == ("published linyi-2026 2026-11 revision 1\n"
                                       "published linyi-zx-2026 2026-11 revision 1\n")
    november = publications.latest(connect(str(db_path)), "linyi-2026", "2026-11")
    assert november["published_at"] == "2026-12-10T09:00:00+08:00"
