"""Attendance marks on a facility's roster: on the day or after, by that facility, audited."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from facilities_files import import_facilities_text
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_booking_service import DAY, FACILITIES, add_child, book

from azukari.booking import roster, service
from azukari.booking.models import Facility
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.oversight.models import AuditEntry

ON_THE_DAY = dt.datetime(2026, 11, 27, 12, 30, tzinfo=TOKYO)


@pytest.fixture
def session(database: Database, tmp_path: Path) -> Iterator[Session]:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES)
        yield session


def _facility(session: Session, key: int) -> int:
    found = session.scalar(select(Facility.id).where(Facility.key == key))
    assert found is not None
    return found


def test_a_booking_is_marked_on_its_day_and_the_roster_shows_the_mark(session: Session) -> None:
    booked = book(session, add_child(session))
    assert isinstance(booked, service.Booked)
    facility = _facility(session, 1)
    assert roster.mark_attendance(session, reservation_id=booked.reservation_id, facility_id=facility,
                                  mark="no_show", actor="staff:1", now=ON_THE_DAY)
    (line,) = roster.roster(session, facility_id=facility, day=DAY)
    assert line.attendance == "no_show"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "attendance.marked")).one()
    assert entry.detail == {"reservation_id": booked.reservation_id, "mark": "no_show"}


def test_a_future_booking_another_facilitys_or_an_unknown_mark_changes_nothing(session: Session) -> None:
    booked = book(session, add_child(session))
    assert isinstance(booked, service.Booked)
    mine, theirs = _facility(session, 1), _facility(session, 2)
    day_before = ON_THE_DAY - dt.timedelta(days=1)
    assert not roster.mark_attendance(session, reservation_id=booked.reservation_id, facility_id=mine,
                                      mark="present", actor="staff:1", now=day_before)
    assert not roster.mark_attendance(session, reservation_id=booked.reservation_id, facility_id=theirs,
                                      mark="present", actor="staff:1", now=ON_THE_DAY)
    assert not roster.mark_attendance(session, reservation_id=booked.reservation_id, facility_id=mine,
                                      mark="late", actor="staff:1", now=ON_THE_DAY)
    assert roster.roster(session, facility_id=mine, day=DAY)[0].attendance is None
