"""The ward's calendar and ages on a real database: what the channels are offered and what `book` refuses."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from facilities_files import import_facilities_text
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_booking_service import FACILITIES, add_child, book

from azukari.booking import service
from azukari.booking.rules import BookingRefusal
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.messaging.models import OutboxMessage

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=TOKYO)  # a Monday
OPEN_DAY = dt.date(2026, 12, 17)  # a Thursday
CALENDAR = FACILITIES.replace("closed_on_public_holidays = true\n", 'closed_on_public_holidays = true\n'
                              'opens_at = "09:00"\nsame_day_until = "08:00"\n'
                              'closed_dates = ["12-29", "12-30", "12-31", "2026-12-16"]\n')
AGES = "[eligibility]\nmin_age_days = 57\nuntil_school_entry = true\n"
# Shakujii (key 2) closes on 18 December on its own, and cares from 182 days only.
SHAKUJII_OWN = 'closed_dates = ["12-18"]\nmin_age_days = 182\n'


@pytest.fixture
def session(database: Database, tmp_path: Path) -> Iterator[Session]:
    text = CALENDAR + AGES
    head, shakujii = text.split("key = 2\n")
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, head + "key = 2\n" + SHAKUJII_OWN + shakujii)
        yield session


def _keys(found: object) -> list[tuple[int, int]]:
    assert isinstance(found, list), found
    return [(o.facility_key, o.unit_key) for o in found]


def _texts(session: Session, household_pk: int) -> list[str]:
    return list(session.scalars(select(OutboxMessage.body).where(OutboxMessage.household_pk == household_pk)
                                .order_by(OutboxMessage.id)))


def test_a_ward_closed_date_is_answered_as_a_closed_day_not_a_list(session: Session) -> None:
    child = add_child(session)
    for day in (dt.date(2026, 12, 16), dt.date(2026, 12, 29), dt.date(2026, 12, 31)):
        assert service.options_for(session, child_id=child.id, day=day, now=NOW) is BookingRefusal.CLOSED, day
        assert book(session, child, day=day, now=NOW) is BookingRefusal.CLOSED, day


def test_a_facilitys_own_closed_date_leaves_the_others_open(session: Session) -> None:
    child = add_child(session)
    day = dt.date(2026, 12, 18)
    assert _keys(service.options_for(session, child_id=child.id, day=day, now=NOW)) == [(1, 1), (1, 2)]
    assert book(session, child, facility_key=2, day=day, now=NOW) is BookingRefusal.CLOSED
    assert isinstance(book(session, child, facility_key=1, day=day, now=NOW), service.Booked)


def test_todays_units_are_offered_until_same_day_until_and_not_after(session: Session) -> None:
    child = add_child(session)
    today = dt.date(2026, 12, 8)
    before, after = (dt.datetime(2026, 12, 8, 7, 59, tzinfo=TOKYO), dt.datetime(2026, 12, 8, 8, 1, tzinfo=TOKYO))
    assert _keys(service.options_for(session, child_id=child.id, day=today, now=before)) == \
        [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert service.options_for(session, child_id=child.id, day=today, now=after) is BookingRefusal.OUTSIDE_WINDOW
    assert book(session, child, day=today, now=after) is BookingRefusal.OUTSIDE_WINDOW
    assert isinstance(book(session, child, day=today, now=before), service.Booked)


def test_the_newest_day_is_booked_only_from_opens_at(session: Session) -> None:
    child = add_child(session)
    newest = dt.date(2027, 1, 6)  # 7 December + 30 days, a Wednesday
    early, opened = (dt.datetime(2026, 12, 7, 8, 59, tzinfo=TOKYO), dt.datetime(2026, 12, 7, 9, 1, tzinfo=TOKYO))
    assert book(session, child, day=newest, now=early) is BookingRefusal.OUTSIDE_WINDOW
    assert isinstance(book(session, child, day=newest, now=opened), service.Booked)


def test_a_child_too_young_hears_the_same_list_and_is_refused_at_book_with_the_reason_by_text(
        session: Session) -> None:
    peer, newborn = add_child(session, born=dt.date(2023, 5, 1)), add_child(session, born=dt.date(2026, 11, 20))
    assert _keys(service.options_for(session, child_id=newborn.id, day=OPEN_DAY, now=NOW)) == \
        _keys(service.options_for(session, child_id=peer.id, day=OPEN_DAY, now=NOW))
    assert book(session, newborn, day=OPEN_DAY, now=NOW) is BookingRefusal.OUTSIDE_AGES
    reasons = _texts(session, newborn.household_pk)
    assert len(reasons) == 1 and "年齢" in reasons[0] and "予約番号" not in reasons[0]


def test_a_child_past_school_entry_is_refused(session: Session) -> None:
    schoolchild = add_child(session, born=dt.date(2020, 4, 1))  # at school from 1 April 2026
    assert book(session, schoolchild, day=OPEN_DAY, now=NOW) is BookingRefusal.OUTSIDE_AGES
    born_2_april = add_child(session, born=dt.date(2020, 4, 2))  # at school from 1 April 2027
    assert isinstance(book(session, born_2_april, day=OPEN_DAY, now=NOW), service.Booked)


def test_a_facilitys_own_min_age_days_replaces_the_wards(session: Session) -> None:
    hundred_days = add_child(session, born=OPEN_DAY - dt.timedelta(days=100))
    assert book(session, hundred_days, facility_key=2, day=OPEN_DAY, now=NOW) is BookingRefusal.OUTSIDE_AGES
    assert isinstance(book(session, hundred_days, facility_key=1, day=OPEN_DAY, now=NOW), service.Booked)


def test_siblings_are_each_checked_for_their_own_age(session: Session) -> None:
    elder = add_child(session, born=dt.date(2023, 5, 1))
    baby = add_child(session, born=OPEN_DAY - dt.timedelta(days=30), household=elder.household)
    assert isinstance(book(session, elder, day=OPEN_DAY, now=NOW), service.Booked)
    assert book(session, baby, day=OPEN_DAY, now=NOW) is BookingRefusal.OUTSIDE_AGES
    old_enough = OPEN_DAY + dt.timedelta(days=27)  # the baby is 57 days old on 13 January
    assert isinstance(book(session, baby, day=old_enough, now=dt.datetime(2026, 12, 20, 12, tzinfo=TOKYO)),
                      service.Booked)
