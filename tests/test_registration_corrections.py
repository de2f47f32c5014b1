"""Corrections by staff (issue 27, item 3): a child's name, reading, birthdate, sex; a child removed; and a
re-imported row with another birthdate reported for staff to confirm, never added as a second child."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in
from test_registration_importer import DEMO, TODAY, write

from azukari.booking import service
from azukari.booking.models import Facility, Reservation, Unit
from azukari.db import Database
from azukari.households.models import Child, Household
from azukari.identity.outcomes import AttemptContext, Verified
from azukari.identity.verification import verify_by_knowledge
from azukari.messaging.models import OutboxMessage
from azukari.oversight.models import AuditChange, AuditEntry
from azukari.registration import service as registration
from azukari.registration.importer import import_households

NOW = clock().now()
TUESDAY = dt.date(2026, 6, 2)


def _import(database: Database, path: Path) -> str:
    with database.unit_of_work() as session:
        summary = str(import_households(session, path, today=TODAY, workers=1))
        session.commit()
    return summary


def test_a_reimported_row_with_another_birthdate_is_reported_and_not_added(database: Database,
                                                                            tmp_path: Path) -> None:
    _import(database, write(tmp_path / "a.csv", [DEMO]))
    summary = _import(database, write(tmp_path / "b.csv", [{**DEMO, "child_birthdate": "2024-05-10"}]))
    assert summary.splitlines()[0].startswith("line 2, household 10000001: a child of this name is on file with "
                                              "another birthdate; not added as a second child")
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 1
        assert session.scalars(select(Child.birthdate)).one() == dt.date(2024, 5, 1)


def test_a_sibling_of_another_name_is_still_added_by_the_import(database: Database, tmp_path: Path) -> None:
    _import(database, write(tmp_path / "a.csv", [DEMO]))
    sibling = {**DEMO, "child_name": "髙橋 結菜", "child_kana": "タカハシ ユイナ", "child_birthdate": "2025-09-09"}
    _import(database, write(tmp_path / "b.csv", [DEMO, sibling]))
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 2


def _family(database: Database) -> tuple[int, int]:
    with database.unit_of_work() as session:
        add_facilities(session)
        household = add_household(session, now=NOW)
        session.commit()
        return household.id, household.children[0].id


def test_a_corrected_birthdate_is_what_verification_then_asks_for(database: Database) -> None:
    household_pk, child_id = _family(database)
    with database.unit_of_work() as session:
        changed = registration.correct_child(session, household_pk=household_pk, child_id=child_id, now=NOW,
                                             entry=registration.ChildEntry("髙橋 陽翔", "タカハシ ハルト",
                                                                           dt.date(2023, 5, 11), "M"))
        session.commit()
    assert [change.field for change in changed] == ["birthdate"]
    context = AttemptContext(channel="voice", calling_number="+819099990000", conversation_key="k")
    with database.unit_of_work() as session:
        outcome = verify_by_knowledge(session, child_name="たかはしはると", birthdate=dt.date(2023, 5, 11),
                                      address="光が丘二丁目3番1-204号", guardian_name="タカハシミサキ",
                                      context=context, now=NOW)
        assert isinstance(outcome, Verified) and outcome.child_id == child_id


def _booked_beside_a_sibling(session: Session, household_pk: int, child_id: int) -> service.Booked:
    """A sibling added (a household keeps one child at least), and the child booked on Tuesday."""
    registration.add_child(session, household_pk=household_pk, now=NOW,
                           entry=registration.ChildEntry("髙橋 結菜", "タカハシ ユイナ", dt.date(2025, 1, 9)))
    unit = session.scalar(select(Unit.id).join(Facility).order_by(Facility.key, Unit.key).limit(1))
    assert unit is not None
    booked = service.book(session, child_id=child_id, unit_id=unit, day=TUESDAY, channel="voice",
                          language="ja", now=NOW)
    assert isinstance(booked, service.Booked)
    return booked


def test_removing_a_child_cancels_its_future_bookings_with_the_usual_text(database: Database) -> None:
    household_pk, child_id = _family(database)
    with database.unit_of_work() as session:
        booked = _booked_beside_a_sibling(session, household_pk, child_id)
        cancelled = registration.remove_child(session, household_pk=household_pk, child_id=child_id, now=NOW)
        session.commit()
    assert cancelled == [booked.booking_number]
    with database.unit_of_work() as session:
        text = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "cancellation")).one()
        assert booked.booking_number in text.body and text.status == "pending"


def test_a_removed_child_keeps_its_row_and_its_cancelled_bookings_and_leaves_the_current_children(
        database: Database) -> None:
    household_pk, child_id = _family(database)
    with database.unit_of_work() as session:
        _booked_beside_a_sibling(session, household_pk, child_id)
        registration.remove_child(session, household_pk=household_pk, child_id=child_id, now=NOW)
        session.commit()
    with database.unit_of_work() as session:
        reservation = session.scalars(select(Reservation)).one()
        assert (reservation.child_id, reservation.status) == (child_id, "cancelled")
        removed = session.get(Child, child_id)
        assert removed is not None and removed.removed_at == NOW
        household = session.get(Household, household_pk)
        assert household is not None and [c.name for c in household.children] == ["髙橋 結菜"]


def test_the_last_child_of_a_household_cannot_be_removed(database: Database) -> None:
    household_pk, child_id = _family(database)
    with database.unit_of_work() as session, pytest.raises(registration.LastChild):
        registration.remove_child(session, household_pk=household_pk, child_id=child_id, now=NOW)


def test_a_correction_in_the_console_audits_the_fields_changed_and_not_the_name(database: Database) -> None:
    household_pk, child_id = _family(database)
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=NOW)
        session.commit()
    client = client_for(database, clock())
    log_in(client, "sato")
    response = client.post(f"/staff/households/{household_pk}/children/{child_id}/correct", data={
        "child_name": "髙橋 陽斗", "child_kana": "タカハシ ハルト", "child_birthdate": "2023-05-01", "child_sex": "M",
        "csrf": csrf_of(client, f"/staff/households/{household_pk}")})
    assert response.status_code == 303
    with database.unit_of_work() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.child_corrected")).one()
        assert entry.detail == {"changed": ["name"], "child_id": child_id}
        assert session.get(Household, household_pk).children[0].name == "髙橋 陽斗"  # type: ignore[union-attr]
        assert "陽翔" not in str(entry.detail)


def _corrected_on_the_audit_page(database: Database, **form: str) -> str:
    household_pk, child_id = _family(database)
    with database.unit_of_work() as session:
        add_staff(session, username="ito", role="admin", now=NOW)
        session.commit()
    client = client_for(database, clock())
    log_in(client, "ito")
    data = {"child_name": "髙橋 陽翔", "child_kana": "タカハシ ハルト", "child_birthdate": "2023-05-01",
            "child_sex": "M", **form}
    assert client.post(f"/staff/households/{household_pk}/children/{child_id}/correct", data={
        **data, "csrf": csrf_of(client, f"/staff/households/{household_pk}")}).status_code == 303
    return client.get("/staff/audit?action=household.child_corrected").text


def test_a_corrected_birthdate_and_sex_show_before_and_after_on_the_audit_page(database: Database) -> None:
    page = _corrected_on_the_audit_page(database, child_birthdate="2023-05-11", child_sex="F")
    assert "生年月日 2023-05-01 → 2023-05-11" in page and "性別 男 → 女" in page


def test_a_corrected_name_shows_masked_before_and_after(database: Database) -> None:
    page = _corrected_on_the_audit_page(database, child_name="髙橋 陽斗", child_kana="タカハシ ハルト")
    assert "名前 髙＊ 陽＊ → 髙＊ 陽＊" in page
    assert "陽翔" not in page and "陽斗" not in page


def test_the_values_of_a_correction_go_with_the_household_and_the_entry_stays(database: Database) -> None:
    _corrected_on_the_audit_page(database, child_birthdate="2023-05-11")
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(AuditChange)) == 1
        session.execute(delete(Household))
        session.commit()
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(AuditChange)) == 0
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.child_corrected")).one()
        assert entry.detail["changed"] == ["birthdate"] and "2023" not in str(entry.detail)
