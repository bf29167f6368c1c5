"""What a 通报 needs beyond its own frozen sheet: the revision it corrects, and for each unit it
warns (约谈) the published months it was last in. render.notice_text writes the words.

Both come from other publications, so the render cache keys a notice by these too
(``context_tag``): a month corrected later changes a warned unit's months, and so the file.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from arena.services.publishing import frozen_sheet
from arena.store import publications


def _last_in_group(sheet: dict[str, Any], unit: str) -> bool:
    for group in sheet["groups"]:
        ranks = [u["rank"] for u in group["units"]]
        for u in group["units"]:
            if u["unit"] == unit:
                return u["rank"] == max(ranks)
    return False


def last_months(db, contest_id: str, sheet: dict[str, Any], months_wanted: int | None) -> dict[str, list[str]]:
    """For each unit the month ``sheet`` warns: the published months, up to and including this one
    and at most ``months_wanted`` of them, in which it was last in its group without a break."""
    warned = [u["unit"] for g in sheet["groups"] for u in g["units"] if "warning" in u.get("flags", [])]
    if sheet["kind"] != "month" or not warned:
        return {}
    n = months_wanted or 1
    earlier = [r for r in publications.newest(db, contest_id, kind="month") if r["period"] < sheet["period"]]
    earlier = earlier[len(earlier) - (n - 1):] if n > 1 else []  # the n - 1 published months before
    sheets = [sheet] + [frozen_sheet(publications.get(db, contest_id, r["period"], r["revision"]))
                        for r in reversed(earlier)]
    found: dict[str, list[str]] = {}
    for unit in warned:
        months = []
        for s in sheets:  # newest first, stopping at the first month it was not last
            if not _last_in_group(s, unit):
                break
            months.append(s["period"])
        found[unit] = sorted(months)
    return found


def previous_sheet(db, contest_id: str, publication: dict[str, Any]) -> dict[str, Any] | None:
    """The revision just before ``publication``'s, or None for a first revision."""
    revision = publication["revision"]
    if revision <= 1:
        return None
    return frozen_sheet(publications.get(db, contest_id, publication["period"], revision - 1))


def notice_context(db, contest_id: str, publication: dict[str, Any], months_wanted: int | None) -> dict[str, Any]:
    """{"previous": sheet | None, "last_months": {unit: [months]}} for render.cache.notice_bytes."""
    sheet = frozen_sheet(publication)
    return {"previous": previous_sheet(db, contest_id, publication),
            "last_months": last_months(db, contest_id, sheet, months_wanted)}


def context_tag(context: dict[str, Any]) -> str:
    """A short hash of the context, for the cache key and ETag."""
    previous = context.get("previous")
    text = json.dumps({"previous": previous and [previous.get("revision"), previous.get("data_sha256"),
                                                 [[u["unit"], u["total"], u["rank"]] for g in previous["groups"]
                                                  for u in g["units"]]],
                       "months": context.get("last_months") or {}}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
