"""Registration at the counter: new households get a fresh ID and a PIN shown once."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from azukari.db import Database
from azukari.households.models import Household
from azukari.households.pins import verify_pin
from azukari.registration.service import ChildEntry, HouseholdNotFound, register_household, renew

NOW = dt.datetime(2026, 4, 10, 1, 0, tzinfo=dt.UTC)
HARUTO = ChildEntry(name="髙橋 陽翔", kana="タカハシ ハルト", birthdate=dt.date(2024, 5, 1), sex="M")


def register(database: Database, *, phone: str = "090-1234-5678",
             children: list[ChildEntry] | None = None) -> tuple[str, str]:
    with database.unit_of_work() as session:
        household, pin = register_household(
            session, guardian_name="髙橋 美咲", guardian_kana="タカハシ　ミサキ", phone=phone,
            address="東京都練馬区光が丘二丁目3番1-204号", children=[HARUTO] if children is None else children,
            registered_on=dt.date(2026, 4, 10), dv_flag=False, now=NOW)
        session.commit()
        return household.household_id, pin


def stored(database: Database, household_id: str) -> Household:
    with database.unit_of_work() as session:
        found = session.scalars(select(Household).where(Household.household_id == household_id)).one()
        session.expunge(found)  # keeps its loaded state past the unit of work's rollback
        return found


def test_each_registration_gets_its_own_eight_digit_household_id(database: Database) -> None:
    ids = {register(database)[0] for _ in range(5)}
    assert len(ids) == 5
    assert all(len(household_id) == 8 and household_id.isdigit() for household_id in ids)


def test_the_pin_is_four_digits_returned_once_and_stored_hashed(database: Database) -> None:
    household_id, pin = register(database)
    pin_hash = stored(database, household_id).pin_hash
    assert len(pin) == 4 and pin.isdigit() and pin not in pin_hash
    assert verify_pin(pin_hash, pin)


def test_the_phone_number_on_file_is_stored_as_e164(database: Database) -> None:
    household_id, _ = register(database, phone="０８０－２３４５－６７８９")
    assert stored(database, household_id).phone == "+818023456789"


def test_a_registration_without_a_child_is_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="at least one child"):
        register(database, children=[])


def test_an_impossible_phone_number_is_refused(database: Database) -> None:
    with pytest.raises(ValueError):
        register(database, phone="12345")


def test_renewal_makes_the_registration_valid_for_a_year_from_today(database: Database) -> None:
    household_id, _ = register(database)
    with database.unit_of_work() as session:
        pk = session.scalars(select(Household.id).where(Household.household_id == household_id)).one()
        renew(session, household_pk=pk, today=dt.date(2027, 4, 12))
        session.commit()
    assert stored(database, household_id).valid_until() == dt.date(2028, 4, 11)


def test_renewing_an_unknown_household_is_refused(database: Database) -> None:
    with database.unit_of_work() as session, pytest.raises(HouseholdNotFound):
        renew(session, household_pk=999, today=dt.date(2027, 4, 12))
