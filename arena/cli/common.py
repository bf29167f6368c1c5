"""What every subcommand uses: the command registry, the database, who is acting, files, tables."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from arena.errors import ArenaError

# "contest load" -> its function; main() picks by the parsed command and subcommand
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def open_db():
    from arena import config
    from arena.store.db import connect, migrate

    settings = config.load()
    db = connect(settings["DATABASE"], settings["BUSY_TIMEOUT_MS"])
    migrate(db)
    return db, settings


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ArenaError(f"cannot read {path}: {exc.strerror or exc}") from None


def print_records(records: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str, bool]]) -> None:
    """Print one table row per record; columns are (header, key, numeric). None shows blank, not texttable's "-"."""
    from arena.cli.texttable import table

    rows = [["" if r[key] is None else r[key] for _, key, _ in columns] for r in records]
    print(table([header for header, _, _ in columns], rows, [numeric for _, _, numeric in columns]))
