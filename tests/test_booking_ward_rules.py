"""The ward's rules on a real database: the cancel deadline and the monthly limit (contract §7)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from facilities_files import import_facilities_text
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_booking_service import DAY, FACILITIES, NOW, add_child, book

from azukari.booking import rules, service
from azukari.booking.models import ChildMonth, Reservation
from azukari.booking.rules import BookingRefusal
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.households.models import Child
from azukari.messaging.models import OutboxMessage

RULES = """
[rules]
cancel_until = { days_before = 1, time = "17:00" }
monthly_units_per_child = 2
"""
# DAY is Friday 27 November: a parent may cancel until Thursday the 26th, 17:00 Tokyo time.
DEADLINE = dt.datetime(2026, 11, 26, 17, 0, tzinfo=TOKYO)


@pytest.fixture
def session(database: Database, tmp_path: Path) -> Iterator[Session]:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES + RULES)
        yield session


def _cancel(session: Session, child: Child, number: str, *, channel: str, now: dt.datetime) -> object:
    return service.cancel(session, household_pk=child.household_pk, booking_number=number, channel=channel,
                          language="ja", now=now)


def _booked(session: Session, child: Child, **kw: object) -> service.Booked:
    outcome = book(session, child, **kw)  # type: ignore[arg-type]
    assert isinstance(outcome, service.Booked), outcome
    return outcome


def test_the_deadline_is_the_given_time_the_given_number_of_days_before() -> None:
    assert rules.cancel_deadline(DAY, days_before=1, time="17:00") == DEADLINE
    assert not rules.past_cancel_deadline(DAY, now=DEADLINE, days_before=1, time="17:00")
    assert rules.past_cancel_deadline(DAY, now=DEADLINE + dt.timedelta(seconds=1), days_before=1, time="17:00")
    assert not rules.past_cancel_deadline(DAY, now=DAY_START, days_before=None, time=None)


DAY_START = dt.datetime(2026, 11, 27, 8, 59, tzinfo=TOKYO)


def test_a_parent_can_cancel_until_the_deadline(session: Session) -> None:
    child = add_child(session)
    booked = _booked(session, child)
    assert isinstance(_cancel(session, child, booked.booking_number, channel="voice", now=DEADLINE), service.Cancelled)


def test_a_parents_cancel_after_the_deadline_changes_nothing(session: Session) -> None:
    child = add_child(session)
    booked = _booked(session, child)
    late = DEADLINE + dt.timedelta(minutes=1)
    for channel in ("voice", "sms"):
        assert _cancel(session, child, booked.booking_number, channel=channel, now=late) is \
            BookingRefusal.PAST_DEADLINE
    reservation = session.get(Reservation, booked.reservation_id)
    assert reservation is not None and reservation.status == "booked"


def test_staff_can_still_cancel_after_the_deadline(session: Session) -> None:
    child = add_child(session)
    booked = _booked(session, child)
    assert isinstance(_cancel(session, child, booked.booking_number, channel="staff", now=DAY_START),
                      service.Cancelled)


def test_a_ward_without_the_rule_lets_parents_cancel_until_the_unit_starts(database: Database,
                                                                           tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES)
        child = add_child(session)
        booked = _booked(session, child)
        assert isinstance(_cancel(session, child, booked.booking_number, channel="voice", now=DAY_START),
                          service.Cancelled)


def test_a_third_unit_in_the_month_is_refused_and_explained_only_by_text(session: Session) -> None:
    child = add_child(session)
    _booked(session, child, day=DAY)
    _booked(session, child, facility_key=1, unit_key=2, day=DAY)
    assert book(session, child, day=DAY + dt.timedelta(days=1)) is BookingRefusal.MONTHLY_LIMIT
    notice = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice")).one()
    assert notice.to_number == child.household.phone
    assert "上限" in notice.body


def test_the_month_is_the_month_of_the_day_of_care_not_of_the_booking(session: Session) -> None:
    child = add_child(session)
    _booked(session, child, day=DAY)
    _booked(session, child, facility_key=1, unit_key=2, day=DAY)
    december = dt.date(2026, 12, 1)
    assert isinstance(book(session, child, day=december), service.Booked)


def test_the_limit_is_per_child_so_a_sibling_books_on(session: Session) -> None:
    child = add_child(session)
    sibling = add_child(session, household=child.household)
    _booked(session, child, day=DAY)
    _booked(session, child, facility_key=1, unit_key=2, day=DAY)
    assert isinstance(book(session, sibling, day=DAY), service.Booked)


def test_a_cancelled_booking_gives_its_unit_of_the_month_back(session: Session) -> None:
    child = add_child(session)
    first = _booked(session, child, day=DAY)
    _booked(session, child, facility_key=1, unit_key=2, day=DAY)
    _cancel(session, child, first.booking_number, channel="voice", now=NOW)
    assert isinstance(book(session, child, day=DAY + dt.timedelta(days=1)), service.Booked)
    counted = session.scalars(select(ChildMonth.booked).where(ChildMonth.child_id == child.id)).one()
    assert counted == 2


def test_a_refused_booking_leaves_the_months_count_as_it_was(session: Session) -> None:
    child = add_child(session)
    for _ in range(3):
        book(session, add_child(session), day=DAY)
    assert book(session, child, day=DAY) is BookingRefusal.FULL
    assert session.scalars(select(ChildMonth.booked).where(ChildMonth.child_id == child.id)).all() == []
