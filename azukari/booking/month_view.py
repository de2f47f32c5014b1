"""A facility's month as the console shows it (and the parents' web pages will): open or closed, and per unit
the seats taken with the ○ △ × mark (rules.availability_mark). Read only."""
from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.booking import closures, rules
from azukari.booking import repository as repo
from azukari.booking.models import Closure, Facility, UnitDay


@dataclass(frozen=True)
class UnitCell:
    unit_id: int
    unit_key: int
    starts: str
    ends: str
    taken: int
    capacity: int   # the day's seats: the facility's, or fewer where staff lowered it (0: closed)
    mark: str       # ○ △ × 休


@dataclass(frozen=True)
class DayCell:
    day: dt.date
    open: bool        # not a closed weekday, public holiday, closed date, nor closed by staff as a whole
    reason: str       # why closed: "weekday" | "holiday" | "closed_date" | "staff" | ""
    units: list[UnitCell]
    closures: list[Closure]


def month_days(month: dt.date) -> list[dt.date]:
    first = month.replace(day=1)
    return [first + dt.timedelta(days=n) for n in range(monthrange(first.year, first.month)[1])]


def _reason(facility: Facility, day: dt.date, calendar: rules.Calendar) -> str:
    if rules.WEEKDAYS[day.weekday()] in rules.weekday_names(facility.closed_weekdays):
        return "weekday"
    if calendar.closed_on_public_holidays and rules.is_public_holiday(day):
        return "holiday"
    if rules.is_closed_date(day, calendar.closed_dates) or rules.is_closed_date(day, facility.closed_dates):
        return "closed_date"
    return ""


def month(session: Session, *, facility: Facility, month: dt.date) -> list[DayCell]:
    """Every day of `month` at `facility`, with each active unit's seats and mark."""
    days = month_days(month)
    calendar = repo.calendar(session)
    units = [u for u in facility.units if u.active]
    rows = session.execute(select(UnitDay.unit_id, UnitDay.day, UnitDay.booked + UnitDay.held, UnitDay.cap).where(
        UnitDay.unit_id.in_([u.id for u in units]), UnitDay.day >= days[0], UnitDay.day <= days[-1]))
    counted = {(unit_id, day): (taken, cap) for unit_id, day, taken, cap in rows}
    by_day: dict[dt.date, list[Closure]] = {}
    for closure in closures.for_month(session, facility_id=facility.id, first=days[0], last=days[-1]):
        by_day.setdefault(closure.day, []).append(closure)
    out = []
    for day in days:
        reason = _reason(facility, day, calendar)
        cells = []
        for unit in units:
            taken, cap = counted.get((unit.id, day), (0, None))
            capacity = rules.day_capacity(facility.capacity, cap)
            cells.append(UnitCell(unit.id, unit.key, unit.starts, unit.ends, taken, capacity,
                                  rules.availability_mark(taken=taken, capacity=capacity, open_=not reason)))
        if not reason and cells and all(c.capacity == 0 for c in cells):
            reason = "staff"
        out.append(DayCell(day, not reason, reason, cells, by_day.get(day, [])))
    return out
