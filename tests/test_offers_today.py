"""Seat offers for today's units and for units staff closed (contract §7): the one window rule, the day's cap."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from facilities_files import import_facilities_text
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_booking_service import DAY, add_child, unit_id
from test_booking_waitlist import ONE_SEAT, code_of, texts_to

from azukari.booking import closures, offers, service, waitlist
from azukari.booking.models import Facility, SeatOffer, WaitlistEntry
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.households.models import Child

# Same-day booking until 10:00: DAY's afternoon unit (13:00) can be booked on DAY itself until then.
SAME_DAY = ONE_SEAT.replace("horizon_days = 30\n", 'horizon_days = 30\nsame_day_until = "10:00"\n')
EARLY = dt.datetime(2026, 11, 27, 8, 0, tzinfo=TOKYO)  # DAY, before same_day_until
AFTERNOON = 2  # hikarigaoka's 13:00-16:00 unit


@pytest.fixture
def session(database: Database, tmp_path: Path) -> Iterator[Session]:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, SAME_DAY)
        yield session


def _booked_and_waiting(session: Session, *, unit_key: int = AFTERNOON, day: dt.date = DAY,
                        now: dt.datetime = EARLY) -> tuple[Child, str, Child]:
    """The unit's one seat booked by one child, another waiting for it."""
    holder, child = add_child(session), add_child(session)
    unit = unit_id(session, 1, unit_key)
    ticket = service.book(session, child_id=holder.id, unit_id=unit, day=day, channel="voice", language="ja", now=now)
    assert isinstance(ticket, service.Booked), ticket
    joined = waitlist.join(session, child_id=child.id, unit_id=unit, day=day, channel="voice", language="ja", now=now)
    assert isinstance(joined, waitlist.Waiting), joined
    return holder, ticket.booking_number, child


def _cancel(session: Session, holder: Child, number: str, now: dt.datetime) -> None:
    assert isinstance(service.cancel(session, household_pk=holder.household_pk, booking_number=number,
                                     channel="staff", language="ja", now=now), service.Cancelled)


def test_a_seat_of_todays_unit_freed_before_same_day_until_is_offered_and_held_until_the_unit_starts(
        session: Session) -> None:
    holder, number, child = _booked_and_waiting(session)
    _cancel(session, holder, number, EARLY + dt.timedelta(minutes=59))  # 09:59
    offer = session.scalars(select(SeatOffer)).one()
    assert offer.child_id == child.id and offer.day == DAY
    assert offer.expires_at == dt.datetime(2026, 11, 27, 13, 0, tzinfo=TOKYO)
    assert len(texts_to(session, child, "offer")) == 1


def test_an_offer_of_todays_unit_is_taken_after_same_day_until_while_the_unit_has_not_started(
        session: Session) -> None:
    holder, number, child = _booked_and_waiting(session)
    _cancel(session, holder, number, EARLY)
    code = code_of(session, child)
    booked = waitlist.accept(session, sender=child.household.phone, code=code,
                             now=dt.datetime(2026, 11, 27, 12, 59, tzinfo=TOKYO))
    assert isinstance(booked, service.Booked), booked


def test_a_seat_of_todays_unit_freed_after_same_day_until_is_offered_to_nobody(session: Session) -> None:
    holder, number, child = _booked_and_waiting(session)
    _cancel(session, holder, number, dt.datetime(2026, 11, 27, 10, 1, tzinfo=TOKYO))
    assert session.scalars(select(SeatOffer)).all() == []
    assert texts_to(session, child, "offer") == []


def test_a_seat_of_a_unit_already_started_is_offered_to_nobody(database: Database, tmp_path: Path) -> None:
    late_same_day = ONE_SEAT.replace("horizon_days = 30\n", 'horizon_days = 30\nsame_day_until = "12:00"\n')
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, late_same_day)
        _booked_and_waiting(session, unit_key=1)  # the 09:00 unit, at 08:00
        import_facilities_text(session, tmp_path, late_same_day.replace("capacity = 1\ninfant", "capacity = 2\ninfant"))
        offers.pass_on_lapsed(session, now=dt.datetime(2026, 11, 27, 9, 0, tzinfo=TOKYO))  # a seat more, too late
        assert session.scalars(select(SeatOffer)).all() == []


def test_todays_waiting_stay_on_the_list_while_the_unit_can_be_booked_and_leave_it_after(session: Session) -> None:
    _booked_and_waiting(session)
    offers.pass_on_lapsed(session, now=EARLY + dt.timedelta(minutes=30))
    assert session.scalars(select(WaitlistEntry.status)).one() == "waiting"
    offers.pass_on_lapsed(session, now=dt.datetime(2026, 11, 27, 10, 1, tzinfo=TOKYO))
    assert session.scalars(select(WaitlistEntry.status)).one() == "past"


def _facility_pk(session: Session) -> int:
    found = session.scalar(select(Facility.id).where(Facility.key == 1))
    assert found is not None
    return found


def test_a_unit_staff_closed_for_the_day_offers_its_freed_seat_to_nobody(session: Session) -> None:
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO)
    _holder, _number, child = _booked_and_waiting(session, unit_key=1, now=now)
    closed = closures.close(session, facility_id=_facility_pk(session), unit_id=unit_id(session, 1, 1), day=DAY,
                            capacity=None, actor="staff:1", now=now)
    assert len(closed.cancelled) == 1
    offers.pass_on_lapsed(session, now=now)
    assert session.scalars(select(SeatOffer)).all() == [] and texts_to(session, child, "offer") == []


def test_a_capacity_staff_lowered_for_the_day_is_the_days_capacity_for_offers(
        database: Database, tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO)
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, ONE_SEAT.replace("capacity = 1\ninfant", "capacity = 2\ninfant"))
        unit = unit_id(session, 1, 1)
        first, second, child = add_child(session), add_child(session), add_child(session)
        tickets = [service.book(session, child_id=c.id, unit_id=unit, day=DAY, channel="voice", language="ja",
                                now=now) for c in (first, second)]
        assert isinstance(tickets[0], service.Booked) and isinstance(tickets[1], service.Booked)
        first_number = tickets[0].booking_number
        assert isinstance(waitlist.join(session, child_id=child.id, unit_id=unit, day=DAY, channel="voice",
                                        language="ja", now=now), waitlist.Waiting)
        closures.close(session, facility_id=_facility_pk(session), unit_id=unit_id(session, 1, 1), day=DAY,
                       capacity=1, actor="staff:1", now=now)  # the latest booking (second's) is cancelled
        offers.pass_on_lapsed(session, now=now)
        assert session.scalars(select(SeatOffer)).all() == []
        _cancel(session, first, first_number, now)  # the one seat left frees: offered
        assert [o.child_id for o in session.scalars(select(SeatOffer))] == [child.id]
