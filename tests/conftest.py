"""Shared fixtures: a real SQLite file per test and a small contest to publish."""

from __future__ import annotations

import json

import pytest

from helpers import SMALL_RULES, month_rows


@pytest.fixture
def db(tmp_path):
    from arena.store.db import connect, migrate

    database = connect(str(tmp_path / "arena.db"))
    migrate(database)
    yield database
    database.close()


@pytest.fixture
def small(db):
    """The small contest loaded, with January to March reported."""
    from arena import services

    services.save_rules(db, SMALL_RULES, actor="test")
    rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
    services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="test")
    return db
