"""Dates as parents say or text them: kana and kanji numerals, relative days and weekdays."""
from __future__ import annotations

import datetime as dt

import pytest

from azukari.ivr.machine.dates import arabic_numerals, relative_day
from azukari.ivr.machine.parsing import parse_birthdate, parse_cancel, parse_sms_date

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
