"""Waiting for a full unit: `facility 8` / `unit 8` → `waitlist` → `waitlist_confirm` (§5.1); texts' `8FU` (§5.2)."""
from __future__ import annotations

from azukari.ivr.machine.handoff import trouble
from azukari.ivr.machine.parsing import parse_number, parse_yes_no
from azukari.ivr.machine.ports import Ports
from azukari.ivr.machine.questions import ask
from azukari.ivr.machine.replies import Line, Reply
from azukari.ivr.machine.state import Option, State

WAIT_KEY = "8"        # at `facility` and `unit`: the full units of the day, to wait for
OTHER_DAY_KEY = "9"   # at `waitlist`: choose another date


def code(option: Option) -> str:
    """The two-digit code a caller presses for a full unit: facility key, unit key."""
    return f"{option.facility_key}{option.unit_key}"


def to_waitlist(state: State, answer: str) -> Reply | None:
    """`8` at `facility` or `unit` when the day has full units: the waiting list's question."""
    if state.channel == "voice" and answer.rstrip("#") == WAIT_KEY and state.full:
        return ask(state, "waitlist")
    return None


def chosen_by_text(state: State, answer: str) -> Reply | None:
    """A texted `8FU` line of the list: the waiting list's confirmation."""
    number = parse_number(answer)
    chosen = next((o for o in state.full if number == WAIT_KEY + code(o)), None)
    if chosen is None:
        return None
    state.facility_key, state.unit_id = chosen.facility_key, chosen.unit_id
    return ask(state, "waitlist_confirm")


def _waitlist(state: State, answer: str, ports: Ports) -> Reply:
    key = answer.rstrip("#")
    if key == OTHER_DAY_KEY:
        return ask(state, "date")
    chosen = next((o for o in state.full if code(o) == key), None)
    if chosen is None:
        return trouble(state, ports)
    state.facility_key, state.unit_id = chosen.facility_key, chosen.unit_id
    return ask(state, "waitlist_confirm")


def _waitlist_confirm(state: State, answer: str, ports: Ports) -> Reply:
    yes = parse_yes_no(answer) if state.channel == "sms" else {"1": True, "2": False}.get(answer)
    chosen, day = state.chosen_full(), state.chosen_day()
    if yes is None or chosen is None or day is None:
        return trouble(state, ports)
    state.options, state.full, state.facility_key, state.unit_id, state.day = [], [], None, None, ""
    if not yes:
        return ask(state, "date", Line("choose_again"))
    assert state.child_id is not None
    # The same answer whatever happens (already waiting, a seat freed meanwhile): the text tells.
    ports.wait(child_id=state.child_id, unit_id=chosen.unit_id, day=day, language=state.language)
    return ask(state, "next" if state.channel == "voice" else "menu", Line("waiting_taken"))


HANDLERS = {"waitlist": _waitlist, "waitlist_confirm": _waitlist_confirm}
