"""The pages: one Jinja environment and the context of each page, for the app and the export.

The environment is Arena's own (not Flask's template search path), so the live pages and the
static export render the very same templates, and no other blueprint's template can shadow one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from arena.services import staleness
from arena.engine.periods import parse_period
from arena.errors import NotFound
from arena.http.web import data
from arena.render import words
from arena.render.board_plan import card_words, light_ids, light_labels

TEMPLATES = Path(__file__).parent / "templates"
LIGHT_CLASS = {"green": "lg", "yellow": "ly", "red": "lr"}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters.update(
        period=words.period_label, when=words.time_label, cutoff=words.cutoff_label,
        progress=words.progress_label, change=words.change_text, change_class=words.change_class,
        flag_words=words.flag_words, score=words.score_text,
        light_class=lambda light: LIGHT_CLASS.get(light or "", ""),
        board_word=lambda side: words.BOARD_WORDS.get(side or "", ""),
        kind=lambda period: parse_period(period).kind,
        week_span=words.week_span, lag=words.lag_text, card_words=card_words,
    )
    return env


def render(name: str, links: Any, **context: Any) -> str:
    return environment().get_template(name).render(links=links, **context)


def index_context(db) -> dict[str, Any]:
    return {"contests": data.contest_list(db)}


def _indicator_heads(pub: data.Published) -> list[dict[str, Any]]:
    return [{"id": i.id, "name": i.name, "unit": i.unit} for i in pub.contest.indicators]


def period_context(db, cid: str, period: str | None = None) -> dict[str, Any]:
    """A published period's page; without ``period``, the latest published month."""
    if period is None:
        period = data.latest_month(db, cid)
        if period is None:
            data.contest_row(db, cid)
            raise NotFound(f"contest {cid!r} has no published month yet")
    pub = data.published(db, cid, period)
    kind = parse_period(period).kind
    if kind == "week":
        return week_context(db, cid, pub)
    flags = None
    if kind == "month":  # beside a month: its quarter's flags (or the last quarter's before it)
        quarter = data.quarter_for(db, cid, period)
        if quarter is not None:
            flags = {"period": quarter.period, "groups": data.flag_table(quarter.sheet)}
    elif kind == "quarter":  # a quarter's own flags
        flags = {"period": period, "groups": data.flag_table(pub.sheet)}
    return {
        "cid": cid, "pub": pub.row, "sheet": pub.sheet, "contest": pub.contest, "kind": kind,
        "precision": pub.contest.precision, "indicators": _indicator_heads(pub),
        "periods": list(data.newest_revisions(db, cid)), "revisions": data.revisions(db, cid, period),
        "flags": flags, "latest": period == data.latest_month(db, cid),
        "stale_notice": staleness.public_notice(db, cid, pub.row),
        "notice": words.notice_line(pub.sheet, pub.contest.timezone), "notices": data.notices(db, cid),
        "vetoes": data.veto_reasons(db, pub),
        # the board's numbered light legend as text: on a phone the 1080-px image shrinks it to 5 px
        "light_legend": light_labels(pub.contest, light_ids(pub.sheet, pub.contest)),
        "has_cards": any("cards" in row for g in pub.sheet["groups"] for row in g["units"]),
    }


def week_context(db, cid: str, pub: data.Published) -> dict[str, Any]:
    """A published week's dispatch (周调度): its table and lag chart; no ranks, flags or board."""
    return {
        "cid": cid, "pub": pub.row, "sheet": pub.sheet, "contest": pub.contest, "kind": "week",
        "precision": pub.contest.precision, "indicators": pub.sheet["indicators"],
        "periods": list(data.newest_revisions(db, cid)), "revisions": data.revisions(db, cid, pub.period),
        "flags": None, "latest": False, "stale_notice": None, "notice": None, "notices": data.notices(db, cid),
        "vetoes": {}, "has_cards": False,
    }


def unit_context(db, cid: str, code: str) -> dict[str, Any]:
    history = data.unit_history(db, cid, code)
    contest = data.history_rules(db, cid, history)
    return {"cid": cid, "contest_name": contest.name, "unit": history, "precision": contest.precision,
            "contest": contest}


def rules_context(db, cid: str) -> dict[str, Any]:
    """The public 考核细则: the rules in force, in words (render.rules_words)."""
    from arena import services
    from arena.render.rules_words import rules_outline

    contest, row = services.contest_rules(db, cid)
    return {"cid": cid, "contest": contest, "version": row["version"], "saved_at": row["created_at"],
            **rules_outline(contest)}


def flags_context(db, cid: str) -> dict[str, Any]:
    contest = data.contest_row(db, cid)
    return {"cid": cid, "contest_name": contest["name"], **data.year_flags(db, cid)}


def screen_context(db, cid: str, rotate_seconds: int = 12, poll_seconds: int = 30) -> dict[str, Any]:
    """The big screen: the latest published month, group by group, the quarter's flags, and the
    latest published week's lag chart (周调度)."""
    # the version first: a publication landing before the sheet is read then makes the screen
    # reload once more, where read after it would hide the new month from the screen's polling
    version = data.version(db, cid)
    page = period_context(db, cid)
    lit = set(light_ids(page["sheet"], page["contest"]))
    # one dot per indicator that carries a light, hollow where a unit has none (exempt, say), so
    # every unit's dots stand in the same columns, as on the board
    lights = [i for i in page["indicators"] if i["id"] in lit]
    return {**page, "slides": data.screen_slides(page["sheet"]), "version": version,
            "rotate": rotate_seconds, "poll": poll_seconds, "lights": lights, "week": data.latest_week(db, cid)}


def not_found_page(links: Any, message: str, status: int = 404) -> str:
    """The public error page: 404 for what is not (yet) published, 400 for an address that is wrong.
    The public reads Chinese only: a message of the store's (in English, for the API) is left out."""
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in message or "")
    return render("404.html", links, message=message if chinese else "", status=status)
