"""Text conversations in English, Chinese and Korean, end to end as Twilio posts them (contract §5.2, §6)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from ivr_support import MONDAY, TUESDAY, Family, Texter, client_for, outbox

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.registration.service import ChildEntry, register_household

JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


def _book(thread: Texter) -> None:
    thread.send("1")
    thread.send(f"{TUESDAY.month}/{TUESDAY.day}")
    thread.send("11")
    thread.send("1")


def test_an_english_thread_in_romaji_books_and_nothing_it_reads_is_in_japanese_script(
        client: TestClient, database: Database) -> None:
    thread = Texter(client)
    thread.send("EN")
    thread.send("Haruto Takahashi")
    thread.send("2024/3/1")
    thread.send("2-3-1-204 Hikarigaoka, Nerima-ku, Tokyo")
    thread.send("Misaki Takahashi")
    assert "1 Make a booking" in thread.replies[-1], thread.replies
    _book(thread)
    thread.send("3")  # the bookings, texted to the number on file

    assert "Hikarigaoka" in thread.replies[-3]
    assert [r for r in thread.replies if JAPANESE_SCRIPT.search(r)] == []
    bodies = [m.body for m in outbox(database)]
    assert any(re.match(r"Childcare booked for \w+: .* Booking number [0-9]{6,8}", b) for b in bodies)
    assert len(bodies) == 2 and [b for b in bodies if JAPANESE_SCRIPT.search(b)] == []


def test_a_korean_thread_with_hangul_names_books_and_the_confirmation_is_in_korean(
        client: TestClient, database: Database) -> None:
    with database.unit_of_work() as session:
        register_household(session, guardian_name="金 瑞妍", guardian_kana="キム ソヨン", phone="090-3333-0003",
                           address="東京都練馬区光が丘三丁目4番5号",
                           children=[ChildEntry(name="金 珉俊", kana="キム ミンジュン", birthdate=dt.date(2023, 7, 7),
                                                sex="M")],
                           registered_on=MONDAY.date(), dv_flag=False, now=MONDAY.astimezone(dt.UTC))
        session.commit()
    thread = Texter(client)
    assert "아이의 이름" in thread.send("한국어")
    thread.send("김민준")
    thread.send("2023년 7월 7일")
    thread.send("東京都練馬区光が丘三丁目4番5号")
    thread.send("김서연")
    assert "1 예약하기" in thread.replies[-1], thread.replies
    _book(thread)

    [confirmation] = [m.body for m in outbox(database)]
    assert re.search(r"예약번호 [0-9]{6,8}", confirmation) and "히카리가오카" in confirmation


def test_a_chinese_thread_is_answered_in_chinese_and_its_confirmation_says_yuyuehao_and_the_place_in_hanzi(
        client: TestClient, database: Database, family: Family) -> None:
    thread = Texter(client)
    assert "孩子的全名" in thread.send("中文")
    thread.send("髙橋 陽翔")
    thread.send("2024年3月1日")
    thread.send(family.address)
    thread.send("髙橋 美咲")
    assert "1 预约" in thread.replies[-1], thread.replies
    _book(thread)

    [confirmation] = [m.body for m in outbox(database)]
    assert re.search(r"预约号 [0-9]{6,8}", confirmation) and "光丘" in confirmation
