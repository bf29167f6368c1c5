"""Contest setup and drafts: init, settings, contest load, results import, score."""

from __future__ import annotations

import json
import sys

from arena.cli.common import actor, command, open_db, read_file


@command("init")
def cmd_init(args) -> int:
    db, settings = open_db()
    print(f"database ready: {settings['DATABASE']}")
    return 0


@command("settings")
def cmd_settings(args) -> int:
    from arena.config import SETTINGS

    for s in SETTINGS:
        print(f"ARENA_{s.name}  (default {s.default!r})\n    {s.help}")
    return 0


@command("contest load")
def cmd_contest_load(args) -> int:
    from arena import services

    db, _ = open_db()
    text = read_file(args.file).decode("utf-8")
    done = services.save_rules(db, text, actor=actor(), note=args.note)
    if done["created"]:
        print(f"contest {done['contest']} created with rules version {done['version']}")
    elif done["changed"]:
        print(f"contest {done['contest']}: rules saved as version {done['version']}")
    else:
        print(f"contest {done['contest']}: rules unchanged (version {done['version']})")
    for w in done["warnings"]:
        print(f"warning: {w['path'] or '(file)'}, line {w['line']}: {w['message']}", file=sys.stderr)
    return 0


@command("results import")
def cmd_results_import(args) -> int:
    from arena import services
    from arena.services import staleness
    from arena.ingest import detect_format
    from arena.ingest.limits import XlsxLimits
    from arena.store.results import current_batch

    db, settings = open_db()
    data = read_file(args.file)
    fmt = args.format or detect_format(args.file, None)
    before = current_batch(db, args.contest)
    counts = services.import_results(db, args.contest, data, fmt=fmt, actor=actor(),
                                     xlsx=XlsxLimits.from_settings(settings))
    print("inserted {inserted}, updated {updated}, unchanged {unchanged}".format(**counts))
    warning = staleness.import_warning(db, args.contest, before)
    if warning:
        print(f"note: {warning['message']}")
    return 0


@command("score")
def cmd_score(args) -> int:
    from arena import services
    from arena.cli.texttable import sheet_text

    db, _ = open_db()
    sheet = services.draft(db, args.contest, args.period)
    if args.json:
        print(json.dumps(sheet, ensure_ascii=False, indent=2))
    else:
        contest, _ = services.contest_rules(db, args.contest)
        print(sheet_text(sheet, {i.id: i.name for i in contest.indicators}))
    return 0
