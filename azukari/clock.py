"""Time as a dependency, and the one home of Tokyo time: every date and hour a person sees is Asia/Tokyo.

Rules take `now`/`today`; the app asks a clock, tests pass a fixed one.
"""
from __future__ import annotations

import datetime as dt
from typing import Protocol

# Japan has kept no daylight saving time since 1951: a fixed offset is exact and needs no tz database.
TOKYO = dt.timezone(dt.timedelta(hours=9), "Asia/Tokyo")


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


def in_tokyo(at: dt.datetime) -> dt.datetime:
    return at.astimezone(TOKYO)


def tokyo_date(at: dt.datetime) -> dt.date:
    """The calendar day in Tokyo at that moment."""
    return at.astimezone(TOKYO).date()


def tokyo_today(clock: Clock) -> dt.date:
    return tokyo_date(clock.now())


def tokyo_at(day: dt.date, time: dt.time = dt.time()) -> dt.datetime:
    """That Tokyo wall-clock time on `day` as an aware datetime (midnight, the start of the day, by default)."""
    return dt.datetime.combine(day, time, tzinfo=TOKYO)


def tokyo_hhmm(at: dt.datetime) -> str:
    return at.astimezone(TOKYO).strftime("%H:%M")
