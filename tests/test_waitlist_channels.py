"""The waiting list by phone and by text, end to end over HTTP as Twilio posts (contract §5.1, §5.2, §7)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from facilities_files import facilities_toml, hikarigaoka, import_facilities_text
from fastapi.testclient import TestClient
from ivr_support import ELSEWHERE, MONDAY, TUESDAY, Family, Phone, Texter, client_for, outbox, seed
from sqlalchemy import select

from azukari.booking import service
from azukari.booking.models import Facility, Unit, WaitlistEntry
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Child, Household

WAITING_WARD = facilities_toml(
    hikarigaoka(capacity=1, infant_capacity=1, reading="ひかりがおかこどもかていしえんせんたー", short_name="光が丘"),
    rules={"waitlist": True, "offer_hours": 12})
CODE = re.compile(r"コード ([0-9]{4})")


@pytest.fixture
def family(database: Database, tmp_path: Path) -> Family:
    """Not tests/conftest.py's family: the household lives in a one-seat ward with a waiting list, not the demo's."""
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, WAITING_WARD)
        session.commit()
    return seed(database, facilities=False)


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


def _fill(database: Database, unit_key: int) -> tuple[int, str]:
    """Another household takes the one seat of unit 1-`unit_key` on Tuesday: (its household, booking number)."""
    with database.unit_of_work() as session:
        household = Household(household_id="20000001", pin_hash="x", guardian_name="他", guardian_kana="ホカ",
                              phone="+819022220000", address="練馬区", registered_on=MONDAY.date())
        child = Child(household=household, name="他の子", kana="ホカノコ", birthdate=dt.date(2023, 1, 1))
        session.add(child)
        session.flush()
        unit = session.scalars(select(Unit.id).join(Facility).where(Unit.key == unit_key)).one()
        booked = service.book(session, child_id=child.id, unit_id=unit, day=TUESDAY, channel="staff",
                              language="ja", now=MONDAY)
        assert isinstance(booked, service.Booked)
        session.commit()
        return household.id, booked.booking_number


def _free(database: Database, holder: tuple[int, str]) -> None:
    with database.unit_of_work() as session:
        assert isinstance(service.cancel(session, household_pk=holder[0], booking_number=holder[1], channel="staff",
                                         language="ja", now=MONDAY), service.Cancelled)
        session.commit()


def _verified_call(client: TestClient, family: Family) -> Phone:
    phone = Phone(client, caller=ELSEWHERE)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    assert phone.step == "menu", phone.says
    return phone


def _entries(database: Database) -> list[str]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(WaitlistEntry.status)))


def test_a_caller_waits_for_a_full_unit_through_facility_8(client: TestClient, database: Database,
                                                           family: Family) -> None:
    _fill(database, 1)
    phone = _verified_call(client, family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits=TUESDAY.strftime("%Y%m%d"))
    assert any("キャンセル待ちは8" in say for say in phone.says)
    phone.answer("facility", digits="8")
    assert any("は1、1" in say for say in phone.says)
    phone.answer("waitlist", digits="11")
    phone.answer("waitlist_confirm", digits="1")
    assert phone.step == "next"
    assert _entries(database) == ["waiting"]
    (text,) = [m for m in outbox(database) if m.kind == "waiting"]
    assert text.to_number == family.phone and "光が丘" in text.body


def test_a_waiting_list_line_reads_its_code_as_keys_and_names_the_facility_by_its_short_name(
        client: TestClient, database: Database, family: Family) -> None:
    _fill(database, 1)
    phone = _verified_call(client, family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits=TUESDAY.strftime("%Y%m%d"))
    phone.answer("facility", digits="8")
    [line] = [say for say in phone.says if say.endswith("1、1。")]
    assert line.startswith("ひかりがおか、") and "こどもかていしえんせんたー" not in line and "11" not in line


def test_a_texted_waiting_list_line_names_the_facility_by_its_short_name(client: TestClient, database: Database,
                                                                         family: Family) -> None:
    _fill(database, 1)
    thread = Texter(client, sender=ELSEWHERE)
    for body in ("予約", family.child, family.birthdate.strftime("%Y/%-m/%-d"), family.address, family.guardian, "1"):
        thread.send(body)
    listed = thread.send("6/2")
    [line] = [row for row in listed.splitlines() if row.startswith("811 ")]
    assert line.startswith("811 光が丘 ") and "センター" not in line


def test_a_day_with_no_room_at_all_goes_straight_to_the_waiting_list(client: TestClient, database: Database,
                                                                     family: Family) -> None:
    _fill(database, 1)
    with database.unit_of_work() as session:
        other = session.scalars(select(Household)).all()[-1]
        child = Child(household=other, name="他の子二", kana="ホカノコニ", birthdate=dt.date(2022, 1, 1))
        session.add(child)
        session.flush()
        unit = session.scalars(select(Unit.id).where(Unit.key == 2)).one()
        assert isinstance(service.book(session, child_id=child.id, unit_id=unit, day=TUESDAY, channel="staff",
                                       language="ja", now=MONDAY), service.Booked)
        session.commit()
    phone = _verified_call(client, family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits=TUESDAY.strftime("%Y%m%d"))
    assert phone.step == "waitlist"
    phone.answer("waitlist", digits="9")
    assert phone.step == "date"


def test_a_texted_list_shows_full_units_after_free_ones_and_8fu_then_hai_waits(client: TestClient,
                                                                                database: Database,
                                                                                family: Family) -> None:
    _fill(database, 1)
    thread = Texter(client, sender=ELSEWHERE)
    for body in ("予約", family.child, family.birthdate.strftime("%Y/%-m/%-d"), family.address, family.guardian, "1"):
        thread.send(body)
    listing = thread.send(f"{TUESDAY.month}/{TUESDAY.day}")
    lines = listing.splitlines()
    free, full = lines.index(next(x for x in lines if x.startswith("12 "))), \
        lines.index(next(x for x in lines if x.startswith("811 ")))
    assert free < full and "キャンセル待ち" in lines[full]
    thread.send("811")
    thread.send("はい")
    assert _entries(database) == ["waiting"]


def test_the_offer_code_from_the_number_on_file_books_even_as_a_first_message(client: TestClient,
                                                                              database: Database,
                                                                              family: Family) -> None:
    holder = _fill(database, 1)
    phone = _verified_call(client, family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits=TUESDAY.strftime("%Y%m%d"))
    phone.answer("facility", digits="8")
    phone.answer("waitlist", digits="11")
    phone.answer("waitlist_confirm", digits="1")
    _free(database, holder)
    (offer,) = [m for m in outbox(database) if m.kind == "offer"]
    found = CODE.search(offer.body)
    assert found is not None and offer.to_number == family.phone
    stranger = Texter(client, sender=ELSEWHERE).send(found.group(1))
    assert "お子さまのお名前" in stranger  # the first question: nothing booked, nothing revealed
    reply = Texter(client, sender=family.phone).send(found.group(1))
    assert "予約しました" in reply
    confirmations = [m for m in outbox(database) if m.kind == "confirmation" and m.household_pk == family.household_pk]
    assert len(confirmations) == 1 and confirmations[0].to_number == family.phone
    assert _entries(database) == ["booked"]
