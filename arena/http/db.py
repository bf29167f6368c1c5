"""This request's database connection: opened on first use, kept on ``g``, closed on teardown."""

from __future__ import annotations

from flask import Flask, g


def get_db():
    """This request's connection, opened on first use and closed on teardown."""
    from flask import current_app

    from arena.errors import ConfigError, Unavailable
    from arena.store.db import connect

    if "db" not in g:
        try:
            g.db = connect(current_app.config["DATABASE"], current_app.config["BUSY_TIMEOUT_MS"])
        except ConfigError as exc:  # at start a setting's fault; during a request the server's (503)
            raise Unavailable(f"the database cannot be opened now: {exc}") from None
    return g.db


def close_db(_exc=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
