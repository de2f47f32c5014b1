"""A call speaks as a call: the siblings choice only for siblings, 9 to end after a cancel or a list, and no
word of SMS to a household whose number on file cannot take one (issue 23, items 4, 14 and 15)."""
from __future__ import annotations

import pytest
from ivr_fakes import FakePorts, call

from azukari.ivr.machine.conversation import step
from azukari.ivr.machine.replies import Reply
from azukari.ivr.machine.state import Event, State
from azukari.ivr.voice import said

ID_PATH = (("id_choice", "1"), ("household_id", "10000001#"), ("pin", "4821#"), ("birthdate", "20240301"))
SMS_WORDS = ("SMS", "text", "短信", "문자")


def _words(reply: Reply) -> str:
    return " ".join(said(reply))


def _at_menu(ports: FakePorts, key: str = "1") -> tuple[State, Reply]:
    state, reply = call(ports, ("language", key), *ID_PATH)
    assert reply.ask is not None and reply.ask.step == "menu"
    return state, reply


def _press(state: State, step_name: str, digits: str, ports: FakePorts) -> tuple[State, Reply]:
    return step(state, Event(step=step_name, digits=digits), ports)


@pytest.mark.parametrize("key", ["1", "2", "3", "4"])
def test_the_menu_names_the_siblings_choice_only_for_a_household_with_two_or_more_children(key: str) -> None:
    _, one = _at_menu(FakePorts(children=1), key)
    _, two = _at_menu(FakePorts(children=2), key)
    sibling = {"1": "ごきょうだい", "2": "brother or sister", "3": "其他孩子", "4": "형제자매"}[key]
    assert sibling not in _words(one) and "4" not in _words(one).rsplit(".", 2)[-1]
    assert sibling in _words(two)


@pytest.mark.parametrize("children", [1, 2])
def test_next_names_the_siblings_choice_only_for_siblings(children: int) -> None:
    ports = FakePorts(children=children)
    state, _ = _at_menu(ports)
    for step_name, digits in (("menu", "1"), ("date", "0602"), ("facility", "1"), ("unit", "1"), ("confirm", "1")):
        state, reply = _press(state, step_name, digits, ports)
    assert reply.ask is not None and reply.ask.step == "next"
    assert ("ごきょうだい" in _words(reply)) is (children > 1)


@pytest.mark.parametrize(("after", "presses"), [("list", (("menu", "3"),)),
                                                ("cancel", (("menu", "2"), ("cancel_ref", "12345678#"),
                                                            ("cancel_confirm", "1")))])
def test_at_the_menu_after_a_cancel_or_a_list_nine_is_said_and_ends_the_call(after: str,
                                                                             presses: tuple[tuple[str, str], ...]
                                                                             ) -> None:
    ports = FakePorts()
    state, first = _at_menu(ports)
    assert "9" not in _words(first).split("確認しました。")[-1]
    for step_name, digits in presses:
        state, reply = _press(state, step_name, digits, ports)
    assert reply.ask is not None and reply.ask.step == "menu" and "終了は9" in _words(reply)
    state, reply = _press(state, "menu", "9", ports)
    assert reply.end and "お電話ありがとうございました" in _words(reply)


@pytest.mark.parametrize("key", ["1", "2", "3", "4"])
def test_a_household_whose_number_takes_no_sms_never_hears_of_sms(key: str) -> None:
    ports = FakePorts(by_call=True)
    heard = []
    state, reply = _at_menu(ports, key)
    heard.append(_words(reply))
    for step_name, digits in (("menu", "1"), ("date", "0602"), ("facility", "1"), ("unit", "1"), ("confirm", "1"),
                              ("next", "1")):
        state, reply = _press(state, step_name, digits, ports)
        heard.append(_words(reply))
    state, _ = _at_menu(ports, key)
    for step_name, digits in (("menu", "3"), ("menu", "2"), ("cancel_ref", "12345678#"), ("cancel_confirm", "1")):
        state, reply = _press(state, step_name, digits, ports)
        heard.append(_words(reply))
    assert [h for h in heard if any(word in h for word in SMS_WORDS)] == []


def test_a_mobile_household_still_hears_that_details_come_by_sms() -> None:
    ports = FakePorts()
    state, _ = _at_menu(ports)
    for step_name, digits in (("menu", "1"), ("date", "0602"), ("facility", "1"), ("unit", "1"), ("confirm", "1")):
        state, reply = _press(state, step_name, digits, ports)
    assert "SMS" in _words(reply)
