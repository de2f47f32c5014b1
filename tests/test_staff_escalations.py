"""The escalation queue: order, what it shows, claim, note and resolve."""
from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from staff_support import add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.db import Database
from azukari.oversight.escalations import open_escalation
from azukari.oversight.models import AuditEntry, Escalation
from azukari.staff import queue


def _signed_in(database: Database) -> TestClient:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client


def test_dv_cases_come_first_then_security_alerts_then_the_oldest(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        old = open_escalation(session, kind="callback", channel="voice", now=fixed.now()).id
        fixed.advance(minutes=1)
        locked = open_escalation(session, kind="household_locked", channel="voice", now=fixed.now()).id
        fixed.advance(minutes=1)
        dv = open_escalation(session, kind="dv_caller", channel="voice", now=fixed.now(), dv=True).id
        order = [item.escalation.id for item in queue.open_items(session)]
    assert order == [dv, locked, old]


def test_the_queue_shows_which_fields_matched_and_the_number_on_file_but_no_values(database: Database) -> None:
    client = _signed_in(database)
    fixed = clock()
    with database.unit_of_work() as session:
        household = add_household(session, now=fixed.now())
        open_escalation(session, kind="verification_failed", channel="voice", now=fixed.now(),
                        household_pk=household.id, calling_number="+815012345678",
                        details={"fields": {"child_name": "match", "birthdate": "fail"}})
        session.commit()
    page = client.get("/staff/escalations").text
    assert "子の名前 一致" in page and "生年月日 不一致" in page
    assert "090-1234-5678" in page  # the number on file, for the call back
    assert "5012345678" not in page  # the number that called proves nothing and is not offered


def test_a_security_alert_is_marked_as_such(database: Database) -> None:
    client = _signed_in(database)
    with database.unit_of_work() as session:
        open_escalation(session, kind="dv_attempt", channel="voice", now=clock().now(), dv=True)
        session.commit()
    page = client.get("/staff/escalations").text
    assert 'class="case dv alert"' in page and "セキュリティ警告" in page


def test_claiming_noting_and_resolving_a_case_is_kept_and_audited(database: Database) -> None:
    client = _signed_in(database)
    with database.unit_of_work() as session:
        case_id = open_escalation(session, kind="callback", channel="voice", now=clock().now()).id
        session.commit()
    csrf = csrf_of(client, "/staff/escalations")
    client.post(f"/staff/escalations/{case_id}/claim", data={"csrf": csrf})
    client.post(f"/staff/escalations/{case_id}/note", data={"csrf": csrf, "text": "登録番号に折り返し済み"})
    client.post(f"/staff/escalations/{case_id}/resolve", data={"csrf": csrf})
    with database.unit_of_work() as session:
        case = session.get(Escalation, case_id)
        assert case is not None and case.status == "resolved" and "折り返し済み" in case.note
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("escalation.%"))
                                       .order_by(AuditEntry.id)))
    assert actions == ["escalation.claimed", "escalation.noted", "escalation.resolved"]


def _trail(database: Database, household_pk: int) -> list[str]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.household_pk == household_pk)))


def test_opening_the_queue_puts_the_view_in_the_trail_of_every_household_it_shows(database: Database) -> None:
    client = _signed_in(database)
    fixed = clock()
    with database.unit_of_work() as session:
        shown = add_household(session, now=fixed.now())
        elsewhere = add_household(session, now=fixed.now(), phone="080-9876-5432")
        open_escalation(session, kind="callback", channel="voice", now=fixed.now(), household_pk=shown.id)
        session.commit()
    assert client.get("/staff/escalations").status_code == 200
    assert _trail(database, shown.id) == ["escalations.viewed"]
    assert _trail(database, elsewhere.id) == []


def test_an_unknown_escalation_id_is_the_not_found_page(database: Database) -> None:
    client = _signed_in(database)
    csrf = csrf_of(client, "/staff/escalations")
    for action in ("claim", "note", "resolve"):
        response = client.post(f"/staff/escalations/999999/{action}", data={"csrf": csrf, "text": "x"})
        assert response.status_code == 404 and "見つかりません" in response.text
