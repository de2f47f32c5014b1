"""A small hand-written fake of the conversation's ports (no database), shared by the machine tests."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from azukari.ivr.machine.conversation import start, step
from azukari.ivr.machine.replies import Line, Reply
from azukari.ivr.machine.state import Event, Option, Refusal, State, Verdict
from azukari.settings import StaffHours

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
    known: bool = True  # the caller's number came with the call (not withheld)
    told: list[tuple[str, ...]] = field(default_factory=list)  # the line keys each case says the caller heard
    graded_in: list[str] = field(default_factory=list)  # the language each name was graded in
    children: int = 1  # the household's children (two or more: the siblings choice is said)
    by_call: bool = False  # the number on file takes no SMS (a landline)

    def today(self) -> dt.date:
        return dt.date(2026, 6, 1)

    def seal(self, purpose: str, value: str) -> str:
        return "sealed:" + value[::-1]  # stands in for AES-GCM: never the plain value

    def unseal(self, purpose: str, token: str) -> str | None:
        return token.removeprefix("sealed:")[::-1]

    def grade_child_names(self, *, birthdate: dt.date, spoken: str, language: str) -> dict[str, str]:
        self.graded_in.append(language)
        if birthdate != dt.date(2024, 3, 1):
            return {}
        return {str(CHILD): "match" if "陽翔" in spoken else "fail"}

    def grade_addresses(self, *, child_ids: list[int], spoken: str, language: str) -> dict[str, str]:
        return {str(c): "match" if "光が丘" in spoken else "fail" for c in child_ids}

    def grade_guardians(self, *, child_ids: list[int], spoken: str, language: str) -> dict[str, str]:
        self.graded_in.append(language)
        return {str(c): "match" if "美咲" in spoken else "fail" for c in child_ids}

    def decide_by_knowledge(self, *, child_grades: dict[str, str], address_grades: dict[str, str],
                            guardian_grades: dict[str, str]) -> Verdict | Refusal:
        ok = any(g == "match" and address_grades.get(c) == "match" and guardian_grades.get(c) == "match"
                 for c, g in child_grades.items())
        return Verdict(household_pk=3, child_id=CHILD, dv=self.dv, children=self.children,
                       by_call=self.by_call) if ok else self._refusal()

    def verify_by_id(self, *, household_id: str, pin: str, birthdate: dt.date) -> Verdict | Refusal:
        ok = (household_id, pin, birthdate) == ("10000001", "4821", dt.date(2024, 3, 1))
        return Verdict(household_pk=3, child_id=CHILD, dv=self.dv, children=self.children,
                       by_call=self.by_call) if ok else self._refusal()

    def _refusal(self) -> Refusal:
        return Refusal("dv_attempt", household_pk=3, dv=True) if self.dv else Refusal("verification_failed")

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

    def take_offer(self, *, household_pk: int, code: str) -> bool:
        self.cases.append(f"offer {code}")
        return False

    def text_my_bookings(self, *, household_pk: int, language: str) -> None:
        self.cases.append("listing")

    def staff_reachable(self) -> bool:
        return self.reachable

    def caller_known(self) -> bool:
        return self.known

    def staff_hours(self) -> StaffHours:
        return StaffHours.parse("mon-fri 08:30-17:15")

    def speech_hints(self, step: str) -> tuple[str, ...]:
        return ("光が丘",) if step == "address" else ()

    def escalate(self, *, kind: str, household_pk: int | None = None, dv: bool = False,
                 details: dict[str, object] | None = None, told: tuple[Line, ...] = (),
                 language: str = "ja") -> None:
        self.cases.append(kind)
        self.told.append(tuple(line.key for line in told))


def call(ports: FakePorts, *answers: tuple[str, str]) -> tuple[State, Reply]:
    state, reply = start(State(channel="voice"), ports)
    for step_name, answer in answers:
        assert reply.ask is not None and reply.ask.step == step_name, (reply.ask, step_name)
        speech = reply.ask.input == "speech"
        event = Event(step=step_name, speech=answer if speech else None, digits=None if speech else answer)
        state, reply = step(state, event, ports)
    return state, reply


KNOWLEDGE = (("language", "1"), ("id_choice", "2"), ("child_name", "高橋 陽翔"), ("birthdate", "20240301"),
             ("address", "東京都練馬区光が丘二丁目"), ("guardian_name", "髙橋 美咲"))
