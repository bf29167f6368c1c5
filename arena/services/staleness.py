"""Stale publications: frozen sheets whose inputs changed after they were frozen.

Publications never change, so staleness is derived when read, never stored. The newest
revision of a period is stale when a month its sheet reads (``sheet_months``: its own months
and those its change, warnings and flags look back on)
- was corrected after it: a later revision of that month made from newer data or other rules, or
- had results stored after its data batch (an import not yet published).
An older revision is superseded by the newer one, which is what is judged: it is never stale.

A whole contest costs a few small queries (its publications, the batch times, the newest batch
of each month, kept per import) and no scoring.
"""

from __future__ import annotations

from typing import Any

from arena import services
from arena.engine.periods import parse_period
from arena.engine.sheet import sheet_months
from arena.store import publications, results

Key = tuple[str, int]  # (period, revision)


def stale_map(db, contest_id: str) -> dict[Key, dict[str, Any] | None]:
    """(period, revision) -> why it is stale, or None, for every publication of the contest."""
    made = publications.made_order(db, contest_id)
    if not made:
        return {}
    newest: dict[str, dict] = {}
    for row in made:
        newest[row["period"]] = row  # made in order: the last one seen is the newest
    scored = results.scored_months(db, contest_id)
    models: dict[int, Any] = {}  # usually one rules version for all: one lookup
    reads: dict[str, tuple[str, ...]] = {}
    for period, row in newest.items():
        version = row["rules_version"]
        if version not in models:
            models[version] = services.contest_rules(db, contest_id, version)[0]
        reads[period] = sheet_months(models[version], period, scored)
    last = _last_batches(db, contest_id)
    times = results.batch_times(db, contest_id, min(r["data_batch"] for r in newest.values()))
    corrections = [r for r in made if r["kind"] == "month" and r["revision"] > 1]
    out: dict[Key, dict[str, Any] | None] = {(r["period"], r["revision"]): None for r in made}
    for period, row in newest.items():
        causes = []
        for month in reads[period]:
            later = [c for c in corrections if c["period"] == month and c["seq"] > row["seq"]
                     and (c["data_batch"] > row["data_batch"] or c["rules_sha256"] != row["rules_sha256"])]
            if later:
                c = later[-1]
                causes.append({"month": month, "cause": "corrected", "revision": c["revision"], "at": c["published_at"]})
            elif last.get(month, 0) > row["data_batch"]:
                causes.append({"month": month, "cause": "results", "revision": None, "at": times.get(last[month])})
        if causes:
            out[(period, row["revision"])] = _described(causes)
    return out


_LAST: dict[tuple, dict[str, int]] = {}  # (database file, contest, newest batch and its time) -> ...
_LAST_KEPT = 32


def _last_batches(db, contest_id: str) -> dict[str, int]:
    """month -> the newest batch that stored a value of it, every month. It changes only with a
    new batch, so it is kept per newest batch: the scan it needs (a second for a national
    contest's million rows) runs once per import and process, not once per page."""
    newest = db.conn.execute("SELECT batch, stored_at FROM result_batches WHERE contest = ?"
                             " ORDER BY batch DESC LIMIT 1", (contest_id,)).fetchone()
    file = db.conn.execute("PRAGMA database_list").fetchone()[2]
    key = (file, contest_id, *(newest or (0, "")))
    found = _LAST.get(key) if file else None
    if found is None:
        found = results.last_batches(db, contest_id, results.scored_months(db, contest_id))
        if file:
            if len(_LAST) >= _LAST_KEPT:
                _LAST.pop(next(iter(_LAST)))
            _LAST[key] = found
    return found


def period_label(month: str) -> str:
    """2026-03 -> 2026年3月, 2026-W14 -> 2026年第14周 (as render.words says it; a service does
    not import the renderers)."""
    if month[5:6] == "W":
        return f"{month[:4]}年第{int(month[6:])}周"
    return f"{month[:4]}年{int(month[5:7])}月"


def _day(iso: str | None) -> str:
    return (iso or "")[:10] or "unknown date"


def _described(causes: list[dict[str, Any]]) -> dict[str, Any]:
    english, chinese = [], []
    for c in causes:
        if c["cause"] == "corrected":
            english.append(f"{c['month']} was corrected (revision {c['revision']}, {_day(c['at'])}) after this was published")
            chinese.append(f"{period_label(c['month'])}成绩已于 {_day(c['at'])} 更正（第 {c['revision']} 版）")
        else:
            english.append(f"results of {c['month']} changed ({_day(c['at'])}) after this was published")
            chinese.append(f"{period_label(c['month'])}的成绩数据已于 {_day(c['at'])} 改动，尚未重新发布")
    return {"reason": "; ".join(english), "message": "；".join(chinese) + "。发布之后依据已变，需要重新发布。",
            "causes": causes}


def of(db, contest_id: str, row: dict) -> dict[str, Any] | None:
    """Why one publication row is stale, or None."""
    return stale_map(db, contest_id).get((row["period"], row["revision"]))


def dependants(db, contest_id: str, month: str) -> list[dict[str, Any]]:
    """The newest publications left stale by ``month``'s correction: {period, revision, stale}."""
    found = []
    for (period, revision), stale in stale_map(db, contest_id).items():
        if stale and any(c["month"] == month and c["cause"] == "corrected" for c in stale["causes"]):
            found.append({"period": period, "revision": revision, "stale": stale})
    return sorted(found, key=lambda d: publications.reading_order(d["period"]))


def public_notice(db, contest_id: str, row: dict) -> str | None:
    """The line a public page, board or workbook of a quarter, half or year shows while a month
    it is built from has been corrected after it; months and the big screen show none (their
    own correction is the next revision, and results not yet published are not public)."""
    if (row.get("kind") or parse_period(row["period"]).kind) == "month":
        return None
    stale = of(db, contest_id, row)
    corrected = [c for c in (stale or {}).get("causes", []) if c["cause"] == "corrected"]
    if not corrected:
        return None
    kind = _KIND_WORD[row.get("kind") or parse_period(row["period"]).kind]
    which = "、".join(f"{period_label(c['month'])}成绩已于 {_day(c['at'])} 更正（第 {c['revision']} 版）" for c in corrected)
    return f"注意：本{kind}依据的{which}，晚于本{kind}的发布；此处仍是更正前的计算结果，待重新发布。"


_KIND_WORD = {"quarter": "季度", "half": "半年", "year": "年度"}


def import_warning(db, contest_id: str, batch_before: int) -> dict[str, Any] | None:
    """After an import: the published months it changed, and what that means for the public."""
    if results.current_batch(db, contest_id) <= batch_before:
        return None  # nothing stored
    done = publications.published_periods(db, contest_id)
    months = sorted(m for m, batch in _last_batches(db, contest_id).items() if batch > batch_before and m in done)
    if not months:
        return None
    listed = "、".join(months)
    return {"months": months,
            "message": f"{listed} 已发布：公众看到的仍是已发布的成绩，直到重新发布（更正）这些月份及其所在的季度、半年、年度。"}
