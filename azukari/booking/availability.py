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


def calendar_of(session: Session, *, today: dt.date) -> list[FacilityMonth]:
    """Every active facility, each day of this month and the next, each unit's mark: three queries in all."""
    first, last = months_shown(today)
    policy = repo.policy(session)
    window_first, window_last = rules.booking_window(today, policy.horizon_days)
    taken = repo.counters_between(session, first=first, last=last)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    closed_by_rule: dict[str, frozenset[dt.date]] = {}  # facilities share few closing rules
    by_facility: dict[int, FacilityMonth] = {}
    fixed: dict[int, dict[dt.date, Mark]] = {}  # a facility's closed and unbookable days, whatever the counts
    for facility, unit in repo.active_units(session):
        month = by_facility.get(facility.id)
        if month is None:
            month = FacilityMonth(facility.key, facility.name, facility.name_en or "", facility.reading, [],
                                  [(day, []) for day in days])
            by_facility[facility.id] = month
            closed = closed_by_rule.get(facility.closed_weekdays)
            if closed is None:
                closed = frozenset(day for day in days if not rules.is_open(
                    facility.closed_weekdays, day, closed_on_public_holidays=policy.closed_on_public_holidays))
                closed_by_rule[facility.closed_weekdays] = closed
            fixed[facility.id] = {day: Mark.CLOSED if day in closed else Mark.OUTSIDE for day in days
                                  if day in closed or not window_first <= day <= window_last}
        month.units.append((unit.key, unit.starts, unit.ends))
        marks_fixed, capacity, unit_id = fixed[facility.id], facility.capacity, unit.id
        for day, marks in month.days:
            mark = marks_fixed.get(day)
            marks.append(mark if mark is not None else mark_for(left=capacity - taken.get((unit_id, day), 0)))
    return list(by_facility.values())
