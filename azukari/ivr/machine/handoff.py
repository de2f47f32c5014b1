"""Handing a conversation to people: a live transfer within staff hours, else a callback case."""
from __future__ import annotations

from azukari.ivr.machine.ports import Ports
from azukari.ivr.machine.questions import finish, reask
from azukari.ivr.machine.replies import Line, Reply
from azukari.ivr.machine.spoken import hours_words
from azukari.ivr.machine.state import State

TROUBLE_LIMIT = 2  # contract §5.1: a silence or unusable answer re-asks once; the second in a row reaches staff


def to_staff(state: State, ports: Ports, *, kind: str, household_pk: int | None = None, dv: bool = False,
             preface: tuple[Line, ...] = (), facts: dict[str, object] | None = None) -> Reply:
    """Transfer (voice, within hours) or promise a call back, and open the case for staff.

    A refused verification, a DV household and a caller who pressed 0 take this same path with the
    same (empty) `preface`, so what they hear is word for word the same: nothing tells a listener
    whether the facts matched or the household is flagged (contract §5.1). Outside hours a call back
    is promised only when the caller's number is known (`From` present, not withheld); otherwise the
    caller is told when staff answer (STAFF_HOURS in words). The case records what the caller was told,
    and `facts` for staff (never words the caller hears).
    """
    live = state.channel == "voice" and ports.staff_reachable()
    callback = not live and ports.caller_known()
    told = "transfer" if live else "callback" if callback else "hours"
    # A caller who asked for staff and can be called back becomes a callback request; a DV or a refused
    # verification keeps its own kind so the console can rank it.
    case = "callback" if kind == "staff_requested" and callback else kind
    hours: dict[str, str | int] = {"hours": hours_words(ports.staff_hours(), state.language)}
    said = (*preface, Line("transfer") if live else Line("callback" if callback else "staff_hours", hours))
    ports.escalate(kind=case, household_pk=household_pk, dv=dv, told=said, language=state.language,
                   details={**(facts or {}), "outcome": told, "channel_step": state.step})
    if live:
        state.ended, state.step = True, ""
        return Reply(state.language, lines=said, transfer=True, slow=state.slow)
    return finish(state, *said)


def staff_requested(state: State, ports: Ports) -> Reply:
    """0 (or 職員 by text) at any step: where `menu 0` goes."""
    return to_staff(state, ports, kind="staff_requested", household_pk=state.household_pk, dv=state.dv)


def trouble(state: State, ports: Ports, *preface: Line, silence: bool = False) -> Reply:
    """A silence or an unusable answer: ask again once; the second in a row reaches a person, never a bare goodbye."""
    if silence:
        state.silences += 1
    else:
        state.wrong += 1
    if state.channel == "sms":
        # A text thread has no clock running and costs the parent nothing to retry: it asks again.
        return reask(state, *(preface or (Line("invalid"),)))
    if state.silences + state.wrong >= TROUBLE_LIMIT:
        return to_staff(state, ports, kind="caller_in_trouble", household_pk=state.household_pk,
                        preface=(Line("trouble"),))
    return reask(state, *(preface or (Line("no_input" if silence else "invalid"),)))
