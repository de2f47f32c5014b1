"""Every outbound text, in both languages, within Japanese carriers' rules (contract §6)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from azukari.messaging.texts import (
    MAX_CHARS,
    BookingFacts,
    cancellation,
    cancellation_past_deadline,
    cancellation_refused,
    confirmation,
    listing,
    refused_booking,
    reminder,
    short_facility_name,
)

# The conformance kit's own patterns.
PHONE_LIKE = re.compile(r"(?<![0-9])(?:0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}|\+?[0-9]{10,13})(?![0-9])")
BOOKING_NUMBER = re.compile(r"(?:予約番号|Booking number)\s*[:：]?\s*([0-9]{6,8})")

LONGEST_NAME = "東京都練馬区立光が丘第二地域子育て支援拠点ひろば分室さくら館"  # 30 characters, no known suffix
DAY = dt.date(2026, 12, 3)
FACTS = BookingFacts(booking_number="98765432", day=DAY, starts="13:00", ends="16:00",
                     facility_name=LONGEST_NAME, fee=2000)
REASONS = ("overlapping", "monthly_limit", "expired_registration")
DATE_AS = {"ja": "12月3日", "en": "12/3"}


def _every_text(language: str) -> list[str]:
    many = [BookingFacts(f"{n:08d}", DAY + dt.timedelta(days=n), "09:00", "12:00", FACTS.facility_name, 1500)
            for n in range(1, 8)]
    return [confirmation(FACTS, language), cancellation(FACTS.booking_number, DAY, language),
            *listing([FACTS], language), *listing(many, language), *listing([], language),
            *(refused_booking(day=DAY, starts="09:00", ends="12:00", facility_name=LONGEST_NAME, reason=reason,
                              language=language) for reason in REASONS),
            cancellation_refused("98765432", language),
            reminder(FACTS, language), cancellation_past_deadline("98765432", language)]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_text_is_longer_than_two_ucs2_segments_even_for_the_longest_facility_name(language: str) -> None:
    assert len(LONGEST_NAME) == 30
    assert all(len(text) <= MAX_CHARS for text in _every_text(language))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_text_carries_anything_a_carrier_would_take_for_a_phone_number(language: str) -> None:
    assert [text for text in _every_text(language) if PHONE_LIKE.search(text)] == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_confirmation_gives_booking_number_date_with_weekday_time_facility_and_fee(language: str) -> None:
    text = confirmation(FACTS, language)

    match = BOOKING_NUMBER.search(text)
    assert match is not None and match.group(1) == "98765432"
    assert DATE_AS[language] in text and ("(木)" in text if language == "ja" else "Thu" in text)
    assert "13:00-16:00" in text and short_facility_name(FACTS.facility_name) in text and "2,000" in text


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_reminder_says_tomorrow_with_booking_number_date_time_facility_and_fee(language: str) -> None:
    text = reminder(FACTS, language)

    match = BOOKING_NUMBER.search(text)
    assert match is not None and match.group(1) == "98765432"
    assert ("明日" if language == "ja" else "tomorrow") in text and DATE_AS[language] in text
    assert "13:00-16:00" in text and short_facility_name(FACTS.facility_name) in text and "2,000" in text


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_cancellation_gives_the_booking_number_and_the_date(language: str) -> None:
    text = cancellation("98765432", DAY, language)

    assert BOOKING_NUMBER.search(text) is not None and DATE_AS[language] in text


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_long_listing_is_split_into_messages_that_keep_every_booking_number(language: str) -> None:
    many = [BookingFacts(f"{n:08d}", DAY, "09:00", "12:00", FACTS.facility_name, 1500) for n in range(1, 8)]

    texts = listing(many, language)

    assert len(texts) > 1
    assert [m.group(1) for text in texts for m in BOOKING_NUMBER.finditer(text)] == [b.booking_number for b in many]


def test_the_facility_is_called_by_its_place_name() -> None:
    assert short_facility_name("光が丘子ども家庭支援センター") == "光が丘"
