"""The validated model of a rule file (RULES.md), as frozen dataclasses.

The rules loader (load.py) is the only producer; the engine reads it. Defaults are already
applied here, so scoring code never has to know what a key's default was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from arena.engine.periods import month_number, month_range

LINEAR = tuple(k / 12 for k in range(1, 13))
NO_PROGRESS = (1.0,) * 12


def frozen_map(d: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(d or {}))


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    group: str


@dataclass(frozen=True)
class Lights:
    by: str = "ratio"  # ratio | lag
    green: float = 1.0
    yellow: float = 0.9

    @staticmethod
    def defaults(by: str) -> "Lights":
        return Lights("ratio", 1.0, 0.9) if by == "ratio" else Lights("lag", 0.0, 10.0)


@dataclass(frozen=True)
class Band:
    threshold: float  # at_least for better: higher, at_most for better: lower
    points: float


@dataclass(frozen=True)
class Criterion:
    """One criterion of a jury: each judge scores it from 0 to ``max``."""
    id: str
    name: str
    max: float


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    weight: Mapping[str, float]  # group id -> full points; a group not here does not score it
    method: str  # completion | rank | efficacy | bands | formula | jury
    unit: str = ""
    better: str = "higher"  # higher | lower
    target: float | None = None  # annual target T for every unit
    targets: Mapping[str, float] = field(default_factory=frozen_map)  # per unit code
    progress: tuple[float, ...] = NO_PROGRESS  # p(k) for k = 1..12, cumulative
    cap: float = 1.0
    step: float | None = None  # rank only
    floor: float = 0.0  # rank only
    base: float = 0.6  # efficacy only
    of: str = "value"  # bands only: value | ratio
    bands: tuple[Band, ...] = ()
    otherwise: float = 0.0
    expr: str | None = None
    formula: Any = field(default=None, compare=False, repr=False)  # compiled by formula.py
    lights: Lights | None = None  # the indicator's own, replacing the contest's entirely
    reported_by: str = "organizer"  # a department id | unit | organizer (the file's default applied)
    criteria: tuple[Criterion, ...] = ()  # jury only
    trim: int = 0  # jury only: totals dropped at each end

    def annual_target(self, unit_code: str) -> float | None:
        """T for this unit: its ``targets`` entry, else ``target``, else None."""
        return self.targets.get(unit_code, self.target)

    def period_target(self, unit_code: str, month: str) -> float | None:
        """t = T * p(m)."""
        annual = self.annual_target(unit_code)
        return None if annual is None else annual * self.progress[month_number(month) - 1]

    @property
    def has_target(self) -> bool:
        return self.target is not None or bool(self.targets)


@dataclass(frozen=True)
class Adjustment:
    id: str
    name: str
    points: float = 0.0
    max: float | None = None  # cap when points > 0
    min: float | None = None  # floor when points < 0
    veto: bool = False


@dataclass(frozen=True)
class FlagRule:
    count: Mapping[str, int]  # group id -> places; a group not here gets none
    min_score: float = 0.0


@dataclass(frozen=True)
class Awards:
    red_flags: FlagRule | None = None
    yellow_flags: FlagRule | None = None
    last_place_months: int | None = None  # warnings (约谈); None: no warnings


@dataclass(frozen=True)
class Board:
    dragon: int = 3
    tiger: int = 3


@dataclass(frozen=True)
class Schedule:
    day: int
    at: str  # "HH:MM", in the contest's time zone


@dataclass(frozen=True)
class Publish:
    monthly: Schedule = Schedule(10, "09:00")
    quarterly: Schedule = Schedule(15, "09:00")
    notice_days: int | None = None  # a month is first published for notice (公示) this many days


@dataclass(frozen=True)
class Reporting:
    """Month M is reported in month M+1: from day ``opens``, on time to day ``due``."""
    opens: int = 1
    due: int = 5
    remind: tuple[int, ...] = (2,)  # days before due
    review: bool = True
    swing: float | None = None


@dataclass(frozen=True)
class Letterhead:
    """The 通报's issuing office, 发文字号 prefix, 主送 and 抄送 (GB/T 9704 版头 and 版记). The
    loader names the office after the contest (its name + 考核办) when the file does not."""
    office: str = "擂台赛办公室"
    number_prefix: str = "擂台办"
    to: str = "各区县人民政府，市政府各部门"
    cc: str = ""


@dataclass(frozen=True)
class Weekly:
    """The weekly dispatch (周调度): week W is published on ``weekday`` (1 Monday .. 7 Sunday)
    of the week after it, at ``at``; it shows ``indicators`` (ids, each with a target)."""
    indicators: tuple[str, ...]
    weekday: int = 1
    at: str = "09:00"


CARD_LABELS = {"blue": "先进", "yellow": "提醒", "red": "警告"}


@dataclass(frozen=True)
class Cards:
    """红黄蓝 cards (RULES.md "红黄蓝 cards"): the position card's places (blue from the top,
    yellow and red from the bottom; None: that colour is not given), the progress card's places
    moved (rose, fell), and the shown names of the colours."""
    blue_top: int | None = None
    yellow_bottom: int | None = None
    red_bottom: int | None = None
    rose: int | None = None
    fell: int | None = None
    position: bool = True  # False: the file has no position block, so no position cards at all
    labels: Mapping[str, str] = field(default_factory=lambda: frozen_map(CARD_LABELS))


@dataclass(frozen=True)
class Contest:
    id: str
    name: str
    season_start: str  # YYYY-MM
    season_end: str  # YYYY-MM
    groups: Mapping[str, str]  # id -> name, in the order written
    units: tuple[Unit, ...]
    indicators: tuple[Indicator, ...]
    adjustments: tuple[Adjustment, ...] = ()
    timezone: str = "Asia/Shanghai"
    precision: int = 2
    self_report: bool = False
    exempt: Mapping[str, frozenset[str]] = field(default_factory=frozen_map)  # unit -> ids
    tie_break: tuple[str, ...] = ()
    aggregate: str = "mean"  # mean | sum | last
    lights: Lights = Lights()
    awards: Awards = Awards()
    board: Board = Board()
    publish: Publish = Publish()
    departments: Mapping[str, str] = field(default_factory=frozen_map)  # id -> name, in the order written
    reporting: Reporting = Reporting()
    letterhead: Letterhead = Letterhead()
    weekly: Weekly | None = None  # None: no weekly dispatch, and no week may be reported
    cards: Cards | None = None  # None: no 红黄蓝 cards, and month rows carry no "cards" key
    # what the file says but probably does not mean: {"path", "line", "message"}, by line
    warnings: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)

    @property
    def months(self) -> tuple[str, ...]:
        """Every month of the season, in order."""
        return month_range(self.season_start, self.season_end)

    @property
    def unit_by_code(self) -> Mapping[str, Unit]:
        return {u.code: u for u in self.units}

    @property
    def keys(self) -> frozenset[str]:
        """Every id a result row may carry: indicators and adjustments."""
        return frozenset(i.id for i in self.indicators) | frozenset(a.id for a in self.adjustments)

    def reporter_of(self, key: str) -> str:
        """Who reports ``key``: a department id, ``unit`` or ``organizer`` (adjustments: always
        the organizer, so a unit can never clear its own veto)."""
        for indicator in self.indicators:
            if indicator.id == key:
                return indicator.reported_by
        return "organizer"

    def keys_reported_by(self, reporter: str) -> tuple[str, ...]:
        """The indicator ids a department id (or ``unit``) reports, in the file's order."""
        return tuple(i.id for i in self.indicators if i.reported_by == reporter)

    @property
    def weekly_indicators(self) -> tuple[Indicator, ...]:
        """The indicators of the weekly dispatch, in the file's order (none without ``weekly``)."""
        listed = set(self.weekly.indicators) if self.weekly else set()
        return tuple(i for i in self.indicators if i.id in listed)

    @property
    def card_labels(self) -> Mapping[str, str]:
        """The shown names of the card colours: the rules' own, or the defaults."""
        return self.cards.labels if self.cards else CARD_LABELS

    def lights_for(self, indicator: Indicator) -> Lights:
        return indicator.lights or self.lights
