"""The one place that reads the clock, so the engine and the store never do.

Tests drive it (``drive(moment)``) instead of sleeping: sign-in sessions, lockouts and TOTP
codes read ``epoch()``, so an idle expiry is checked by moving the clock, not by waiting.
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

_driven: float | None = None  # set by drive(): the moment every reading returns


def drive(moment: float | None) -> None:
    """Fix the clock at ``moment`` (epoch seconds); None lets it run again."""
    global _driven
    _driven = moment


def epoch() -> float:
    return time.time() if _driven is None else _driven


def now(timezone: str = "Asia/Shanghai") -> datetime:
    return datetime.fromtimestamp(epoch(), ZoneInfo(timezone)).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """ISO 8601 with the offset, to the second: 2026-04-10T09:00:00+08:00."""
    return moment.replace(microsecond=0).isoformat()
