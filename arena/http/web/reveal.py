"""The reveal of a closed jury on the big screen (揭晓): unit by unit in the drawn order, each
judge's total with the dropped ones struck through, x and the points; then the ranking. Public
only after the close: before it the page is a 404 that says when it will show."""

from __future__ import annotations

from typing import Any

from arena.errors import Forbidden, NotFound, Unauthorized
from arena.http.web import data
from arena.services import juries
from arena.services.juries import Viewer
from arena.services.rules import contest_rules

DROPPED = {"high": "去掉最高分", "low": "去掉最低分"}


def reveal_context(db, cid: str, jid: int, auto: int = 0) -> dict[str, Any]:
    """The reveal page's context; ``auto``: seconds per slide (0: the host advances)."""
    try:
        seen = juries.view(db, cid, jid, Viewer("anonymous"))
    except (Unauthorized, Forbidden):
        raise NotFound("评审尚未结束：结果在评审结束后揭晓") from None
    contest, _ = contest_rules(db, cid)
    indicator = next((i for i in contest.indicators if i.id == seen["indicator"]), None)
    return {"cid": cid, "contest": data.contest_row(db, cid), "jury": seen, "tally": seen["tally"],
            "indicator_name": indicator.name if indicator else seen["indicator"], "precision": contest.precision,
            "full": sum(c["max"] for c in seen["criteria"]), "dropped_words": DROPPED,
            "auto": min(max(auto, 0), 300)}
