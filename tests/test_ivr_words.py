"""Dates and birthdates said in words on a call; 取消 <番号>, relative dates and the menu by text (the machine)."""
from __future__ import annotations

import json

from ivr_fakes import KNOWLEDGE, FakePorts, call

from azukari.ivr.machine.conversation import step
from azukari.ivr.machine.state import Event, State


def _texts(ports: FakePorts, *bodies: str) -> tuple[State, list[str]]:
    state, keys = State(channel="sms"), []
    for body in bodies:
        state, reply = step(state, Event(text=body), ports)
        keys.append(reply.ask.question_key if reply.ask else "end")
    return state, keys


VERIFY = ("予約", "高橋 陽翔", "2024/3/1", "東京都練馬区光が丘二丁目", "髙橋 美咲")


def test_a_birthdate_said_in_words_verifies_the_caller() -> None:
    said = (*KNOWLEDGE[:3], ("birthdate", "にせんにじゅうよねん さんがつ ついたち"), *KNOWLEDGE[4:])
    ports = FakePorts()
    state, reply = step(*call(ports, *said[:3])[:1], Event(step="birthdate", speech=said[3][1]), ports)
    assert reply.ask is not None and reply.ask.step == "address"
    for name, words in KNOWLEDGE[4:]:
        state, reply = step(state, Event(step=name, speech=words), ports)
    assert reply.ask is not None and reply.ask.step == "menu"


def test_a_day_said_as_asatte_is_offered() -> None:
    ports = FakePorts()
    state, reply = call(ports, *KNOWLEDGE, ("menu", "1"))
    state, reply = step(state, Event(step="date", speech="あさって"), ports)
    assert reply.ask is not None and reply.ask.step == "facility" and state.day == "2026-06-03"


def test_a_day_keyed_as_four_digits_needs_no_pound() -> None:
    state, reply = call(FakePorts(), *KNOWLEDGE, ("menu", "1"), ("date", "0602"))
    assert reply.ask is not None and reply.ask.step == "facility" and state.day == "2026-06-02"


def test_a_text_may_name_the_day_as_next_wednesday() -> None:
    state, keys = _texts(FakePorts(), *VERIFY, "1", "来週水曜")
    assert keys[-1] == "ask.options" and state.day == "2026-06-10"


def test_torikeshi_with_a_number_goes_straight_to_the_question_and_cancels_only_on_hai() -> None:
    ports = FakePorts()
    state, keys = _texts(ports, *VERIFY, "取消 51369263")
    assert keys[-1] == "ask.cancel_confirm" and "51369263" not in json.dumps(state.to_json())
    state, reply = step(state, Event(text="はい"), ports)
    assert ports.cases == ["cancel 51369263"] and [line.key for line in reply.lines] == ["cancel_requested"]


def test_torikeshi_before_verification_is_kept_sealed_and_asked_about_once_verified() -> None:
    ports = FakePorts()
    _state, keys = _texts(ports, "取消 51369263", *VERIFY[1:])
    assert keys[0] == "ask.child_name" and keys[-1] == "ask.cancel_confirm" and ports.cases == []


def test_the_menu_is_written_once_then_a_short_question_and_menu_brings_it_back() -> None:
    ports = FakePorts()
    _state, keys = _texts(ports, *VERIFY, "3", "メニュー")
    assert keys[-3:] == ["ask.menu_one", "menu_again", "ask.menu_one"]  # one child: no siblings line
