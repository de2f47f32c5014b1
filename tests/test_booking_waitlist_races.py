"""Races of the waiting list on real threads: holds, offers and acceptances stay exactly right (contract §7)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from facilities_files import import_facilities_text
from racing import at_once as _race
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_booking_service import DAY, NOW, add_child, unit_id
from test_booking_waitlist import CODE, ONE_SEAT

from azukari.booking import offers, service, waitlist
from azukari.booking.models import Reservation, SeatOffer, UnitDay
from azukari.booking.rules import BookingRefusal
from azukari.db import Database
from azukari.households.models import Child
from azukari.messaging.models import OutboxMessage
from azukari.oversight.models import Escalation
from azukari.registration import service as registration


def _job(database: Database, work: Callable[[Session], object]) -> Callable[[], object]:
    def job() -> object:
        with database.unit_of_work() as session:
            outcome = work(session)
            session.commit()
            return outcome
    return job


def _setup(database: Database, tmp_path: Path, *, capacity: int, waiting: int) -> tuple[list[tuple[int, str]],
                                                                                          list[Child]]:
    """A full unit 1-1 (`capacity` holders) with `waiting` children on its list, oldest first."""
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path,
                               ONE_SEAT.replace("capacity = 1\ninfant", f"capacity = {capacity}\ninfant"))
        unit = unit_id(session, 1, 1)
        tickets = []
        for _ in range(capacity):
            holder = add_child(session)
            booked = service.book(session, child_id=holder.id, unit_id=unit, day=DAY, channel="voice",
                                  language="ja", now=NOW)
            assert isinstance(booked, service.Booked)
            tickets.append((holder.household_pk, booked.booking_number))
        children = [add_child(session) for _ in range(waiting)]
        for child in children:
            assert isinstance(waitlist.join(session, child_id=child.id, unit_id=unit, day=DAY, channel="sms",
                                            language="ja", now=NOW), waitlist.Waiting)
        session.commit()
        session.expunge_all()
        return tickets, children


def _cancel(database: Database, household_pk: int, number: str) -> Callable[[], object]:
    return _job(database, lambda s: service.cancel(s, household_pk=household_pk, booking_number=number,
                                                   channel="voice", language="ja", now=NOW))


def _seats(database: Database) -> tuple[int, int, int]:
    """(booked, held, live reservations) of unit 1-1 on DAY."""
    with database.unit_of_work() as session:
        booked, held = session.execute(select(UnitDay.booked, UnitDay.held)).one()
        live = session.scalar(select(func.count(Reservation.id)).where(Reservation.status == "booked")) or 0
        return booked, held, live


def _code(database: Database, household_pk: int) -> str:
    with database.unit_of_work() as session:
        body = session.scalars(select(OutboxMessage.body).where(OutboxMessage.household_pk == household_pk,
                                                                OutboxMessage.kind == "offer")).one()
    found = CODE.search(body)
    assert found is not None
    return found.group(1)


def test_two_cancels_at_once_offer_two_seats_to_the_first_two_waiting(database: Database, tmp_path: Path) -> None:
    tickets, children = _setup(database, tmp_path, capacity=2, waiting=3)
    results = _race([_cancel(database, *ticket) for ticket in tickets])
    assert all(isinstance(r, service.Cancelled) for r in results)
    with database.unit_of_work() as session:
        offered = sorted(session.scalars(select(SeatOffer.child_id).where(SeatOffer.status == "open")))
    assert offered == sorted(c.id for c in children[:2])
    assert _seats(database) == (0, 2, 0)


def test_an_offer_accepted_while_its_hold_expires_is_either_booked_or_passed_on(database: Database,
                                                                                tmp_path: Path) -> None:
    tickets, (first, second) = _setup(database, tmp_path, capacity=1, waiting=2)
    _cancel(database, *tickets[0])()
    code = _code(database, first.household_pk)
    with database.unit_of_work() as session:
        expires_at = session.scalars(select(SeatOffer.expires_at)).one()
    accept = _job(database, lambda s: waitlist.accept(s, sender=first.household.phone, code=code,
                                                      now=expires_at - dt.timedelta(milliseconds=1)))
    expire = _job(database, lambda s: offers.pass_on_lapsed(s, now=expires_at))
    accepted, lapsed = _race([accept, expire])
    with database.unit_of_work() as session:
        statuses = {child: status for child, status in session.execute(select(SeatOffer.child_id, SeatOffer.status))}
    if isinstance(accepted, service.Booked):
        assert lapsed == 0 and statuses == {first.id: "accepted"}
        assert _seats(database) == (1, 0, 1)
    else:
        assert accepted is None and lapsed == 1
        assert statuses == {first.id: "expired", second.id: "open"}
        assert _seats(database) == (0, 1, 0)


def test_a_staff_booking_racing_an_offer_of_the_last_seat_never_takes_it(database: Database, tmp_path: Path) -> None:
    tickets, (child,) = _setup(database, tmp_path, capacity=1, waiting=1)
    with database.unit_of_work() as session:
        walk_in = add_child(session).id
        unit = unit_id(session, 1, 1)
        session.commit()
    staff_books = _job(database, lambda s: service.book(s, child_id=walk_in, unit_id=unit, day=DAY, channel="staff",
                                                        language="ja", now=NOW))
    cancelled, staff = _race([_cancel(database, *tickets[0]), staff_books])
    assert isinstance(cancelled, service.Cancelled)
    assert staff is BookingRefusal.FULL  # before the cancel the unit was full; after it, the seat is held
    taken = _job(database, lambda s: waitlist.accept(s, sender=child.household.phone,
                                                     code=_code(database, child.household_pk), now=NOW))()
    assert isinstance(taken, service.Booked)
    assert _seats(database) == (1, 0, 1)


def test_a_staff_booking_racing_the_acceptance_of_a_held_seat_never_takes_it(database: Database,
                                                                             tmp_path: Path) -> None:
    tickets, (child,) = _setup(database, tmp_path, capacity=1, waiting=1)
    _cancel(database, *tickets[0])()
    code = _code(database, child.household_pk)
    with database.unit_of_work() as session:
        walk_in = add_child(session).id
        unit = unit_id(session, 1, 1)
        session.commit()
    staff_books = _job(database, lambda s: service.book(s, child_id=walk_in, unit_id=unit, day=DAY, channel="staff",
                                                        language="ja", now=NOW))
    accept = _job(database, lambda s: waitlist.accept(s, sender=child.household.phone, code=code, now=NOW))
    staff, accepted = _race([staff_books, accept])
    assert staff is BookingRefusal.FULL and isinstance(accepted, service.Booked)
    assert _seats(database) == (1, 0, 1)


def test_one_offer_keyed_in_two_calls_at_once_books_one_seat(database: Database, tmp_path: Path) -> None:
    tickets, (child,) = _setup(database, tmp_path, capacity=1, waiting=1)
    _cancel(database, *tickets[0])()
    code = _code(database, child.household_pk)
    take = _job(database, lambda s: waitlist.take_by_code(s, household_pk=child.household_pk, code=code,
                                                          channel="voice", now=NOW))
    results = _race([take, take])
    assert sum(isinstance(r, service.Booked) for r in results) == 1 and None in results
    assert _seats(database) == (1, 0, 1)


def test_the_dv_flag_racing_the_code_either_books_first_or_withdraws_and_passes_on(database: Database,
                                                                                  tmp_path: Path) -> None:
    tickets, (child, second) = _setup(database, tmp_path, capacity=1, waiting=2)
    _cancel(database, *tickets[0])()
    code = _code(database, child.household_pk)
    take = _job(database, lambda s: waitlist.take_by_code(s, household_pk=child.household_pk, code=code,
                                                          channel="voice", now=NOW))
    flag = _job(database, lambda s: registration.set_dv(s, household_pk=child.household_pk, flag=True,
                                                        reason="support_measure", now=NOW))
    taken, _flagged = _race([take, flag])
    with database.unit_of_work() as session:
        statuses = {c: status for c, status in session.execute(select(SeatOffer.child_id, SeatOffer.status))}
    if isinstance(taken, service.Booked):
        assert statuses == {child.id: "accepted"} and _seats(database) == (1, 0, 1)
    else:
        assert statuses == {child.id: "withdrawn", second.id: "open"} and _seats(database) == (0, 1, 0)


def test_wrong_codes_keyed_at_once_are_each_counted_and_raise_one_case(database: Database, tmp_path: Path) -> None:
    tickets, (child,) = _setup(database, tmp_path, capacity=1, waiting=1)
    _cancel(database, *tickets[0])()
    wrong = f"{(int(_code(database, child.household_pk)) + 1) % 10_000:04d}"
    miss = _job(database, lambda s: waitlist.take_by_code(s, household_pk=child.household_pk, code=wrong,
                                                          channel="voice", now=NOW))
    assert _race([miss] * (offers.WRONG_CODE_LIMIT + 1)) == [None] * (offers.WRONG_CODE_LIMIT + 1)
    with database.unit_of_work() as session:
        assert session.scalars(select(SeatOffer.wrong_codes)).one() == offers.WRONG_CODE_LIMIT + 1
        assert session.scalar(select(func.count(Escalation.id)).where(Escalation.kind == "offer_code_guessed")) == 1
