"""Verification steps: language, the ID path and the knowledge path, decided after the last item."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from azukari.ivr.machine.handoff import to_staff, trouble
from azukari.ivr.machine.parsing import parse_birthdate
from azukari.ivr.machine.ports import Ports
from azukari.ivr.machine.questions import ask
from azukari.ivr.machine.replies import LANGUAGE_KEYS, Line, Reply
from azukari.ivr.machine.state import Refusal, State, Verdict

Handler = Callable[[State, str, Ports], Reply]

_NAME_LIMIT = 100  # no name or address is longer; the rest of a 10 kB "answer" is noise


def _language(state: State, answer: str, ports: Ports) -> Reply:
    if answer not in LANGUAGE_KEYS:
        return trouble(state, ports)
    state.language = LANGUAGE_KEYS[answer]
    # The keys that work everywhere are said once, here, not before every question.
    return ask(state, "id_choice", Line("keys_help"))


def _id_choice(state: State, answer: str, ports: Ports) -> Reply:
    if answer == "1":
        state.path = "id"
        return ask(state, "household_id")
    if answer == "2":
        state.path = "knowledge"
        return ask(state, "child_name")
    return trouble(state, ports)


def _keyed(answer: str, low: int, high: int) -> str | None:
    digits = answer.rstrip("#")
    return digits if digits.isdigit() and low <= len(digits) <= high else None


def _household_id(state: State, answer: str, ports: Ports) -> Reply:
    household_id = _keyed(answer, 6, 10)
    if household_id is None:
        return trouble(state, ports)
    # Sealed, not stored: with the PIN it is a credential, and both are needed only at the birthdate.
    state.sealed["household_id"] = ports.seal("household_id", household_id)
    return ask(state, "pin")


def _pin(state: State, answer: str, ports: Ports) -> Reply:
    pin = _keyed(answer, 4, 8)
    if pin is None:
        return trouble(state, ports)
    state.sealed["pin"] = ports.seal("pin", pin)
    return ask(state, "birthdate")


def _child_name(state: State, answer: str, ports: Ports) -> Reply:
    # The name is graded only once the birthdate narrows the children down (it is said first),
    # so it must outlive this webhook; it is kept sealed, never in plain text (see sealing.py).
    state.sealed["child_name"] = ports.seal("child_name", answer[:_NAME_LIMIT])
    return ask(state, "birthdate")


def _birthdate_of(answer: str) -> dt.date | None:
    digits = answer.rstrip("#")
    if digits.isdigit():
        return parse_birthdate(digits) if len(digits) == 8 else None
    return parse_birthdate(answer)  # said (2024年5月1日, 令和6年5月1日) or texted


def _unsealed(state: State, purpose: str, ports: Ports) -> str:
    token = state.sealed.pop(purpose, "")
    return (ports.unseal(purpose, token) if token else None) or ""


def _birthdate(state: State, answer: str, ports: Ports) -> Reply:
    birthdate = _birthdate_of(answer)
    if birthdate is None:
        return trouble(state, ports, Line("invalid_birthdate"))
    if state.household_pk is not None and state.child_id is not None:
        return _sibling(state, birthdate, ports)
    if state.path == "id":
        verdict = ports.verify_by_id(household_id=_unsealed(state, "household_id", ports),
                                     pin=_unsealed(state, "pin", ports), birthdate=birthdate)
        return _decided(state, verdict, ports)
    state.child_grades = ports.grade_child_names(birthdate=birthdate,
                                                 spoken=_unsealed(state, "child_name", ports),
                                                 language=state.language)
    return ask(state, "address")


def _sibling(state: State, birthdate: dt.date, ports: Ports) -> Reply:
    """Already verified: the birthdate picks another child of the same household, with no second verification."""
    assert state.household_pk is not None and state.child_id is not None
    child_id = ports.sibling(household_pk=state.household_pk, birthdate=birthdate, current_child_id=state.child_id)
    if child_id is None:
        return trouble(state, ports, Line("no_sibling"))
    state.child_id = child_id
    state.options, state.facility_key, state.unit_id, state.day = [], None, None, ""
    return ask(state, "menu", Line("sibling_chosen"))


def _candidates(state: State) -> list[int]:
    return [int(child_id) for child_id in state.child_grades]


def _address(state: State, answer: str, ports: Ports) -> Reply:
    state.address_grades = ports.grade_addresses(child_ids=_candidates(state), spoken=answer[:_NAME_LIMIT * 2],
                                                 language=state.language)
    return ask(state, "guardian_name")


def _guardian_name(state: State, answer: str, ports: Ports) -> Reply:
    state.guardian_grades = ports.grade_guardians(child_ids=_candidates(state), spoken=answer[:_NAME_LIMIT],
                                                  language=state.language)
    verdict = ports.decide_by_knowledge(child_grades=state.child_grades, address_grades=state.address_grades,
                                        guardian_grades=state.guardian_grades)
    return _decided(state, verdict, ports)


def _decided(state: State, verdict: Verdict | Refusal, ports: Ports) -> Reply:
    """Contract §5.1: a refusal (failed facts or throttled) and a DV household end the way `0` does.

    Same words, same TwiML, same statements (one case for staff, of the kind that says which it was);
    nothing said earlier in the call depended on whether the facts matched (docs/architecture.md).
    """
    state.forget_verification_inputs()
    if isinstance(verdict, Refusal):
        state.failures += 1
        state.household_pk, state.dv = verdict.household_pk, verdict.dv
        return to_staff(state, ports, kind=verdict.kind, household_pk=verdict.household_pk, dv=verdict.dv,
                        facts={"household_locked": True} if verdict.household_locked else None)
    if verdict.dv:
        # The DV family itself: straight to a human, exactly as a DV household's refusal (above) goes.
        state.household_pk, state.dv = verdict.household_pk, True
        return to_staff(state, ports, kind="dv_caller", household_pk=verdict.household_pk, dv=True)
    state.household_pk, state.child_id = verdict.household_pk, verdict.child_id
    state.children, state.by_call = verdict.children, verdict.by_call  # the siblings line, SMS or call
    if "booking_number" in state.sealed:
        return ask(state, "cancel_confirm", Line("verified"))  # the text began 取消 <番号>
    return ask(state, "menu", Line("verified"))


HANDLERS: dict[str, Handler] = {
    "language": _language, "id_choice": _id_choice, "household_id": _household_id, "pin": _pin,
    "child_name": _child_name, "birthdate": _birthdate, "address": _address, "guardian_name": _guardian_name,
}
