"""This request's database connection: each worker thread keeps one for its next request.

Opening a connection (the file, its WAL and its PRAGMAs) and closing it again was two thirds
of what a cached answer cost, so a thread's connection outlives the request: taken from the
thread's slot on first use, put back on teardown, unless the request failed unexpectedly (a
500) or left a transaction open (rolled back, then closed: the next request starts clean).
sqlite3 connections stay with the thread that opened them, and a process forked from another
never uses its parent's.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g

# A forked child must not close its parent's connections (SQLite forbids carrying them over a
# fork); it keeps them here, unused, for its life.
_INHERITED: list = []


@dataclass(frozen=True)
class _Kept:
    pid: int
    path: str
    file: tuple[int, int] | None  # (device, inode) of the file it opened
    db: Any

    def fits(self, path: str) -> bool:
        """Still this process's, for this setting, and the file at ``path`` is the one it opened
        (a kept connection to a file removed or replaced would read and write a ghost)."""
        return self.pid == os.getpid() and self.path == path and _file(path) == self.file


def _file(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except (OSError, ValueError):  # none there (or ":memory:")
        return None
    return found.st_dev, found.st_ino


def _slot() -> threading.local:
    return current_app.extensions["arena_db"]


def get_db():
    """This request's connection: the thread's kept one, else a new one."""
    from arena.errors import ConfigError, Unavailable
    from arena.store.db import connect

    if "db_kept" not in g:
        path = current_app.config["DATABASE"]
        slot = _slot()
        kept, slot.kept = getattr(slot, "kept", None), None  # taken: a nested context opens its own
        if kept is not None and not kept.fits(path):
            _forget(kept)
            kept = None
        if kept is None:
            try:
                db = connect(path, current_app.config["BUSY_TIMEOUT_MS"])
            except ConfigError as exc:  # at start a setting's fault; during a request the server's (503)
                raise Unavailable(f"the database cannot be opened now: {exc}") from None
            kept = _Kept(os.getpid(), path, _file(path), db)
        g.db_kept = kept
    return g.db_kept.db


def close_db(exc: BaseException | None = None) -> None:
    kept = g.pop("db_kept", None)
    if kept is None:
        return
    db = kept.db
    try:
        clean = exc is None and not g.pop("db_spoilt", False) and not db.conn.in_transaction
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
    except sqlite3.Error:  # closed or broken: never kept
        clean = False
    slot = _slot()
    if clean and getattr(slot, "kept", None) is None:
        slot.kept = kept
    else:
        db.close()


def spoil_db() -> None:
    """This request failed unexpectedly: its connection is closed at teardown, not kept."""
    g.db_spoilt = True


def _forget(kept: _Kept) -> None:
    if kept.pid == os.getpid():
        kept.db.close()
    else:
        _INHERITED.append(kept.db)


def init_app(app: Flask) -> None:
    app.extensions["arena_db"] = threading.local()
    app.teardown_appcontext(close_db)
