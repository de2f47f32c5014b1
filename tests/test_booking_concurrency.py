"""Races on real threads (and PostgreSQL processes): the database, not luck, keeps the counts right."""
from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable
from pathlib import Path

from facilities_files import facilities_toml, hikarigaoka, import_facilities_text, shakujii
from racing import at_once
from sqlalchemy import func, select
from test_booking_service import DAY, NOW, add_child, book, unit_id

from azukari.booking import service
from azukari.booking.models import Reservation, UnitDay
from azukari.booking.rules import BookingRefusal
from azukari.db import Database
from azukari.settings import DEMO_SECRET_KEY

# Capacity 6 with 2 infant seats, so a race can overrun either limit.
RACE_FACILITY = facilities_toml(hikarigaoka(capacity=6, infant_capacity=2, units=(("09:00", "12:00"),)),
                                shakujii(capacity=6, infant_capacity=2))
INFANT, OLDER = dt.date(2026, 5, 1), dt.date(2023, 5, 1)




def _book_job(database: Database, child_id: int, unit: int) -> Callable[[], object]:
    def job() -> object:
        with database.unit_of_work() as session:
            outcome = service.book(session, child_id=child_id, unit_id=unit, day=DAY, channel="voice",
                                   language="ja", now=NOW)
            session.commit()
            return outcome
    return job


def _prepare(database: Database, tmp_path: Path, births: list[dt.date], prebooked: list[dt.date]) -> list[int]:
    """Seed facilities, book `prebooked` children into unit 1-1, return the ids of `births` children."""
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, RACE_FACILITY)
        for born in prebooked:
            assert isinstance(book(session, add_child(session, born=born)), service.Booked)
        ids = [add_child(session, born=born).id for born in births]
        session.commit()
        return ids


def _counts(database: Database, unit: int) -> tuple[int, int, int, int]:
    """(live reservations, live infants, counter booked, counter infants) for the unit on DAY."""
    with database.unit_of_work() as session:
        live = select(func.count(Reservation.id)).where(Reservation.unit_id == unit, Reservation.status == "booked")
        booked, infants = session.execute(select(UnitDay.booked, UnitDay.infants).where(UnitDay.unit_id == unit)).one()
        return (session.scalar(live) or 0, session.scalar(live.where(Reservation.infant)) or 0, booked, infants)


def _unit(database: Database, facility_key: int) -> int:
    with database.unit_of_work() as session:
        return unit_id(session, facility_key, 1)


def test_twenty_four_threads_for_the_last_three_seats_book_exactly_the_capacity(database: Database,
                                                                                tmp_path: Path) -> None:
    children = _prepare(database, tmp_path, [INFANT, OLDER] * 12, prebooked=[INFANT, OLDER, OLDER])
    unit = _unit(database, 1)
    results = at_once([_book_job(database, child, unit) for child in children])
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(isinstance(r, service.Booked) for r in results) == 3
    assert all(r is BookingRefusal.FULL for r in results if not isinstance(r, service.Booked))
    live, infants, counter, counter_infants = _counts(database, unit)
    assert (live, counter) == (6, 6)
    assert infants == counter_infants <= 2


def test_twenty_infants_racing_for_one_infant_seat_take_exactly_one(database: Database, tmp_path: Path) -> None:
    children = _prepare(database, tmp_path, [INFANT] * 20, prebooked=[INFANT])
    unit = _unit(database, 1)
    results = at_once([_book_job(database, child, unit) for child in children])
    assert sum(isinstance(r, service.Booked) for r in results) == 1
    assert _counts(database, unit) == (2, 2, 2, 2)


def test_one_child_raced_onto_overlapping_units_at_two_facilities_gets_one(database: Database,
                                                                           tmp_path: Path) -> None:
    (child,) = _prepare(database, tmp_path, [OLDER], prebooked=[])
    units = [_unit(database, 1), _unit(database, 2)]
    results = at_once([_book_job(database, child, units[i % 2]) for i in range(20)])
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(isinstance(r, service.Booked) for r in results) == 1
    assert all(r is BookingRefusal.OVERLAPPING for r in results if not isinstance(r, service.Booked))
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count(Reservation.id))) == 1
        assert session.scalar(select(func.sum(UnitDay.booked))) == 1


def test_one_child_whose_day_lock_row_already_exists_still_gets_one(database: Database, tmp_path: Path) -> None:
    # A cancelled booking leaves the child's lock row behind, so the race is decided by the
    # UPDATE that locks it, not by the INSERT that creates it.
    (child,) = _prepare(database, tmp_path, [OLDER], prebooked=[])
    units = [_unit(database, 1), _unit(database, 2)]
    first = _book_job(database, child, units[0])()
    assert isinstance(first, service.Booked)
    with database.unit_of_work() as session:
        household_pk = session.scalar(select(Reservation.household_pk))
        assert household_pk is not None
        service.cancel(session, household_pk=household_pk, booking_number=first.booking_number, channel="voice",
                       language="ja", now=NOW)
        session.commit()
    results = at_once([_book_job(database, child, units[i % 2]) for i in range(20)])
    assert sum(isinstance(r, service.Booked) for r in results) == 1
    with database.unit_of_work() as session:
        assert session.scalar(select(func.sum(UnitDay.booked))) == 1


def test_cancellations_racing_with_bookings_keep_the_counter_true(database: Database, tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, RACE_FACILITY)
        holders = [add_child(session, born=born) for born in [INFANT, INFANT, OLDER, OLDER, OLDER, OLDER]]
        tickets = []
        for child in holders:
            booked = book(session, child)
            assert isinstance(booked, service.Booked)
            tickets.append((child.household_pk, booked.booking_number))
        waiting = [add_child(session, born=born).id for born in [INFANT, OLDER] * 8]
        session.commit()
    unit = _unit(database, 1)

    def cancel_job(household_pk: int, number: str) -> Callable[[], object]:
        def job() -> object:
            with database.unit_of_work() as session:
                outcome = service.cancel(session, household_pk=household_pk, booking_number=number,
                                         channel="voice", language="ja", now=NOW)
                session.commit()
                return outcome
        return job

    results = at_once([cancel_job(*t) for t in tickets] + [_book_job(database, c, unit) for c in waiting])
    assert not [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, service.Cancelled) for r in results[:6])
    booked_in_race = sum(isinstance(r, service.Booked) for r in results[6:])
    live, infants, counter, counter_infants = _counts(database, unit)
    assert (live, infants) == (counter, counter_infants)
    assert live == booked_in_race <= 6 and infants <= 2
    # Every cancelled seat really came back: booking on from here fills the unit exactly.
    late = [r for r in [_book_job(database, c, unit)() for c in waiting] if isinstance(r, service.Booked)]
    assert _counts(database, unit)[0] == booked_in_race + len(late) == 6


def _process_booker(url: str, child_ids: list[int], unit: int, start: multiprocessing.synchronize.Barrier,
                    booked: multiprocessing.sharedctypes.Synchronized[int]) -> None:
    # A process of its own: its own engine and connections.
    database = Database(url, pool_size=2, secret_key=DEMO_SECRET_KEY)
    try:
        start.wait()
        for child_id in child_ids:
            if isinstance(_book_job(database, child_id, unit)(), service.Booked):
                with booked.get_lock():
                    booked.value += 1
    finally:
        database.dispose()


def test_processes_racing_on_postgresql_book_exactly_the_capacity(pg_database: Database, tmp_path: Path) -> None:
    children = _prepare(pg_database, tmp_path, [INFANT, OLDER] * 12, prebooked=[OLDER])
    unit = _unit(pg_database, 1)
    context = multiprocessing.get_context("spawn")  # no inherited sockets from this process's pool
    start, booked = context.Barrier(6), context.Value("i", 0)
    processes = [context.Process(target=_process_booker, args=(pg_database.url, children[i::6], unit, start, booked))
                 for i in range(6)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=180)
    assert [p.exitcode for p in processes] == [0] * 6
    assert booked.value == 5
    live, infants, counter, counter_infants = _counts(pg_database, unit)
    assert (live, counter) == (6, 6)
    assert infants == counter_infants <= 2


# The rest of November after NOW, without the 23rd (a public holiday): nine days in one month.
NOVEMBER = [dt.date(2026, 11, d) for d in (21, 22, 24, 25, 26, 27, 28, 29, 30)]
MONTHLY_LIMIT = "\n[rules]\nmonthly_units_per_child = 3\n"


def _book_on(database: Database, child_id: int, unit: int, day: dt.date) -> Callable[[], object]:
    def job() -> object:
        with database.unit_of_work() as session:
            outcome = service.book(session, child_id=child_id, unit_id=unit, day=day, channel="voice",
                                   language="ja", now=NOW)
            session.commit()
            return outcome
    return job


def _prepare_limited(database: Database, tmp_path: Path) -> tuple[int, int]:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, RACE_FACILITY + MONTHLY_LIMIT)
        child = add_child(session, born=OLDER).id
        session.commit()
    return child, _unit(database, 1)


def _live_in_november(database: Database, child: int) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count(Reservation.id)).where(
            Reservation.child_id == child, Reservation.status == "booked")) or 0


def test_one_child_racing_onto_nine_days_gets_exactly_the_months_limit(database: Database, tmp_path: Path) -> None:
    child, unit = _prepare_limited(database, tmp_path)
    results = at_once([_book_on(database, child, unit, day) for day in NOVEMBER * 2])
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(isinstance(r, service.Booked) for r in results) == 3
    assert {r for r in results if not isinstance(r, service.Booked)} <= {BookingRefusal.MONTHLY_LIMIT,
                                                                         BookingRefusal.OVERLAPPING}
    assert _live_in_november(database, child) == 3


def _process_month_booker(url: str, child_id: int, unit: int, days: list[dt.date],
                          start: multiprocessing.synchronize.Barrier) -> None:
    database = Database(url, pool_size=2, secret_key=DEMO_SECRET_KEY)
    try:
        start.wait()
        for day in days:
            _book_on(database, child_id, unit, day)()
    finally:
        database.dispose()


def test_processes_racing_on_postgresql_for_the_last_unit_of_the_month_book_one(pg_database: Database,
                                                                                tmp_path: Path) -> None:
    child, unit = _prepare_limited(pg_database, tmp_path)
    assert isinstance(_book_on(pg_database, child, unit, NOVEMBER[0])(), service.Booked)
    assert isinstance(_book_on(pg_database, child, unit, NOVEMBER[1])(), service.Booked)
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(7)
    processes = [context.Process(target=_process_month_booker,
                                 args=(pg_database.url, child, unit, [NOVEMBER[2 + i]], start)) for i in range(7)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=180)
    assert [p.exitcode for p in processes] == [0] * 7
    assert _live_in_november(pg_database, child) == 3
