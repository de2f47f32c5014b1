"""The console's waiting lists, held seats, removals and attendance marks, over HTTP as a browser posts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from staff_support import MONDAY, add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.booking import offers, service
from azukari.booking.models import BookingPolicy, Facility, Reservation, Unit, WaitlistEntry
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.oversight.models import AuditEntry

TUESDAY = MONDAY.date() + dt.timedelta(days=1)


@dataclass
class Desk:
    client: TestClient
    csrf: str
    database: Database
    fixed: FixedClock
    household_pk: int
    child_id: int
    facility_1: int
    facility_2: int


def _unit(database: Database, facility_key: int) -> int:
    with database.unit_of_work() as session:
        return session.scalars(select(Unit.id).join(Facility).where(Facility.key == facility_key,
                                                                    Unit.key == 1)).one()


def _desk(database: Database, role: str, *, facility_key: int | None = None) -> Desk:
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        policy = session.get(BookingPolicy, 1)
        assert policy is not None
        policy.waitlist = True
        facilities = dict(session.execute(select(Facility.key, Facility.id)).all())
        add_staff(session, username="sato", role=role, now=fixed.now(),
                  facility_id=facilities[facility_key] if facility_key else None)
        household = add_household(session, now=fixed.now())
        session.commit()
        desk = Desk(client_for(database, fixed), "", database, fixed, household.id, household.children[0].id,
                    facilities[1], facilities[2])
    log_in(desk.client, "sato")
    desk.csrf = csrf_of(desk.client)
    return desk


def _wait(d: Desk, facility_key: int = 1) -> int:
    with d.database.unit_of_work() as session:
        entry = WaitlistEntry(household_pk=d.household_pk, child_id=d.child_id, unit_id=_unit(d.database, facility_key),
                              day=TUESDAY, status="waiting", channel="voice", language="ja", created_at=d.fixed.now())
        session.add(entry)
        session.commit()
        return entry.id


def _status(d: Desk, entry_id: int) -> str:
    with d.database.unit_of_work() as session:
        return session.scalars(select(WaitlistEntry.status).where(WaitlistEntry.id == entry_id)).one()


def test_centre_staff_see_a_days_waiting_list_with_its_held_seat_and_take_a_child_off(database: Database) -> None:
    d = _desk(database, "centre")
    entry = _wait(d)
    with database.unit_of_work() as session:  # a seat freed for the list: held for this family
        offers.fill(session, unit_id=_unit(database, 1), day=TUESDAY, now=d.fixed.now())
        session.commit()
    page = d.client.get(f"/staff/waiting?facility={d.facility_1}&day={TUESDAY.isoformat()}")
    assert page.status_code == 200
    assert "髙橋 陽翔" in page.text and "確保中 1席" in page.text and "まで確保" in page.text
    removed = d.client.post(f"/staff/waiting/{entry}/remove", data={"csrf": d.csrf})
    assert removed.status_code == 303 and "done=removed" in removed.headers["location"]
    assert _status(d, entry) == "removed"


def test_a_removal_without_the_forms_token_changes_nothing(database: Database) -> None:
    d = _desk(database, "centre")
    entry = _wait(d)
    assert d.client.post(f"/staff/waiting/{entry}/remove", data={"csrf": "forged"}).status_code == 403
    assert _status(d, entry) == "waiting"


def test_facility_staff_cannot_take_a_child_off_another_facilitys_list(database: Database) -> None:
    d = _desk(database, "facility", facility_key=2)
    entry = _wait(d, facility_key=1)
    assert d.client.post(f"/staff/waiting/{entry}/remove", data={"csrf": d.csrf}).status_code == 403
    assert _status(d, entry) == "waiting"
    assert d.client.get(f"/staff/waiting?facility={d.facility_1}").status_code == 403


def test_a_removal_goes_back_only_to_a_console_page(database: Database) -> None:
    d = _desk(database, "centre")
    entry = _wait(d)
    removed = d.client.post(f"/staff/waiting/{entry}/remove", data={"csrf": d.csrf, "back": "https://evil.example/"})
    assert removed.headers["location"].startswith("/staff/waiting")


def _booked(d: Desk, facility_key: int = 1) -> int:
    with d.database.unit_of_work() as session:
        outcome = service.book(session, child_id=d.child_id, unit_id=_unit(d.database, facility_key), day=TUESDAY,
                               channel="voice", language="ja", now=d.fixed.now())
        assert isinstance(outcome, service.Booked)
        session.commit()
        return outcome.reservation_id


def _next_day(d: Desk) -> None:
    d.fixed.advance(days=1)
    log_in(d.client, "sato")
    d.csrf = csrf_of(d.client)


def _mark(d: Desk, reservation_id: int) -> str | None:
    with d.database.unit_of_work() as session:
        return session.scalars(select(Reservation.attendance).where(Reservation.id == reservation_id)).one()


@pytest.mark.parametrize("mark", ["present", "absent", "no_show"])
def test_facility_staff_mark_attendance_on_their_roster(database: Database, mark: str) -> None:
    d = _desk(database, "facility", facility_key=1)
    reservation = _booked(d)
    _next_day(d)
    posted = d.client.post("/staff/roster/attendance", data={"csrf": d.csrf, "reservation_id": reservation,
                                                              "mark": mark})
    assert posted.status_code == 303 and _mark(d, reservation) == mark
    roster = d.client.get(posted.headers["location"])
    assert {"present": "出席", "absent": "欠席", "no_show": "無断キャンセル"}[mark] in roster.text


def test_facility_staff_cannot_mark_another_facilitys_booking(database: Database) -> None:
    d = _desk(database, "facility", facility_key=2)
    reservation = _booked(d, facility_key=1)
    _next_day(d)
    posted = d.client.post("/staff/roster/attendance", data={"csrf": d.csrf, "reservation_id": reservation,
                                                              "mark": "no_show"})
    assert posted.status_code == 403 and _mark(d, reservation) is None


def test_the_household_page_shows_waiting_entries_and_the_past_years_marks(database: Database) -> None:
    d = _desk(database, "centre")
    reservation = _booked(d, facility_key=2)
    with database.unit_of_work() as session:
        session.execute(Reservation.__table__.update().where(Reservation.id == reservation)
                        .values(attendance="no_show"))
        session.commit()
    _wait(d, facility_key=1)
    d.fixed.advance(days=2)
    log_in(d.client, "sato")
    _wait_later = WaitlistEntry(household_pk=d.household_pk, child_id=d.child_id, unit_id=_unit(database, 1),
                                day=TUESDAY + dt.timedelta(days=7), status="waiting", channel="sms", language="ja",
                                created_at=d.fixed.now())
    with database.unit_of_work() as session:
        session.add(_wait_later)
        session.commit()
    page = d.client.get(f"/staff/households/{d.household_pk}")
    assert page.status_code == 200
    waiting, history = page.text.split('id="waiting"')[1].split('id="history"')
    assert (TUESDAY + dt.timedelta(days=7)).isoformat() in waiting and "待機中" in waiting
    assert "無断キャンセル" in history


def test_a_staff_cancel_needs_a_reason_from_the_list_and_is_audited_with_it(database: Database) -> None:
    d = _desk(database, "centre")
    reservation = _booked(d)
    url = f"/staff/households/{d.household_pk}/cancel"
    assert d.client.post(url, data={"csrf": d.csrf, "reservation_id": reservation}).status_code == 403
    assert d.client.post(url, data={"csrf": d.csrf, "reservation_id": reservation,
                                    "reason": "family news"}).status_code == 403
    with database.unit_of_work() as session:
        assert session.scalars(select(Reservation.status)).one() == "booked"
    assert d.client.post(url, data={"csrf": d.csrf, "reservation_id": reservation,
                                    "reason": "after_deadline"}).status_code == 303
    with database.unit_of_work() as session:
        assert session.scalars(select(Reservation.status)).one() == "cancelled"
        detail = session.scalars(select(AuditEntry.detail)
                                 .where(AuditEntry.action == "booking.cancelled_by_staff")).one()
    assert detail["reason"] == "after_deadline"
