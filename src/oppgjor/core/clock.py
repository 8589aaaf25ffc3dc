"""The clock: use cases are given the time of the action; only an entrypoint reads the
system clock, through :class:`SystemClock` (tests use :class:`FixedClock`).

>>> FixedClock(datetime.datetime(2026, 10, 1, 12)).now()
datetime.datetime(2026, 10, 1, 12, 0)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime.datetime: ...


@dataclass(frozen=True)
class SystemClock:
    """Local wall time, to the second (what the user sees in the history)."""

    def now(self) -> datetime.datetime:
        return datetime.datetime.now().replace(microsecond=0)


SYSTEM_CLOCK = SystemClock()


@dataclass(frozen=True)
class FixedClock:
    at: datetime.datetime

    def now(self) -> datetime.datetime:
        return self.at
