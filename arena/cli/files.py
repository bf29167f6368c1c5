"""Commands that write files or measure: board (the 龙虎榜 image), export-static, bench."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from arena.cli.common import command, open_db
from arena.errors import ArenaError


@command("board")
def cmd_board(args) -> int:
    from arena import config
    from arena.http.web import data
    from arena.render import fonts
    from arena.render.cache import board_bytes

    fmt = Path(args.output).suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise ArenaError(f"-o {args.output}: name a .png or .svg file")
    db, settings = open_db()
    fonts.configure(settings["CJK_FONT"])
    pub = data.published(db, args.contest, args.period)  # not published: an error, never a draft board
    body = board_bytes(str(config.instance_path()), pub.row, pub.contest, fmt, args.size)
    try:
        Path(args.output).write_bytes(body)
    except OSError as exc:
        raise ArenaError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"{args.output}: {pub.row['contest']} {pub.period} revision {pub.row['revision']}, "
          f"{args.size} {fmt.upper()}, {len(body)} bytes")
    return 0


@command("export-static")
def cmd_export_static(args) -> int:
    from arena.export.push import export_to

    db, settings = open_db()
    try:
        done = export_to(db, args.dir, settings)
    except OSError as exc:
        raise ArenaError(f"cannot write into {args.dir}: {exc.strerror or exc}") from None
    if "uploaded" in done:
        print(f"{done['dir']}: {done['contests']} contests, {done['files']} files "
              f"({done['uploaded']} uploaded, {done['unchanged']} unchanged)")
        return 0
    print(f"{done['dir']}: {done['contests']} contests, {done['files']} files ({done['written']} written); "
          "open index.html, or upload the folder to any static host")
    return 0


@command("bench")
def cmd_bench(args) -> int:
    from arena.bench import run as bench

    if min(args.units, args.indicators, args.months, args.repeats) < 1 or args.months > 12:
        raise ArenaError("bench: --units, --indicators, --repeats at least 1; --months from 1 to 12")
    figures = bench.run(args.units, args.indicators, args.months, args.repeats,
                        say=lambda line: print(f"bench: {line}", file=sys.stderr, flush=True))
    print(json.dumps(figures, ensure_ascii=False) if args.json else bench.table(figures))
    return 1 if figures["errors"] else 0
