"""Seats left per facility, unit and day, as the web's calendar shows them without sign-in (contract §8).

The counts are the ones `service.options_for` reads for the phone (`unit_days`, booked and held seats
alike), over the same opening rules and the same window; nothing here knows any child, so the page
can tell nobody when a child is in care (invariants 3 and 10).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from azukari.booking import repository as repo
from azukari.booking import rules
from azukari.clock import tokyo_date

FEW = 2  # at most this many seats left: △


class Mark(StrEnum):
    FREE = "free"        # ○
    FEW = "few"          # △
    FULL = "full"        # ×
    CLOSED = "closed"    # the facility does not open that day
    OUTSIDE = "outside"  # open, but not bookable (past, today, or beyond the window)


@dataclass(frozen=True)
class FacilityMonth:
    """One facility's two months: its units, and for each day one mark per unit, in unit key order."""

    facility_key: int
    name: str
    name_en: str
    reading: str
    units: list[tuple[int, str, str]]                   # key, starts, ends
    days: list[tuple[dt.date, list[Mark]]]


def mark_for(*, left: int) -> Mark:
    return Mark.FULL if left <= 0 else Mark.FEW if left <= FEW else Mark.FREE


def months_shown(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of this month and the last day of the next: what the calendar covers."""
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following.replace(day=calendar.monthrange(following.year, following.month)[1])


def calendar_of(session: Session, *, now: dt.datetime) -> list[FacilityMonth]:
    """Every active facility, each day of this month and the next, each unit's mark: three queries in all.

    A day is closed where the facility does not open (`rules.is_open`) or staff closed the unit (cap 0);
    otherwise outside where the one window test (`rules.is_bookable`) says it cannot be booked now.
    """
    first, last = months_shown(tokyo_date(now))
    calendar = repo.calendar(session)
    taken = repo.counters_between(session, first=first, last=last)
    caps = repo.caps_between(session, first=first, last=last)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    window_first, window_last = rules.bookable_days(now, calendar)
    by_facility: dict[int, FacilityMonth] = {}
    closed: dict[int, frozenset[dt.date]] = {}
    for facility, unit in repo.active_units(session):
        month = by_facility.get(facility.id)
        if month is None:
            month = FacilityMonth(facility.key, facility.name, facility.name_en or "", facility.reading, [],
                                  [(day, []) for day in days])
            by_facility[facility.id] = month
            closed[facility.id] = frozenset(day for day in days if not rules.is_open(
                facility.closed_weekdays, day, closed_on_public_holidays=calendar.closed_on_public_holidays,
                closed_dates=calendar.closed_dates, facility_closed_dates=facility.closed_dates))
        month.units.append((unit.key, unit.starts, unit.ends))
        shut = closed[facility.id]
        for day, marks in month.days:
            cap = caps.get((unit.id, day))
            if day in shut or cap == 0:
                marks.append(Mark.CLOSED)
            elif not window_first <= day <= window_last or not rules.is_bookable(
                    day, now=now, calendar=calendar, closed_weekdays=facility.closed_weekdays,
                    facility_closed_dates=facility.closed_dates, unit_starts=unit.starts):
                marks.append(Mark.OUTSIDE)
            else:
                marks.append(mark_for(left=rules.day_capacity(facility.capacity, cap) - taken.get((unit.id, day), 0)))
    return list(by_facility.values())
