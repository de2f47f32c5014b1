"""The booking service on a real database: each rule, booking, cancelling and the texts it queues."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from facilities_files import facilities_toml, hikarigaoka, import_facilities_text, shakujii
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from azukari.booking import roster, service
from azukari.booking.models import ChildDay, Facility, Reservation, Unit, UnitDay
from azukari.booking.rules import BookingRefusal
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.households.models import Child, Household
from azukari.messaging.models import OutboxMessage
from azukari.oversight.models import AuditEntry
from azukari.settings import QuietHours

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO)  # Friday
DAY = dt.date(2026, 11, 27)  # a Friday inside the window
FACILITIES = facilities_toml(
    hikarigaoka(capacity=3, infant_capacity=1, closed_weekdays=["sun"]),
    shakujii(capacity=2, infant_capacity=1, closed_weekdays=["sat", "sun"],
             units=(("10:00", "13:00"), ("14:00", "17:00"))))


def add_child(session: Session, *, born: dt.date = dt.date(2023, 4, 1), registered_on: dt.date = dt.date(2026, 4, 1),
              household: Household | None = None) -> Child:
    if household is None:
        number = session.scalar(select(func.count(Household.id))) or 0
        household = Household(household_id=f"{10000001 + number}", pin_hash="x", guardian_name="保護者",
                              guardian_kana="ホゴシャ", phone=f"+8190{10000000 + number}", address="練馬区",
                              registered_on=registered_on)
        session.add(household)
    child = Child(household=household, name="子ども", kana="コドモ", birthdate=born)
    session.add(child)
    session.flush()
    return child


def unit_id(session: Session, facility_key: int, unit_key: int) -> int:
    found = session.scalar(select(Unit.id).join(Facility).where(Facility.key == facility_key, Unit.key == unit_key))
    assert found is not None
    return found


def book(session: Session, child: Child, facility_key: int = 1, unit_key: int = 1, day: dt.date = DAY,
         now: dt.datetime = NOW) -> service.Booked | BookingRefusal:
    return service.book(session, child_id=child.id, unit_id=unit_id(session, facility_key, unit_key), day=day,
                        channel="voice", language="ja", now=now)


@pytest.fixture
def session(database: Database, tmp_path: Path) -> Iterator[Session]:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES)
        yield session


def test_a_child_is_offered_every_open_unit_with_room(session: Session) -> None:
    options = service.options_for(session, child_id=add_child(session).id, day=DAY, now=NOW)
    assert isinstance(options, list)
    assert [(o.facility_key, o.unit_key, o.starts, o.fee) for o in options] == [
        (1, 1, "09:00", 1500), (1, 2, "13:00", 1500), (2, 1, "10:00", 1500), (2, 2, "14:00", 1500)]


def test_a_facility_is_not_offered_on_its_closed_weekday(session: Session) -> None:
    saturday = dt.date(2026, 11, 28)
    options = service.options_for(session, child_id=add_child(session).id, day=saturday, now=NOW)
    assert isinstance(options, list)
    assert {o.facility_key for o in options} == {1}
    assert book(session, add_child(session), facility_key=2, day=saturday) is BookingRefusal.CLOSED


def test_a_day_every_facility_closes_is_closed(session: Session) -> None:
    sunday = dt.date(2026, 11, 22)
    assert service.options_for(session, child_id=add_child(session).id, day=sunday, now=NOW) is BookingRefusal.CLOSED


def test_a_public_holiday_is_closed(session: Session) -> None:
    kinro_kansha = dt.date(2026, 11, 23)
    child = add_child(session)
    assert service.options_for(session, child_id=child.id, day=kinro_kansha, now=NOW) is BookingRefusal.CLOSED
    assert book(session, child, day=kinro_kansha) is BookingRefusal.CLOSED


def test_today_cannot_be_booked_but_tomorrow_can(session: Session) -> None:
    child = add_child(session)
    assert book(session, child, day=NOW.date()) is BookingRefusal.OUTSIDE_WINDOW
    assert isinstance(book(session, child, day=NOW.date() + dt.timedelta(days=1)), service.Booked)


def test_the_last_day_of_the_horizon_can_be_booked_but_not_the_day_after(session: Session) -> None:
    child = add_child(session)
    last = dt.date(2026, 12, 19)  # a Saturday: facility 1 is open; the horizon ends on Sunday the 20th
    assert isinstance(book(session, child, day=last), service.Booked)
    after = dt.date(2026, 12, 21)
    assert service.options_for(session, child_id=child.id, day=after, now=NOW) is BookingRefusal.OUTSIDE_WINDOW


def test_the_window_follows_the_tokyo_date_not_the_utc_date(session: Session) -> None:
    # 23:30 UTC on the 20th is already the 21st in Tokyo, so the 21st is "today" and closed to booking.
    late = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)
    assert book(session, add_child(session), day=dt.date(2026, 11, 21), now=late) is BookingRefusal.OUTSIDE_WINDOW


def test_a_registration_that_expires_before_the_day_of_care_is_refused(session: Session) -> None:
    expiring = add_child(session, registered_on=dt.date(2025, 11, 27))  # valid through 2026-11-26
    assert service.options_for(session, child_id=expiring.id, day=DAY, now=NOW) is BookingRefusal.EXPIRED_REGISTRATION
    assert book(session, expiring, day=DAY) is BookingRefusal.EXPIRED_REGISTRATION


def test_a_registration_valid_through_the_day_of_care_is_accepted(session: Session) -> None:
    still_valid = add_child(session, registered_on=dt.date(2025, 11, 28))  # valid through 2026-11-27
    assert isinstance(book(session, still_valid, day=DAY), service.Booked)


def test_an_infant_cannot_take_a_seat_past_the_infant_cap(session: Session) -> None:
    assert isinstance(book(session, add_child(session, born=dt.date(2026, 3, 1))), service.Booked)
    second_infant = add_child(session, born=dt.date(2026, 5, 1))
    assert book(session, second_infant) is BookingRefusal.FULL
    assert service.options_for(session, child_id=second_infant.id, day=DAY, now=NOW) != []
    assert isinstance(book(session, add_child(session)), service.Booked)


def test_a_full_unit_refuses_the_next_child_and_is_not_offered(session: Session) -> None:
    for _ in range(3):
        assert isinstance(book(session, add_child(session)), service.Booked)
    late = add_child(session)
    assert book(session, late) is BookingRefusal.FULL
    options = service.options_for(session, child_id=late.id, day=DAY, now=NOW)
    assert isinstance(options, list)
    assert (1, 1) not in {(o.facility_key, o.unit_key) for o in options}


def test_the_fee_is_the_infant_fee_until_the_first_birthday(session: Session) -> None:
    child = add_child(session, born=dt.date(2025, 11, 27))
    the_day_before = book(session, child, day=dt.date(2026, 11, 26))
    on_the_birthday = book(session, child, day=dt.date(2026, 11, 27))
    assert isinstance(the_day_before, service.Booked) and the_day_before.facts.fee == 2000
    assert isinstance(on_the_birthday, service.Booked) and on_the_birthday.facts.fee == 1500


def test_a_child_cannot_hold_overlapping_units_at_two_facilities(session: Session) -> None:
    child = add_child(session)
    assert isinstance(book(session, child, facility_key=1, unit_key=1), service.Booked)  # 09:00-12:00
    assert book(session, child, facility_key=2, unit_key=1) is BookingRefusal.OVERLAPPING  # 10:00-13:00
    assert isinstance(book(session, child, facility_key=2, unit_key=2), service.Booked)  # 14:00-17:00
    assert book(session, child, facility_key=1, unit_key=2) is BookingRefusal.OVERLAPPING  # 13:00-16:00


def test_an_overlap_is_explained_only_by_text_to_the_number_on_file(session: Session) -> None:
    child = add_child(session)
    book(session, child, facility_key=1, unit_key=1)
    book(session, child, facility_key=2, unit_key=1)
    notice = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice")).one()
    assert notice.to_number == child.household.phone
    assert "11月27日" in notice.body and "10:00-13:00" in notice.body and "石神井" in notice.body
    assert "すでにご予約があります" in notice.body


def test_an_overlap_refused_at_the_counter_texts_nothing(session: Session) -> None:
    child = add_child(session)
    book(session, child, facility_key=1, unit_key=1)
    refused = service.book(session, child_id=child.id, unit_id=unit_id(session, 2, 1), day=DAY, channel="staff",
                           language="ja", now=NOW)
    assert refused is BookingRefusal.OVERLAPPING
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice")).all() == []


def test_a_full_unit_refused_at_confirm_texts_no_reason(session: Session) -> None:
    for _ in range(2):
        book(session, add_child(session), facility_key=2, unit_key=1)
    assert book(session, add_child(session), facility_key=2, unit_key=1) is BookingRefusal.FULL
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice")).all() == []


def test_the_free_units_offered_do_not_depend_on_the_childs_own_bookings(session: Session) -> None:
    child, other = add_child(session), add_child(session)
    book(session, child, facility_key=1, unit_key=1)
    book(session, child, facility_key=2, unit_key=2)
    mine = service.options_for(session, child_id=child.id, day=DAY, now=NOW)
    theirs = service.options_for(session, child_id=other.id, day=DAY, now=NOW)
    assert isinstance(mine, list) and mine == theirs
    assert [(o.facility_key, o.unit_key) for o in mine] == [(1, 1), (1, 2), (2, 1), (2, 2)]


def test_a_booking_queues_its_confirmation_to_the_number_on_file_and_audits_ids_only(session: Session) -> None:
    child = add_child(session)
    booked = book(session, child)
    assert isinstance(booked, service.Booked)
    message = session.scalars(select(OutboxMessage)).one()
    assert (message.kind, message.to_number, message.reservation_id) == (
        "confirmation", child.household.phone, booked.reservation_id)
    assert f"予約番号 {booked.booking_number}" in message.body
    entry = session.scalars(select(AuditEntry)).one()
    assert (entry.actor, entry.action) == ("voice", "booking.created")
    assert "子ども" not in str(entry.detail) and child.household.address not in str(entry.detail)


def test_a_booking_and_its_confirmation_are_kept_or_lost_together(database: Database, tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES)
        child_id = add_child(session).id
        session.commit()
    with database.unit_of_work() as session:  # the webhook's unit of work fails after booking: nothing stays
        assert isinstance(book(session, session.get_one(Child, child_id)), service.Booked)
        session.rollback()
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count(Reservation.id))) == 0
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0
        assert session.scalar(select(func.coalesce(func.sum(UnitDay.booked), 0))) == 0
    with database.unit_of_work() as session:
        booked = book(session, session.get_one(Child, child_id))
        assert isinstance(booked, service.Booked)
        session.commit()
    with database.unit_of_work() as session:
        assert session.scalars(select(OutboxMessage.reservation_id)).all() == [booked.reservation_id]


def test_a_booked_reservation_holds_aware_tokyo_times(session: Session) -> None:
    booked = book(session, add_child(session), facility_key=2, unit_key=2)
    assert isinstance(booked, service.Booked)
    reservation = session.get(Reservation, booked.reservation_id)
    assert reservation is not None
    session.refresh(reservation)
    assert reservation.starts_at == dt.datetime(2026, 11, 27, 14, 0, tzinfo=TOKYO)
    assert reservation.ends_at == dt.datetime(2026, 11, 27, 17, 0, tzinfo=TOKYO)


def test_booking_numbers_are_eight_digits_and_distinct(session: Session) -> None:
    numbers = set()
    for day in (DAY, DAY + dt.timedelta(days=3), DAY + dt.timedelta(days=4)):
        booked = book(session, add_child(session), day=day)
        assert isinstance(booked, service.Booked)
        assert len(booked.booking_number) == 8 and booked.booking_number.isdigit()
        numbers.add(booked.booking_number)
    assert len(numbers) == 3


def test_a_refusal_leaves_no_writes_of_its_own_but_keeps_the_callers(database: Database, tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES)
        children = [add_child(session) for _ in range(4)]
        for child in children[:3]:
            book(session, child)
        session.commit()
    with database.unit_of_work() as session:
        add_child(session)  # the caller's own write in the outer transaction
        assert book(session, children[3]) is BookingRefusal.FULL
        session.commit()
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count(Child.id))) == 5
        assert session.scalar(select(func.count(ChildDay.id)).where(ChildDay.child_id == children[3].id)) == 0
        assert session.scalar(select(UnitDay.booked)) == 3
        assert session.scalar(select(func.count(OutboxMessage.id))) == 3


def test_cancelling_frees_the_seat_at_once(session: Session) -> None:
    first = add_child(session)
    booked = book(session, first)
    for _ in range(2):
        book(session, add_child(session))
    late = add_child(session)
    assert book(session, late) is BookingRefusal.FULL
    assert isinstance(booked, service.Booked)
    cancelled = service.cancel(session, household_pk=first.household_pk, booking_number=booked.booking_number,
                               channel="voice", language="ja", now=NOW)
    assert cancelled == service.Cancelled(booked.reservation_id, DAY)
    assert isinstance(book(session, late), service.Booked)


def test_cancelling_queues_a_cancellation_text_to_the_number_on_file(session: Session) -> None:
    child = add_child(session)
    booked = book(session, child)
    assert isinstance(booked, service.Booked)
    service.cancel(session, household_pk=child.household_pk, booking_number=booked.booking_number,
                   channel="sms", language="en", now=NOW)
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "cancellation")).one()
    assert message.to_number == child.household.phone
    assert f"Booking number {booked.booking_number}" in message.body


def test_an_infant_cancelling_frees_the_infant_seat_too(session: Session) -> None:
    infant = add_child(session, born=dt.date(2026, 3, 1))
    booked = book(session, infant)
    assert isinstance(booked, service.Booked)
    service.cancel(session, household_pk=infant.household_pk, booking_number=booked.booking_number,
                   channel="voice", language="ja", now=NOW)
    assert session.execute(select(UnitDay.booked, UnitDay.infants)).one() == (0, 0)
    assert isinstance(book(session, add_child(session, born=dt.date(2026, 4, 1))), service.Booked)


def test_another_households_booking_number_is_not_found(session: Session) -> None:
    booked = book(session, add_child(session))
    stranger = add_child(session)
    assert isinstance(booked, service.Booked)
    assert service.cancel(session, household_pk=stranger.household_pk, booking_number=booked.booking_number,
                          channel="voice", language="ja", now=NOW) is BookingRefusal.NOT_FOUND


def test_a_booking_cannot_be_cancelled_twice(session: Session) -> None:
    child = add_child(session)
    booked = book(session, child)
    assert isinstance(booked, service.Booked)
    pk, number = child.household_pk, booked.booking_number
    first = service.cancel(session, household_pk=pk, booking_number=number, channel="voice", language="ja", now=NOW)
    assert isinstance(first, service.Cancelled)
    found = service.find_cancellable(session, household_pk=pk, booking_number=number, now=NOW)
    assert found is BookingRefusal.NOT_FOUND
    again = service.cancel(session, household_pk=pk, booking_number=number, channel="voice", language="ja", now=NOW)
    assert again is BookingRefusal.NOT_FOUND
    assert session.scalar(select(UnitDay.booked)) == 0


def test_a_booking_cannot_be_cancelled_once_its_unit_has_started(session: Session) -> None:
    child = add_child(session)
    booked = book(session, child)
    assert isinstance(booked, service.Booked)
    started = dt.datetime(2026, 11, 27, 9, 0, tzinfo=TOKYO)
    assert service.find_cancellable(session, household_pk=child.household_pk, booking_number=booked.booking_number,
                                    now=started - dt.timedelta(minutes=1)) == booked.reservation_id
    assert service.cancel(session, household_pk=child.household_pk, booking_number=booked.booking_number,
                          channel="voice", language="ja", now=started) is BookingRefusal.TOO_LATE


def test_upcoming_lists_live_bookings_soonest_first(session: Session) -> None:
    child = add_child(session)
    sibling = add_child(session, household=child.household, born=dt.date(2021, 6, 1))
    later = book(session, child, day=DAY + dt.timedelta(days=4))
    sooner = book(session, sibling, facility_key=2, unit_key=2)
    gone = book(session, child)
    assert isinstance(later, service.Booked) and isinstance(sooner, service.Booked) and isinstance(gone, service.Booked)
    service.cancel(session, household_pk=child.household_pk, booking_number=gone.booking_number, channel="voice",
                   language="ja", now=NOW)
    assert service.upcoming(session, household_pk=child.household_pk, now=NOW) == [sooner.facts, later.facts]
    after_the_first = dt.datetime(2026, 11, 28, 0, 0, tzinfo=TOKYO)
    assert service.upcoming(session, household_pk=child.household_pk, now=after_the_first) == [later.facts]


def test_text_my_bookings_sends_the_list_to_the_number_on_file(session: Session) -> None:
    child = add_child(session)
    booked = book(session, child)
    assert isinstance(booked, service.Booked)
    assert service.text_my_bookings(session, household_pk=child.household_pk, language="ja", now=NOW) == 1
    listing = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "listing")).one()
    assert listing.to_number == child.household.phone and booked.booking_number in listing.body


def test_text_my_bookings_sends_at_most_one_list_an_hour_per_household(session: Session) -> None:
    child = add_child(session)
    book(session, child)
    household = child.household_pk
    assert service.text_my_bookings(session, household_pk=household, language="ja", now=NOW) == 1
    for later in (dt.timedelta(seconds=5), dt.timedelta(minutes=59)):
        assert service.text_my_bookings(session, household_pk=household, language="ja", now=NOW + later) == 0
    assert service.text_my_bookings(session, household_pk=household, language="ja",
                                    now=NOW + dt.timedelta(hours=1, seconds=1)) == 1
    assert len(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "listing")).all()) == 2


def test_a_landline_gets_one_list_a_night_at_once_and_the_next_in_the_morning(session: Session) -> None:
    # The list answers the caller, so by call it goes at once at any hour (contract §6); what keeps a caller
    # from making the landline ring all night is one list per quiet period (issue 28.13).
    child = add_child(session)
    child.household.phone = "+81312345678"  # a Tokyo landline: lists go by call
    book(session, child)
    quiet = QuietHours(dt.time(21, 0), dt.time(8, 0))
    night = dt.datetime(2026, 11, 20, 22, 0, tzinfo=TOKYO)

    def lists(at: dt.datetime) -> int:
        return service.text_my_bookings(session, household_pk=child.household_pk, language="ja", now=at, quiet=quiet)

    assert lists(night) == 1
    assert lists(night + dt.timedelta(hours=2)) == 0  # past the hour, still the same night
    assert lists(night + dt.timedelta(hours=5)) == 0  # 03:00
    assert lists(dt.datetime(2026, 11, 21, 8, 30, tzinfo=TOKYO)) == 1


def test_a_mobile_number_gets_a_list_an_hour_at_night_too(session: Session) -> None:
    child = add_child(session)
    book(session, child)
    quiet = QuietHours(dt.time(21, 0), dt.time(8, 0))
    night = dt.datetime(2026, 11, 20, 22, 0, tzinfo=TOKYO)
    for at, expected in ((night, 1), (night + dt.timedelta(minutes=30), 0), (night + dt.timedelta(hours=2), 1)):
        assert service.text_my_bookings(session, household_pk=child.household_pk, language="ja", now=at,
                                        quiet=quiet) == expected


def test_the_roster_shows_live_reservations_with_age_and_fee(session: Session) -> None:
    infant = add_child(session, born=dt.date(2026, 3, 1))
    older = add_child(session, born=dt.date(2023, 4, 1))
    cancelled = add_child(session)
    book(session, infant, unit_key=2)
    book(session, older, unit_key=1)
    gone = book(session, cancelled, unit_key=1)
    assert isinstance(gone, service.Booked)
    service.cancel(session, household_pk=cancelled.household_pk, booking_number=gone.booking_number,
                   channel="staff", language="ja", now=NOW)
    facility_id = session.scalar(select(Facility.id).where(Facility.key == 1))
    assert facility_id is not None
    lines = roster.roster(session, facility_id=facility_id, day=DAY)
    assert [(line.child_id, line.unit_key, line.age, line.infant, line.fee) for line in lines] == [
        (older.id, 1, 3, False, 1500), (infant.id, 2, 0, True, 2000)]


def test_a_booking_number_already_taken_is_drawn_again(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    # Randomness is the seam here, as the clock is elsewhere: the second booking draws the first's number.
    draws = iter(["12345678", "12345678", "87654321"])
    monkeypatch.setattr(service, "new_booking_number", lambda: next(draws))
    first, second = book(session, add_child(session)), book(session, add_child(session))
    assert isinstance(first, service.Booked) and isinstance(second, service.Booked)
    assert (first.booking_number, second.booking_number) == ("12345678", "87654321")
