"""The pure conversation machine, with a small hand-written fake of its ports (no database)."""
from __future__ import annotations

import json

import pytest
from ivr_fakes import KNOWLEDGE, FakePorts
from ivr_fakes import call as _call

from azukari.ivr.machine.conversation import current, start, step
from azukari.ivr.machine.state import Event, State
from azukari.ivr.prompts import CATALOGUES


def test_the_knowledge_path_ends_at_the_menu() -> None:
    _state, reply = _call(FakePorts(), *KNOWLEDGE)
    assert reply.ask is not None and reply.ask.step == "menu"


def test_the_name_is_sealed_until_the_birthdate_and_never_kept_plain() -> None:
    state, _ = _call(FakePorts(), *KNOWLEDGE[:3])
    dumped = json.dumps(state.to_json(), ensure_ascii=False)
    assert "陽翔" not in dumped and "child_name" in state.sealed
    state, _ = _call(FakePorts(), *KNOWLEDGE[:4])
    assert state.sealed == {}


def test_an_unknown_birthdate_still_asks_for_the_address_and_guardian() -> None:
    _state, reply = _call(FakePorts(), *KNOWLEDGE[:3], ("birthdate", "20200101"), ("address", "どこか"))
    assert reply.ask is not None and reply.ask.step == "guardian_name"


def test_a_dv_verdict_gives_exactly_the_reply_of_pressing_0() -> None:
    _s, dv_reply = _call(FakePorts(dv=True), *KNOWLEDGE)
    _s, zero_reply = _call(FakePorts(), *KNOWLEDGE, ("menu", "0"))
    assert dv_reply == zero_reply and dv_reply.transfer


def test_a_first_failure_hands_over_with_the_reply_of_pressing_0_and_opens_a_case() -> None:
    ports = FakePorts()
    wrong = (*KNOWLEDGE[1:5], ("guardian_name", "別人"))
    _state, reply = _call(ports, KNOWLEDGE[0], *wrong)
    _s, zero_reply = _call(FakePorts(), *KNOWLEDGE[:5], ("guardian_name", "0"))
    assert reply == zero_reply and reply.transfer and ports.cases == ["verification_failed"]


@pytest.mark.parametrize("reachable", [True, False])
@pytest.mark.parametrize("known", [True, False])
def test_a_dv_household_right_or_wrong_and_a_failure_give_one_reply_and_one_case_each(reachable: bool,
                                                                                       known: bool) -> None:
    replies, told = [], []
    for dv, address, kind in ((True, "光が丘", "dv_caller"), (True, "豊玉北", "dv_attempt"),
                              (False, "豊玉北", "verification_failed")):
        ports = FakePorts(dv=dv, reachable=reachable, known=known)
        _s, reply = _call(ports, *KNOWLEDGE[:4], ("address", address), KNOWLEDGE[5])
        replies.append(reply)
        told.append(ports.told)
        assert ports.cases == [kind]
    assert replies[0] == replies[1] == replies[2] and told[0] == told[1] == told[2]


def test_a_refused_booking_says_only_that_this_time_cannot_be_booked() -> None:
    ports = FakePorts(refusal="overlapping")
    _state, reply = _call(ports, *KNOWLEDGE, ("menu", "1"), ("date", "0602#"), ("facility", "1"), ("unit", "1"),
                          ("confirm", "1"))
    assert [line.key for line in reply.lines] == ["cannot_book"] and reply.ask is not None
    assert reply.ask.step == "date" and ports.booked == []


def test_a_booking_is_answered_with_next_and_no_booking_details() -> None:
    ports = FakePorts()
    _state, reply = _call(ports, *KNOWLEDGE, ("menu", "1"), ("date", "0602#"), ("facility", "1"), ("unit", "2"),
                          ("confirm", "1"))
    assert ports.booked == [12] and reply.ask is not None and reply.ask.step == "next"
    assert [line.key for line in reply.lines] == ["booked"] and all(not line.params for line in reply.lines)


def test_a_silence_re_asks_once_and_the_second_in_a_row_reaches_staff() -> None:
    ports = FakePorts()
    state, _ = start(State(channel="voice"), ports)
    state, reply = step(state, Event(step="language", silence=True), ports)
    assert reply.ask is not None and reply.ask.step == "language"
    state, reply = step(state, Event(step="language", silence=True), ports)
    assert reply.transfer and state.ended and ports.cases == ["caller_in_trouble"]


def test_an_ended_conversation_only_hangs_up() -> None:
    state = State(channel="voice", ended=True)
    assert current(state).end and step(state, Event(step="menu", digits="1"), FakePorts())[1].end


def test_the_input_state_is_never_modified() -> None:
    state, _ = start(State(channel="voice"), FakePorts())
    before = state.to_json()
    step(state, Event(step="language", digits="1"), FakePorts())
    assert state.to_json() == before


def test_a_stored_state_round_trips_through_json() -> None:
    state, _ = _call(FakePorts(), *KNOWLEDGE, ("menu", "1"), ("date", "0602#"))
    again = State.from_json(json.loads(json.dumps(state.to_json())), channel="voice")
    assert again == state


def test_a_damaged_stored_state_starts_afresh() -> None:
    assert State.from_json({"turn": "x"}, channel="sms") == State(channel="sms")
    assert State.from_json({"options": [{"bad": 1}]}, channel="sms") == State(channel="sms")


def test_both_catalogues_have_the_same_keys() -> None:
    assert set(CATALOGUES["ja"]) == set(CATALOGUES["en"])


def test_sms_starts_with_the_child_name_whatever_the_first_message_says() -> None:
    _state, reply = step(State(channel="sms"), Event(text="1"), FakePorts())
    assert reply.ask is not None and reply.ask.step == "child_name" and reply.language == "ja"
