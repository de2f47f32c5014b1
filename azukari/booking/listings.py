"""A household's bookings as lists: what is coming (texts and the console) and the past year (the console)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from azukari.booking import repository as repo
from azukari.booking.models import Facility, Reservation
from azukari.clock import tokyo_date, tokyo_hhmm
from azukari.households.models import Child
from azukari.language.facility_names import english_name
from azukari.messaging.texts import BookingFacts

HISTORY_DAYS = 366


@dataclass(frozen=True)
class HouseholdBooking:
    """One booking of a household. Its booking number reaches the parent by text or call; staff see it on the
    household page (a parent at the counter or on the phone to staff needs it to cancel) and on the case of a
    message nothing could deliver (a landline without TWILIO_VOICE_FROM), which staff read out."""

    reservation_id: int
    booking_number: str
    day: dt.date
    starts: str  # Tokyo HH:MM as booked, even if the unit's times change later
    ends: str
    facility_name: str
    child_name: str
    fee: int
    live: bool
    channel: str
    attendance: str | None = None  # the facility's mark (booking/roster.py), None until marked
    name_en: str = ""  # the facility in Latin letters, for English texts
    reading: str = ""  # its reading in kana, for Korean texts
    child_removed: bool = False  # the child was removed from the registration since: kept as history

    @property
    def facts(self) -> BookingFacts:
        return BookingFacts(self.booking_number, self.day, self.starts, self.ends, self.facility_name, self.fee,
                            self.name_en, self.reading)


def _bookings(household_pk: int) -> Select[Reservation, Facility, Child]:
    return (select(Reservation, Facility, Child).join(Facility, Reservation.facility_id == Facility.id)
            .join(Child, Reservation.child_id == Child.id).where(Reservation.household_pk == household_pk))


def _row(reservation: Reservation, facility: Facility, child: Child) -> HouseholdBooking:
    return HouseholdBooking(reservation.id, reservation.booking_number, reservation.day,
                            tokyo_hhmm(reservation.starts_at), tokyo_hhmm(reservation.ends_at), facility.name,
                            child.name, reservation.fee, reservation.status == repo.LIVE, reservation.channel,
                            reservation.attendance, english_name(name_en=facility.name_en, reading=facility.reading),
                            facility.reading, child.removed_at is not None)


def upcoming(session: Session, *, household_pk: int, now: dt.datetime) -> list[HouseholdBooking]:
    """Live bookings that have not ended yet, soonest first: what can still be used or cancelled."""
    query = (_bookings(household_pk).where(Reservation.status == repo.LIVE, Reservation.ends_at > now)
             .order_by(Reservation.starts_at, Reservation.id))
    return [_row(r, f, c) for r, f, c in session.execute(query)]


def past_year(session: Session, *, household_pk: int, now: dt.datetime) -> list[HouseholdBooking]:
    """Bookings of the last year whose time has come, cancelled ones included, latest first."""
    since = tokyo_date(now) - dt.timedelta(days=HISTORY_DAYS)
    query = (_bookings(household_pk).where(Reservation.day >= since, Reservation.starts_at <= now)
             .order_by(Reservation.starts_at.desc(), Reservation.id.desc()))
    return [_row(r, f, c) for r, f, c in session.execute(query)]


def booking_number_of(session: Session, *, household_pk: int, reservation_id: int) -> str | None:
    """The number the booking service cancels by, for a booking of this household only."""
    return session.scalar(select(Reservation.booking_number).where(
        Reservation.id == reservation_id, Reservation.household_pk == household_pk))


def booking_of(session: Session, *, reservation_id: int) -> HouseholdBooking | None:
    """One booking by its key, for a staff case that names it (a message that did not arrive)."""
    found = session.execute(select(Reservation, Facility, Child).join(Facility, Reservation.facility_id == Facility.id)
                            .join(Child, Reservation.child_id == Child.id)
                            .where(Reservation.id == reservation_id)).first()
    return _row(*found) if found is not None else None
