"""The domain side of counter work: add_child and reissue_pin refuse on their own and never commit."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from staff_support import add_household

from azukari.db import Database
from azukari.households.models import Child
from azukari.registration.service import ChildEntry, HouseholdNotFound, InvalidChild, add_child, reissue_pin

NOW = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)


def test_add_child_refuses_a_future_birthdate_even_without_the_form(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session, now=NOW)
        with pytest.raises(InvalidChild) as refused:
            add_child(session, household_pk=household.id, now=NOW,
                      entry=ChildEntry(name="髙橋 結衣", kana="タカハシ ユイ", birthdate=dt.date(2026, 6, 2)))
        assert set(refused.value.problems) == {"child_birthdate"} and len(household.children) == 1


def test_add_child_never_commits(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session, now=NOW)
        session.commit()
        add_child(session, household_pk=household.id, now=NOW,
                  entry=ChildEntry(name="髙橋 結衣", kana="タカハシ ユイ", birthdate=dt.date(2025, 12, 1), sex="F"))
        session.rollback()
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 1


def test_reissuing_a_pin_for_an_unknown_household_is_refused(database: Database) -> None:
    with database.unit_of_work() as session, pytest.raises(HouseholdNotFound):
        reissue_pin(session, household_pk=999, now=NOW)
