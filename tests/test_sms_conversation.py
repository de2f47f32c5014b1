"""The booking conversation by SMS, end to end as Twilio posts it (contract §5.2)."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from ivr_support import ELSEWHERE, TUESDAY, Family, Texter, client_for, escalations, outbox, seed

from azukari.clock import FixedClock
from azukari.db import Database

OPTION_LINE = re.compile(r"^([0-9]+) (.+) ([0-9]{2}:[0-9]{2})-([0-9]{2}:[0-9]{2})$", re.MULTILINE)


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


def _verified(client: TestClient, family: Family, sender: str = ELSEWHERE, first: str = "予約") -> Texter:
    thread = Texter(client, sender=sender)
    thread.send(first)
    thread.send(family.child)
    thread.send(family.birthdate.strftime("%Y/%-m/%-d"))
    thread.send(family.address)
    thread.send(family.guardian)
    return thread


def test_the_first_message_whatever_it_says_is_answered_with_the_first_question(client: TestClient) -> None:
    reply = Texter(client).send("こんにちは")
    assert "お子さまのお名前" in reply


def test_a_parent_verified_by_text_gets_the_menu(client: TestClient, family: Family) -> None:
    thread = _verified(client, family)
    assert "1 予約する" in thread.replies[-1]


def test_the_options_are_one_per_line_each_starting_with_its_number(client: TestClient, family: Family) -> None:
    thread = _verified(client, family)
    thread.send("1")
    options = thread.send(f"{TUESDAY.month}/{TUESDAY.day}")
    lines = OPTION_LINE.findall(options)
    assert ("11", "光が丘", "09:00", "12:00") in lines
    assert ("12", "光が丘", "13:00", "16:00") in lines


def test_hai_books_and_the_confirmation_goes_only_to_the_number_on_file(
        client: TestClient, database: Database, family: Family) -> None:
    thread = _verified(client, family)
    thread.send("1")
    thread.send(f"{TUESDAY.month}月{TUESDAY.day}日")
    summary = thread.send("12")
    assert "1,500" in summary or "1500" in summary
    thread.send("はい")
    messages = outbox(database)
    assert [(m.kind, m.to_number) for m in messages] == [("confirmation", family.phone)]
    number = re.search(r"予約番号 ([0-9]+)", messages[0].body)
    assert number is not None and number.group(1) not in "\n".join(thread.replies)


def test_iie_goes_back_and_books_nothing(client: TestClient, database: Database, family: Family) -> None:
    thread = _verified(client, family)
    thread.send("1")
    thread.send(TUESDAY.strftime("%Y%m%d"))
    thread.send("11")
    back = thread.send("いいえ")
    assert "ご希望の日" in back and outbox(database) == []


def test_cancelling_by_text_needs_the_number_then_hai(client: TestClient, database: Database, family: Family) -> None:
    thread = _verified(client, family)
    thread.send("1")
    thread.send(TUESDAY.strftime("%Y%m%d"))
    thread.send("11")
    thread.send("はい")
    number = re.search(r"予約番号 ([0-9]+)", outbox(database)[0].body)
    assert number is not None
    thread.send("2")
    asked = thread.send(number.group(1))
    assert "取り消す場合は「はい」" in asked and number.group(1) not in asked
    thread.send("はい")
    assert [m.kind for m in outbox(database)] == ["confirmation", "cancellation"]


def test_owari_ends_the_conversation_and_the_next_message_starts_again(client: TestClient, family: Family) -> None:
    thread = _verified(client, family)
    assert "終了しました" in thread.send("おわり")
    assert "お子さまのお名前" in thread.send("1")


def test_thirty_minutes_of_silence_ends_the_conversation(client: TestClient, clock: FixedClock,
                                                         family: Family) -> None:
    thread = _verified(client, family)
    clock.advance(minutes=31)
    assert "お子さまのお名前" in thread.send("1")


def test_a_parent_who_writes_english_is_answered_in_english(client: TestClient) -> None:
    assert "child's full name" in Texter(client).send("Hello, I would like to book")


def test_en_switches_the_conversation_to_english(client: TestClient) -> None:
    thread = Texter(client)
    thread.send("予約")
    assert "child's full name" in thread.send("EN")


def test_a_redelivered_message_is_answered_once(client: TestClient, family: Family) -> None:
    thread = Texter(client)
    first = thread.send("予約", sid="SM" + "4" * 32)
    again = thread.send("予約", sid="SM" + "4" * 32)
    assert first == again
    assert "生年月日" in thread.send(family.child)  # the redelivery did not advance the conversation


def test_a_failed_verification_is_the_same_answer_whatever_was_wrong(client: TestClient, family: Family) -> None:
    answers = set()
    for i, (field, value) in enumerate([("address", "東京都練馬区豊玉北六丁目12番1号"), ("guardian", "別人 太郎"),
                                        ("birthdate", "2021/1/1")]):
        thread = Texter(client, sender=f"+8150888800{i:02d}")
        thread.send("予約")
        thread.send(family.child)
        thread.send(value if field == "birthdate" else family.birthdate.strftime("%Y/%m/%d"))
        thread.send(value if field == "address" else family.address)
        answers.add(thread.send(value if field == "guardian" else family.guardian))
    staff = Texter(client, sender="+815088880099")
    staff.send("予約")
    answers.add(staff.send("職員"))
    assert len(answers) == 1 and "職員から、あらためてご連絡" in answers.pop()  # what 職員 gets


def test_a_dv_household_is_told_only_that_staff_will_contact_them(database: Database, clock: FixedClock) -> None:
    dv = seed(database, dv=True)
    thread = _verified(client_for(database, clock), dv)
    assert "職員から、あらためてご連絡" in thread.replies[-1] and "1 予約する" not in thread.replies[-1]
    assert [(e.kind, e.dv) for e in escalations(database)] == [("dv_caller", True)]
    assert outbox(database) == []


def test_text_my_bookings_goes_to_the_number_on_file(client: TestClient, database: Database, family: Family) -> None:
    thread = _verified(client, family)
    reply = thread.send("3")
    assert "お送りします" in reply
    assert [(m.kind, m.to_number) for m in outbox(database)] == [("listing", family.phone)]


def test_a_birthdate_in_the_japanese_era_is_accepted(client: TestClient, family: Family) -> None:
    thread = _verified(client, family)
    assert "1 予約する" in thread.replies[-1]
    reiwa = Texter(client, sender="+819077776666")
    reiwa.send("予約")
    reiwa.send(family.child)
    assert "住所" in reiwa.send("令和6年3月1日")


def test_an_english_thread_books_in_english_and_the_confirmation_is_in_english(
        client: TestClient, database: Database, family: Family) -> None:
    thread = _verified(client, family, first="EN")
    assert "1 Make a booking" in thread.replies[-1]
    thread.send("1")
    options = thread.send(f"{TUESDAY.month}/{TUESDAY.day}")
    assert "Free on Tue 6/2" in options and "11 Hikarigaoka 09:00-12:00" in options
    thread.send("11")
    assert "Booked" in thread.send("yes")
    assert [(m.kind, m.body.startswith("Childcare booked")) for m in outbox(database)] == [("confirmation", True)]
