"""The parsers for keyed and texted answers: generous with real answers, safe with garbage."""
from __future__ import annotations

import datetime as dt

import pytest

from azukari.ivr.machine.parsing import (
    clean_digits,
    clean_speech,
    is_end_word,
    parse_birthdate,
    parse_number,
    parse_sms_date,
    parse_yes_no,
    wants_english,
)

GARBAGE = ["", " ", "\x00", "a" * 10_000, "1" * 10_000, "😀👶🏻", "'; DROP TABLE households; --",
           "<Say>hi</Say>", "\u202e1002/5/4202", "NaN", "-1", "0000/00/00", "9999/99/99", "\ud800"]

BIRTHDATES = {
    "20240501": dt.date(2024, 5, 1),
    "2024/5/1": dt.date(2024, 5, 1),
    "2024-05-01": dt.date(2024, 5, 1),
    "2024.5.1": dt.date(2024, 5, 1),
    "2024年5月1日": dt.date(2024, 5, 1),
    "２０２４年５月１日": dt.date(2024, 5, 1),
    "２０２４０５０１": dt.date(2024, 5, 1),
    " 2024 / 5 / 1 ": dt.date(2024, 5, 1),
    "2024年 5月 1日。": dt.date(2024, 5, 1),
    "令和6年5月1日": dt.date(2024, 5, 1),
    "令和６年５月１日": dt.date(2024, 5, 1),
    "R6.5.1": dt.date(2024, 5, 1),
    "r6/5/1": dt.date(2024, 5, 1),
    "Ｒ６．５．１": dt.date(2024, 5, 1),
    "令和元年5月1日": dt.date(2019, 5, 1),
    "平成31年4月1日": dt.date(2019, 4, 1),
    "H31.4.30": dt.date(2019, 4, 30),
    "昭和64年1月7日": dt.date(1989, 1, 7),
    "平成元年1月8日": dt.date(1989, 1, 8),
    "2024/2/29": dt.date(2024, 2, 29),
}

NOT_BIRTHDATES = ["2024/2/30", "2023/2/29", "20241301", "20240532", "2024/13/1", "令和1年4月30日", "平成0年1月1日",
                  "明治1年1月1日", "令和6年", "5月1日", "2024/5", "202451", "1899/12/31", "12345678",
                  "2024/5/1/1", "birthday"]


@pytest.mark.parametrize(("text", "expected"), BIRTHDATES.items())
def test_a_birthdate_written_any_usual_way_is_read(text: str, expected: dt.date) -> None:
    assert parse_birthdate(text) == expected


@pytest.mark.parametrize("text", NOT_BIRTHDATES + GARBAGE)
def test_something_that_is_not_a_real_full_date_is_no_birthdate(text: str) -> None:
    assert parse_birthdate(text) is None


SMS_DATES: dict[str, tuple[int, int] | dt.date] = {
    "12/3": (12, 3),
    "12月3日": (12, 3),
    "１２月３日": (12, 3),
    "１２／３": (12, 3),
    "12/03": (12, 3),
    "1203": (12, 3),
    "12-3": (12, 3),
    "12月3日(水)": (12, 3),
    "12/3（水）": (12, 3),
    "12月3日 水曜日": (12, 3),
    "2/29": (2, 29),
    "20261203": dt.date(2026, 12, 3),
    "2026/12/3": dt.date(2026, 12, 3),
    "2026年12月3日": dt.date(2026, 12, 3),
    "令和8年12月3日": dt.date(2026, 12, 3),
    "令和8年12月3日(木)": dt.date(2026, 12, 3),
}


@pytest.mark.parametrize(("text", "expected"), SMS_DATES.items())
def test_a_day_to_book_is_read_with_or_without_its_year(text: str, expected: tuple[int, int] | dt.date) -> None:
    assert parse_sms_date(text) == expected


@pytest.mark.parametrize("text", ["2/30", "13/1", "0/1", "12/32", "1332", "12月", "3日", "2026/2/30", "明日",
                                  "next week", *GARBAGE])
def test_something_that_is_no_possible_day_is_not_read_as_one(text: str) -> None:
    assert parse_sms_date(text) is None


@pytest.mark.parametrize("text", ["はい", "ハイ", "はい。", "1", "１", "yes", "YES", "Yes!", "y", "ｙｅｓ", " はい "])
def test_yes_in_any_usual_form_is_yes(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", ["いいえ", "いいえ。", "2", "２", "no", "NO", "n", "Ｎｏ"])
def test_no_in_any_usual_form_is_no(text: str) -> None:
    assert parse_yes_no(text) is False


@pytest.mark.parametrize("text", ["3", "12", "はいいいえ", "maybe", "yes no", *GARBAGE])
def test_anything_else_is_neither_yes_nor_no(text: str) -> None:
    assert parse_yes_no(text) is None


@pytest.mark.parametrize(("text", "expected"), [("123456", "123456"), ("１２３４５６", "123456"),
                                                ("123 456", "123456"), ("1234-5678", "12345678"),
                                                ("0012", "0012"), ("123456。", "123456")])
def test_a_typed_number_keeps_its_digits(text: str, expected: str) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["12a4", "一二三", "1" * 13, "+81901234", "1.5", "-1", "12--3", *GARBAGE])
def test_a_typed_number_with_anything_but_digits_or_too_long_is_refused(text: str) -> None:
    assert parse_number(text) is None


def test_nul_bytes_are_dropped_before_reading_rather_than_read_as_anything() -> None:
    assert parse_birthdate("2024\x0005\x0001") == dt.date(2024, 5, 1)
    assert parse_number("12\x0034") == "1234"
    assert "\x00" not in clean_speech("\x00" * 300)


def test_a_typed_number_is_bounded_by_the_length_asked_for() -> None:
    assert parse_number("123456789", max_length=8) is None


@pytest.mark.parametrize("text", ["終了", "おわり", "終わり", "END", "end", "ＥＮＤ", "終了。", " おわり "])
def test_an_end_word_ends_the_conversation(text: str) -> None:
    assert is_end_word(text) is True


@pytest.mark.parametrize("text", ["終了しないで", "weekend", "1", "はい", *GARBAGE])
def test_other_words_do_not_end_it(text: str) -> None:
    assert is_end_word(text) is False


@pytest.mark.parametrize("text", ["EN", "en", "ＥＮ", "I would like to book", "Hello, booking please", "book"])
def test_english_is_wanted_for_en_or_an_english_message(text: str) -> None:
    assert wants_english(text) is True


@pytest.mark.parametrize("text", ["予約", "予約したい please", "1", "12/3", "R6.5.1", "はい", "", "😀", "\x00" * 50])
def test_japanese_numbers_or_dates_do_not_switch_to_english(text: str) -> None:
    assert wants_english(text) is False


@pytest.mark.parametrize(("text", "expected"), [
    ("東京都\x00練馬区", "東京都練馬区"),
    ("  髙橋   美咲 \n", "髙橋 美咲"),
    ("ﾀｶﾊｼ", "タカハシ"),
    ("\u202eevil\u202c name\u200b", "evil name"),
    ("line\r\nbreak\ttab", "line break tab"),
    (None, ""),
    ("", ""),
])
def test_speech_is_cleaned_of_control_characters_and_extra_spaces(text: str | None, expected: str) -> None:
    assert clean_speech(text) == expected


def test_speech_is_capped_even_when_huge() -> None:
    assert clean_speech("あ" * 10_000) == "あ" * 200
    assert len(clean_speech("x " * 100_000, limit=50)) <= 50


@pytest.mark.parametrize(("text", "expected"), [("1234#", "1234#"), ("１２３＃", "123#"), ("*", "*"),
                                                ("12a3-4\x00", "1234"), (None, ""), ("😀", "")])
def test_digits_keep_only_keypad_characters(text: str | None, expected: str) -> None:
    assert clean_digits(text) == expected


def test_digits_are_capped() -> None:
    assert clean_digits("9" * 10_000) == "9" * 20
    assert clean_digits("9" * 10_000, limit=8) == "9" * 8
