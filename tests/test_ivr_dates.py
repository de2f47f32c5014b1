"""Dates as parents say or text them: kana and kanji numerals, relative days and weekdays."""
from __future__ import annotations

import datetime as dt

import pytest
from ivr_fakes import FakePorts, call

from azukari.ivr.machine.conversation import step
from azukari.ivr.machine.dates import (
    arabic_numerals,
    next_day_of_month,
    relative_day,
    spoken_day_of_month,
    spoken_month_day,
)
from azukari.ivr.machine.parsing import parse_birthdate, parse_cancel, parse_sms_date
from azukari.ivr.machine.state import Event

MONDAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize("said", ["2024年5月1日", "令和6年5月1日", "令和六年五月一日", "20240501",
                                  "にせんにじゅうよねん ごがつ ついたち", "れいわ ろくねん ごがつ ついたち",
                                  "ニセンニジュウヨネン ゴガツ ツイタチ"])
def test_a_birthdate_is_understood_however_it_was_said(said: str) -> None:
    assert parse_birthdate(said) == dt.date(2024, 5, 1)


def test_a_name_is_not_a_birthdate() -> None:
    assert parse_birthdate("たかはし はると") is None


@pytest.mark.parametrize(("said", "digits"), [("じゅうにがつ みっか", "12月3日"), ("にじゅうよっか", "24日"),
                                              ("じゅうがつ はつか", "10月20日"), ("へいせい がんねん", "平成元年"),
                                              ("しがつ とおか", "4月10日")])
def test_kana_numerals_become_digits(said: str, digits: str) -> None:
    assert arabic_numerals(said) == digits


@pytest.mark.parametrize(("said", "day"), [("あした", 2), ("明日", 2), ("あさって", 3), ("明後日です", 3),
                                           ("来週の月曜日", 8), ("来週水曜", 10), ("らいしゅうのすいようび", 10),
                                           ("水曜", 3), ("月曜日", 8), ("tomorrow", 2), ("next Wednesday", 10),
                                           ("Friday", 5)])
def test_relative_days_count_from_today(said: str, day: int) -> None:
    assert relative_day(said, today=MONDAY) == dt.date(2026, 6, day)


def test_a_calendar_date_is_not_a_relative_day() -> None:
    assert relative_day("12月3日", today=MONDAY) is None and relative_day("光が丘", today=MONDAY) is None


@pytest.mark.parametrize("said", ["12月3日", "じゅうにがつみっか", "十二月三日 水曜日", "12/3", "1203"])
def test_a_month_and_day_is_understood_however_it_was_said(said: str) -> None:
    assert parse_sms_date(said) == (12, 3)


@pytest.mark.parametrize("text", ["取消 51369263", "取り消し 5136-9263", "CANCEL 51369263", "キャンセル51369263。"])
def test_a_cancel_command_carries_its_booking_number(text: str) -> None:
    assert parse_cancel(text) == "51369263"


def test_cancel_without_a_number_is_not_a_command() -> None:
    assert parse_cancel("取消") is None and parse_cancel("取消 abc") is None


def _said_at_the_date_step(language_key: str, said: str) -> str:
    ports = FakePorts()  # today is Monday 1 June 2026
    state, reply = call(ports, ("language", language_key), ("id_choice", "1"), ("household_id", "10000001#"),
                        ("pin", "4821#"), ("birthdate", "20240301"), ("menu", "1"))
    assert reply.ask is not None and reply.ask.step == "date"
    state, reply = step(state, Event(step="date", speech=said), ports)
    assert reply.ask is not None and reply.ask.step == "facility", (said, reply)
    return state.day


@pytest.mark.parametrize(("said", "day"), [
    ("December 10", "2026-12-10"), ("Dec 10th", "2026-12-10"), ("December the tenth.", "2026-12-10"),
    ("the 10th of December", "2026-12-10"), ("Wednesday, December 10th", "2026-12-10"),
    ("December twenty-first", "2026-12-21"), ("Sept. 3rd", "2026-09-03"), ("the 10th", "2026-06-10"),
    ("The tenth.", "2026-06-10"), ("tomorrow", "2026-06-02"), ("next Wednesday", "2026-06-10")])
def test_an_english_caller_can_say_the_date_as_people_say_it(said: str, day: str) -> None:
    assert _said_at_the_date_step("2", said) == day


@pytest.mark.parametrize(("key", "said", "day"), [
    ("1", "12月10日", "2026-12-10"), ("1", "あした", "2026-06-02"), ("1", "来週の水曜日", "2026-06-10"),
    ("1", "10日です", "2026-06-10"), ("1", "とおか", "2026-06-10"), ("3", "12月10号", "2026-12-10"),
    ("3", "明天", "2026-06-02"), ("3", "十号", "2026-06-10"), ("3", "下周三", "2026-06-10"),
    ("4", "12월 10일", "2026-12-10"), ("4", "내일", "2026-06-02"), ("4", "10일이요", "2026-06-10"),
    ("4", "다음 주 수요일", "2026-06-10")])
def test_a_caller_in_japanese_chinese_or_korean_can_say_the_date(key: str, said: str, day: str) -> None:
    assert _said_at_the_date_step(key, said) == day


def test_a_day_of_the_month_already_past_is_next_months() -> None:
    assert next_day_of_month(10, today=dt.date(2026, 6, 20)) == (7, 10)
    assert next_day_of_month(31, today=dt.date(2026, 6, 1)) == (7, 31)  # June has no 31st
    assert next_day_of_month(20, today=dt.date(2026, 6, 20)) == (6, 20)


@pytest.mark.parametrize("said", ["December", "the", "10", "the 32nd", "Decembers 10", "光が丘"])
def test_words_that_name_no_day_are_not_a_date(said: str) -> None:
    assert spoken_month_day(said) is None
    day = spoken_day_of_month(said)
    assert day is None or day > 31
