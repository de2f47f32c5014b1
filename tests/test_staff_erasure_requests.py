"""One family erased on request from the console (issue 27, item 4): one admin asks, a second admin approves,
and only then the erasure `azukari erase-household` runs happens, with its certificate; both steps audited."""
from __future__ import annotations

import datetime as dt
import itertools

import httpx
import respx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in
from test_erasure import API

from azukari.booking import service as booking
from azukari.booking.models import Facility, Reservation, Unit
from azukari.db import Database
from azukari.households.models import Household
from azukari.oversight.models import AuditEntry, DeletionRecord
from azukari.staff.models import ErasureRequest, StaffAccount


def _desk(database: Database) -> tuple[dict[str, TestClient], int]:
    """Two admins and a centre clerk, each signed in, and a family with a booking tomorrow."""
    fixed = clock()
    now = fixed.now()
    with database.unit_of_work() as session:
        add_facilities(session)
        for username, role in (("ito", "admin"), ("kato", "admin"), ("sato", "centre")):
            add_staff(session, username=username, role=role, now=now)
        add_household(session, now=now, phone="080-1111-2222")  # another family, which stays
        household = add_household(session, now=now)
        unit_id = session.scalar(select(Unit.id).join(Facility).where(Facility.key == 1, Unit.key == 1))
        assert unit_id is not None
        booked = booking.book(session, child_id=household.children[0].id, unit_id=unit_id,
                              day=now.date() + dt.timedelta(days=1), channel="voice", language="ja", now=now)
        assert isinstance(booked, booking.Booked)
        session.commit()
        household_pk = household.id
    clients = {}
    for username in ("ito", "kato", "sato"):
        clients[username] = client_for(database, fixed, twilio_api_base_url=API)
        log_in(clients[username], username)
    return clients, household_pk


def _ask(client: TestClient, household_pk: int) -> int:
    response = client.post(f"/staff/households/{household_pk}/erasure-request",
                           data={"confirm": "1", "csrf": csrf_of(client, f"/staff/households/{household_pk}")})
    return response.status_code


def _request_id(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalars(select(ErasureRequest.id)).one()


def _households(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Household)) or 0


def _actions(database: Database) -> list[tuple[str, str, dict[str, object]]]:
    with database.unit_of_work() as session:
        return [(a, actor, dict(d)) for a, actor, d in session.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.detail)
            .where(AuditEntry.action.like("household.eras%")).order_by(AuditEntry.id))]


def _twilio(router: respx.MockRouter) -> None:
    sids = (f"SM{n:032d}" for n in itertools.count(1))
    router.post(url__regex=rf"{API}/2010-04-01/Accounts/\w+/Messages\.json").mock(
        side_effect=lambda request: httpx.Response(201, json={"sid": next(sids), "status": "queued"}))
    router.delete(url__regex=rf"{API}/2010-04-01/Accounts/\w+/Messages/SM\d+\.json").mock(
        return_value=httpx.Response(204))


def test_a_second_admins_approval_erases_the_household_and_leaves_its_certificate(database: Database) -> None:
    clients, household_pk = _desk(database)
    assert _ask(clients["ito"], household_pk) == 303
    assert _households(database) == 2  # asking alone erases nothing
    approver = clients["kato"]
    with respx.mock() as router:
        _twilio(router)
        response = approver.post(f"/staff/erasure-requests/{_request_id(database)}/approve",
                                 data={"csrf": csrf_of(approver, "/staff/erasure-requests")})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/retention/certificates/")
    certificate = approver.get(response.headers["location"])
    assert certificate.status_code == 200 and "予約" in certificate.text
    assert _households(database) == 1
    with database.unit_of_work() as session:
        record = session.scalars(select(DeletionRecord)).one()
        assert record.reason == "request" and record.counts["reservations"] == 1
        record_id = record.id
        assert session.scalar(select(func.count()).select_from(Reservation)) == 0
        assert session.scalar(select(func.count()).select_from(ErasureRequest)) == 0
        ids = {u: i for u, i in session.execute(select(StaffAccount.username, StaffAccount.id))}
    actions = _actions(database)
    assert [a for a, _, _ in actions] == ["household.erasure_requested", "household.erasure_approved",
                                          "household.erased"]
    assert actions[0][1] == f"staff:{ids['ito']}" and actions[1][1] == f"staff:{ids['kato']}"
    assert actions[2][2]["deletion_record_id"] == record_id and actions[2][2]["cancelled"] == 1
    assert "ito" in str(actions[2][2]["requested_by"]) and "kato" in str(actions[2][2]["approved_by"])


def test_the_admin_who_asked_cannot_approve_their_own_request(database: Database) -> None:
    clients, household_pk = _desk(database)
    asker = clients["ito"]
    _ask(asker, household_pk)
    page = asker.get("/staff/erasure-requests").text
    assert "別の管理者の承認待ち" in page and "承認して消去" not in page
    with respx.mock() as router:  # nothing may reach Twilio either
        response = asker.post(f"/staff/erasure-requests/{_request_id(database)}/approve",
                              data={"csrf": csrf_of(asker, "/staff/erasure-requests")})
        assert not router.calls
    assert response.status_code == 403 and "自分の申請は承認できません" in response.text
    assert _households(database) == 2
    with database.unit_of_work() as session:
        assert session.scalars(select(ErasureRequest.approved_by)).one() is None
    assert [a for a, _, _ in _actions(database)] == ["household.erasure_requested"]


def test_a_centre_clerk_can_neither_ask_nor_approve(database: Database) -> None:
    clients, household_pk = _desk(database)
    clerk = clients["sato"]
    assert _ask(clerk, household_pk) == 403
    assert 'erasure-request-form' not in clerk.get(f"/staff/households/{household_pk}").text
    _ask(clients["ito"], household_pk)
    assert clerk.get("/staff/erasure-requests").status_code == 403
    response = clerk.post(f"/staff/erasure-requests/{_request_id(database)}/approve",
                          data={"csrf": csrf_of(clerk, "/staff/")})
    assert response.status_code == 403
    assert _households(database) == 2


def test_a_request_without_the_confirmation_tick_is_not_made(database: Database) -> None:
    clients, household_pk = _desk(database)
    asker = clients["ito"]
    response = asker.post(f"/staff/households/{household_pk}/erasure-request",
                          data={"csrf": csrf_of(asker, f"/staff/households/{household_pk}")})
    assert response.headers["location"] == "/staff/erasure-requests?error=unconfirmed"
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(ErasureRequest)) == 0
