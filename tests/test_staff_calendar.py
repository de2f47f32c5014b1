"""The console's month view and closing by staff (issue 26 items 3 and 6)."""
from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.booking import rules, service
from azukari.booking.models import Facility, Reservation, Unit
from azukari.db import Database
from azukari.messaging.models import OutboxMessage
from azukari.oversight.models import AuditEntry

TUESDAY = dt.date(2026, 6, 2)


def _setup(database: Database, *, role: str = "centre", own: int | None = None) -> tuple[TestClient, int, str]:
    """The demo facilities, one booking at Hikarigaoka's morning on Tuesday; (client, facility id, number)."""
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        facility = session.scalars(select(Facility).where(Facility.key == 1)).one()
        own_id = session.scalar(select(Facility.id).where(Facility.key == own)) if own else None
        add_staff(session, username="sato", role=role, now=fixed.now(), facility_id=own_id)
        child = add_household(session, now=fixed.now()).children[0]
        unit = session.scalars(select(Unit).where(Unit.facility_id == facility.id, Unit.key == 1)).one()
        booked = service.book(session, child_id=child.id, unit_id=unit.id, day=TUESDAY, channel="voice",
                              language="ja", now=fixed.now())
        assert isinstance(booked, service.Booked)
        session.commit()
        facility_id = facility.id
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client, facility_id, booked.booking_number


def test_the_month_view_shows_each_units_seats_and_closed_days(database: Database) -> None:
    client, facility_id, _number = _setup(database)
    page = client.get(f"/staff/calendar?facility={facility_id}&month=2026-06").text
    tuesday = page.split('id="day-2026-06-02"')[1].split("</tr>")[0]
    assert "1/8" in tuesday and rules.PLENTY in tuesday
    sunday = page.split('id="day-2026-06-07"')[1].split("</tr>")[0]
    assert "定休日" in sunday and rules.CLOSED_MARK in sunday


def test_closing_a_day_first_says_how_many_bookings_and_whose_then_cancels_and_lists_them(database: Database) -> None:
    client, facility_id, number = _setup(database)
    form = {"csrf": csrf_of(client, "/staff/calendar"), "facility_id": str(facility_id), "day": TUESDAY.isoformat(),
            "unit_id": "", "capacity": ""}
    preview = client.post("/staff/calendar/close", data=form).text
    assert re.search(r"<strong>1件</strong>", preview) and "髙橋 美咲" in preview and number in preview
    with database.unit_of_work() as session:
        assert session.scalar(select(Reservation.status)) == "booked"
    done = client.post("/staff/calendar/close", data={**form, "confirmed": "1"}).text
    assert "お電話をおかけするご家庭" in done and "髙橋 美咲" in done and "+819012345678" in done
    with database.unit_of_work() as session:
        assert session.scalar(select(Reservation.status)) == "cancelled"
        body = session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "closure")).one()
        assert "休所" in body and number in body
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"closure.previewed", "closure.made", "booking.cancelled"} <= actions
    page = client.get(f"/staff/calendar?facility={facility_id}&month=2026-06").text
    tuesday = page.split('id="day-2026-06-02"')[1].split("</tr>")[0]
    assert "休所（職員）" in tuesday and "開所に戻す" in tuesday


def test_undoing_a_closing_in_the_console_reopens_the_day(database: Database) -> None:
    client, facility_id, _number = _setup(database)
    form = {"csrf": csrf_of(client, "/staff/calendar"), "facility_id": str(facility_id), "day": TUESDAY.isoformat(),
            "unit_id": "", "capacity": "", "confirmed": "1"}
    client.post("/staff/calendar/close", data=form)
    page = client.get(f"/staff/calendar?facility={facility_id}&month=2026-06").text
    closure = re.search(r"/staff/calendar/closures/(\d+)/undo", page)
    assert closure is not None
    response = client.post(f"/staff/calendar/closures/{closure.group(1)}/undo",
                           data={"csrf": csrf_of(client, "/staff/calendar")})
    assert response.status_code == 303 and "done=reopened" in response.headers["location"]
    tuesday = client.get(response.headers["location"]).text.split('id="day-2026-06-02"')[1].split("</tr>")[0]
    assert "開所" in tuesday and "0/8" in tuesday


def test_a_facilitys_staff_cannot_close_another_facility(database: Database) -> None:
    client, facility_id, _number = _setup(database, role="facility", own=2)
    form = {"csrf": csrf_of(client, "/staff/calendar"), "facility_id": str(facility_id), "day": TUESDAY.isoformat(),
            "unit_id": "", "capacity": "", "confirmed": "1"}
    assert client.post("/staff/calendar/close", data=form).status_code == 403
    with database.unit_of_work() as session:
        assert session.scalar(select(Reservation.status)) == "booked"
