"""One unit of work per webhook: lock the conversation, replay a redelivery's receipt, or step and commit once."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from azukari.conversations import store
from azukari.conversations.models import ConversationRecord
from azukari.conversations.sealing import Sealer
from azukari.db import once_more_if_disconnected
from azukari.households.phone import ANONYMOUS, caller_number
from azukari.ivr.machine import conversation
from azukari.ivr.machine.replies import Line, Reply
from azukari.ivr.machine.spoken import hours_words
from azukari.ivr.machine.state import Event, State
from azukari.ivr.service_adapter import ServiceAdapter
from azukari.ivr.sms import render_sms, sms_twiml
from azukari.ivr.voice import CallContext, bridge, hang_up, render_voice
from azukari.messaging.models import OutboxMessage
from azukari.messaging.outbox import hold_for_call
from azukari.messaging.spoken_messages import announcement, goodbye
from azukari.messaging.status import record_call_status, record_status, release_after_call
from azukari.oversight.escalations import open_escalation
from azukari.runtime import Runtime

log = logging.getLogger("azukari.webhooks")

SMS_IDLE = dt.timedelta(minutes=30)  # contract §5.2
_CALL_OVER = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


@dataclass(frozen=True)
class CallInput:
    call_sid: str
    caller: str | None      # `From`: never identity, only throttling and case notes
    bot_number: str | None  # `To`
    digits: str | None = None
    speech: str | None = None


def _ports(runtime: Runtime, session: Session, *, channel: str, caller: str | None, key: str,
           now: dt.datetime) -> ServiceAdapter:
    sealer = Sealer(runtime.settings.azukari_secret_key, conversation=f"{channel}:{key}")
    return ServiceAdapter(session=session, settings=runtime.settings, now=now, channel=channel,
                        calling_from=caller, conversation_key=key[:64], sealer=sealer)


def _save(record: ConversationRecord, state: State, now: dt.datetime) -> None:
    record.state = state.to_json()
    record.ended = state.ended
    record.updated_at = now


def _in_turn(state: State, step: str | None, turn: str) -> bool:
    """Whether this request answers the question now open: the only kind the machine acts on.

    Such a request cannot have a receipt: answering moves the turn in the transaction that keeps the
    receipt. So only a request out of turn (a redelivery, or a stale page of a call) looks one up.
    """
    if state.ended:
        return False
    return not state.step if step is None else step == state.step and turn == str(state.turn)


@once_more_if_disconnected
def answer_call(runtime: Runtime, *, step: str | None, turn: str, silence: bool, call: CallInput) -> str:
    """A voice webhook: the first one of a call (`step` None) or the answer to a <Gather>."""
    key = call.call_sid.strip()
    if not key or len(key) > 64:
        return hang_up(Line("too_many_tries"))
    now = runtime.clock.now()
    name = step or "start"
    digest = store.input_hash(runtime.settings.azukari_secret_key, turn, "silence" if silence else "",
                              call.digits, call.speech)
    with runtime.database.unit_of_work() as session:
        opened = store.open_call(session, key=key, now=now)
        if opened is None:
            log.info("voice %s %s: the call has ended; a replay changes nothing", key, name)
            return hang_up()
        state = State.from_json(opened.state, channel="voice")
        in_turn = _in_turn(state, step, turn)
        if not in_turn:
            done = store.receipt(session, channel="voice", key=key, step=name, digest=digest)
            if done is not None:
                log.info("voice %s %s: redelivery answered from its receipt", key, name)
                return done
        ports = _ports(runtime, session, channel="voice", caller=call.caller, key=key, now=now)
        reply: Reply
        if in_turn and step is None:
            state, reply = conversation.start(state, ports)
        elif in_turn:
            event = Event(step=name, digits=call.digits, speech=call.speech, silence=silence)
            state, reply = conversation.step(state, event, ports)
        else:
            reply = conversation.current(state)  # out of turn: ask again, change nothing
        twiml = render_voice(reply, CallContext(runtime.settings.public_base_url, state.turn,
                                                runtime.settings.staff_number, call.bot_number))
        store.save(session, row=opened.row, state=state.to_json(), ended=state.ended, now=now)
        hold_for_call(ports.queued, call_sid=key)
        store.keep_receipt(session, channel="voice", key=key, step=name, digest=digest, response=twiml, now=now)
        session.commit()
    log.info("voice %s %s -> %s", key, name, state.step or ("transfer" if reply.transfer else "end"))
    return twiml


@once_more_if_disconnected
def answer_text(runtime: Runtime, *, message_sid: str, sender: str | None, body: str | None) -> str:
    """An SMS: keyed by the sender's number, one reply per message, a redelivered MessageSid answered once."""
    key = caller_number(sender)
    if key == ANONYMOUS or not message_sid or len(message_sid) > 64:
        return sms_twiml("")
    now = runtime.clock.now()
    digest = store.input_hash(runtime.settings.azukari_secret_key, message_sid)
    with runtime.database.unit_of_work() as session:
        record = store.conversation(session, channel="sms", key=key, now=now)
        done = store.receipt(session, channel="sms", key=key, step="sms", digest=digest)
        if done is not None:
            return done
        if store.spent(session, channel="sms", sid=message_sid):
            return sms_twiml("")  # answered long ago (its receipt is gone): a replay changes nothing
        store.spend(session, channel="sms", sid=message_sid, now=now)
        state = State.from_json(record.state, channel="sms")
        if state.ended or now - record.updated_at > SMS_IDLE:
            state, record.created_at = State(channel="sms"), now  # 30 minutes of silence: a new conversation
        thread = f"{key}@{int(record.created_at.timestamp())}"
        ports = _ports(runtime, session, channel="sms", caller=key, key=thread, now=now)
        state, reply = conversation.step(state, Event(text=body or ""), ports)
        twiml = sms_twiml(render_sms(reply))
        _save(record, state, now)
        store.keep_receipt(session, channel="sms", key=key, step="sms", digest=digest, response=twiml, now=now)
        session.commit()
    return twiml


@once_more_if_disconnected
def busy_callback(runtime: Runtime, *, caller: str | None, digits: str | None) -> str:
    """After the busy message: `1` opens a call-back case with the calling number kept; nothing is verified."""
    number = caller_number(caller)
    if digits != "1":
        return hang_up(Line("busy.goodbye"))
    if number == ANONYMOUS:
        return hang_up(Line("busy.no_number"))
    with runtime.database.unit_of_work() as session:
        open_escalation(session, kind="callback", channel="voice", now=runtime.clock.now(), calling_number=number,
                        details={"reason": "line_busy"})
        session.commit()
    return hang_up(Line("busy.callback_taken"))


@once_more_if_disconnected
def outbound_message(runtime: Runtime, *, outbox_id: str, digits: str | None) -> str:
    """The TwiML of a call that reads a message to a number that cannot take SMS; `1` reads it again."""
    with runtime.database.unit_of_work() as session:
        message = session.get(OutboxMessage, int(outbox_id)) if outbox_id.isdigit() and len(outbox_id) < 12 else None
        if message is None or message.channel != "call":
            return hang_up()
        if digits is not None and digits != "1":
            return goodbye(message.body)
        return announcement(message.body, repeat_action=f"{runtime.settings.public_base_url}"
                                                        f"/twilio/voice/outbound?m={message.id}")


@once_more_if_disconnected
def call_status(runtime: Runtime, *, call_sid: str, status: str) -> None:
    """A call ended: its state (sealed answers, ids) and receipts are dropped now, not kept."""
    if status.strip().lower() not in _CALL_OVER or not call_sid or len(call_sid) > 64:
        return
    with runtime.database.unit_of_work() as session:
        # A call that carried a message to a landline, or the parent's own call ending.
        if not record_call_status(session, call_sid=call_sid, status=status, now=runtime.clock.now()):
            store.forget(session, channel="voice", key=call_sid, now=runtime.clock.now())
            release_after_call(session, call_sid=call_sid)
        session.commit()


@once_more_if_disconnected
def message_status(runtime: Runtime, *, message_sid: str, status: str, error_code: str | None,
                   outbox_id: str = "") -> None:
    if not message_sid or not status:
        return
    with runtime.database.unit_of_work() as session:
        record_status(session, message_sid=message_sid, status=status, error_code=error_code,
                      now=runtime.clock.now(), outbox_id=outbox_id)
        session.commit()


@once_more_if_disconnected
def staff_answered(runtime: Runtime, *, parent_call_sid: str, digits: str | None) -> str:
    """Staff pressed a key at the whisper: 1 connects the caller, anything else declines."""
    if digits != "1" or not parent_call_sid or len(parent_call_sid) > 64:
        return hang_up()
    with runtime.database.unit_of_work() as session:
        if store.spent(session, channel="voice", sid=parent_call_sid):
            return hang_up()
        record = store.conversation(session, channel="voice", key=parent_call_sid, now=runtime.clock.now())
        state = State.from_json(record.state, channel="voice")
        state.staff_accepted = True
        _save(record, state, runtime.clock.now())
        session.commit()
    return bridge()


@once_more_if_disconnected
def transfer_over(runtime: Runtime, *, call_sid: str, caller: str | None) -> str:
    """The <Dial> ended. Unless staff accepted, the caller gets a call back: a case is opened for it."""
    if not call_sid or len(call_sid) > 64:
        return hang_up()
    now = runtime.clock.now()
    with runtime.database.unit_of_work() as session:
        if store.spent(session, channel="voice", sid=call_sid):
            return hang_up()
        record = store.conversation(session, channel="voice", key=call_sid, now=now)
        state = State.from_json(record.state, channel="voice")
        if state.staff_accepted:
            return hang_up()
        ports = _ports(runtime, session, channel="voice", caller=caller, key=call_sid, now=now)
        # A call back is promised only to a number that came with the call (contract §5.1).
        said = (Line("transfer_unanswered"),) if ports.caller_known() else (
            Line("staff_hours", {"hours": hours_words(ports.staff_hours(), state.language)}),)
        ports.escalate(kind="transfer_unanswered", household_pk=state.household_pk, dv=state.dv, told=said,
                       language=state.language, details={"outcome": "callback" if ports.caller_known() else "hours"})
        session.commit()
    return hang_up(*said, Line("goodbye"), language=state.language)
