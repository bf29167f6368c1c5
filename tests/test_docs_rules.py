"""docs/rules.md stands on its own: its complete example loads without a problem or warning,
every key the loader accepts is documented with its name, and the README links docs/, never
a folder outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from marshmallow import Schema

from arena.engine.rules import schemas
from arena.engine.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def test_the_documented_example_loads_without_warnings():
    example = re.search(r"## A small complete file\n\n```yaml\n(.*?)```", DOC, re.S).group(1)
    contest = load_rules(example)
    assert contest.warnings == ()
    assert [i.method for i in contest.indicators] == ["rank", "completion", "efficacy", "bands", "formula"]


def keys(schema: type[Schema]) -> set[str]:
    found = set()
    for name, f in schema().fields.items():
        found.add(name)
        nested = getattr(f, "nested", None) or getattr(getattr(f, "inner", None), "nested", None)
        if isinstance(nested, type) and issubclass(nested, Schema):
            found |= keys(nested)
    return found


def test_every_accepted_key_is_documented():
    accepted = keys(schemas.Rules)
    assert {"version", "bands", "at_least", "last_place_months", "dragon", "expr"} <= accepted  # the walk works
    missing = sorted(k for k in accepted if f"`{k}" not in DOC)
    assert missing == []


def test_the_readme_links_docs_not_a_folder_outside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "(docs/rules.md)" in readme
