"""Handing a conversation to people: a live transfer within staff hours, else a callback case."""
from __future__ import annotations

from azukari.ivr.ports import Ports
from azukari.ivr.questions import finish
from azukari.ivr.replies import Line, Reply
from azukari.ivr.state import State


def to_staff(state: State, ports: Ports, *, kind: str, household_pk: int | None = None, dv: bool = False,
             preface: tuple[Line, ...] = (), otherwise: str = "callback_goodbye") -> Reply:
    """Transfer (voice, within hours) or promise a call back, and open the case for staff.

    A DV household and a caller who pressed 0 take this same path with the same `preface`,
    so what they hear is word for word the same: nothing tells a listener the household is flagged.
    """
    live = state.channel == "voice" and ports.staff_reachable()
    # A caller who asked for staff and cannot get them now becomes a callback request; a DV or
    # failed-verification case keeps its own kind so the console can rank it.
    case = "callback" if kind == "staff_requested" and not live else kind
    ports.escalate(kind=case, household_pk=household_pk, dv=dv,
                   details={"outcome": "transfer" if live else "callback", "channel_step": state.step})
    if live:
        state.ended, state.step = True, ""
        return Reply(state.language, lines=(*preface, Line("transfer")), transfer=True)
    if state.channel == "sms" and otherwise == "callback_goodbye":
        return finish(state, *preface, Line("staff_will_contact"))
    return finish(state, *preface, Line(otherwise))
