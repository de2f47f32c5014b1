"""The two races that matter, forced rather than hoped for, and the SQL that decides them.

SQLite runs one writer at a time (every transaction opens with BEGIN IMMEDIATE), so a booking
that read the counter and wrote it back from Python, or that skipped the child's day lock row,
would still be right there: only PostgreSQL can show those races. So the statements a booking
sends are checked on both databases, which catches either bug even when PostgreSQL is missing,
and on PostgreSQL two bookers are held at a barrier in the gap the bug would open, so the race
happens on every run instead of now and then.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from racing import at_once as _race
from sqlalchemy import event, func, select
from test_booking_concurrency import INFANT, OLDER, _book_job, _counts, _prepare, _unit
from test_booking_service import DAY

from azukari.booking import service
from azukari.booking.models import Reservation
from azukari.db import Database

HOLD_SECONDS = 3.0  # how long a booker waits at the gap for the other; the correct code makes it wait in vain


@contextmanager
def _statements(database: Database) -> Iterator[list[str]]:
    """Every SQL statement sent while inside, in order, flattened to one line."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


@contextmanager
def _held_before(database: Database, pattern: str, parties: int) -> Iterator[None]:
    """Hold each connection that is about to send a statement matching `pattern` until `parties`
    of them are there (or HOLD_SECONDS pass), then let them all go on at once."""
    gap = threading.Barrier(parties, timeout=HOLD_SECONDS)
    matcher = re.compile(pattern)

    def hold(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if matcher.match(" ".join(statement.split())):
            # A broken barrier means the other booker is blocked on a lock we hold: as it should be.
            with suppress(threading.BrokenBarrierError):
                gap.wait()

    event.listen(database.engine, "before_cursor_execute", hold)
    try:
        yield
    finally:
        event.remove(database.engine, "before_cursor_execute", hold)


def _booking_statements(database: Database, tmp_path: Path) -> list[str]:
    (child,) = _prepare(database, tmp_path, [INFANT], prebooked=[])
    unit = _unit(database, 1)
    with _statements(database) as seen:
        assert isinstance(_book_job(database, child, unit)(), service.Booked)
    return seen


def test_a_booking_takes_its_seat_with_one_guarded_update_computed_by_the_database(database: Database,
                                                                                  tmp_path: Path) -> None:
    writes = [s for s in _booking_statements(database, tmp_path) if s.startswith("UPDATE unit_days")]
    assert len(writes) == 1
    (write,) = writes
    assert re.search(r"SET booked=\(unit_days\.booked \+ \S+\), infants=\(unit_days\.infants \+ \S+\)", write)
    # Seats held for an offered family (the waiting list) count as taken.
    assert re.search(r"WHERE .*unit_days\.booked \+ unit_days\.held < \S+ "
                     r"AND unit_days\.infants \+ unit_days\.held_infants < \S+", write)


def test_a_booking_locks_the_childs_day_before_it_looks_for_overlapping_bookings(database: Database,
                                                                                 tmp_path: Path) -> None:
    seen = _booking_statements(database, tmp_path)
    lock = next(i for i, s in enumerate(seen) if s.startswith("UPDATE child_days SET version=(child_days.version"))
    overlap = next(i for i, s in enumerate(seen) if s.startswith("SELECT reservations.id FROM reservations"))
    insert = next(i for i, s in enumerate(seen) if s.startswith("INSERT INTO reservations"))
    assert lock < overlap < insert


def _race_held(database: Database, pattern: str, jobs: list[Callable[[], object]]) -> list[object]:
    with _held_before(database, pattern, parties=len(jobs)):
        return _race(jobs)


def test_two_bookers_held_between_reading_and_taking_the_last_seat_get_one_seat(database: Database,
                                                                               tmp_path: Path) -> None:
    children = _prepare(database, tmp_path, [OLDER, OLDER], prebooked=[OLDER] * 5)
    unit = _unit(database, 1)
    results = _race_held(database, r"UPDATE unit_days SET booked",
                         [_book_job(database, child, unit) for child in children])
    assert sum(isinstance(r, service.Booked) for r in results) == 1
    assert _counts(database, unit)[0:3:2] == (6, 6)


def test_one_child_held_between_checking_and_booking_on_two_facilities_gets_one(database: Database,
                                                                               tmp_path: Path) -> None:
    (child,) = _prepare(database, tmp_path, [OLDER], prebooked=[])
    units = [_unit(database, 1), _unit(database, 2)]
    results = _race_held(database, r"INSERT INTO reservations",
                         [_book_job(database, child, unit) for unit in units])
    assert sum(isinstance(r, service.Booked) for r in results) == 1
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count(Reservation.id)).where(Reservation.day == DAY)) == 1
