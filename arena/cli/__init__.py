"""The ``arena`` command. Each subcommand is a few lines over a service.

Errors go to stderr with a non-zero exit status, never a traceback (ARENA_DEBUG=1 shows one).
"""

from __future__ import annotations

import os
import sqlite3
import sys

from arena.cli import accounts, contests, files, ops, outbox, programmes, publishing, serving  # noqa: F401  (importing registers the commands)
from arena.cli.common import COMMANDS, actor, command, open_db, read_file
from arena.cli.parser import build_parser
from arena.errors import ArenaError

__all__ = ["COMMANDS", "actor", "build_parser", "command", "main", "open_db", "read_file"]


PUBLISHING = {"publish", "scheduler", "serve", "demo"}  # commands whose process may publish


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    name = args.command + (f" {args.sub}" if getattr(args, "sub", None) else "")
    if name in PUBLISHING:
        from arena.export import push

        push.register()  # ARENA_PUSH_ON_PUBLISH, after each publication these make (gunicorn's workers too)
    try:
        status = COMMANDS[name](args)
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at exit
        return status
    except ArenaError as exc:
        print(f"arena: {exc}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as exc:
        print(f"arena: the file is not UTF-8 text ({exc.reason} at byte {exc.start})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader left (`arena score … --json | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so exit's flush stays quiet
        return 141
    except sqlite3.Error as exc:  # a full or read-only disk met outside a transaction: one plain line
        from arena.store.db import storage_error

        mapped = storage_error(exc)
        if mapped is None or os.environ.get("ARENA_DEBUG"):
            return _internal(exc)
        print(f"arena: {mapped}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: say so plainly; the traceback only on request
        return _internal(exc)


def _internal(exc: Exception) -> int:
    if os.environ.get("ARENA_DEBUG"):
        raise exc
    print(f"arena: internal error: {type(exc).__name__}: {exc} (ARENA_DEBUG=1 shows the traceback)", file=sys.stderr)
    return 70
