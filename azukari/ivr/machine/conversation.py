"""The one conversation state machine, shared by calls and texts: `step(state, event, ports)`."""
from __future__ import annotations

import dataclasses

from azukari.ivr.machine import booking_flow, verify_flow
from azukari.ivr.machine.dates import DATE_HINTS
from azukari.ivr.machine.handoff import staff_requested, trouble
from azukari.ivr.machine.parsing import (
    chosen_language,
    clean_digits,
    clean_speech,
    first_language,
    is_end_word,
    parse_cancel,
    wants_menu,
    wants_staff,
)
from azukari.ivr.machine.ports import Ports
from azukari.ivr.machine.questions import (
    POUND_ENDED,
    REPEAT_KEY,
    SLOWER_KEY,
    SPEECH_ONLY,
    STAFF_KEY,
    STEPS,
    ask,
    finish,
    reask,
)
from azukari.ivr.machine.replies import Line, Reply
from azukari.ivr.machine.state import Event, State


def start(state: State, ports: Ports) -> tuple[State, Reply]:
    """A new call: greet and ask for the language."""
    state = state.copy()
    state.turn += 1
    return state, ask(state, "language", Line("welcome"))


def step(state: State, event: Event, ports: Ports) -> tuple[State, Reply]:
    """Answer one input; `state` is not modified (the new state is returned)."""
    state, reply = _step(state.copy(), event, ports)
    if state.channel == "voice" and reply.ask is not None and reply.ask.input != "dtmf":
        # Words the ward's callers say (its towns, the facilities): boosts recognition of this answer.
        # A date's words are the caller's language's own (明天, 내일), whatever the port knows.
        asked = reply.ask.step
        hints = DATE_HINTS[reply.language] if asked == "date" else ports.speech_hints(asked)
        if hints:
            reply = dataclasses.replace(reply, ask=dataclasses.replace(reply.ask, hints=hints))
    return state, reply


def _step(state: State, event: Event, ports: Ports) -> tuple[State, Reply]:
    state.turn += 1
    if state.ended:
        return state, Reply(state.language, end=True)
    if state.channel == "sms":
        return state, _sms(state, event, ports)
    if state.step not in STEPS:
        return state, ask(state, "language", Line("welcome"))
    digits = "" if event.silence else clean_digits(event.digits)
    speech = "" if event.silence else clean_speech(event.speech)
    if not digits and not speech:
        if not event.silence and event.digits == "" and state.step in POUND_ENDED:
            # Where # ends the number, a lone # reaches the action as an empty Digits (a timeout
            # goes to the <Redirect> instead): the caller pressed "slower, please".
            digits = SLOWER_KEY
        else:
            return state, trouble(state, ports, silence=True)
    return state, _voice(state, digits, speech, ports)


def _voice(state: State, digits: str, speech: str, ports: Ports) -> Reply:
    key = digits.rstrip("#") or digits  # a lone key, with or without the # that may end it
    if not speech and key == STAFF_KEY:
        return staff_requested(state, ports)   # a person one key away, at every step (§5.1)
    if not speech and key == REPEAT_KEY:
        return reask(state)
    if not speech and digits == SLOWER_KEY:
        # "Slower, please": read again slowly and wait twice as long, for the rest of the call.
        state.slow = True
        return reask(state)
    if state.step in SPEECH_ONLY and not speech:
        return trouble(state, ports)  # a key where words were asked for: a name is never a digit
    return _dispatch(state, digits or speech, ports)


def _sms(state: State, event: Event, ports: Ports) -> Reply:
    body = clean_speech(event.text, limit=300)
    if ports.accept_offer(body):
        # Contract §5.2: a seat offer's code from the number it went to is an acceptance whatever the
        # conversation was doing, even as its first message; the open question (if any) stays open.
        return reask(state, Line("booked")) if state.step else Reply(state.language, lines=(Line("booked"),))
    if not state.step:
        # Contract §5.2: the first message, whatever it says, is answered with the first question.
        state.language = first_language(body)
        _remember_cancel(state, body, ports)
        return ask(state, "child_name", Line("sms_welcome"))
    if is_end_word(body):
        return finish(state, Line("sms_ended"))
    if wants_staff(body):
        return staff_requested(state, ports)
    if wants_menu(body) and state.verified:
        state.menu_shown = False
        return ask(state, "menu")
    if _remember_cancel(state, body, ports):
        # 取消 <番号>: straight to "cancel it?" once verified; before that, the questions go on.
        return ask(state, "cancel_confirm") if state.verified else reask(state)
    language = chosen_language(body)
    if language is not None:
        state.language = language  # EN, 中文/ZH, 한국어/KO, 日本語/JA: the same question, in that language
        return reask(state)
    if not body:
        return trouble(state, ports)
    return _dispatch(state, body, ports)


def _remember_cancel(state: State, body: str, ports: Ports) -> bool:
    number = parse_cancel(body)
    if number is None or not 6 <= len(number) <= 8:
        return False
    # Sealed like any booking number; whether it is the household's is never said (§5.2).
    state.sealed["booking_number"] = ports.seal("booking_number", number)
    return True


def _dispatch(state: State, answer: str, ports: Ports) -> Reply:
    if state.step in verify_flow.HANDLERS:
        return verify_flow.HANDLERS[state.step](state, answer, ports)
    if not state.verified:
        # A booking step with no verified caller cannot happen through our own TwiML; start over.
        return ask(state, "language", Line("welcome")) if state.channel == "voice" else \
            ask(state, "child_name", Line("sms_welcome"))
    return booking_flow.HANDLERS[state.step](state, answer, ports)


def current(state: State) -> Reply:
    """The open question again, with no effects: the answer to a stale or out-of-turn request."""
    if state.ended or state.step not in STEPS:
        return Reply(state.language, end=True)
    return reask(state)
