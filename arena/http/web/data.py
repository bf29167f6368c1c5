"""What the public pages show, read from publications only: never a draft.

Every function here takes the store's connection and returns plain data for a template; the
live pages and the static export both call them, so both show exactly the same thing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from arena import services
from arena.engine.periods import Period, PeriodError, parse_period
from arena.engine.rules.model import Contest
from arena.errors import NotFound
from arena.render import words
from arena.services.publishing import frozen_sheet
from arena.store import contests, juries, publications, results


@dataclass(frozen=True)
class Published:
    """The newest revision of one published period: its row, sheet and the rules it used."""

    row: dict[str, Any]
    sheet: dict[str, Any]
    contest: Contest

    @property
    def period(self) -> str:
        return self.row["period"]


def contest_row(db, cid: str) -> dict[str, Any]:
    return contests.get_contest(db, cid)


def newest_revisions(db, cid: str) -> dict[str, dict[str, Any]]:
    """period -> its newest publication row (no sheet), in reading order."""
    return {row["period"]: row for row in publications.newest(db, cid)}


def revisions(db, cid: str, period: str) -> list[dict[str, Any]]:
    return [r for r in publications.list_all(db, cid) if r["period"] == period]


def published(db, cid: str, period: str, revision: int | None = None) -> Published:
    """A published period (its newest revision unless named); NotFound for anything else."""
    contest_row(db, cid)
    try:
        canonical = str(parse_period(period))
    except PeriodError:
        raise NotFound(f"{period!r} is not a period of contest {cid!r}") from None
    if canonical != period:
        raise NotFound(f"{period!r} is not a period of contest {cid!r}")
    row = publications.get(db, cid, period, revision)
    contest, _ = services.contest_rules(db, cid, row["rules_version"])
    return Published(row, frozen_sheet(row), contest)


def notices(db, cid: str) -> dict[str, str]:
    """period -> 公示截止 <local time>, for each published period whose newest revision is under
    notice, the time read in the zone of the rules it was published under."""
    found = {}
    for period, row in newest_revisions(db, cid).items():
        if row["status"] == "notice":
            contest, _ = services.contest_rules(db, cid, row["rules_version"])
            found[period] = words.notice_line({"status": "notice", "notice_until": row["notice_until"]},
                                              contest.timezone)
    return found


def latest_month(db, cid: str) -> str | None:
    months = [p for p in newest_revisions(db, cid) if parse_period(p).kind == "month"]
    return months[-1] if months else None


def latest_week(db, cid: str) -> str | None:
    """The latest published week of the dispatch (周调度), if any."""
    weeks = [p for p, row in newest_revisions(db, cid).items() if row["kind"] == "week"]
    return max(weeks) if weeks else None


def quarter_for(db, cid: str, month: str) -> Published | None:
    """The red flags to show beside a month: its quarter's, else the last published before it."""
    quarter = str(Period(int(month[:4]), "quarter", (int(month[5:7]) - 1) // 3 + 1))
    done = [p for p in newest_revisions(db, cid) if parse_period(p).kind == "quarter" and p <= quarter]
    return published(db, cid, done[-1]) if done else None


def flag_table(sheet: dict[str, Any]) -> list[dict[str, Any]]:
    """Each group's red and yellow flag holders of a quarter sheet."""
    return [{"name": g["name"],
             "red": [u for u in g["units"] if "red_flag" in u["flags"]],
             "yellow": [u for u in g["units"] if "yellow_flag" in u["flags"]]} for g in sheet["groups"]]


def contest_list(db) -> list[dict[str, Any]]:
    """Every contest with its latest publication (None before the first), latest month and the
    periods under notice (notices)."""
    out = []
    for c in services.list_contests(db):
        rows = publications.list_all(db, c["id"])
        out.append({"id": c["id"], "name": c["name"], "season": f"{c['season_start']} 至 {c['season_end']}",
                    "latest": rows[-1] if rows else None, "latest_month": latest_month(db, c["id"]),
                    "notices": notices(db, c["id"])})
    return out


_STANDINGS: dict[str, dict[str, dict[str, Any]]] = {}  # sheet sha256 -> unit summaries
_KEEP = 64


def _standings(sheet_sha256: str, load_text) -> dict[str, dict[str, Any]]:
    """unit -> its row summary in one frozen sheet, kept per sheet hash (sheets never change),
    so the sheet's text is read and parsed once per process."""
    found = _STANDINGS.get(sheet_sha256)
    if found is not None:
        return found
    found = {}
    for g in json.loads(load_text())["groups"]:
        for u in g["units"]:
            found[u["unit"]] = {"name": u["name"], "group": g["name"], "size": len(g["units"]),
                                "rank": u["rank"], "total": u["total"], "change": u.get("change"),
                                "flags": u.get("flags", []), "board": u.get("board"),
                                "red_flags": u.get("red_flags"), "cards": u.get("cards")}
    if len(_STANDINGS) >= _KEEP:
        _STANDINGS.pop(next(iter(_STANDINGS)))
    _STANDINGS[sheet_sha256] = found
    return found


def _rows_of(db, cid: str) -> list[tuple[str, dict[str, dict[str, Any]]]]:
    """(period, standings) of every published period's newest revision, in reading order; weeks
    (周调度) rank no one and are left out."""
    # the sheet by the revision whose hash keys the cache, not "the newest", which may have moved
    return [(period, _standings(row["sheet_sha256"],
                                lambda p=period, r=row["revision"]: publications.get(db, cid, p, r)["sheet"]))
            for period, row in newest_revisions(db, cid).items() if row["kind"] != "week"]


def unit_history(db, cid: str, code: str) -> dict[str, Any]:
    """One unit's published months and quarters; NotFound if no published sheet holds it."""
    contest_row(db, cid)
    months, longer = [], []
    noticed = notices(db, cid)
    for period, standings in _rows_of(db, cid):
        if code in standings:
            entry = {"period": period, **standings[code], "notice": noticed.get(period)}
            (months if parse_period(period).kind == "month" else longer).append(entry)
    if not months and not longer:
        raise NotFound(f"unit {code!r} has no published result in contest {cid!r}")
    last = (months or longer)[-1]
    quarters = [q for q in longer if parse_period(q["period"]).kind == "quarter"]
    return {"code": code, "name": last["name"], "group": last["group"], "months": months, "longer": longer,
            "red_flags": sum("red_flag" in q["flags"] for q in quarters),
            "yellow_flags": sum("yellow_flag" in q["flags"] for q in quarters)}


def history_rules(db, cid: str, history: dict[str, Any]) -> Contest:
    """The rules of the newest publication in a unit's history, not the rules in force: a saved,
    unpublished version (a new name, another precision) must not change what published pages say."""
    last = (history["months"] or history["longer"])[-1]["period"]
    return published(db, cid, last).contest


def year_flags(db, cid: str) -> dict[str, Any]:
    """Each published quarter's flags, and every unit's red and yellow flag count for the year."""
    contest_row(db, cid)
    quarters, counts = [], {}
    for period, standings in _rows_of(db, cid):
        if parse_period(period).kind != "quarter":
            continue
        quarters.append({"period": period, "groups": flag_table(published(db, cid, period).sheet)})
        for code, s in standings.items():
            c = counts.setdefault(code, {"unit": code, "name": s["name"], "group": s["group"], "red": 0, "yellow": 0})
            c["red"] += "red_flag" in s["flags"]
            c["yellow"] += "yellow_flag" in s["flags"]
    table = sorted(counts.values(), key=lambda c: (-c["red"], c["yellow"], c["unit"]))
    return {"quarters": quarters, "counts": table}


def version(db, cid: str) -> str:
    """Changes whenever anything of the contest is published: the big screen polls it."""
    digest = hashlib.sha256()
    for row in publications.list_all(db, cid):
        digest.update(f"{row['period']}/{row['revision']}/{row['sheet_sha256']}\n".encode())
    return digest.hexdigest()[:16]


def unit_stamp(db, cid: str, code: str) -> str:
    """Names a unit's chart: it changes with every publication of the contest."""
    return hashlib.sha256(f"{cid}\0{code}\0{version(db, cid)}".encode()).hexdigest()


def screen_slides(sheet: dict[str, Any], per_slide: int = 15) -> list[dict[str, Any]]:
    """The big screen's pages: each group in order, long groups split into parts."""
    slides = []
    for g in sheet["groups"]:
        units = g["units"]
        parts = max(1, -(-len(units) // per_slide))
        size = -(-len(units) // parts) if units else 0
        for k in range(parts):
            title = g["name"] + (f"（{k + 1}/{parts}）" if parts > 1 else "")
            slides.append({"title": title, "size": len(units), "units": units[k * size:(k + 1) * size]})
    return slides


def page_texts(db) -> str:
    """What the contests put on the pages, for the web font's glyphs: the names in their rules
    in force and the notes of their publications (render.webfont)."""
    parts = []
    for listed in services.list_contests(db):
        try:
            c, _ = services.contest_rules(db, listed["id"])
        except Exception:  # noqa: BLE001  (rules that cannot be read: the pages cannot show them either)
            continue
        parts += [c.name, *c.groups.values(), *c.departments.values(), *(u.name for u in c.units),
                  *(f"{i.name}{i.unit}" for i in c.indicators), *(a.name for a in c.adjustments)]
        parts += [r["note"] or "" for r in publications.list_all(db, c.id)]
        parts += [t["name"] for j in juries.listed(db, c.id, status="closed") for r in j["tally"]["units"]
                  for t in r["totals"]]  # the judges' names on a jury's reveal
    return "".join(parts)


def veto_reasons(db, pub: Published) -> dict[str, str]:
    """unit -> the items that vetoed it (一票否决), from the results the publication was computed
    from (its data batch): the sheet says that a unit was vetoed, not by what."""
    vetoed = [u["unit"] for g in pub.sheet["groups"] for u in g["units"] if "vetoed" in u["flags"]]
    items = [a for a in pub.contest.adjustments if a.veto]
    if not vetoed or not items:
        return {}
    months = [m for m in parse_period(pub.period).months if m in pub.contest.months]
    rows = results.load_results_as_of(db, pub.contest.id, months, pub.row["data_batch"])
    several = len(months) > 1
    found: dict[str, list[str]] = {}
    for month in months:
        for code in vetoed:
            values = rows.get(month, {}).get(code, {})
            for item in items:
                if values.get(item.id, 0) > 0:
                    found.setdefault(code, []).append(f"{words.period_label(month)}{item.name}" if several else item.name)
    return {code: "、".join(names) for code, names in found.items()}
