"""Shared fixtures: a real SQLite file per test, a small contest to publish, the API tests'
world, and the console tests' app with a signed-in organizer."""

from __future__ import annotations

import json

import pytest

from api_world import World, build_world
from console_client import make_account, sign_in
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


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Argon2id still, with a small cost: the default profile's 64 MiB per hash is slow when
    every console test signs in (the parameters live in each hash, so both kinds verify)."""
    from argon2 import PasswordHasher

    from arena.services import passwords

    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def driven_clock():
    """The clock (arena.support.clock) fixed at a moment the test moves: ``tick(seconds)``."""
    from arena.support import clock

    class Driven:
        moment = 1_780_000_000.0

        def tick(self, seconds: float) -> None:
            self.moment += seconds
            clock.drive(self.moment)

    driven = Driven()
    clock.drive(driven.moment)
    yield driven
    clock.drive(None)


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


@pytest.fixture
def pages_app(small, tmp_path, monkeypatch):
    """The small contest with 2026-02, 2026-03 and 2026-Q1 published (on 2026-04-15), as an app."""
    from datetime import datetime, timezone

    from arena.http.app import create_app
    from arena.services import publishing

    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path / "instance"))
    due = datetime(2026, 4, 15, 1, 0, tzinfo=timezone.utc)
    for period in ("2026-02", "2026-03", "2026-Q1"):
        publishing.publish(small, "small", period, actor="t", now=due)
    return create_app({"DATABASE": str(tmp_path / "arena.db"), "TESTING": True})


@pytest.fixture
def world(tmp_path, monkeypatch) -> World:
    """The API tests' world (api_world.build_world) in the test's own folder."""
    return build_world(tmp_path, monkeypatch)


@pytest.fixture
def app(tmp_path):
    """An app on a temporary database with the small contest, January to March reported."""
    from arena import create_app, services
    from arena.http.db import get_db

    # TOTP is off here so the console's tests sign in with a password; tests/test_signin.py
    # covers the factor with it on
    app = create_app({"DATABASE": str(tmp_path / "arena.db"), "SECRET_KEY": "test-secret", "TESTING": True,
                      "REQUIRE_TOTP": False})
    with app.app_context():
        db = get_db()
        services.save_rules(db, SMALL_RULES, actor="setup")
        rows = [r for m in ("2026-01", "2026-02", "2026-03") for r in month_rows(m)]
        services.import_results(db, "small", json.dumps(rows).encode(), fmt="json", actor="setup")
    return app


@pytest.fixture
def organizer(app):
    """A test client of ``app`` signed in as the organizer zhangsan (考核办张三)."""
    make_account(app, "organizer", "考核办张三", "zhangsan")
    client = app.test_client()
    assert sign_in(client, "zhangsan").status_code == 302
    return client


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run the `arena` command in-process on a database in tmp_path: (exit code, stdout, stderr)."""
    from arena.cli import main

    monkeypatch.setenv("ARENA_DATABASE", str(tmp_path / "arena.db"))

    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def browser(tmp_path):
    """A headless chromium (tests/browser_kit.py), quit after the test."""
    from browser_kit import new_driver

    driver = new_driver(tmp_path / "browser")
    try:
        yield driver
    finally:
        driver.quit()
