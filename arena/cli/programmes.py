"""arena programme load | show | publish: the year's list across contests."""

from __future__ import annotations

from arena.cli.common import actor, command, open_db, read_file


@command("programme load")
def cmd_programme_load(args) -> int:
    from arena.services import programmes

    db, _ = open_db()
    saved = programmes.save(db, read_file(args.file), actor=actor())
    print(f"programme {saved['id']} ({saved['name']}) saved, year {saved['year']}")
    return 0


@command("programme show")
def cmd_programme_show(args) -> int:
    import json

    from arena.services import programmes
    from arena.services.publishing import frozen_sheet
    from arena.store import programmes as store

    db, _ = open_db()
    programme = programmes.load(db, args.programme)
    row = store.latest(db, programme.id, str(programme.year))
    sheet = frozen_sheet(row) if row else programmes.draft(db, programme.id)
    if row is None:
        print(f"{programme.name}: 草稿（未发布）; waiting for {', '.join(sheet['waiting']) or 'nothing'}")
    else:
        stale = programmes.stale_now(db, programme.id, row)
        print(f"{programme.name}: revision {row['revision']}, published {row['published_at']}" + (f"; {stale}" if stale else ""))
    for group in sheet["groups"]:
        print(group["name"])
        for u in group["units"]:
            marks = [m for m in (u["honour"], u["penalty"], *u["flags"]) if m]
            print(f"  {u['rank']:>3}  {u['name']}  {u['total']}" + (f"  {json.dumps(marks, ensure_ascii=False)}" if marks else ""))
    return 0


@command("programme publish")
def cmd_programme_publish(args) -> int:
    from arena.services import programmes

    db, _ = open_db()
    row, created = programmes.publish(db, args.programme, actor=actor(), note=args.note)
    print(f"programme {row['programme']} {row['period']} revision {row['revision']}"
          + (" published" if created else " unchanged"))
    return 0
