"""Demo data: five facilities and a few hundred households, only into an empty database."""
from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import func, select

from azukari.booking.models import Facility
from azukari.db import Database
from azukari.households.models import Child, Household
from azukari.households.phone import to_e164
from azukari.households.pins import verify_pin
from azukari.registration.demo import DEMO_HOUSEHOLD_ID, DEMO_PIN, load_demo
from azukari.registration.service import ChildEntry, register_household

TODAY = dt.date(2026, 4, 10)


def load(database: Database) -> str:
    with database.unit_of_work() as session:
        summary = load_demo(session, today=TODAY)
        session.commit()
    return summary


def test_the_demo_loads_five_facilities_and_a_few_hundred_households_quickly(database: Database) -> None:
    started = time.perf_counter()
    assert load(database)
    assert time.perf_counter() - started < 5
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Facility)) == 5
        assert 200 <= (session.scalar(select(func.count()).select_from(Household)) or 0) <= 500


def test_the_demo_holds_the_documented_household_for_trying_the_bot(database: Database) -> None:
    load(database)
    with database.unit_of_work() as session:
        household = session.scalars(select(Household).where(Household.household_id == DEMO_HOUSEHOLD_ID)).one()
        child = household.children[0]
        assert verify_pin(household.pin_hash, DEMO_PIN) and DEMO_PIN == "4821"
        assert (household.guardian_name, household.guardian_kana) == ("髙橋 美咲", "タカハシ ミサキ")
        assert (household.address, household.phone) == ("東京都練馬区光が丘二丁目3番1-204号", "+819012345678")
        assert (child.name, child.kana, child.birthdate) == ("髙橋 陽翔", "タカハシ ハルト", dt.date(2024, 5, 1))
        assert household.valid_until() >= TODAY and not household.dv_flag


def test_demo_households_are_valid_today_with_children_under_six(database: Database) -> None:
    load(database)
    with database.unit_of_work() as session:
        households = session.scalars(select(Household)).all()
        assert all(h.registered_on <= TODAY <= h.valid_until() for h in households)
        assert all(to_e164(h.phone) == h.phone for h in households)
        births = session.scalars(select(Child.birthdate)).all()
        assert all(TODAY - dt.timedelta(days=6 * 365) < born <= TODAY for born in births)
        assert any(h.dv_flag for h in households) and any(len(h.children) == 2 for h in households)


def test_the_demo_loads_only_once(database: Database) -> None:
    load(database)
    assert load(database) == ""
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Facility)) == 5


def test_the_demo_is_not_loaded_into_a_database_that_has_households(database: Database) -> None:
    with database.unit_of_work() as session:
        register_household(session, guardian_name="佐藤 愛", guardian_kana="サトウ アイ", phone="080-2345-6789",
                           address="東京都練馬区関町北一丁目1番1号", registered_on=TODAY, dv_flag=False,
                           children=[ChildEntry(name="佐藤 凛", kana="サトウ リン", birthdate=dt.date(2025, 1, 1))],
                           now=dt.datetime(2026, 4, 10, tzinfo=dt.UTC))
        session.commit()
    assert load(database) == ""
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Facility)) == 0
