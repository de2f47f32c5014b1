"""Calls in each of the four languages, end to end over HTTP as Twilio posts them (contract §5.1, §6)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from ivr_support import MONDAY, TUESDAY, Family, Phone, client_for, outbox

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.registration.service import ChildEntry, register_household

JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
# language key -> (Say language, Polly voice, Gather language, the confirmation's label, the date said)
LANGUAGES = {
    "1": ("ja-JP", "Polly.Mizuki", "ja-JP", "予約番号", "6月2日 火曜日"),
    "2": ("en-US", "Polly.Joanna", "en-US", "Booking number", "Tuesday, June 2"),
    "3": ("cmn-CN", "Polly.Zhiyu", "zh-CN", "预约号", "6月2日 星期二"),  # Deepgram nova-3, the default (docs/twilio.md)
    "4": ("ko-KR", "Polly.Seoyeon", "ko-KR", "예약번호", "6월 2일 화요일"),
}


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


def _after_choosing(client: TestClient, key: str) -> tuple[Phone, int]:
    """A call that chose its language; and where its transcript in that language starts."""
    phone = Phone(client)
    phone.start()
    heard = len(phone.transcript)
    phone.answer("language", digits=key)
    return phone, heard


@pytest.mark.parametrize("key", sorted(LANGUAGES))
def test_a_whole_booking_by_household_id_in_each_language_ends_in_a_confirmation_text_in_that_language(
        client: TestClient, database: Database, family: Family, key: str) -> None:
    say_language, voice, _, label, date_said = LANGUAGES[key]
    phone, _ = _after_choosing(client, key)
    phone.verify_by_id(family)
    assert phone.step == "menu", phone.says
    phone.choose(TUESDAY, 1, 1)
    assert date_said in " ".join(phone.says)
    phone.answer("confirm", digits="1")

    assert phone.step == "next" and phone.current is not None
    assert {(s.get("language"), s.get("voice")) for s in phone.current.iter("Say")} == {(say_language, voice)}
    [message] = outbox(database)
    assert message.to_number == family.phone and re.search(rf"{label} [0-9]{{6,8}}", message.body)


@pytest.mark.parametrize("key", ["2", "3", "4"])
def test_names_are_heard_in_the_callers_language(client: TestClient, key: str) -> None:
    phone, _ = _after_choosing(client, key)
    phone.answer("id_choice", digits="2")
    gather = phone.gather()
    assert gather is not None and gather.get("language") == LANGUAGES[key][2]


@pytest.mark.parametrize("key", ["3", "4"])
def test_chinese_and_korean_callers_say_the_address_in_japanese_and_are_heard_in_japanese(
        client: TestClient, family: Family, key: str) -> None:
    phone, _ = _after_choosing(client, key)
    phone.answer("id_choice", digits="2")
    phone.answer("child_name", speech="x")
    phone.answer("birthdate", digits=family.birthdate.strftime("%Y%m%d"))
    gather = phone.gather()
    assert phone.step == "address" and gather is not None and gather.get("language") == "ja-JP"
    assert ("日语" if key == "3" else "일본어") in " ".join(phone.says)


def test_a_korean_caller_with_a_korean_name_in_hangul_is_verified_by_knowledge(
        client: TestClient, database: Database) -> None:
    korean = _korean_family(database)
    phone, _ = _after_choosing(client, "4")
    phone.verify_by_knowledge(korean, child="김 민준", guardian="김 서연")
    assert phone.step == "menu", phone.says


def test_a_chinese_caller_saying_the_names_in_simplified_characters_is_verified_by_knowledge(
        client: TestClient, database: Database) -> None:
    chinese = _chinese_family(database)
    phone, _ = _after_choosing(client, "3")
    phone.verify_by_knowledge(chinese, child="刘 晓明", guardian="刘 丽华")
    assert phone.step == "menu", phone.says


def test_a_chinese_caller_saying_the_address_in_simplified_characters_is_verified_by_knowledge(
        client: TestClient, database: Database) -> None:
    chinese = _chinese_family(database)  # 東京都練馬区光が丘三丁目4番5号 on file
    phone, _ = _after_choosing(client, "3")
    phone.verify_by_knowledge(chinese, child="刘 晓明", address="练马区光之丘3丁目4番5号", guardian="刘 丽华")
    assert phone.step == "menu", phone.says


def test_nothing_in_an_english_call_or_its_texts_is_in_japanese_script(
        client: TestClient, database: Database, family: Family) -> None:
    phone, heard = _after_choosing(client, "2")
    phone.verify_by_id(family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    phone.answer("next", digits="1")
    phone.answer("date", digits="0602")
    phone.answer("facility", digits="0")  # staff: the transfer is said in English too

    said = phone.transcript[heard:]
    assert said and [s for s in said if JAPANESE_SCRIPT.search(s)] == []
    assert "Hikarigaoka" in " ".join(said)
    bodies = [m.body for m in outbox(database)]
    assert bodies and [b for b in bodies if JAPANESE_SCRIPT.search(b)] == []


def _registered(database: Database, **names: str) -> Family:
    with database.unit_of_work() as session:
        household, pin = register_household(
            session, guardian_name=names["guardian"], guardian_kana=names["guardian_kana"], phone="090-3333-0003",
            address="東京都練馬区光が丘三丁目4番5号",
            children=[ChildEntry(name=names["child"], kana=names["child_kana"], birthdate=dt.date(2023, 7, 7),
                                 sex="F")],
            registered_on=MONDAY.date() - dt.timedelta(days=30), dv_flag=False, now=MONDAY.astimezone(dt.UTC))
        session.commit()
        return Family(household.id, household.household_id, pin, household.phone, names["child"],
                      dt.date(2023, 7, 7), household.address, names["guardian"])


def _korean_family(database: Database) -> Family:
    return _registered(database, guardian="金 瑞妍", guardian_kana="キム ソヨン", child="金 珉俊",
                       child_kana="キム ミンジュン")


def _chinese_family(database: Database) -> Family:
    return _registered(database, guardian="劉 麗華", guardian_kana="リュウ レイカ", child="劉 暁明",
                       child_kana="リュウ ギョウメイ")
