"""Writing the static export to where it goes: a folder, or S3 (exported to a temporary folder
first, then pushed), and the push that follows each publication (ARENA_PUSH_ON_PUBLISH).

Pushes are serialised per instance folder (a lock file), and each exports after taking the
lock: two publications pushed at once by two workers can then never leave the older site's
index over the newer one's.
"""

from __future__ import annotations

import fcntl
import logging
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

from arena import config

log = logging.getLogger("arena.export")


@contextmanager
def _one_push_at_a_time() -> Iterator[None]:
    folder = config.instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".export-push.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def export_to(db, target: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Export every publication to ``target`` (a folder, or s3://BUCKET/PREFIX); returns the summary."""
    from arena.render import fonts
    from arena.export.static_site import export_static

    fonts.configure(settings.get("CJK_FONT"))
    instance = str(config.instance_path())
    with _one_push_at_a_time():
        if not target.startswith("s3://"):
            return export_static(db, target, instance_path=instance)
        from arena.export import s3

        s3.parse_url(target)  # a bad address is refused before anything is rendered
        with tempfile.TemporaryDirectory(prefix="arena-export-") as folder:
            done = export_static(db, folder, instance_path=instance)
            pushed = s3.push_folder(folder, target, s3.client(settings))
        return {**done, "dir": target, "files": pushed["files"], "uploaded": pushed["uploaded"],
                "unchanged": pushed["unchanged"]}


def _settings() -> Mapping[str, Any]:
    flask = sys.modules.get("flask")
    if flask is not None and flask.has_app_context():  # inside a request: the app's own settings
        return flask.current_app.config
    return config.load()


def after_publish(db) -> dict[str, Any] | None:
    """Push the export to ARENA_PUSH_ON_PUBLISH, if set, once the publication is committed.

    A failed push is logged and changes nothing else: the publication stands, and the next push
    (incremental) uploads what this one did not."""
    try:
        settings = _settings()
        target = settings.get("PUSH_ON_PUBLISH")
        if not target or db.conn.in_transaction:  # inside a caller's transaction: its commit is not ours
            return None
        done = export_to(db, target, settings)
    except Exception:  # noqa: BLE001  (never fails the publication that was just made)
        log.exception("push of the static export after publishing failed; the next push catches up")
        return None
    log.info("pushed the static export to %s: %s files, %s uploaded", target, done["files"],
             done.get("uploaded", done["written"]))
    return done


def register() -> None:
    """Push after every publication of this process (the CLI, and the gunicorn workers it forks)."""
    from arena.services import publishing

    if after_publish not in publishing.AFTER_PUBLISH:
        publishing.AFTER_PUBLISH.append(after_publish)
