"""A value stored for an unpublished month (April, unit A) must reach nobody but unit A and the
organizers: every route of app.url_map, many periods, units and query strings, as anonymous and
as unit B, and its text appears in no answer, body or header."""

from __future__ import annotations

import itertools
import re

from api_world import SENTINEL_TEXTS

VARIANTS = {
    "cid": ["small"], "contest_id": ["small"],
    "period": ["2026-04", "2026-Q2", "2026-H1", "2026", "2026-03"],
    "unit": ["A", "B"], "code": ["A", "B"], "fmt": ["png", "svg"], "filename": ["x.css"], "version": ["1"],
    "username": ["nobody"], "ident": ["1"], "submission_id": ["1"], "name": ["x.pdf"], "jid": ["1"], "pid": ["nope"],
}
QUERIES = ["", "?period=2026-04", "?period=2026-04&unit=A", "?unit=A", "?revision=1", "?size=screen",
           "?contest=small&action=results.import"]
ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def urls(rule: str, token_id: int) -> list[str]:
    names = ARG.findall(rule)
    choices = [VARIANTS.get(n, [str(token_id)] if n == "token_id" else None) for n in names]
    assert all(c is not None for c in choices), f"add variants for {names} ({rule})"
    out = []
    for combo in itertools.product(*choices):
        values = iter(combo)
        out.append(ARG.sub(lambda _m: next(values), rule))
    return out


def leaks(response) -> bool:
    text = response.get_data().decode("utf-8", "replace") + str(response.headers)
    return any(s in text for s in SENTINEL_TEXTS)


def test_the_sentinel_reaches_the_organizer_and_its_own_unit(world):
    client = world.client()
    assert leaks(client.get("/api/contests/small/draft/2026-04", headers=world.headers("organizer")))
    assert leaks(client.get("/api/contests/small/results?period=2026-04", headers=world.headers("unit_a")))


def test_the_sentinel_reaches_no_one_else_on_any_route(world):
    client = world.client()
    found, asked = [], 0
    rules = sorted({r.rule for r in world.app.url_map.iter_rules()})
    for rule in rules:
        for url in urls(rule, world.token_ids["victim"]):
            for role in ("anonymous", "unit_b"):
                headers = world.headers(role)
                queries = QUERIES if rule.startswith("/api/") else QUERIES[:3]
                requests = [("GET", url + q) for q in queries] + [(m, url) for m in ("POST", "PUT", "DELETE")]
                for method, target in requests:
                    asked += 1
                    response = client.open(target, method=method, headers=headers)
                    assert response.status_code < 500, (method, target, role)
                    if leaks(response):
                        found.append(f"{method} {target} as {role}: {response.status_code}")
    assert found == []
    assert asked > 1500  # the walk really covered the routes
