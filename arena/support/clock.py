"""The one place that reads the clock, so the engine and the store never do."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def now(timezone: str = "Asia/Shanghai") -> datetime:
    return datetime.now(ZoneInfo(timezone)).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """ISO 8601 with the offset, to the second: 2026-04-10T09:00:00+08:00."""
    return moment.replace(microsecond=0).isoformat()
