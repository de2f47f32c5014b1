"""What `azukari check` verifies of the ward's rules: month counters and held seats agree with the rows."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from azukari.booking import rules
from azukari.booking.models import ChildMonth, Reservation, SeatOffer, UnitDay

LIVE = "booked"


def month_counter_problems(session: Session) -> list[str]:
    """Each child's month counter against its live bookings in that month (the monthly limit's truth)."""
    live = Counter((child_id, rules.month_of(day)) for child_id, day in session.execute(
        select(Reservation.child_id, Reservation.day).where(Reservation.status == LIVE)))
    counted = {(child_id, month): booked for child_id, month, booked in session.execute(
        select(ChildMonth.child_id, ChildMonth.month, ChildMonth.booked))}
    return [f"child #{child} in {month:%Y-%m}: the month counter says {counted.get((child, month), 0)} bookings, "
            f"but {live.get((child, month), 0)} are live"
            for child, month in sorted(set(live) | set(counted))
            if counted.get((child, month), 0) != live.get((child, month), 0)]


def held_seat_problems(session: Session) -> list[str]:
    """Seats held on each unit-day against the open seat offers holding them."""
    open_offers = {(unit_id, day): (n, infants) for unit_id, day, n, infants in session.execute(
        select(SeatOffer.unit_id, SeatOffer.day, func.count(), func.sum(SeatOffer.infant.cast(type_=UnitDay.held.type)))
        .where(SeatOffer.status == "open").group_by(SeatOffer.unit_id, SeatOffer.day))}
    held = {(unit_id, day): (n, infants) for unit_id, day, n, infants in session.execute(
        select(UnitDay.unit_id, UnitDay.day, UnitDay.held, UnitDay.held_infants)
        .where((UnitDay.held > 0) | (UnitDay.held_infants > 0)))}
    return [f"unit #{unit} on {day.isoformat()}: {held.get((unit, day), (0, 0))[0]} seats are held, "
            f"but {open_offers.get((unit, day), (0, 0))[0]} open offers hold them"
            for unit, day in sorted(set(open_offers) | set(held))
            if tuple(int(x or 0) for x in held.get((unit, day), (0, 0)))
            != tuple(int(x or 0) for x in open_offers.get((unit, day), (0, 0)))]


def closed_seat_problems(session: Session) -> list[str]:
    """Unit-days staff closed or lowered (`cap`) that still hold more seats than the cap allows."""
    rows = session.execute(select(UnitDay.unit_id, UnitDay.day, UnitDay.booked, UnitDay.held, UnitDay.cap)
                           .where(UnitDay.cap.is_not(None), UnitDay.booked + UnitDay.held > UnitDay.cap)
                           .order_by(UnitDay.day, UnitDay.unit_id))
    return [f"unit #{unit} on {day.isoformat()}: staff left it {cap} seats, but {booked} are booked and {held} held"
            for unit, day, booked, held, cap in rows]
