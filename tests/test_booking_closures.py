"""Closing by staff (contract §7, issue 26 item 3): preview, close, the closed-day cancellations, undo, races."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from facilities_files import import_facilities_text
from racing import at_once
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_booking_service import DAY, FACILITIES, NOW, add_child, book, unit_id

from azukari.booking import closures, service
from azukari.booking.models import Reservation, Unit, UnitDay
from azukari.booking.rules import BookingRefusal
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.messaging.call_delivery import call_wait
from azukari.messaging.models import OutboxMessage
from azukari.operations.check import problems
from azukari.oversight.models import AuditEntry
from azukari.settings import DEMO_SECRET_KEY

# FACILITIES: Hikarigaoka (key 1) capacity 3, Shakujii (key 2) capacity 2; DAY is Friday 27 November.


@pytest.fixture
def session(database: Database, tmp_path: Path) -> Iterator[Session]:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES)
        yield session


def _facility_id(session: Session, key: int) -> int:
    return session.get_one(Unit, unit_id(session, key, 1)).facility_id


def _booked(session: Session, n: int, *, unit_key: int = 1) -> list[service.Booked]:
    made = []
    for _ in range(n):
        outcome = book(session, add_child(session), unit_key=unit_key)
        assert isinstance(outcome, service.Booked), outcome
        made.append(outcome)
    return made


def _live(session: Session) -> set[str]:
    return set(session.scalars(select(Reservation.booking_number).where(Reservation.status == "booked")))


def test_the_preview_says_how_many_bookings_a_closing_cancels_and_whose(session: Session) -> None:
    booked = _booked(session, 2) + _booked(session, 1, unit_key=2)
    found = closures.preview(session, facility_id=_facility_id(session, 1), unit_id=None, day=DAY, capacity=None,
                             now=NOW)
    assert {a.booking_number for a in found} == {b.booking_number for b in booked}
    assert all(a.guardian_name and a.phone.startswith("+81") for a in found)
    assert _live(session) == {b.booking_number for b in booked}  # the preview changes nothing


def test_closing_a_day_cancels_its_bookings_with_the_closed_day_text_and_audits(session: Session) -> None:
    booked = _booked(session, 2)
    closed = closures.close(session, facility_id=_facility_id(session, 1), unit_id=None, day=DAY, capacity=None,
                            actor="staff:1", now=NOW)
    assert {a.booking_number for a in closed.cancelled} == {b.booking_number for b in booked}
    assert not _live(session)
    bodies = list(session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "closure")))
    assert len(bodies) == 2 and all("休所" in body for body in bodies)
    actions = list(session.scalars(select(AuditEntry.action)))
    assert actions.count("booking.cancelled") == 2 and "closure.made" in actions


def test_a_closed_day_is_never_offered_and_a_booking_of_it_is_refused_as_closed(session: Session) -> None:
    child = add_child(session)
    closures.close(session, facility_id=_facility_id(session, 1), unit_id=None, day=DAY, capacity=None,
                   actor="staff:1", now=NOW)
    found = service.options_for(session, child_id=child.id, day=DAY, now=NOW)
    assert isinstance(found, list) and {o.facility_key for o in found} == {2}
    assert book(session, child) is BookingRefusal.CLOSED


def test_closing_every_facility_answers_the_day_as_closed_not_a_list(session: Session) -> None:
    child = add_child(session)
    for key in (1, 2):
        closures.close(session, facility_id=_facility_id(session, key), unit_id=None, day=DAY, capacity=None,
                       actor="staff:1", now=NOW)
    assert service.options_for(session, child_id=child.id, day=DAY, now=NOW) is BookingRefusal.CLOSED


def test_closing_one_unit_leaves_the_others_open(session: Session) -> None:
    kept = _booked(session, 1, unit_key=2)
    morning = unit_id(session, 1, 1)
    closures.close(session, facility_id=_facility_id(session, 1), unit_id=morning, day=DAY, capacity=None,
                   actor="staff:1", now=NOW)
    assert _live(session) == {kept[0].booking_number}
    found = service.options_for(session, child_id=add_child(session).id, day=DAY, now=NOW)
    assert isinstance(found, list) and (1, 1) not in {(o.facility_key, o.unit_key) for o in found}


def test_lowering_a_units_capacity_cancels_the_latest_bookings_over_it(session: Session) -> None:
    first, second, third = _booked(session, 3)
    closed = closures.close(session, facility_id=_facility_id(session, 1), unit_id=unit_id(session, 1, 1), day=DAY,
                            capacity=1, actor="staff:1", now=NOW)
    assert {a.booking_number for a in closed.cancelled} == {second.booking_number, third.booking_number}
    assert _live(session) == {first.booking_number}
    assert book(session, add_child(session)) is BookingRefusal.FULL


def test_undoing_a_closing_reopens_the_seats_without_rebooking(session: Session) -> None:
    booked = _booked(session, 1)
    closed = closures.close(session, facility_id=_facility_id(session, 1), unit_id=None, day=DAY, capacity=None,
                            actor="staff:1", now=NOW)
    assert closures.undo(session, closure_id=closed.closure_id, actor="staff:1", now=NOW)
    assert not closures.undo(session, closure_id=closed.closure_id, actor="staff:1", now=NOW)
    assert booked[0].booking_number not in _live(session)
    assert isinstance(book(session, add_child(session)), service.Booked)
    assert "closure.undone" in set(session.scalars(select(AuditEntry.action)))


def test_a_capacity_above_the_facilitys_or_a_past_day_is_refused(session: Session) -> None:
    facility = _facility_id(session, 1)
    with pytest.raises(closures.ClosingError):
        closures.close(session, facility_id=facility, unit_id=None, day=DAY, capacity=3, actor="staff:1", now=NOW)
    with pytest.raises(closures.ClosingError):
        closures.close(session, facility_id=facility, unit_id=None, day=NOW.date() - dt.timedelta(days=1),
                       capacity=None, actor="staff:1", now=NOW)




@pytest.mark.parametrize("round_", range(5))
def test_a_closing_and_bookings_of_the_same_unit_at_once_leave_no_booking_on_the_closed_unit(
        database: Database, tmp_path: Path, round_: int) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES)
        children = [add_child(session).id for _ in range(3)]
        unit, facility = unit_id(session, 1, 1), _facility_id(session, 1)
        session.commit()

    def booker(child_id: int) -> Callable[[], object]:
        def job() -> object:
            with database.unit_of_work() as session:
                outcome = service.book(session, child_id=child_id, unit_id=unit, day=DAY, channel="voice",
                                       language="ja", now=NOW)
                session.commit()
                return outcome
        return job

    def closer() -> object:
        with database.unit_of_work() as session:
            closed = closures.close(session, facility_id=facility, unit_id=unit, day=DAY, capacity=None,
                                    actor="staff:1", now=NOW)
            session.commit()
            return closed

    results = at_once([closer, *(booker(c) for c in children)])
    assert not [r for r in results if isinstance(r, Exception)], results
    closed = results[0]
    assert isinstance(closed, closures.Closed)
    booked = {r.booking_number for r in results[1:] if isinstance(r, service.Booked)}
    # Every booking that got in before the closing was cancelled by it, and told; none got in after.
    assert booked == {a.booking_number for a in closed.cancelled}
    with database.unit_of_work() as session:
        assert session.scalar(select(UnitDay.booked).where(UnitDay.unit_id == unit, UnitDay.day == DAY)) == 0
        assert not session.scalars(select(Reservation.id).where(Reservation.status == "booked")).all()
    assert problems(database, secret_key=DEMO_SECRET_KEY, now=NOW + dt.timedelta(minutes=5)) == []


def test_a_closed_day_cancellation_to_a_landline_waits_out_the_night_as_a_message_nobody_asked_for() -> None:
    night = dt.datetime(2026, 11, 20, 22, 0, tzinfo=TOKYO)
    assert call_wait(kind="closure", attempts=1, created_at=night, after_call=None, now=night) == \
        dt.datetime(2026, 11, 21, 8, 0, tzinfo=TOKYO)
    noon = dt.datetime(2026, 11, 20, 12, 0, tzinfo=TOKYO)
    assert call_wait(kind="closure", attempts=1, created_at=noon, after_call=None, now=noon) is None
