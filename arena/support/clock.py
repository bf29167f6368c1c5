"""The one place that reads the clock, so the engine and the store never do.

``pretend`` makes the clock read a given moment for a block: `arena scheduler --once --now T`
and `arena demo --now T` act as if it were T (tests and rehearsals), stamps included.
Tests drive it (``drive(moment)``) instead of sleeping: sign-in sessions, lockouts and TOTP
codes read ``epoch()``, so an idle expiry is checked by moving the clock, not by waiting.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Iterator
from zoneinfo import ZoneInfo

_PRETENDED: ContextVar[datetime | None] = ContextVar("pretended", default=None)
_driven: float | None = None  # set by drive(): the moment every reading returns


def drive(moment: float | None) -> None:
    """Fix the clock at ``moment`` (epoch seconds); None lets it run again."""
    global _driven
    _driven = moment


def epoch() -> float:
    pretended = _PRETENDED.get()
    if pretended is not None:
        return pretended.timestamp()
    return time.time() if _driven is None else _driven


def now(timezone: str = "Asia/Shanghai") -> datetime:
    return datetime.fromtimestamp(epoch(), ZoneInfo(timezone)).replace(microsecond=0)


@contextmanager
def pretend(moment: datetime | None) -> Iterator[None]:
    """Within the block, ``now()`` reads ``moment`` (aware); None leaves the real clock."""
    if moment is not None and moment.tzinfo is None:
        raise ValueError("pretend needs an aware moment")
    token = _PRETENDED.set(moment)
    try:
        yield
    finally:
        _PRETENDED.reset(token)


def iso(moment: datetime) -> str:
    """ISO 8601 with the offset, to the second: 2026-04-10T09:00:00+08:00."""
    return moment.replace(microsecond=0).isoformat()
