"""Day-before reminders: when they are due, that each goes once, and only to the number on file."""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from facilities_files import import_facilities_text
from sqlalchemy import select
from test_booking_service import DAY, FACILITIES, NOW, add_child, unit_id

from azukari.booking import reminders, service
from azukari.booking.models import Reservation
from azukari.clock import TOKYO, FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.messaging.models import OutboxMessage

DAY_BEFORE_NOON = dt.datetime(2026, 11, 26, 12, 0, tzinfo=TOKYO)  # DAY is Friday 11/27


def book_ahead(database: Database, tmp_path: Path, *, now: dt.datetime = NOW, language: str = "ja",
          unit_key: int = 1, seed: bool = True) -> int:
    with database.unit_of_work() as session:
        if seed:
            import_facilities_text(session, tmp_path, FACILITIES)
        child = add_child(session)
        booked = service.book(session, child_id=child.id, unit_id=unit_id(session, 1, unit_key), day=DAY,
                              channel="voice", language=language, now=now)
        assert isinstance(booked, service.Booked)
        session.commit()
        return booked.reservation_id


def _queue(database: Database, clock: FixedClock) -> int:
    with database.unit_of_work() as session:
        queued = reminders.queue_reminders(session, now=clock.now())
        session.commit()
        return queued


def queued_reminders(database: Database) -> list[tuple[int | None, int | None, str, str]]:
    """(reservation, household, to number, body) of every queued reminder."""
    with database.unit_of_work() as session:
        rows = session.execute(select(OutboxMessage.reservation_id, OutboxMessage.household_pk,
                                      OutboxMessage.to_number, OutboxMessage.body)
                               .where(OutboxMessage.kind == "reminder").order_by(OutboxMessage.id))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _reservation(*, day: dt.date = DAY, created_at: dt.datetime = NOW, status: str = "booked") -> Reservation:
    return Reservation(day=day, starts_at=dt.datetime.combine(day, dt.time(9), tzinfo=TOKYO), created_at=created_at,
                       status=status, reminder_queued_at=None)


def test_a_reminder_is_due_the_day_before_from_noon_in_tokyo() -> None:
    assert reminders.reminders_due([_reservation()], now=DAY_BEFORE_NOON) != []


def test_no_reminder_is_due_before_noon_the_day_before() -> None:
    assert reminders.reminders_due([_reservation()], now=DAY_BEFORE_NOON - dt.timedelta(minutes=1)) == []


def test_no_reminder_is_due_at_night_the_day_before() -> None:
    assert reminders.reminders_due([_reservation()], now=DAY_BEFORE_NOON + dt.timedelta(hours=8)) == []


def test_no_reminder_is_due_on_the_day_itself() -> None:
    assert reminders.reminders_due([_reservation()], now=DAY_BEFORE_NOON + dt.timedelta(days=1)) == []


def test_no_reminder_is_due_for_a_booking_made_less_than_a_day_before_it_starts() -> None:
    late = _reservation(created_at=dt.datetime(2026, 11, 26, 9, 30, tzinfo=TOKYO))  # 23.5 h before 09:00

    assert reminders.reminders_due([late], now=DAY_BEFORE_NOON) == []


def test_no_reminder_is_due_for_a_cancelled_booking() -> None:
    assert reminders.reminders_due([_reservation(status="cancelled")], now=DAY_BEFORE_NOON) == []


def test_the_reminder_goes_to_the_number_on_file_in_the_language_of_the_booking(
        database: Database, tmp_path: Path) -> None:
    reservation_id = book_ahead(database, tmp_path, language="en")

    assert _queue(database, FixedClock(DAY_BEFORE_NOON)) == 1

    [(to_reservation, to_household, to_number, body)] = queued_reminders(database)
    with database.unit_of_work() as session:
        reservation = session.get(Reservation, reservation_id)
        assert reservation is not None
        household = session.get(Household, reservation.household_pk)
        assert household is not None
        assert (to_reservation, to_household, to_number) == (reservation_id, household.id, household.phone)
        assert body.startswith("Reminder: tomorrow, Fri 11/27 09:00-12:00")
        assert reservation.booking_number in body
        assert reservation.reminder_queued_at == DAY_BEFORE_NOON


def test_nothing_is_queued_before_noon_the_day_before(database: Database, tmp_path: Path) -> None:
    book_ahead(database, tmp_path)

    assert _queue(database, FixedClock(DAY_BEFORE_NOON - dt.timedelta(minutes=1))) == 0
    assert queued_reminders(database) == []


def test_a_cancelled_booking_gets_no_reminder(database: Database, tmp_path: Path) -> None:
    reservation_id = book_ahead(database, tmp_path)
    with database.unit_of_work() as session:
        reservation = session.get(Reservation, reservation_id)
        assert reservation is not None
        assert isinstance(service.cancel(session, household_pk=reservation.household_pk,
                                         booking_number=reservation.booking_number, channel="sms", language="ja",
                                         now=NOW), service.Cancelled)
        session.commit()

    assert _queue(database, FixedClock(DAY_BEFORE_NOON)) == 0


def test_cancelling_after_the_reminder_was_queued_withdraws_it_before_it_goes_out(
        database: Database, tmp_path: Path) -> None:
    reservation_id = book_ahead(database, tmp_path)
    assert _queue(database, FixedClock(DAY_BEFORE_NOON)) == 1
    with database.unit_of_work() as session:
        reservation = session.get_one(Reservation, reservation_id)
        assert isinstance(service.cancel(session, household_pk=reservation.household_pk,
                                         booking_number=reservation.booking_number, channel="voice", language="ja",
                                         now=DAY_BEFORE_NOON + dt.timedelta(minutes=1)), service.Cancelled)
        session.commit()
    with database.unit_of_work() as session:
        statuses = dict(session.execute(select(OutboxMessage.kind, OutboxMessage.status)
                                        .where(OutboxMessage.reservation_id == reservation_id)).all())
    assert statuses == {"confirmation": "pending", "reminder": "withdrawn", "cancellation": "pending"}


def test_a_booking_made_on_the_morning_before_gets_only_its_confirmation(database: Database, tmp_path: Path) -> None:
    book_ahead(database, tmp_path, now=dt.datetime(2026, 11, 26, 10, 0, tzinfo=TOKYO))

    assert _queue(database, FixedClock(DAY_BEFORE_NOON)) == 0


def test_running_twice_queues_one_reminder(database: Database, tmp_path: Path) -> None:
    book_ahead(database, tmp_path)
    clock = FixedClock(DAY_BEFORE_NOON)

    assert _queue(database, clock) == 1
    clock.advance(minutes=5)
    assert _queue(database, clock) == 0
    assert len(queued_reminders(database)) == 1


def test_a_booking_too_late_for_a_reminder_does_not_hold_back_the_ones_after_it(
        database: Database, tmp_path: Path) -> None:
    late = book_ahead(database, tmp_path, now=dt.datetime(2026, 11, 26, 10, 0, tzinfo=TOKYO))  # 23 h ahead: never due
    due = book_ahead(database, tmp_path, now=dt.datetime(2026, 11, 26, 11, 0, tzinfo=TOKYO), unit_key=2, seed=False)
    assert late < due

    with database.unit_of_work() as session:
        queued = reminders.queue_reminders(session, now=DAY_BEFORE_NOON, limit=1)
        session.commit()

    assert queued == 1 and [m[0] for m in queued_reminders(database)] == [due]


def test_instances_racing_on_real_threads_queue_exactly_one_reminder_per_booking(
        database: Database, tmp_path: Path) -> None:
    booked = [book_ahead(database, tmp_path, seed=n == 0, unit_key=1 + n % 2) for n in range(4)]
    barrier = threading.Barrier(4)
    counts: list[int] = []
    errors: list[BaseException] = []

    def instance() -> None:
        try:
            barrier.wait()
            counts.append(_queue(database, FixedClock(DAY_BEFORE_NOON)))
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=instance) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == [] and sum(counts) == 4
    assert sorted(m[0] or 0 for m in queued_reminders(database)) == sorted(booked)
