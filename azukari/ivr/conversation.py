"""The one conversation state machine, shared by calls and texts: `step(state, event, ports)`."""
from __future__ import annotations

import copy

from azukari.ivr import booking_flow, verify_flow
from azukari.ivr.parsing import clean_digits, clean_speech, is_end_word, wants_english
from azukari.ivr.ports import Ports
from azukari.ivr.questions import STEPS, ask, finish, reask, wrong
from azukari.ivr.replies import Line, Reply
from azukari.ivr.state import Event, State

MAX_SILENCES = 2   # contract §5.1: no input re-asks twice, then the call ends politely


def start(state: State, ports: Ports) -> tuple[State, Reply]:
    """A new call: greet and ask for the language."""
    state = copy.deepcopy(state)
    state.turn += 1
    return state, ask(state, "language", Line("welcome"))


def step(state: State, event: Event, ports: Ports) -> tuple[State, Reply]:
    """Answer one input; `state` is not modified (the new state is returned)."""
    state = copy.deepcopy(state)
    state.turn += 1
    if state.ended:
        return state, Reply(state.language, end=True)
    if state.channel == "sms":
        return state, _sms(state, event, ports)
    if state.step not in STEPS:
        return state, ask(state, "language", Line("welcome"))
    if event.silence:
        return state, _silence(state)
    digits = clean_digits(event.digits)
    speech = clean_speech(event.speech)
    if not digits and not speech:
        # Twilio posts an empty answer only where we asked for one; treat it as the silence it is.
        return state, _silence(state)
    if digits == "*" and state.step not in ("household_id", "pin", "cancel_ref"):
        return state, reask(state)
    return state, _dispatch(state, digits or speech, ports)


def _sms(state: State, event: Event, ports: Ports) -> Reply:
    body = clean_speech(event.text, limit=300)
    if not state.step:
        # Contract §5.2: the first message, whatever it says, is answered with the first question.
        state.language = "en" if wants_english(body) else "ja"
        return ask(state, "child_name", Line("sms_welcome"))
    if is_end_word(body):
        return finish(state, Line("sms_ended"))
    if body.lower() in ("en", "english"):
        state.language = "en"
        return reask(state)
    if body in ("日本語", "JA", "ja"):
        state.language = "ja"
        return reask(state)
    if not body:
        return wrong(state)
    return _dispatch(state, body, ports)


def _dispatch(state: State, answer: str, ports: Ports) -> Reply:
    if state.step in verify_flow.HANDLERS:
        return verify_flow.HANDLERS[state.step](state, answer, ports)
    if not state.verified:
        # A booking step with no verified caller cannot happen through our own TwiML; start over.
        return ask(state, "language", Line("welcome")) if state.channel == "voice" else \
            ask(state, "child_name", Line("sms_welcome"))
    return booking_flow.HANDLERS[state.step](state, answer, ports)


def _silence(state: State) -> Reply:
    state.silences += 1
    if state.silences > MAX_SILENCES:
        return finish(state, Line("no_input_goodbye"))
    return reask(state, Line("no_input"))



def current(state: State) -> Reply:
    """The open question again, with no effects: the answer to a stale or out-of-turn request."""
    if state.ended or state.step not in STEPS:
        return Reply(state.language, end=True)
    return reask(state)
