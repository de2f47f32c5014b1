"""Siblings in one call: after one verification the menu's 4 and a birthdate pick another child of the household."""
from __future__ import annotations

import datetime as dt

import pytest
from ivr_support import ELSEWHERE, MONDAY, TUESDAY, Family, Phone, Texter, client_for, seed
from sqlalchemy import func, select

from azukari.booking.models import Reservation
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Child
from azukari.identity.models import VerificationAttempt
from azukari.registration.service import ChildEntry, add_child

SISTER_BORN = dt.date(2022, 8, 15)


def _with_sister(database: Database) -> tuple[Family, int]:
    family = seed(database)
    with database.unit_of_work() as session:
        sister = add_child(session, household_pk=family.household_pk, now=MONDAY,
                           entry=ChildEntry(name="髙橋 結衣", kana="タカハシ ユイ", birthdate=SISTER_BORN, sex="F"))
        session.commit()
        return family, sister.id


def _verified_phone(database: Database, family: Family, call: int = 1) -> Phone:
    phone = Phone(client_for(database, FixedClock(MONDAY.astimezone(dt.UTC))), caller=ELSEWHERE,
                  sid=f"CA{call:032d}")
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    assert phone.step == "menu"
    return phone


def _booked_children(database: Database) -> list[int]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(Reservation.child_id).order_by(Reservation.id)))


def test_a_parent_books_two_siblings_in_one_call_with_one_verification(database: Database) -> None:
    family, sister_id = _with_sister(database)
    phone = _verified_phone(database, family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    phone.answer("next", digits="4")
    assert phone.step == "birthdate"
    phone.answer("birthdate", digits=SISTER_BORN.strftime("%Y%m%d"))
    assert phone.step == "menu"  # no second name, address or guardian asked
    phone.choose(TUESDAY, 1, 2)
    phone.answer("confirm", digits="1")
    assert phone.step == "next"
    assert _booked_children(database)[1] == sister_id and len(_booked_children(database)) == 2
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(VerificationAttempt)) == 1


def test_after_booking_the_brother_the_sister_is_booked_by_her_birthdate(database: Database) -> None:
    family, sister_id = _with_sister(database)
    phone = _verified_phone(database, family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    phone.answer("next", digits="9")
    phone = _verified_phone(database, family, call=2)
    phone.answer("menu", digits="4")
    assert phone.step == "birthdate"
    phone.answer("birthdate", digits=SISTER_BORN.strftime("%Y%m%d"))
    assert phone.step == "menu"
    phone.choose(TUESDAY, 1, 2)
    phone.answer("confirm", digits="1")
    with database.unit_of_work() as session:
        brother = session.scalar(select(Child.id).where(Child.household_pk == family.household_pk,
                                                        Child.id != sister_id))
    assert _booked_children(database) == [brother, sister_id]


def test_a_birthdate_of_a_child_in_another_household_picks_no_one(database: Database) -> None:
    family, _sister = _with_sister(database)
    other = seed(database, phone="090-2222-0002", birthdate=dt.date(2023, 2, 2), facilities=False)
    assert other.household_pk != family.household_pk
    phone = _verified_phone(database, family)
    phone.answer("menu", digits="4")
    phone.answer("birthdate", digits="20230202")
    assert phone.step == "birthdate" and any("登録がありません" in s for s in phone.says)
    phone.answer("birthdate", digits=SISTER_BORN.strftime("%Y%m%d"))
    assert phone.step == "menu"


def test_by_text_four_and_a_birthdate_pick_the_sister(database: Database) -> None:
    family, _sister_id = _with_sister(database)
    texter = Texter(client_for(database, FixedClock(MONDAY.astimezone(dt.UTC))), sender=ELSEWHERE)
    texter.send("予約")
    texter.send(family.child)
    texter.send(family.birthdate.strftime("%Y/%m/%d"))
    texter.send(family.address)
    reply = texter.send(family.guardian)
    assert "4 ごきょうだいの予約" in reply
    texter.send("4")
    reply = texter.send(SISTER_BORN.strftime("%Y/%m/%d"))
    assert "そのお子さまのご予約を承ります" in reply


def test_the_menu_names_the_siblings_choice_for_a_household_with_two_children(database: Database) -> None:
    family, _ = _with_sister(database)
    assert "ごきょうだい" in " ".join(_verified_phone(database, family).says)


def test_the_menu_of_a_household_with_one_child_says_nothing_of_siblings(database: Database) -> None:
    assert "ごきょうだい" not in " ".join(_verified_phone(database, seed(database)).says)


def _texted_menu(database: Database, family: Family, first: str) -> str:
    texter = Texter(client_for(database, FixedClock(MONDAY.astimezone(dt.UTC))), sender=ELSEWHERE)
    texter.send(first)
    texter.send(family.child)
    texter.send(family.birthdate.strftime("%Y/%m/%d"))
    texter.send(family.address)
    return texter.send(family.guardian)


# The first text (the language), and the menu's siblings line in that language.
SIBLINGS_LINE = {"予約": "4 ごきょうだいの予約", "EN": "4 Book for a brother or sister", "中文": "4 为家中其他孩子预约",
                 "한국어": "4 형제자매 예약"}


@pytest.mark.parametrize("first", sorted(SIBLINGS_LINE))
def test_the_texted_menu_of_a_household_with_one_child_has_no_siblings_line(database: Database, first: str) -> None:
    menu = _texted_menu(database, seed(database), first)
    assert "1 " in menu and "3 " in menu and "0 " in menu, menu
    assert "\n4 " not in menu and SIBLINGS_LINE[first] not in menu


@pytest.mark.parametrize("first", sorted(SIBLINGS_LINE))
def test_the_texted_menu_of_a_household_with_two_children_has_the_siblings_line(database: Database, first: str) -> None:
    family, _ = _with_sister(database)
    assert SIBLINGS_LINE[first] in _texted_menu(database, family, first)
