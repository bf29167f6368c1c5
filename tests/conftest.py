"""Shared fixtures: a real SQLite file per test and a small contest to publish."""

from __future__ import annotations

import json

import pytest

from helpers import SMALL_RULES, month_rows


@pytest.fixture(autouse=True, scope="session")
def own_instance(tmp_path_factory):
    """The test run's instance/ (secret key, render cache, default database) is its own, never
    the repository's; a test that wants another sets ARENA_INSTANCE itself. Session-wide, so
    module-scoped fixtures get it too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARENA_INSTANCE", str(tmp_path_factory.mktemp("instance")))
        patch.delenv("ARENA_DATABASE", raising=False)
        yield


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
