"""Counter work on a registered household: a sibling added, a lost phone PIN re-issued on a letter shown once."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from staff_support import add_facilities, add_staff, client_for, clock, csrf_of, log_in

from azukari.booking.models import Facility
from azukari.booking.service import options_for
from azukari.db import Database
from azukari.households.models import Child, Household
from azukari.households.pins import verify_pin
from azukari.identity.verification import AttemptContext, Verified, verify_by_knowledge
from azukari.oversight.models import AuditEntry
from azukari.registration.service import ChildEntry, register_household

SIBLING = {"child_name": "髙橋 結衣", "child_kana": "タカハシ ユイ", "child_birthdate": "2025-12-01", "child_sex": "F"}


def _setup(database: Database, *, role: str = "centre", dv: bool = False) -> tuple[TestClient, int, str]:
    """A signed-in client, a household and the PIN its letter showed."""
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        facility_id = session.scalar(select(Facility.id).where(Facility.key == 1)) if role == "facility" else None
        add_staff(session, username="sato", role=role, now=fixed.now(), facility_id=facility_id)
        household, pin = register_household(
            session, guardian_name="髙橋 美咲", guardian_kana="タカハシ ミサキ", phone="090-1234-5678",
            address="東京都練馬区光が丘二丁目3番1-204号",
            children=[ChildEntry(name="髙橋 陽翔", kana="タカハシ ハルト", birthdate=dt.date(2023, 5, 1), sex="M")],
            registered_on=dt.date(2026, 6, 1), dv_flag=dv, now=fixed.now())
        household_pk = household.id
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client, household_pk, pin


def _children(database: Database, household_pk: int) -> list[str]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(Child.name).where(Child.household_pk == household_pk).order_by(Child.id)))


def _pin_hash(database: Database, household_pk: int) -> str:
    with database.unit_of_work() as session:
        return str(session.scalar(select(Household.pin_hash).where(Household.id == household_pk)))


def _audit(database: Database, action: str) -> list[tuple[int | None, dict[str, object]]]:
    """(household_pk, detail) of each entry with this action."""
    with database.unit_of_work() as session:
        rows = session.execute(select(AuditEntry.household_pk, AuditEntry.detail).where(AuditEntry.action == action))
        return [(household_pk, dict(detail or {})) for household_pk, detail in rows]


def _reissue(client: TestClient, household_pk: int) -> tuple[dict[str, str], str]:
    """The confirmation form's fields, and the PIN the letter then shows."""
    confirmation = client.get(f"/staff/households/{household_pk}/pin").text
    version = re.search(r'name="pin_version" value="([^"]+)"', confirmation)
    assert version is not None
    form = {"csrf": csrf_of(client), "pin_version": version.group(1)}
    pin = re.search(r'id="pin">(\d{4})<', client.post(f"/staff/households/{household_pk}/pin", data=form).text)
    assert pin is not None
    return form, pin.group(1)


def test_an_added_sibling_can_be_verified_by_phone(database: Database) -> None:
    client, household_pk, _pin = _setup(database)
    response = client.post(f"/staff/households/{household_pk}/children", data={"csrf": csrf_of(client), **SIBLING})
    assert response.status_code == 303
    with database.unit_of_work() as session:
        outcome = verify_by_knowledge(
            session, child_name="たかはしゆい", birthdate=dt.date(2025, 12, 1),
            address="東京都練馬区光が丘二丁目3番1-204号", guardian_name="髙橋 美咲",
            context=AttemptContext("voice", "090-5555-0101", "CA1"), now=clock().now())
        sibling = session.scalar(select(Child.id).where(Child.name == "髙橋 結衣"))
    assert sibling is not None and outcome == Verified(household_pk=household_pk, child_id=sibling, dv=False)


def test_an_added_sibling_appears_on_the_household_page_and_can_be_booked(database: Database) -> None:
    client, household_pk, _pin = _setup(database)
    client.post(f"/staff/households/{household_pk}/children", data={"csrf": csrf_of(client), **SIBLING})
    assert "髙橋 結衣" in client.get(f"/staff/households/{household_pk}").text
    with database.unit_of_work() as session:
        sibling = session.scalar(select(Child.id).where(Child.name == "髙橋 結衣"))
        assert sibling is not None
        options = options_for(session, child_id=sibling, day=dt.date(2026, 6, 2), now=clock().now())
    assert isinstance(options, list) and options


@pytest.mark.parametrize(("field", "value", "named"), [
    ("child_name", " ", "子の氏名"),
    ("child_kana", "Takahashi Yui", "子のフリガナ"),
    ("child_birthdate", "2025/12/01", "子の生年月日"),
    ("child_birthdate", "2026-06-02", "子の生年月日"),
    ("child_sex", "X", "子の性別"),
])
def test_an_invalid_child_is_refused_naming_the_field_and_nothing_is_added(
        database: Database, field: str, value: str, named: str) -> None:
    client, household_pk, _pin = _setup(database)
    response = client.post(f"/staff/households/{household_pk}/children",
                           data={"csrf": csrf_of(client), **SIBLING, field: value})
    alert = re.search(r'role="alert">([^<]*)<', response.text)
    assert response.status_code == 422 and alert is not None and named in alert.group(1)
    assert _children(database, household_pk) == ["髙橋 陽翔"] and not _audit(database, "household.child_added")


def test_the_same_child_entered_again_in_hiragana_is_refused_as_a_duplicate(database: Database) -> None:
    client, household_pk, _pin = _setup(database)
    response = client.post(f"/staff/households/{household_pk}/children", data={
        "csrf": csrf_of(client), "child_name": "高橋 はると", "child_kana": "たかはし はると",
        "child_birthdate": "2023-05-01", "child_sex": "M"})
    assert response.status_code == 422 and "すでに登録されています" in response.text
    assert _children(database, household_pk) == ["髙橋 陽翔"]


def test_a_reissued_pin_verifies_and_the_old_one_no_longer_does(database: Database) -> None:
    client, household_pk, old_pin = _setup(database)
    _form, new_pin = _reissue(client, household_pk)
    stored = _pin_hash(database, household_pk)
    assert verify_pin(stored, new_pin) and (new_pin == old_pin or not verify_pin(stored, old_pin))
    assert new_pin not in stored


def test_the_confirmation_page_alone_changes_nothing(database: Database) -> None:
    client, household_pk, old_pin = _setup(database)
    page = client.get(f"/staff/households/{household_pk}/pin")
    assert page.status_code == 200 and 'id="pin-reissue-form"' in page.text and 'id="pin"' not in page.text
    assert verify_pin(_pin_hash(database, household_pk), old_pin)


def test_the_reissue_letter_is_shown_once_and_a_refresh_neither_shows_nor_replaces_the_pin(database: Database) -> None:
    client, household_pk, _pin = _setup(database)
    form, new_pin = _reissue(client, household_pk)
    again = client.post(f"/staff/households/{household_pk}/pin", data=form)  # what a browser refresh re-posts
    assert again.status_code == 409 and 'id="pin"' not in again.text
    assert verify_pin(_pin_hash(database, household_pk), new_pin)
    page = client.get(f"/staff/households/{household_pk}").text
    assert new_pin not in re.sub(r"\d{5,}", "", page)
    assert len(_audit(database, "household.pin_reissued")) == 1


def test_the_pages_of_a_dv_household_carry_the_banner_through_a_reissue(database: Database) -> None:
    client, household_pk, _pin = _setup(database, dv=True)
    assert 'id="dv-banner"' in client.get(f"/staff/households/{household_pk}/pin").text
    version = re.search(r'name="pin_version" value="([^"]+)"',
                        client.get(f"/staff/households/{household_pk}/pin").text)
    assert version is not None
    letter = client.post(f"/staff/households/{household_pk}/pin",
                         data={"csrf": csrf_of(client), "pin_version": version.group(1)})
    assert 'id="dv-banner"' in letter.text and 'id="pin"' in letter.text


def test_the_audit_of_an_added_child_and_a_reissued_pin_holds_ids_but_no_name_or_pin(database: Database) -> None:
    client, household_pk, _pin = _setup(database)
    client.post(f"/staff/households/{household_pk}/children", data={"csrf": csrf_of(client), **SIBLING})
    _form, new_pin = _reissue(client, household_pk)
    added, reissued = _audit(database, "household.child_added"), _audit(database, "household.pin_reissued")
    assert len(added) == 1 and len(reissued) == 1
    assert added[0][0] == household_pk and set(added[0][1]) == {"child_id"}
    assert reissued[0] == (household_pk, {})
    stored = json.dumps([detail for _pk, detail in added + reissued], ensure_ascii=False)
    assert all(secret not in stored for secret in ("結衣", "ユイ", "2025-12-01", new_pin))


@pytest.mark.parametrize("path", ["children", "pin"])
def test_a_facility_account_is_refused_and_nothing_changes(database: Database, path: str) -> None:
    client, household_pk, old_pin = _setup(database, role="facility")
    response = client.post(f"/staff/households/{household_pk}/{path}",
                           data={"csrf": csrf_of(client, "/staff/roster"), **SIBLING})
    assert response.status_code == 403
    assert client.get(f"/staff/households/{household_pk}/pin").status_code == 403
    assert _children(database, household_pk) == ["髙橋 陽翔"] and verify_pin(_pin_hash(database, household_pk), old_pin)


@pytest.mark.parametrize("path", ["children", "pin"])
def test_a_form_without_its_csrf_token_is_refused_and_nothing_changes(database: Database, path: str) -> None:
    client, household_pk, old_pin = _setup(database)
    version = re.search(r'name="pin_version" value="([^"]+)"',
                        client.get(f"/staff/households/{household_pk}/pin").text)
    assert version is not None
    response = client.post(f"/staff/households/{household_pk}/{path}",
                           data={**SIBLING, "pin_version": version.group(1)})
    assert response.status_code == 403
    assert _children(database, household_pk) == ["髙橋 陽翔"] and verify_pin(_pin_hash(database, household_pk), old_pin)

