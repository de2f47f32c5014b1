"""A day in words: one function for calls and texts, writing what the two old ones wrote."""
from __future__ import annotations

import datetime as dt

import pytest

from azukari.language import LANGUAGES, Language
from azukari.language.days import day_words
from azukari.messaging import texts

# The texts' own formula before `language.days` (messaging/texts._day), kept to prove nothing changed.
_OLD_WEEKDAYS = {"ja": "月火水木金土日", "zh": "一二三四五六日", "ko": "월화수목금토일"}
_OLD_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _old_text_day(day: dt.date, language: str) -> str:
    lang = language if language in ("en", "zh", "ko") else "ja"
    if lang == "en":
        return f"{_OLD_WEEKDAYS_EN[day.weekday()]} {day.month}/{day.day}"
    if lang == "zh":
        return f"{day.month}月{day.day}日(周{_OLD_WEEKDAYS['zh'][day.weekday()]})"
    if lang == "ko":
        return f"{day.month}월 {day.day}일({_OLD_WEEKDAYS['ko'][day.weekday()]})"
    return f"{day.month}月{day.day}日({_OLD_WEEKDAYS['ja'][day.weekday()]})"


# Fortnights across a month's and a year's end, so every weekday and both month forms are seen.
DAYS = [start + dt.timedelta(days=n) for start in (dt.date(2025, 12, 24), dt.date(2026, 2, 20)) for n in range(14)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_text_writes_each_of_fourteen_days_as_the_texts_wrote_them_before(language: Language) -> None:
    assert [day_words(day, language, written=True) for day in DAYS] == [_old_text_day(day, language) for day in DAYS]


def test_a_confirmation_text_carries_the_day_as_written() -> None:
    facts = texts.BookingFacts(booking_number="1234567", day=dt.date(2026, 1, 1), starts="09:00", ends="12:00",
                               facility_name="光が丘子ども家庭支援センター", fee=2500, name_en="Hikarigaoka")
    assert "1月1日(木)" in texts.confirmation(facts, "ja") and "Thu 1/1" in texts.confirmation(facts, "en")


@pytest.mark.parametrize(("language", "said", "written"), [
    ("ja", "1月1日 木曜日", "1月1日(木)"), ("en", "Thursday, January 1", "Thu 1/1"),
    ("zh", "1月1日 星期四", "1月1日(周四)"), ("ko", "1월 1일 목요일", "1월 1일(목)"),
])
def test_a_call_says_the_weekday_in_full_where_a_text_writes_it_short(language: Language, said: str,
                                                                      written: str) -> None:
    day = dt.date(2026, 1, 1)
    assert (day_words(day, language, written=False), day_words(day, language, written=True)) == (said, written)
