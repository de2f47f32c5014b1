"""A person one key away, * and # at every step, and the help said after trouble (the machine, no database)."""
from __future__ import annotations

import pytest
from ivr_fakes import KNOWLEDGE, FakePorts, call

from azukari.ivr.machine.conversation import start, step
from azukari.ivr.machine.state import Event, State

ID_PATH = (("language", "1"), ("id_choice", "1"), ("household_id", "10000001#"), ("pin", "4821#"),
           ("birthdate", "20240301"))
BOOKING = (("menu", "1"), ("date", "0602"), ("facility", "1"), ("unit", "1"), ("confirm", "1"))
# The answers that lead to each voice step, from the start of a call.
ROUTES = {
    "language": (), "id_choice": KNOWLEDGE[:1], "household_id": ID_PATH[:2], "pin": ID_PATH[:3],
    "child_name": KNOWLEDGE[:2], "birthdate": KNOWLEDGE[:3], "address": KNOWLEDGE[:4],
    "guardian_name": KNOWLEDGE[:5], "menu": ID_PATH, "date": (*ID_PATH, *BOOKING[:1]),
    "facility": (*ID_PATH, *BOOKING[:2]), "unit": (*ID_PATH, *BOOKING[:3]), "confirm": (*ID_PATH, *BOOKING[:4]),
    "next": (*ID_PATH, *BOOKING), "cancel_ref": (*ID_PATH, ("menu", "2")),
    "cancel_confirm": (*ID_PATH, ("menu", "2"), ("cancel_ref", "12345678#")),
}


def _at(step_name: str, ports: FakePorts) -> State:
    state, reply = call(ports, *ROUTES[step_name])
    assert reply.ask is not None and reply.ask.step == step_name
    return state


@pytest.mark.parametrize("step_name", sorted(ROUTES))
def test_a_lone_0_reaches_staff_at_every_step(step_name: str) -> None:
    ports = FakePorts()
    state = _at(step_name, ports)
    _state, reply = step(state, Event(step=step_name, digits="0"), ports)
    assert reply.transfer and ports.cases[-1] == "staff_requested" and ports.booked[1:] == []


def test_0_ended_by_pound_at_a_number_step_reaches_staff_too() -> None:
    ports = FakePorts()
    _state, reply = step(_at("household_id", ports), Event(step="household_id", digits="0#"), ports)
    assert reply.transfer


def test_outside_staff_hours_0_opens_a_callback_case_and_says_when_staff_answer() -> None:
    ports = FakePorts(reachable=False)
    state, reply = step(_at("menu", ports), Event(step="menu", digits="0"), ports)
    assert not reply.transfer and reply.end and state.ended and ports.cases == ["callback"]
    assert reply.lines[-1].key == "callback" and reply.lines[-1].params == {"hours": "平日の午前8時30分から午後5時15分"}


@pytest.mark.parametrize("step_name", ["household_id", "pin", "cancel_ref", "birthdate", "date", "child_name"])
def test_star_repeats_the_question_at_every_step(step_name: str) -> None:
    ports = FakePorts()
    state = _at(step_name, ports)
    again, reply = step(state, Event(step=step_name, digits="*"), ports)
    assert reply.ask is not None and reply.ask.step == step_name and again.wrong == 0 and again.silences == 0


def test_pound_alone_reads_the_question_slowly_and_the_rest_of_the_call_stays_slow() -> None:
    ports = FakePorts()
    state, reply = step(_at("id_choice", ports), Event(step="id_choice", digits="#"), ports)
    assert reply.slow and reply.ask is not None and reply.ask.step == "id_choice"
    state, reply = step(state, Event(step="id_choice", digits="2"), ports)
    assert reply.slow and reply.ask is not None and reply.ask.step == "child_name"


def test_a_key_where_a_name_was_asked_for_is_an_unusable_answer() -> None:
    ports = FakePorts()
    state, reply = step(_at("child_name", ports), Event(step="child_name", digits="5"), ports)
    assert reply.ask is not None and reply.ask.step == "child_name" and state.wrong == 1


def test_a_silence_then_an_unusable_answer_reach_staff_never_a_bare_goodbye() -> None:
    ports = FakePorts(reachable=False)
    state, reply = step(_at("birthdate", ports), Event(step="birthdate", silence=True), ports)
    assert reply.ask is not None
    state, reply = step(state, Event(step="birthdate", digits="12"), ports)
    assert reply.end and ports.cases == ["caller_in_trouble"]
    assert [line.key for line in reply.lines] == ["trouble", "callback"]


def test_a_usable_answer_between_troubles_starts_the_count_again() -> None:
    ports = FakePorts()
    state = _at("id_choice", ports)
    state, _ = step(state, Event(step="id_choice", digits="7"), ports)
    state, reply = step(state, Event(step="id_choice", digits="2"), ports)
    state, reply = step(state, Event(step="child_name", silence=True), ports)
    assert reply.ask is not None and reply.ask.step == "child_name" and ports.cases == []


@pytest.mark.parametrize("refusal", ["overlapping", "monthly_limit", "expired_registration", "closed"])
def test_a_refusal_at_confirm_is_one_sentence_with_when_staff_answer_whatever_the_reason(refusal: str) -> None:
    ports = FakePorts(refusal=refusal)
    _state, reply = call(ports, *ID_PATH, *BOOKING)
    assert [line.key for line in reply.lines] == ["cannot_book"] and reply.ask is not None
    assert reply.ask.step == "date" and reply.lines[0].params == {"hours": "平日の午前8時30分から午後5時15分"}


def test_a_failed_verification_outside_hours_promises_a_call_back_like_0_does() -> None:
    ports = FakePorts(reachable=False)
    wrong = (*KNOWLEDGE[1:5], ("guardian_name", "別人"))
    _state, reply = call(ports, KNOWLEDGE[0], *wrong)
    assert reply.end and [line.key for line in reply.lines] == ["callback"]
    assert ports.told == [("callback",)]


@pytest.mark.parametrize("where", ["id_choice", "menu"])
def test_a_withheld_caller_outside_hours_is_told_when_staff_answer_and_promised_no_call_back(where: str) -> None:
    ports = FakePorts(reachable=False, known=False)
    before = KNOWLEDGE if where == "menu" else KNOWLEDGE[:1]
    _state, reply = call(ports, *before, (where, "0"))
    assert reply.end and [line.key for line in reply.lines] == ["staff_hours"]
    assert reply.lines[0].params == {"hours": "平日の午前8時30分から午後5時15分"}
    assert ports.cases == ["staff_requested"] and ports.told == [("staff_hours",)]


@pytest.mark.parametrize("words", ["職員", "スタッフ", "STAFF", "staff", "0", "０"])
def test_a_text_asking_for_staff_opens_a_callback_case_at_any_point(words: str) -> None:
    ports = FakePorts()
    state, _ = step(State(channel="sms"), Event(text="予約"), ports)
    state, reply = step(state, Event(text=words), ports)
    assert ports.cases == ["callback"] and reply.lines[-1].key == "callback" and not reply.transfer


def test_start_greets_and_asks_the_language() -> None:
    _state, reply = start(State(channel="voice"), FakePorts())
    assert reply.ask is not None and reply.ask.step == "language" and not reply.slow


def test_a_lone_pound_where_pound_ends_the_number_is_slower_please_not_a_silence() -> None:
    ports = FakePorts()
    state, reply = step(_at("pin", ports), Event(step="pin", digits=""), ports)
    assert reply.slow and reply.ask is not None and reply.ask.step == "pin" and state.silences == 0
