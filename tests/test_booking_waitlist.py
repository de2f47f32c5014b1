"""The waiting list and seat offers on a real database (contract §7): who is offered, holds, codes, lapses."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from facilities_files import facilities_toml, hikarigaoka, import_facilities_text, shakujii
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_booking_service import DAY, NOW, add_child, book, unit_id

from azukari.booking import offers, service, waitlist
from azukari.booking.models import Reservation, SeatOffer, UnitDay, WaitlistEntry
from azukari.booking.rules import BookingRefusal
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.households.models import Child
from azukari.messaging.models import OutboxMessage

ONE_SEAT = facilities_toml(
    hikarigaoka(capacity=1, infant_capacity=1), shakujii(capacity=3, infant_capacity=1),
    rules={"waitlist": True, "offer_hours": 12, "monthly_units_per_child": 4})
CODE = re.compile(r"コード ([0-9]{4})")


@pytest.fixture
def session(database: Database, tmp_path: Path) -> Iterator[Session]:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, ONE_SEAT)
        yield session


def wait(session: Session, child: Child, *, unit_key: int = 1, now: dt.datetime = NOW) -> waitlist.Waiting:
    joined = waitlist.join(session, child_id=child.id, unit_id=unit_id(session, 1, unit_key), day=DAY,
                           channel="voice", language="ja", now=now)
    assert isinstance(joined, waitlist.Waiting), joined
    return joined


def booked(session: Session, child: Child) -> service.Booked:
    outcome = book(session, child)
    assert isinstance(outcome, service.Booked), outcome
    return outcome


def cancel(session: Session, child: Child, number: str, now: dt.datetime = NOW, channel: str = "voice") -> None:
    assert isinstance(service.cancel(session, household_pk=child.household_pk, booking_number=number,
                                     channel=channel, language="ja", now=now), service.Cancelled)


def texts_to(session: Session, child: Child, kind: str) -> list[str]:
    return list(session.scalars(select(OutboxMessage.body).where(
        OutboxMessage.household_pk == child.household_pk, OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def code_of(session: Session, child: Child) -> str:
    found = CODE.search(texts_to(session, child, "offer")[-1])
    assert found is not None
    return found.group(1)


def test_joining_texts_what_is_waited_for_and_never_the_place(session: Session) -> None:
    booked(session, add_child(session))
    first, second = add_child(session), add_child(session)
    wait(session, first)
    wait(session, second)
    (text,) = texts_to(session, second, "waiting")
    assert "キャンセル待ち" in text and "09:00-12:00" in text and "光が丘" in text
    assert not re.search(r"[0-9]+(番目|位)", text)


def test_a_child_waits_once_for_a_unit_and_day(session: Session) -> None:
    booked(session, add_child(session))
    child = add_child(session)
    assert wait(session, child).new and not wait(session, child).new
    assert len(session.scalars(select(WaitlistEntry)).all()) == 1
    assert len(texts_to(session, child, "waiting")) == 1


def test_a_cancel_offers_the_seat_to_the_first_waiting_child_and_holds_it(session: Session) -> None:
    holder = add_child(session)
    ticket = booked(session, holder)
    first, second = add_child(session), add_child(session)
    wait(session, first)
    wait(session, second)
    cancel(session, holder, ticket.booking_number)
    (offer,) = texts_to(session, first, "offer")
    assert "11月27日" in offer and "09:00-12:00" in offer and "11月20日22:00まで" in offer  # 10:00 + 12 h
    assert texts_to(session, second, "offer") == []
    assert book(session, add_child(session)) is BookingRefusal.FULL  # held for the family offered it
    assert session.scalars(select(UnitDay.held)).one() == 1


def test_the_code_from_the_number_on_file_books_the_held_seat(session: Session) -> None:
    holder = add_child(session)
    ticket = booked(session, holder)
    child = add_child(session)
    wait(session, child)
    cancel(session, holder, ticket.booking_number)
    taken = waitlist.accept(session, sender=child.household.phone, code=code_of(session, child),
                            now=NOW + dt.timedelta(hours=1))
    assert isinstance(taken, service.Booked)
    assert texts_to(session, child, "confirmation")[-1].count(taken.booking_number) == 1
    assert session.execute(select(UnitDay.booked, UnitDay.held)).one() == (1, 0)
    assert session.scalars(select(WaitlistEntry.status).where(WaitlistEntry.child_id == child.id)).one() == "booked"


def test_the_code_is_taken_as_the_offer_wrote_it_in_full_width_digits_too(session: Session) -> None:
    holder = add_child(session)
    ticket = booked(session, holder)
    child = add_child(session)
    wait(session, child)
    cancel(session, holder, ticket.booking_number)
    written = "コード " + code_of(session, child).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert isinstance(waitlist.accept(session, sender=child.household.phone, code=written, now=NOW), service.Booked)


def test_a_wrong_code_or_the_right_code_from_another_number_books_nothing(session: Session) -> None:
    holder = add_child(session)
    ticket = booked(session, holder)
    child, stranger = add_child(session), add_child(session)
    wait(session, child)
    cancel(session, holder, ticket.booking_number)
    code = code_of(session, child)
    wrong = f"{(int(code) + 1) % 10_000:04d}"
    assert waitlist.accept(session, sender=child.household.phone, code=wrong, now=NOW) is None
    assert waitlist.accept(session, sender=stranger.household.phone, code=code, now=NOW) is None
    assert session.scalars(select(SeatOffer.status)).one() == "open"
    assert session.scalars(select(Reservation).where(Reservation.status == "booked")).all() == []


def test_a_lapsed_offer_passes_to_the_next_family_and_its_code_no_longer_books(session: Session) -> None:
    holder = add_child(session)
    ticket = booked(session, holder)
    first, second = add_child(session), add_child(session)
    wait(session, first)
    wait(session, second)
    cancel(session, holder, ticket.booking_number)
    code = code_of(session, first)
    later = NOW + dt.timedelta(hours=12)
    assert offers.pass_on_lapsed(session, now=later) == 1
    assert waitlist.accept(session, sender=first.household.phone, code=code, now=later) is None
    assert len(texts_to(session, second, "offer")) == 1
    assert session.scalars(select(UnitDay.held)).one() == 1
    statuses = dict(session.execute(select(WaitlistEntry.child_id, WaitlistEntry.status)).all())
    assert statuses == {first.id: "lapsed", second.id: "offered"}


def test_an_offer_never_stands_past_the_start_of_its_unit(session: Session) -> None:
    holder = add_child(session)
    ticket = booked(session, holder)
    child = add_child(session)
    wait(session, child)
    evening_before = dt.datetime(2026, 11, 26, 22, 0, tzinfo=TOKYO)
    cancel(session, holder, ticket.booking_number, now=evening_before, channel="staff")
    offer = session.scalars(select(SeatOffer)).one()
    assert offer.expires_at == dt.datetime(2026, 11, 27, 9, 0, tzinfo=TOKYO)


def test_a_child_booked_elsewhere_at_that_time_is_passed_over(session: Session) -> None:
    holder = add_child(session)
    ticket = booked(session, holder)
    busy, next_in_line = add_child(session), add_child(session)
    wait(session, busy)
    wait(session, next_in_line)
    assert isinstance(book(session, busy, facility_key=2), service.Booked)  # 10:00-13:00 overlaps 09:00-12:00
    cancel(session, holder, ticket.booking_number)
    assert texts_to(session, busy, "offer") == []
    assert len(texts_to(session, next_in_line, "offer")) == 1


def test_a_child_at_the_months_limit_is_passed_over(database: Database, tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, ONE_SEAT.replace("monthly_units_per_child = 4",
                                                            "monthly_units_per_child = 1"))
        holder = add_child(session)
        ticket = booked(session, holder)
        capped, next_in_line = add_child(session), add_child(session)
        assert isinstance(book(session, capped, unit_key=2, day=DAY + dt.timedelta(days=1)), service.Booked)
        wait(session, capped)
        wait(session, next_in_line)
        cancel(session, holder, ticket.booking_number)
        assert texts_to(session, capped, "offer") == []
        assert len(texts_to(session, next_in_line, "offer")) == 1


def test_a_child_past_its_months_limit_is_skipped_and_keeps_its_place(database: Database, tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, ONE_SEAT.replace("monthly_units_per_child = 4",
                                                            "monthly_units_per_child = 1"))
        holder = add_child(session)
        ticket = booked(session, holder)
        capped, next_in_line = add_child(session), add_child(session)
        other_day = book(session, capped, unit_key=2, day=DAY + dt.timedelta(days=1))
        assert isinstance(other_day, service.Booked)
        wait(session, capped)
        wait(session, next_in_line)
        cancel(session, holder, ticket.booking_number)
        assert texts_to(session, capped, "offer") == [] and len(texts_to(session, next_in_line, "offer")) == 1
        status = select(WaitlistEntry.status).where(WaitlistEntry.child_id == capped.id)
        assert session.scalars(status).one() == "waiting"  # passed over, not dropped
        cancel(session, capped, other_day.booking_number)  # under the limit again
        offers.pass_on_lapsed(session, now=NOW + dt.timedelta(hours=13))  # the first offer lapses
        assert len(texts_to(session, capped, "offer")) == 1 and session.scalars(status).one() == "offered"


def test_a_child_too_young_on_the_day_is_skipped_and_keeps_its_place(database: Database, tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, ONE_SEAT + "\n[eligibility]\nmin_age_days = 57\n")
        holder = add_child(session)
        ticket = booked(session, holder)
        newborn, next_in_line = add_child(session, born=DAY - dt.timedelta(days=30)), add_child(session)
        if not isinstance(waitlist.join(session, child_id=newborn.id, unit_id=unit_id(session, 1, 1), day=DAY,
                                        channel="voice", language="ja", now=NOW), waitlist.Waiting):
            pytest.skip("joining refuses a child outside the ages: nothing to pass over")
        wait(session, next_in_line)
        cancel(session, holder, ticket.booking_number)
        assert texts_to(session, newborn, "offer") == [] and len(texts_to(session, next_in_line, "offer")) == 1
        assert session.scalars(select(WaitlistEntry.status).where(WaitlistEntry.child_id == newborn.id)).one() \
            == "waiting"


def test_staff_removing_an_offered_entry_passes_the_seat_on(session: Session) -> None:
    holder = add_child(session)
    ticket = booked(session, holder)
    first, second = add_child(session), add_child(session)
    entry = wait(session, first)
    wait(session, second)
    cancel(session, holder, ticket.booking_number)
    assert waitlist.remove(session, entry_id=entry.entry_id, actor="staff:1", now=NOW)
    assert session.scalars(select(SeatOffer.status).where(SeatOffer.child_id == first.id)).one() == "withdrawn"
    assert len(texts_to(session, second, "offer")) == 1


def test_past_days_leave_the_list(session: Session) -> None:
    booked(session, add_child(session))
    child = add_child(session)
    wait(session, child)
    offers.pass_on_lapsed(session, now=dt.datetime(2026, 11, 27, 8, 0, tzinfo=TOKYO))
    assert session.scalars(select(WaitlistEntry.status)).one() == "past"


def test_a_raised_capacity_reaches_the_waiting_at_the_next_job(database: Database, tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, ONE_SEAT)
        booked(session, add_child(session))
        child = add_child(session)
        wait(session, child)
        import_facilities_text(session, tmp_path, ONE_SEAT.replace("capacity = 1\ninfant", "capacity = 2\ninfant"))
        offers.pass_on_lapsed(session, now=NOW)
        assert len(texts_to(session, child, "offer")) == 1


def test_without_the_rule_nobody_can_wait(database: Database, tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, ONE_SEAT.replace("waitlist = true", "waitlist = false"))
        child = add_child(session)
        assert waitlist.join(session, child_id=child.id, unit_id=unit_id(session, 1, 1), day=DAY, channel="voice",
                             language="ja", now=NOW) is BookingRefusal.NOT_FOUND


def test_the_full_units_to_wait_for_are_the_same_whoever_asks(session: Session) -> None:
    holder = add_child(session)
    booked(session, holder)  # the one seat of the morning: the holder's own booking
    stranger = add_child(session)
    mine = waitlist.full_units(session, child_id=holder.id, day=DAY, now=NOW)
    theirs = waitlist.full_units(session, child_id=stranger.id, day=DAY, now=NOW)
    assert [(o.facility_key, o.unit_key) for o in mine] == [(o.facility_key, o.unit_key) for o in theirs] == [(1, 1)]
