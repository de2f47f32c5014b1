"""The pure conversation machine, with a small hand-written fake of its ports (no database)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from azukari.ivr.conversation import current, start, step
from azukari.ivr.prompts import CATALOGUES
from azukari.ivr.replies import Reply
from azukari.ivr.state import Event, Option, State, Verdict

CHILD = 7
OPTIONS = [Option(11, 1, "光が丘子ども家庭支援センター", "ひかりがおか", 1, "09:00", "12:00", 1500),
           Option(12, 1, "光が丘子ども家庭支援センター", "ひかりがおか", 2, "13:00", "16:00", 1500)]


@dataclass
class FakePorts:
    """Knows one child (id 7, born 2024-03-01, named 陽翔, living in 光が丘, guardian 美咲)."""

    dv: bool = False
    refusal: str | None = None
    booked: list[int] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    reachable: bool = True

    def today(self) -> dt.date:
        return dt.date(2026, 6, 1)

    def seal(self, purpose: str, value: str) -> str:
        return "sealed:" + value[::-1]  # stands in for AES-GCM: never the plain value

    def unseal(self, purpose: str, token: str) -> str | None:
        return token.removeprefix("sealed:")[::-1]

    def grade_child_names(self, *, birthdate: dt.date, spoken: str) -> dict[str, str]:
        if birthdate != dt.date(2024, 3, 1):
            return {}
        return {str(CHILD): "match" if "陽翔" in spoken else "fail"}

    def grade_addresses(self, *, child_ids: list[int], spoken: str) -> dict[str, str]:
        return {str(c): "match" if "光が丘" in spoken else "fail" for c in child_ids}

    def grade_guardians(self, *, child_ids: list[int], spoken: str) -> dict[str, str]:
        return {str(c): "match" if "美咲" in spoken else "fail" for c in child_ids}

    def decide_by_knowledge(self, *, child_grades: dict[str, str], address_grades: dict[str, str],
                            guardian_grades: dict[str, str]) -> Verdict | None:
        ok = any(g == "match" and address_grades.get(c) == "match" and guardian_grades.get(c) == "match"
                 for c, g in child_grades.items())
        return Verdict(household_pk=3, child_id=CHILD, dv=self.dv) if ok else None

    def verify_by_id(self, *, household_id: str, pin: str, birthdate: dt.date) -> Verdict | None:
        ok = (household_id, pin, birthdate) == ("10000001", "4821", dt.date(2024, 3, 1))
        return Verdict(household_pk=3, child_id=CHILD, dv=self.dv) if ok else None

    def day_from_keypad(self, digits: str) -> dt.date | None:
        return dt.date(2026, int(digits[-4:-2]), int(digits[-2:])) if len(digits) in (4, 8) else None

    def options(self, *, child_id: int, day: dt.date) -> list[Option] | str:
        return OPTIONS

    def book(self, *, child_id: int, unit_id: int, day: dt.date, language: str) -> str | None:
        if self.refusal is None:
            self.booked.append(unit_id)
        return self.refusal

    def cancel(self, *, household_pk: int, booking_number: str, language: str) -> None:
        self.cases.append(f"cancel {booking_number}")

    def full_units(self, *, child_id: int, day: dt.date) -> list[Option]:
        return []  # no waiting list here: tests/test_waitlist_channels.py has one

    def wait(self, *, child_id: int, unit_id: int, day: dt.date, language: str) -> None:
        self.cases.append(f"wait {unit_id}")

    def accept_offer(self, text: str) -> bool:
        return False

    def text_my_bookings(self, *, household_pk: int, language: str) -> None:
        self.cases.append("listing")

    def staff_reachable(self) -> bool:
        return self.reachable

    def escalate(self, *, kind: str, household_pk: int | None = None, dv: bool = False,
                 details: dict[str, object] | None = None) -> None:
        self.cases.append(kind)


def _call(ports: FakePorts, *answers: tuple[str, str]) -> tuple[State, Reply]:
    state, reply = start(State(channel="voice"), ports)
    for step_name, answer in answers:
        assert reply.ask is not None and reply.ask.step == step_name, (reply.ask, step_name)
        speech = reply.ask.input == "speech"
        event = Event(step=step_name, speech=answer if speech else None, digits=None if speech else answer)
        state, reply = step(state, event, ports)
    return state, reply


KNOWLEDGE = (("language", "1"), ("id_choice", "2"), ("child_name", "高橋 陽翔"), ("birthdate", "20240301"),
             ("address", "東京都練馬区光が丘二丁目"), ("guardian_name", "髙橋 美咲"))


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


def test_a_second_failure_hands_over_and_opens_a_case() -> None:
    ports = FakePorts()
    wrong = (*KNOWLEDGE[1:5], ("guardian_name", "別人"))
    _state, reply = _call(ports, KNOWLEDGE[0], *wrong, *wrong)
    assert reply.transfer and ports.cases == ["verification_failed"]


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


def test_silence_re_asks_twice_then_ends() -> None:
    ports = FakePorts()
    state, _ = start(State(channel="voice"), ports)
    for _ in range(2):
        state, reply = step(state, Event(step="language", silence=True), ports)
        assert reply.ask is not None
    state, reply = step(state, Event(step="language", silence=True), ports)
    assert reply.end and state.ended


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
