"""The ward's cancel deadline said in confirmations and day-before reminders (issue 26 item 4, contract §7)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from facilities_files import import_facilities_text
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_booking_service import DAY, FACILITIES, NOW, add_child, book
from test_messaging_texts import FACTS, LANGUAGES, PHONE_LIKE

from azukari.booking import reminders, service
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.messaging import texts
from azukari.messaging.models import OutboxMessage

DEADLINE = dt.datetime(2026, 12, 2, 17, 0, tzinfo=TOKYO)   # FACTS is for 3 December
SAID = {"ja": "12月2日17:00まで", "en": "Cancel by 12/2 17:00", "zh": "取消截止12月2日17:00",
        "ko": "취소 마감 12월 2일 17:00"}
WITH_DEADLINE = dataclasses.replace(FACTS, cancel_until=DEADLINE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_confirmation_says_until_when_the_parent_can_cancel_within_the_limit(language: str) -> None:
    text = texts.confirmation(WITH_DEADLINE, language)
    assert SAID[language] in text and len(text) <= texts.MAX_CHARS and not PHONE_LIKE.search(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reminder_says_until_when_the_parent_can_cancel_within_the_limit(language: str) -> None:
    text = texts.reminder(WITH_DEADLINE, language)
    assert SAID[language] in text and len(text) <= texts.MAX_CHARS and not PHONE_LIKE.search(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_a_ward_deadline_no_deadline_is_said(language: str) -> None:
    for text in (texts.confirmation(FACTS, language), texts.reminder(FACTS, language)):
        assert "17:00" not in text and "Cancel by" not in text


RULES = '\n[rules]\ncancel_until = { days_before = 1, time = "17:00" }\n'


@pytest.fixture
def session(database: Database, tmp_path: Path) -> Iterator[Session]:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES + RULES)
        yield session


def _bodies(session: Session, kind: str) -> list[str]:
    return list(session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == kind)))


def test_the_booked_confirmation_and_its_reminder_carry_the_wards_deadline(session: Session) -> None:
    child = add_child(session)
    assert isinstance(book(session, child), service.Booked)  # DAY is Friday 27 November
    assert "お取消は11月26日17:00まで。" in _bodies(session, "confirmation")[0]
    afternoon_before = dt.datetime.combine(DAY - dt.timedelta(days=1), dt.time(13, 0), tzinfo=TOKYO)
    assert afternoon_before > NOW
    assert reminders.queue_reminders(session, now=afternoon_before) == 1
    assert "お取消は11月26日17:00まで。" in _bodies(session, "reminder")[0]
