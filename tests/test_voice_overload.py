"""An overloaded line: a new call hears "busy" at once with 1 for a call back; calls in progress go on."""
from __future__ import annotations

import datetime as dt

from ivr_support import ELSEWHERE, MONDAY, Phone, client_for, escalations, seed
from sqlalchemy import func, select

from azukari.clock import FixedClock
from azukari.conversations.models import ConversationRecord
from azukari.db import Database


def _phone(database: Database, *, caller: str | None = ELSEWHERE, limit: int = 4) -> Phone:
    clock = FixedClock(MONDAY.astimezone(dt.UTC))
    return Phone(client_for(database, clock, max_webhooks_in_flight=limit), caller=caller)


def _overload(phone: Phone) -> None:
    # As if the worker threads were all taken by webhooks still waiting for an answer.
    phone.client.app.state.line_load.in_flight = 100  # type: ignore[attr-defined]


def _conversations(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(ConversationRecord)) or 0


def test_a_new_call_on_an_overloaded_line_hears_busy_and_may_press_one(database: Database) -> None:
    seed(database)
    phone = _phone(database)
    _overload(phone)
    response = phone.post("/twilio/voice", phone.params(CallStatus="ringing"))
    assert response.status_code == 200
    assert "混み合って" in response.text and "/twilio/voice/busy_callback" in response.text
    assert _conversations(database) == 0  # nothing stored, nothing verified


def test_a_call_already_in_progress_is_never_turned_away(database: Database) -> None:
    seed(database)
    phone = _phone(database)
    phone.start()
    _overload(phone)
    phone.answer("language", digits="1")
    assert phone.step == "id_choice"


def test_a_forged_new_call_is_refused_even_when_the_line_is_busy(database: Database) -> None:
    phone = _phone(database)
    _overload(phone)
    assert phone.post("/twilio/voice", phone.params(), signature="forged").status_code == 403


def test_pressing_one_after_busy_opens_a_call_back_case_with_the_calling_number(database: Database) -> None:
    phone = _phone(database)
    response = phone.post("/twilio/voice/busy_callback", phone.params(Digits="1"))
    assert response.status_code == 200 and "折り返しお電話" in response.text
    (case,) = escalations(database)
    assert (case.kind, case.calling_number, case.household_pk) == ("callback", ELSEWHERE, None)


def test_a_withheld_number_is_told_no_call_back_is_possible(database: Database) -> None:
    phone = _phone(database, caller=None)
    response = phone.post("/twilio/voice/busy_callback", phone.params(Digits="1"))
    assert "番号が通知されていない" in response.text and escalations(database) == []


def test_a_line_under_its_limit_answers_new_calls_as_usual(database: Database) -> None:
    seed(database)
    phone = _phone(database, limit=4)
    phone.start()
    assert phone.step == "language"


def test_a_redelivered_one_after_busy_opens_one_case(database: Database) -> None:
    phone = _phone(database)
    for _ in range(3):
        response = phone.post("/twilio/voice/busy_callback", phone.params(Digits="1"))
        assert response.status_code == 200 and "折り返しお電話" in response.text
    assert len(escalations(database)) == 1


def test_a_one_after_the_busy_call_ended_opens_no_case(database: Database) -> None:
    phone = _phone(database)
    assert phone.post("/twilio/voice/status", phone.params(CallStatus="completed")).status_code == 200
    response = phone.post("/twilio/voice/busy_callback", phone.params(Digits="1"))
    assert response.status_code == 200 and escalations(database) == []


def test_two_busy_calls_from_one_number_are_two_cases(database: Database) -> None:
    phone = _phone(database)
    phone.post("/twilio/voice/busy_callback", phone.params(Digits="1"))
    phone.post("/twilio/voice/busy_callback", phone.params(Digits="1", CallSid="CA" + "8" * 32))
    assert len(escalations(database)) == 2
