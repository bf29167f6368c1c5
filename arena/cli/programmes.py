"""Programmes (全年列榜单): programme load, programme score, programme publish."""

from __future__ import annotations

import json

from arena.cli.common import actor, command, open_db, read_file


@command("programme load")
def cmd_programme_load(args) -> int:
    from arena.services import programmes

    db, _ = open_db()
    done = programmes.save(db, read_file(args.file).decode("utf-8"), actor=actor(), note=args.note)
    what = "created" if done["created"] else "saved" if done["changed"] else "unchanged"
    print(f"programme {done['programme']}: {what}, version {done['version']}")
    return 0


@command("programme score")
def cmd_programme_score(args) -> int:
    from arena.services import programmes

    db, _ = open_db()
    sheet = programmes.draft(db, args.programme, args.period)
    if args.json:
        print(json.dumps(sheet, ensure_ascii=False, indent=1))
        return 0
    print(f"{sheet['name']} {sheet['period']}（草稿，未发布）" if sheet["draft"] else f"{sheet['name']} {sheet['period']}")
    for g in sheet["groups"]:
        print(f"[{g['name']}]")
        for u in g["units"]:
            mark = "年奖" if u["honour"] else "年惩" if u["penalty"] else ""
            print(f"{u['rank']:>3}  {u['unit']}  {u['name']}  {u['total']}  {' '.join(u['flags'])}  {mark}".rstrip())
    return 0


@command("programme publish")
def cmd_programme_publish(args) -> int:
    from arena.services import programmes

    db, _ = open_db()
    row, created = programmes.publish(db, args.programme, args.period, actor=actor(), note=args.note)
    print(f"programme {row['programme']} {row['period']} revision {row['revision']}"
          f"{'' if created else ' (unchanged)'}")
    return 0
