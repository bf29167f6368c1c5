"""The demo's programme: a draft today (2026-12-03), published once the year is (2027-02-01)."""

from __future__ import annotations

import json


def test_the_demo_publishes_its_programme_after_the_year(cli):
    code, out, err = cli("demo", "--no-serve", "--now", "2027-02-01T00:00:00+08:00")
    assert code == 0, err
    assert "demo programme linyi-2026-all (全年列榜单): published" in out
    code, out, _ = cli("programme", "score", "linyi-2026-all", "--json")
    sheet = json.loads(out)
    assert [s["contest"] for s in sheet["sources"]] == ["linyi-2026", "linyi-zx-2026"]
    assert all(s["published"] for s in sheet["sources"]) and sheet["draft"] is False
    zone = {u["unit"]: u for u in sheet["groups"][1]["units"]}
    assert zone["371392"]["flags"] == ["missing"]  # 临港 is not in the special contest
    assert zone["371392"]["contests"]["linyi-zx-2026"]["missing"] is True
    assert cli("programme", "publish", "linyi-2026-all")[1].strip().endswith("revision 1 (unchanged)")


def test_the_demo_today_shows_a_draft(cli):
    code, out, err = cli("demo", "--no-serve", "--now", "2026-12-03T10:00:00+08:00")
    assert code == 0, err
    assert "a draft (草稿)" in out
    code, out, _ = cli("programme", "score", "linyi-2026-all")
    assert "（草稿，未发布）" in out.splitlines()[0]
