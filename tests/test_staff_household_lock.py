"""The household page's verification lock: shown with its count, lifted only with the call-back box ticked."""
from __future__ import annotations

import datetime as dt
import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.booking.models import Facility
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.identity import throttling
from azukari.identity.verification import AttemptContext, Outcome, Verified, verify_by_knowledge
from azukari.oversight import escalations
from azukari.oversight.models import AuditEntry, Escalation

LOCKED = "電話・SMSでの本人確認が制限されています（失敗 5 回）"
# What staff_support's household says when the parent calls; WRONG gives a wrong address.
RIGHT = {"child_name": "髙橋 陽翔", "birthdate": dt.date(2023, 5, 1), "address": "練馬区光が丘2-3-1-204",
         "guardian_name": "髙橋 美咲"}
WRONG = {**RIGHT, "address": "練馬区光が丘2-3-9"}


def _verify(session: Session, fixed: FixedClock, answers: dict[str, object], *, number: str) -> Outcome:
    fixed.advance(minutes=1)
    context = AttemptContext(channel="voice", calling_number=number, conversation_key=f"CA{number}")
    return verify_by_knowledge(session, context=context, now=fixed.now(), **answers)  # type: ignore[arg-type]


def _setup(database: Database, *, dv: bool = False, role: str = "centre") -> tuple[TestClient, int, FixedClock]:
    """A household locked by five wrong answers from five numbers, and a signed-in staff member."""
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        facility_id = session.scalars(select(Facility.id)).first() if role == "facility" else None
        add_staff(session, username="sato", role=role, now=fixed.now(), facility_id=facility_id)
        household_pk = add_household(session, now=fixed.now(), dv=dv).id
        for n in range(throttling.HOUSEHOLD_LIMIT):
            _verify(session, fixed, WRONG, number=f"+8150111100{n:02d}")
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client, household_pk, fixed


def _verifies(database: Database, fixed: FixedClock) -> bool:
    with database.unit_of_work() as session:
        outcome = _verify(session, fixed, RIGHT, number="+819012345678")
        session.commit()
    return isinstance(outcome, Verified)


def _lift(client: TestClient, household_pk: int, **form: str) -> int:
    path = f"/staff/households/{household_pk}"
    data = {"csrf": csrf_of(client, path), "called_back": "1", **form}
    return client.post(f"{path}/unlock", data={k: v for k, v in data.items() if v}).status_code


def test_a_locked_household_page_shows_the_lock_its_failures_and_the_lift_form(database: Database) -> None:
    client, household_pk, _fixed = _setup(database)
    page = client.get(f"/staff/households/{household_pk}").text
    assert LOCKED in page and "制限を解除する" in page
    assert re.search(rf'action="/staff/households/{household_pk}/unlock"', page)
    assert 'type="checkbox" name="called_back" value="1" required' in page
    assert "DV登録世帯です。解除の前に担当者に確認してください" not in page


def test_a_household_that_is_not_locked_shows_no_lock(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        household_pk = add_household(session, now=fixed.now()).id
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    page = client.get(f"/staff/households/{household_pk}").text
    assert "本人確認が制限されています" not in page and "制限を解除する" not in page


def test_a_dv_household_shows_a_caution_before_the_lift(database: Database) -> None:
    client, household_pk, _fixed = _setup(database, dv=True)
    page = client.get(f"/staff/households/{household_pk}").text
    assert LOCKED in page and "DV登録世帯です。解除の前に担当者に確認してください" in page


def test_a_dv_household_can_still_be_lifted(database: Database) -> None:
    client, household_pk, fixed = _setup(database, dv=True)
    assert _lift(client, household_pk) == 303
    with database.unit_of_work() as session:
        assert not throttling.household_locked(session, household_pk=household_pk, now=fixed.now())


def test_after_staff_lift_the_lock_the_parent_verifies_again_on_the_phone(database: Database) -> None:
    client, household_pk, fixed = _setup(database)
    assert not _verifies(database, fixed)
    assert _lift(client, household_pk) == 303
    assert _verifies(database, fixed)
    page = client.get(f"/staff/households/{household_pk}?done=unlocked").text
    assert "本人確認が制限されています" not in page and "制限を解除しました" in page


def test_the_lift_is_audited_as_the_staff_member_without_personal_data(database: Database) -> None:
    client, household_pk, _fixed = _setup(database)
    _lift(client, household_pk)
    with database.unit_of_work() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.lock_lifted")).one()
        actor, pk, detail = entry.actor, entry.household_pk, json.dumps(entry.detail, ensure_ascii=False)
    assert re.fullmatch(r"staff:\d+", actor) and pk == household_pk
    assert not any(value in detail for value in ("髙橋", "光が丘", "1234-5678", "12345678"))


def test_the_lift_needs_the_call_back_box_ticked(database: Database) -> None:
    client, household_pk, fixed = _setup(database)
    path = f"/staff/households/{household_pk}"
    response = client.post(f"{path}/unlock", data={"csrf": csrf_of(client, path)})
    assert response.status_code == 422 and "チェックを入れてください" in response.text
    assert not _verifies(database, fixed)


def test_the_lift_without_the_csrf_token_is_refused(database: Database) -> None:
    client, household_pk, fixed = _setup(database)
    response = client.post(f"/staff/households/{household_pk}/unlock", data={"called_back": "1"})
    assert response.status_code == 403
    assert not _verifies(database, fixed)


def test_facility_staff_cannot_lift_a_lock(database: Database) -> None:
    client, household_pk, fixed = _setup(database, role="facility")
    response = client.post(f"/staff/households/{household_pk}/unlock",
                           data={"csrf": csrf_of(client), "called_back": "1"})
    assert response.status_code == 403
    assert not _verifies(database, fixed)


def test_resolving_the_lock_case_does_not_lift_the_lock(database: Database) -> None:
    client, household_pk, fixed = _setup(database)
    with database.unit_of_work() as session:
        case = session.scalars(select(Escalation).where(Escalation.kind == "household_locked")).one()
        escalations.resolve(session, escalation_id=case.id, staff_id=1, now=fixed.now())
        session.commit()
    assert LOCKED in client.get(f"/staff/households/{household_pk}").text
    assert not _verifies(database, fixed)


def test_the_page_counts_only_failures_since_the_lift_not_the_reset_itself(database: Database) -> None:
    client, household_pk, fixed = _setup(database)
    _lift(client, household_pk)
    with database.unit_of_work() as session:
        for n in range(throttling.HOUSEHOLD_LIMIT):
            _verify(session, fixed, WRONG, number=f"+8150222200{n:02d}")
        session.commit()
    assert LOCKED in client.get(f"/staff/households/{household_pk}").text


def test_a_second_lift_from_a_stale_form_records_nothing(database: Database) -> None:
    client, household_pk, _fixed = _setup(database)
    path = f"/staff/households/{household_pk}"
    stale = {"csrf": csrf_of(client, path), "called_back": "1"}
    client.post(f"{path}/unlock", data=stale)
    response = client.post(f"{path}/unlock", data=stale)
    assert response.headers["location"].endswith("?done=not_locked")
    with database.unit_of_work() as session:
        lifts = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.lock_lifted")).all()
        assert len(lifts) == 1
