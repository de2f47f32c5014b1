"""A facility's day for its staff: who is booked in each unit, and their attendance marks (never commits)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from azukari.booking import repository as repo
from azukari.booking import rules
from azukari.booking.models import Facility, Reservation, Unit
from azukari.clock import tokyo_date, tokyo_hhmm
from azukari.households.models import Child, Household
from azukari.oversight import audit

# The marks a facility puts on a booking of its day (contract §7 attendance); words as staff say them.
ATTENDANCE = {"present": "出席", "absent": "欠席", "no_show": "無断キャンセル"}


@dataclass(frozen=True)
class RosterLine:
    """One child in a facility's day, for the staff console (staff views are audited there)."""

    reservation_id: int
    booking_number: str
    unit_id: int
    unit_key: int
    starts: str
    ends: str
    child_id: int
    child_name: str
    child_kana: str
    household_id: str
    age: int
    infant: bool
    fee: int
    channel: str
    attendance: str | None = None  # a key of ATTENDANCE, None until marked
    child_removed: bool = False  # staff removed the child from its registration since (its past days stay)


def roster(session: Session, *, facility_id: int, day: dt.date) -> list[RosterLine]:
    """Live reservations at one facility on one day, by unit then by booking time."""
    rows = session.execute(
        select(Reservation, Unit, Child, Household).join(Unit, Reservation.unit_id == Unit.id)
        .join(Child, Reservation.child_id == Child.id).join(Household, Reservation.household_pk == Household.id)
        .where(Reservation.facility_id == facility_id, Reservation.day == day, Reservation.status == repo.LIVE)
        .order_by(Unit.key, Reservation.id))
    return [RosterLine(r.id, r.booking_number, u.id, u.key, tokyo_hhmm(r.starts_at), tokyo_hhmm(r.ends_at), c.id,
                       c.name, c.kana, h.household_id, rules.age_in_years(c.birthdate, day), r.infant, r.fee,
                       r.channel, r.attendance, c.removed_at is not None)
            for r, u, c, h in rows]


@dataclass(frozen=True)
class Sheet:
    """One printed page: a facility's day, its units with who is booked, and whether it opens at all."""

    facility: Facility
    day: dt.date
    open: bool
    units: list[tuple[Unit, list[RosterLine]]]

    @property
    def children(self) -> int:
        return sum(len(lines) for _unit, lines in self.units)


MAX_PRINTED_DAYS = 7


def sheets(session: Session, *, facilities: list[Facility], first: dt.date, last: dt.date) -> list[Sheet]:
    """A sheet per facility and day from `first` to `last` (at most MAX_PRINTED_DAYS), facility by facility."""
    days = [first + dt.timedelta(days=n) for n in range(min((last - first).days + 1, MAX_PRINTED_DAYS))]
    calendar = repo.calendar(session)
    out = []
    for facility in facilities:
        for day in days:
            lines = roster(session, facility_id=facility.id, day=day)
            units = [(unit, [line for line in lines if line.unit_id == unit.id])
                     for unit in facility.units if unit.active or any(line.unit_id == unit.id for line in lines)]
            out.append(Sheet(facility, day, rules.is_open(
                facility.closed_weekdays, day, closed_on_public_holidays=calendar.closed_on_public_holidays,
                closed_dates=calendar.closed_dates, facility_closed_dates=facility.closed_dates), units))
    return out


def mark_attendance(session: Session, *, reservation_id: int, facility_id: int, mark: str, actor: str,
                    now: dt.datetime) -> bool:
    """Mark a live booking of this facility, on its day or after; False (nothing changed) otherwise.

    A mark can be changed (a child who came late after all); each change is audited.
    """
    if mark not in ATTENDANCE:
        return False
    result = session.execute(update(Reservation).where(
        Reservation.id == reservation_id, Reservation.facility_id == facility_id, Reservation.status == repo.LIVE,
        Reservation.day <= tokyo_date(now)).values(attendance=mark, attendance_marked_at=now)
        .execution_options(synchronize_session=False))
    if cast(CursorResult[Any], result).rowcount != 1:
        return False
    household_pk = session.scalar(select(Reservation.household_pk).where(Reservation.id == reservation_id))
    audit.record(session, actor=actor, action="attendance.marked", now=now, household_pk=household_pk,
                 detail={"reservation_id": reservation_id, "mark": mark})
    return True
