"""A date outside the window is answered with the closed-day words, by voice and by text, in every language (§7)."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from ivr_support import Family, Phone, Texter, client_for

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.ivr.prompts import CATALOGUES

# The window at MONDAY (2026-06-01 10:00) runs through 1 July 2026: a year later is outside it.
OUTSIDE = "20270601"
LANGUAGE_KEYS = {"ja": "1", "en": "2", "zh": "3", "ko": "4"}
SMS_CHOICE = {"ja": "日本語", "en": "EN", "zh": "中文", "ko": "한국어"}


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


def _closed_words(language: str) -> str:
    return CATALOGUES[language]["refusal.closed"]


@pytest.mark.parametrize("language", sorted(LANGUAGE_KEYS))
def test_a_caller_asking_for_a_day_outside_the_window_hears_the_closed_day_words_and_the_date_again(
        client: TestClient, family: Family, language: str) -> None:
    phone = Phone(client)
    phone.start()
    phone.answer("language", digits=LANGUAGE_KEYS[language])
    phone.verify_by_id(family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits=OUTSIDE + "#")
    assert phone.step == "date"
    assert _closed_words(language) in " ".join(phone.says), phone.says


@pytest.mark.parametrize("language", sorted(LANGUAGE_KEYS))
def test_a_text_asking_for_a_day_outside_the_window_is_answered_with_the_closed_day_words(
        client: TestClient, family: Family, language: str) -> None:
    thread = Texter(client)
    thread.send(SMS_CHOICE[language])
    thread.send(family.child)
    thread.send(family.birthdate.strftime("%Y%m%d"))
    thread.send(family.address)
    thread.send(family.guardian)
    thread.send("1")
    reply = thread.send(OUTSIDE)
    assert _closed_words(language) in reply, thread.replies
