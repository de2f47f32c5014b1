"""Voice verification and hand-offs: uniform failure, second failure, DV households, staff transfer."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from ivr_support import ELSEWHERE, MONDAY, PUBLIC, STAFF, Phone, client_for, escalations, outbox, seed
from sqlalchemy import select

from azukari.clock import FixedClock
from azukari.conversations.models import ConversationRecord
from azukari.db import Database

MONDAY_UTC = MONDAY.astimezone(dt.UTC)
SUNDAY_NIGHT = dt.datetime(2026, 6, 7, 22, 0, tzinfo=MONDAY.tzinfo).astimezone(dt.UTC)


def _call(client: TestClient, sid: str = "CA" + "0" * 31 + "1", caller: str | None = ELSEWHERE) -> Phone:
    phone = Phone(client, caller=caller, sid=sid)
    phone.start()
    phone.answer("language", digits="1")
    return phone


def _state(database: Database, sid: str) -> str:
    with database.unit_of_work() as session:
        record = session.scalar(select(ConversationRecord).where(ConversationRecord.key == sid))
        assert record is not None
        return json.dumps(record.state, ensure_ascii=False)


def test_every_kind_of_failure_gets_the_words_of_0_and_the_transfer(database: Database) -> None:
    family = seed(database)
    client = client_for(database, FixedClock(MONDAY_UTC))
    answers = []
    for i, wrong in enumerate([{"address": "東京都練馬区豊玉北六丁目12番1号"}, {"guardian": "別人 太郎"},
                               {"child": "存在 しない子", "birthdate": dt.date(2022, 2, 22)}]):
        phone = _call(client, sid=f"CA{i:032d}", caller=f"+8150777700{i:02d}")
        phone.verify_by_knowledge(family, **wrong)  # type: ignore[arg-type]
        assert phone.step is None and phone.dialled() == [STAFF]
        answers.append(phone.says)
    phone = _call(client, sid="CA" + "7" * 32, caller="+815077770077")
    phone.verify_by_id(family, pin="0000")
    answers.append(phone.says)
    zero = _call(client, sid="CA" + "8" * 32, caller="+815077770088")
    zero.answer("id_choice", digits="0")
    assert all(a == zero.says for a in answers)


def test_every_item_of_the_path_is_asked_even_when_the_child_does_not_exist(database: Database) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(MONDAY_UTC)))
    phone.answer("id_choice", digits="2")
    phone.answer("child_name", speech="存在 しない子")
    phone.answer("birthdate", digits="20220222")
    assert phone.step == "address"
    phone.answer("address", speech=family.address)
    assert phone.step == "guardian_name"


def test_a_first_failure_in_a_call_transfers_to_staff_and_opens_a_case(database: Database) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(MONDAY_UTC)))
    phone.verify_by_knowledge(family, guardian="別人 太郎")
    assert phone.dialled() == [STAFF]
    assert [e.kind for e in escalations(database)] == ["verification_failed"]


def test_a_first_failure_outside_staff_hours_ends_politely_with_a_callback_case(database: Database) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(SUNDAY_NIGHT)))
    phone.verify_by_knowledge(family, guardian="別人 太郎")
    assert phone.hung_up and phone.dialled() == []
    assert [(e.kind, e.details["outcome"]) for e in escalations(database)] == [("verification_failed", "callback")]


def test_a_dv_household_is_transferred_in_the_same_words_as_pressing_0(database: Database) -> None:
    dv = seed(database, dv=True)
    ordinary = seed(database, phone="090-2222-0002", birthdate=dt.date(2023, 7, 7), facilities=False)
    client = client_for(database, FixedClock(MONDAY_UTC))
    flagged = _call(client, sid="CA" + "1" * 32)
    flagged.verify_by_knowledge(dv)
    other = _call(client, sid="CA" + "2" * 32)
    other.verify_by_knowledge(ordinary)
    other.answer("menu", digits="0")
    assert flagged.dialled() == other.dialled() == [STAFF]
    assert flagged.says == other.says


def test_a_dv_household_opens_a_dv_case_and_gets_no_text(database: Database) -> None:
    dv = seed(database, dv=True)
    _call(client_for(database, FixedClock(MONDAY_UTC))).verify_by_knowledge(dv)
    cases = escalations(database)
    assert [(e.kind, e.dv, e.household_pk) for e in cases] == [("dv_caller", True, dv.household_pk)]
    assert outbox(database) == []


def test_outside_staff_hours_a_dv_household_and_pressing_0_hear_the_same_goodbye(database: Database) -> None:
    dv = seed(database, dv=True)
    ordinary = seed(database, phone="090-2222-0002", birthdate=dt.date(2023, 7, 7), facilities=False)
    client = client_for(database, FixedClock(SUNDAY_NIGHT))
    flagged = _call(client, sid="CA" + "1" * 32)
    flagged.verify_by_knowledge(dv)
    other = _call(client, sid="CA" + "2" * 32)
    other.verify_by_knowledge(ordinary)
    other.answer("menu", digits="0")
    assert flagged.hung_up and other.hung_up and flagged.says == other.says
    assert {e.kind for e in escalations(database)} == {"dv_caller", "callback"}


def test_without_a_staff_number_pressing_0_opens_a_callback_case(database: Database) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(MONDAY_UTC), staff_number=""))
    phone.verify_by_knowledge(family)
    phone.answer("menu", digits="0")
    assert phone.hung_up and [e.kind for e in escalations(database)] == ["callback"]


def test_the_transfer_dials_with_the_bot_number_and_a_whisper(database: Database) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(MONDAY_UTC)))
    phone.verify_by_knowledge(family)
    phone.answer("menu", digits="0")
    dial = phone.current.find("Dial")  # type: ignore[union-attr]
    assert dial is not None and dial.get("answerOnBridge") == "true" and dial.get("callerId") == "+815012345678"
    number = dial.find("Number")
    assert number is not None and number.get("url") == f"{PUBLIC}/twilio/voice/whisper"


def test_staff_must_press_1_at_the_whisper_to_take_the_call(database: Database) -> None:
    seed(database)
    staff_leg = Phone(client_for(database, FixedClock(MONDAY_UTC)), sid="CA" + "5" * 32)
    staff_leg._take(staff_leg.post("/twilio/voice/whisper", staff_leg.params(ParentCallSid="CA" + "0" * 31 + "1")))
    assert staff_leg.step == "whisper_accept" and staff_leg.current.find("Hangup") is not None  # type: ignore[union-attr]
    staff_leg.answer(digits="2")
    assert staff_leg.hung_up


def test_an_unanswered_transfer_opens_a_callback_case_for_the_household(database: Database) -> None:
    family = seed(database)
    client = client_for(database, FixedClock(MONDAY_UTC))
    phone = _call(client)
    phone.verify_by_knowledge(family)
    phone.answer("menu", digits="0")
    phone._take(phone.post("/twilio/voice/transfer_done", phone.params(DialCallStatus="no-answer")))
    unanswered = [e for e in escalations(database) if e.kind == "transfer_unanswered"]
    assert phone.hung_up and [e.household_pk for e in unanswered] == [family.household_pk]


@pytest.mark.parametrize("caller", [ELSEWHERE, "anonymous", None], ids=["a number", "withheld", "no From"])
def test_an_unanswered_transfer_promises_a_call_back_only_to_a_number_and_the_case_says_what_was_said(
        database: Database, caller: str | None) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(MONDAY_UTC)), caller=caller)
    phone.verify_by_knowledge(family)
    phone.answer("menu", digits="0")
    phone._take(phone.post("/twilio/voice/transfer_done", phone.params(DialCallStatus="no-answer")))
    said = "".join(phone.says)
    (case,) = [e for e in escalations(database) if e.kind == "transfer_unanswered"]
    assert phone.hung_up and ("ご連絡いたします" in said) == (caller == ELSEWHERE)
    assert ("職員の受付は平日の午前8時30分から午後5時15分です" in said) == (caller != ELSEWHERE)
    assert case.details["outcome"] == ("callback" if caller == ELSEWHERE else "hours")
    assert str(case.details["said"]) in said


def test_an_accepted_transfer_opens_no_callback_case(database: Database) -> None:
    family = seed(database)
    client = client_for(database, FixedClock(MONDAY_UTC))
    phone = _call(client)
    phone.verify_by_knowledge(family)
    phone.answer("menu", digits="0")
    staff_leg = Phone(client, sid="CA" + "5" * 32)
    accepted = staff_leg.post("/twilio/voice/whisper_accept", staff_leg.params(ParentCallSid=phone.sid, Digits="1"))
    assert accepted.status_code == 200 and "<Hangup" not in accepted.text
    phone._take(phone.post("/twilio/voice/transfer_done", phone.params(DialCallStatus="completed")))
    assert "transfer_unanswered" not in [e.kind for e in escalations(database)]


@pytest.mark.parametrize("step", ["child_name", "address"])
def test_the_call_state_holds_no_spoken_name_or_address(database: Database, step: str) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(MONDAY_UTC)))
    phone.answer("id_choice", digits="2")
    phone.answer("child_name", speech=family.child)
    if step == "address":
        phone.answer("birthdate", digits=family.birthdate.strftime("%Y%m%d"))
        phone.answer("address", speech=family.address)
    state = _state(database, phone.sid)
    assert "髙橋" not in state and "陽翔" not in state and "光が丘" not in state and "練馬" not in state


def test_the_sealed_name_is_dropped_once_graded_at_the_birthdate(database: Database) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(MONDAY_UTC)))
    phone.answer("id_choice", digits="2")
    phone.answer("child_name", speech=family.child)
    assert "child_name" in json.loads(_state(database, phone.sid))["sealed"]
    phone.answer("birthdate", digits=family.birthdate.strftime("%Y%m%d"))
    assert json.loads(_state(database, phone.sid))["sealed"] == {}


def test_a_withheld_number_changes_nothing_in_the_flow(database: Database) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(MONDAY_UTC)), caller=None)
    phone.verify_by_knowledge(family)
    assert phone.step == "menu"


def test_a_call_from_the_number_on_file_is_asked_to_verify_and_refused_on_a_wrong_answer(database: Database) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(MONDAY_UTC)), caller=family.phone)
    assert phone.step == "id_choice"
    phone.verify_by_knowledge(family, address="東京都練馬区豊玉北六丁目12番1号")
    assert phone.step is None and phone.dialled() == [STAFF] and outbox(database) == []


def test_posting_to_the_menu_before_verifying_is_asked_to_verify(database: Database) -> None:
    family = seed(database)
    phone = _call(client_for(database, FixedClock(MONDAY_UTC)), caller=family.phone)
    for step, digits in (("menu", "1"), ("date", "20260602"), ("confirm", "1")):
        skipped = phone.post(f"/twilio/voice/{step}", phone.params(Digits=digits))
        assert skipped.status_code == 200 and "/twilio/voice/id_choice" in skipped.text
    assert outbox(database) == []
