"""``arena serve``: the app under gunicorn, as stateless workers over one SQLite file.

preload_app stays off: each worker builds its own app after the fork, so no SQLite connection
(or anything else opened at start) is ever shared between processes. The master checks the
settings and migrates the database once, then closes it, before any worker starts.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    """2 per core: a worker waiting on SQLite's lock or the client leaves the core to another."""
    return max(2, 2 * (os.cpu_count() or 1))


class ArenaServer(BaseApplication):
    """gunicorn's programmatic entry point, loading ``create_app`` in each worker."""

    def __init__(self, options: Mapping[str, Any], test_config: Mapping[str, Any] | None = None):
        self.options = dict(options)
        self.test_config = test_config
        super().__init__()

    def load_config(self) -> None:
        if "control_socket_disable" in self.cfg.settings:  # gunicorn >= 24: one socket per user would clash
            self.cfg.set("control_socket_disable", True)
        for key, value in self.options.items():
            if key not in self.cfg.settings:
                raise ValueError(f"unknown gunicorn setting {key!r}")
            self.cfg.set(key, value)

    def load(self):
        from arena.http.app import create_app

        return create_app(self.test_config)


def options(bind: str, workers: int, threads: int = 1) -> dict[str, Any]:
    """gunicorn settings: sync workers, or gthread when more than one thread per worker."""
    if workers < 1 or threads < 1:
        raise ValueError("workers and threads must be at least 1")
    return {
        "bind": bind, "workers": workers, "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "preload_app": False, "timeout": 60, "graceful_timeout": 10, "keepalive": 5,
        "accesslog": None, "errorlog": "-", "loglevel": "info", "proc_name": "arena",
    }


def prepare(test_config: Mapping[str, Any] | None = None) -> str:
    """Check the settings, migrate once in the master and check the database takes writes
    (ReadOnly or InsufficientStorage otherwise); returns the database path."""
    from arena import config
    from arena.store.db import check_writable, connect, migrate

    settings = config.load(test_config)
    db = connect(settings["DATABASE"], settings["BUSY_TIMEOUT_MS"])
    try:
        migrate(db)
        check_writable(db)
    finally:
        db.close()
    return settings["DATABASE"]


def serve(bind: str = "127.0.0.1:8000", workers: int | None = None, threads: int = 1,
          test_config: Mapping[str, Any] | None = None, prepared: bool = False) -> None:
    """Run gunicorn in the foreground until it is stopped (Ctrl-C or SIGTERM)."""
    if not prepared:
        prepare(test_config)
    ArenaServer(options(bind, workers or default_workers(), threads), test_config).run()
