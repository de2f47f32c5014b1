"""Time as a dependency: rules take `now`/`today`; the app asks a clock, tests pass a fixed one."""
from __future__ import annotations

import datetime as dt
from typing import Protocol

from azukari.settings import TOKYO


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


def tokyo_today(clock: Clock) -> dt.date:
    return clock.now().astimezone(TOKYO).date()
