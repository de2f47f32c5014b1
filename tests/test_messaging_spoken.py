"""A message read out by call to a number that cannot take SMS speaks as a call (contract §6)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from azukari.messaging.spoken_messages import spoken_sentences
from azukari.messaging.texts import BookingFacts, SeatFacts, confirmation, listing, waiting

DAY = dt.date(2026, 12, 3)
FACTS = BookingFacts("98765432", DAY, "13:00", "16:00", "光が丘子ども家庭支援センター", 2000, "Hikarigaoka centre",
                     "ひかりがおかこどもかていしえんせんたー", child_name="髙橋 陽翔", child_kana="タカハシ ハルト")
SEAT = SeatFacts(DAY, "13:00", "16:00", "光が丘子ども家庭支援センター", "Hikarigaoka centre", "ひかりがおか")
LANGUAGES = ["ja", "en", "zh", "ko"]
THIS_NUMBER = re.compile(r"この番号|this number|此号码|这个号码|이 번호", re.IGNORECASE)
SMS_WORDS = re.compile(r"SMS|\btext(ed)? you\b|by text|短信|문자", re.IGNORECASE)
DIGITS_READ = re.compile(r"9[、,] ?8[、,] ?7[、,] ?6[、,] ?5[、,] ?4[、,] ?3[、,] ?2")


def _messages(language: str) -> list[str]:
    return [confirmation(FACTS, language), waiting(SEAT, language), *listing([FACTS], language)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_call_never_says_this_number_before_it_has_read_the_number(language: str) -> None:
    for body in _messages(language):
        sentences = spoken_sentences(body)
        read_at = next((i for i, s in enumerate(sentences) if DIGITS_READ.search(s)), len(sentences))
        assert not any(THIS_NUMBER.search(s) for s in sentences[:read_at]), sentences


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_call_never_speaks_of_sms(language: str) -> None:
    for body in _messages(language):
        assert not [s for s in spoken_sentences(body) if SMS_WORDS.search(s)], spoken_sentences(body)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_confirmation_read_by_call_names_the_child(language: str) -> None:
    given = {"ja": "陽翔", "en": "Haruto", "zh": "阳翔", "ko": "하루토"}[language]
    assert any(given in s for s in spoken_sentences(confirmation(FACTS, language)))
