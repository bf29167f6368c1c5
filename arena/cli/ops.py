"""Operating the database: backup and restore (their parsers live here too, beside the commands)."""

from __future__ import annotations

import sys

from arena.cli.common import command
from arena.errors import ArenaError


def add_parsers(sub) -> None:
    bak = sub.add_parser("backup", help="copy the live database into FILE (SQLite's online backup: "
                                        "consistent while the app runs) and its evidence files into FILE.evidence/")
    bak.add_argument("file")
    res = sub.add_parser("restore", help="replace the database's contents by the backup FILE, after checking it, "
                                         "and put back the evidence files it names from FILE.evidence/")
    res.add_argument("file")
    res.add_argument("--yes", action="store_true", help="required: the current contents are replaced")


@command("backup")
def cmd_backup(args) -> int:
    from arena import config
    from arena.services import backups

    settings = config.load()
    done = backups.backup(settings["DATABASE"], args.file, settings["EVIDENCE_DIR"])
    print(f"{done['file']}: backup of {settings['DATABASE']}, {done['bytes']} bytes, "
          f"schema version {done['schema_version']}, integrity ok")
    return _said_evidence(done["evidence"], backups.evidence_folder(args.file), settings["EVIDENCE_DIR"])


@command("restore")
def cmd_restore(args) -> int:
    from arena import config
    from arena.services import backups
    from arena.store.db import connect, migrate

    if not args.yes:
        raise ArenaError("restore replaces every contest, result and publication in the database: "
                         "add --yes to go ahead (take an `arena backup` first if in doubt)")
    settings = config.load()
    done = backups.restore(args.file, settings["DATABASE"], settings["BUSY_TIMEOUT_MS"], settings["EVIDENCE_DIR"])
    db = connect(settings["DATABASE"], settings["BUSY_TIMEOUT_MS"])
    try:
        version = migrate(db)  # an older backup is brought up to this Arena's schema
    finally:
        db.close()
    print(f"{settings['DATABASE']}: restored from {done['file']} (schema version {done['schema_version']}"
          f"{f', migrated to {version}' if version != done['schema_version'] else ''}); "
          f"run `arena verify CONTEST` to recompute its publications")
    return _said_evidence(done["evidence"], settings["EVIDENCE_DIR"], backups.evidence_folder(args.file))


def _said_evidence(done: dict, into, source) -> int:
    """Print what became of the evidence files; 1 when one was missing or damaged at ``source``."""
    print(f"{into}: evidence files: {done['copied']} copied, {done['present']} already there")
    for what in ("missing", "damaged"):
        for sha in done[what]:
            print(f"evidence file {sha} is {what} in {source}: its rows have no file", file=sys.stderr)
    return 1 if done["missing"] or done["damaged"] else 0
