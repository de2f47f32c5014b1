"""Closing by staff (contract §7): a facility's day or one unit's closed, or a unit's capacity lowered for a day.

Never commits. The console first shows `preview` (how many bookings the closing cancels, and whose), then
`close` does it: the unit-days' `cap` is set by an UPDATE of their counter rows, the very rows a booking's
seat guard updates (repository._occupy), so a closing and a booking of the same unit serialise there: on
PostgreSQL the second waits for the first to commit and then sees it (READ COMMITTED re-evaluates the
guard, and the closing's next statement reads the booking); on SQLite writers are serialised anyway. The
bookings over the new cap are cancelled with the closed-day cancellation to each number on file (a fixed
line gets it by call: messaging.outbox) and listed for staff to call. `undo` re-opens the seats (it does
not re-book): the caps are worked out again from the closures still in force.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from azukari.booking import offers, rules
from azukari.booking import repository as repo
from azukari.booking.models import Closure, Facility, Reservation, SeatOffer, Unit
from azukari.booking.service import facts_of
from azukari.clock import tokyo_date
from azukari.households.models import Child, Household
from azukari.messaging import outbox, texts
from azukari.oversight import audit


class ClosingError(ValueError):
    """The closing asked for makes no sense (an unknown unit, a capacity above the facility's, a past day)."""


@dataclass(frozen=True)
class Affected:
    """A booking a closing cancels, as the console lists it for staff to call."""

    reservation_id: int
    booking_number: str
    unit_key: int
    starts: str
    ends: str
    child_name: str
    guardian_name: str
    phone: str
    household_pk: int


@dataclass(frozen=True)
class Closed:
    closure_id: int
    cancelled: list[Affected]


def _units(session: Session, facility: Facility, unit_id: int | None) -> list[Unit]:
    units = [u for u in facility.units if u.active and (unit_id is None or u.id == unit_id)]
    if unit_id is not None and not units:
        raise ClosingError("その枠はこの施設にありません")
    return units


def _check(facility: Facility, day: dt.date, capacity: int | None, now: dt.datetime) -> None:
    if day < tokyo_date(now):
        raise ClosingError("過ぎた日は休所にできません")
    if capacity is not None and not 0 <= capacity < facility.capacity:
        raise ClosingError(f"定員は0から{facility.capacity - 1}までの数にしてください")


def _over_cap(session: Session, *, unit: Unit, day: dt.date, cap: int) -> list[Affected]:
    """The live bookings of a unit-day beyond `cap` seats: the latest made go first."""
    rows = session.execute(
        select(Reservation, Child, Household).join(Child, Reservation.child_id == Child.id)
        .join(Household, Reservation.household_pk == Household.id)
        .where(Reservation.unit_id == unit.id, Reservation.day == day, Reservation.status == repo.LIVE)
        .order_by(Reservation.created_at.desc(), Reservation.id.desc())).all()
    over = rows[:max(0, len(rows) - cap)]
    return [Affected(r.id, r.booking_number, unit.key, unit.starts, unit.ends, c.name, h.guardian_name, h.phone,
                     h.id) for r, c, h in over]


def preview(session: Session, *, facility_id: int, unit_id: int | None, day: dt.date, capacity: int | None,
            now: dt.datetime) -> list[Affected]:
    """What `close` with the same arguments would cancel now (capacity None: close)."""
    facility = session.get(Facility, facility_id)
    if facility is None:
        raise ClosingError("その施設はありません")
    _check(facility, day, capacity, now)
    return [a for unit in _units(session, facility, unit_id)
            for a in _over_cap(session, unit=unit, day=day, cap=capacity or 0)]


def _cap_in_force(session: Session, *, unit: Unit, day: dt.date) -> int | None:
    caps = [0 if capacity is None else capacity for capacity in session.scalars(
        select(Closure.capacity).where(Closure.facility_id == unit.facility_id, Closure.day == day,
                                       Closure.undone_at.is_(None),
                                       (Closure.unit_id == unit.id) | Closure.unit_id.is_(None)))]
    return min(caps) if caps else None


def _withdraw_offers(session: Session, *, unit: Unit, day: dt.date, now: dt.datetime) -> None:
    """Open seat offers of a unit-day being closed: withdrawn, their holds freed, their entries ended."""
    for offer in session.scalars(select(SeatOffer).where(SeatOffer.unit_id == unit.id, SeatOffer.day == day,
                                                         SeatOffer.status == offers.OPEN)).all():
        if offers.settle(session, offer_id=offer.id, status="withdrawn", now=now):
            repo.release_hold(session, unit_id=offer.unit_id, day=offer.day, infant=offer.infant)
            offers.end_entry(session, entry_id=offer.entry_id, status="removed", now=now, was=("offered",))


def _cancel(session: Session, affected: Affected, *, facility: Facility, actor: str, now: dt.datetime) -> bool:
    if not repo.mark_cancelled(session, reservation_id=affected.reservation_id, now=now):
        return False  # cancelled by its family meanwhile
    reservation = session.get_one(Reservation, affected.reservation_id)
    session.refresh(reservation)
    repo.uncount_in_month(session, child_id=reservation.child_id, month=rules.month_of(reservation.day))
    repo.free_seat(session, unit_id=reservation.unit_id, day=reservation.day, infant=reservation.infant)
    household = session.get_one(Household, reservation.household_pk)
    outbox.withdraw(session, reservation_id=reservation.id, kind="reminder", now=now)
    # Its own kind: nobody asked for it just then, so a call to a landline waits out the night (call_delivery).
    outbox.enqueue(session, household=household, kind="closure", now=now, reservation_id=reservation.id,
                   body=texts.closed_cancellation(facts_of(reservation, facility), reservation.language))
    audit.record(session, actor=actor, action="booking.cancelled", now=now, household_pk=household.id,
                 detail={"reservation_id": reservation.id, "unit_id": reservation.unit_id, "reason": "closed"})
    return True


def close(session: Session, *, facility_id: int, unit_id: int | None, day: dt.date, capacity: int | None,
          actor: str, now: dt.datetime) -> Closed:
    """Close the facility's day (unit_id None) or one unit, or lower the unit(s) to `capacity` seats that day.

    Cancels the bookings over the new capacity (the latest made first) with the closed-day cancellation,
    and returns them for staff to call. Audited as `closure.made`.
    """
    facility = session.get(Facility, facility_id)
    if facility is None:
        raise ClosingError("その施設はありません")
    _check(facility, day, capacity, now)
    units = _units(session, facility, unit_id)
    closure = Closure(facility_id=facility_id, unit_id=unit_id, day=day, capacity=capacity, cancelled=0,
                      actor=actor[:40], created_at=now)
    session.add(closure)
    session.flush()
    cancelled: list[Affected] = []
    for unit in units:
        cap = _cap_in_force(session, unit=unit, day=day)
        repo.set_day_cap(session, unit_id=unit.id, day=day, cap=cap)
        _withdraw_offers(session, unit=unit, day=day, now=now)
        # Read after the cap is set (and the counter row locked): a booking that won the row first is seen here.
        for affected in _over_cap(session, unit=unit, day=day, cap=cap or 0):
            if _cancel(session, affected, facility=facility, actor=actor, now=now):
                cancelled.append(affected)
    closure.cancelled = len(cancelled)
    audit.record(session, actor=actor, action="closure.made", now=now,
                 detail={"closure_id": closure.id, "facility_id": facility_id, "unit_id": unit_id,
                         "day": day.isoformat(), "capacity": capacity, "cancelled": len(cancelled)})
    return Closed(closure.id, cancelled)


def undo(session: Session, *, closure_id: int, actor: str, now: dt.datetime) -> bool:
    """Re-open what a closing closed (seats only: its cancelled bookings stay cancelled); audited."""
    closure = session.get(Closure, closure_id)
    if closure is None or closure.undone_at is not None:
        return False
    result = session.execute(update(Closure).where(Closure.id == closure_id, Closure.undone_at.is_(None))
                             .values(undone_at=now).execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        return False
    session.refresh(closure)
    facility = session.get_one(Facility, closure.facility_id)
    made = []
    for unit in _units(session, facility, closure.unit_id):
        cap = _cap_in_force(session, unit=unit, day=closure.day)
        repo.set_day_cap(session, unit_id=unit.id, day=closure.day, cap=cap)
        made += offers.fill(session, unit_id=unit.id, day=closure.day, now=now)  # a capacity raised (§7)
    offers.audit_offers(session, made, now=now)
    audit.record(session, actor=actor, action="closure.undone", now=now,
                 detail={"closure_id": closure_id, "facility_id": closure.facility_id, "unit_id": closure.unit_id,
                         "day": closure.day.isoformat()})
    return True


def for_month(session: Session, *, facility_id: int, first: dt.date, last: dt.date) -> list[Closure]:
    """The closings of a facility from `first` to `last`, in force or undone, in order."""
    return list(session.scalars(select(Closure).where(Closure.facility_id == facility_id, Closure.day >= first,
                                                      Closure.day <= last).order_by(Closure.day, Closure.id)))
