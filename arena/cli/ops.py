"""Operating the database: backup and restore (their parsers live here too, beside the commands)."""

from __future__ import annotations

from arena.cli.common import command
from arena.errors import ArenaError


def add_parsers(sub) -> None:
    bak = sub.add_parser("backup", help="copy the live database into FILE (SQLite's online backup: "
                                        "consistent while the app runs)")
    bak.add_argument("file")
    res = sub.add_parser("restore", help="replace the database's contents by the backup FILE, after checking it")
    res.add_argument("file")
    res.add_argument("--yes", action="store_true", help="required: the current contents are replaced")


@command("backup")
def cmd_backup(args) -> int:
    from arena import config
    from arena.services import backups

    settings = config.load()
    done = backups.backup(settings["DATABASE"], args.file)
    print(f"{done['file']}: backup of {settings['DATABASE']}, {done['bytes']} bytes, "
          f"schema version {done['schema_version']}, integrity ok")
    return 0


@command("restore")
def cmd_restore(args) -> int:
    from arena import config
    from arena.services import backups
    from arena.store.db import connect, migrate

    if not args.yes:
        raise ArenaError("restore replaces every contest, result and publication in the database: "
                         "add --yes to go ahead (take an `arena backup` first if in doubt)")
    settings = config.load()
    done = backups.restore(args.file, settings["DATABASE"], settings["BUSY_TIMEOUT_MS"])
    db = connect(settings["DATABASE"], settings["BUSY_TIMEOUT_MS"])
    try:
        version = migrate(db)  # an older backup is brought up to this Arena's schema
    finally:
        db.close()
    print(f"{settings['DATABASE']}: restored from {done['file']} (schema version {done['schema_version']}"
          f"{f', migrated to {version}' if version != done['schema_version'] else ''}); "
          f"run `arena verify CONTEST` to recompute its publications")
    return 0
