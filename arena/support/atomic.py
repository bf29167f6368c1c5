"""Files written whole or not at all: the bytes go to a temporary name beside the target and
are moved into place with ``os.replace``, so a reader (a web worker, a CDN, the next export)
never finds half a file under a name that promises all of it.

The file is fsynced before the rename and the folder after it: without the first, a power cut
can leave the new name pointing at empty blocks; without the second, the rename itself may be
lost and the old file come back."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(target: str | os.PathLike, data: bytes, mode: int | None = None) -> None:
    """``mode``: the file's permissions (mkstemp makes it 0600, readable by its owner only)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.fchmod(fd, mode)  # the descriptor f owns (and closes)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def fsync_dir(folder: str | os.PathLike) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a folder; the file itself is already on disk
    finally:
        os.close(fd)
