"""One unit of work per webhook: lock the conversation, replay a redelivery's receipt, or step and commit once."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from azukari.booking import waitlist
from azukari.conversations import store
from azukari.conversations.models import ConversationRecord
from azukari.conversations.sealing import Sealer
from azukari.db import once_more_if_disconnected
from azukari.households.models import Household
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
from azukari.messaging.provider_deletions import due_with_thread, queue_deletion
from azukari.messaging.spoken_messages import announcement, goodbye, offer_answer
from azukari.messaging.status import record_call_status, record_status, release_after_call
from azukari.messaging.texts import offer_code_of
from azukari.oversight.escalations import open_escalation
from azukari.runtime import Runtime

log = logging.getLogger("azukari.webhooks")

SMS_IDLE = dt.timedelta(minutes=30)  # contract §5.2
_CALL_OVER = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# An outbound message's last statuses (Twilio's Message resource); `sent` may still be followed by one.
_MESSAGE_OVER = frozenset({"delivered", "undelivered", "failed", "canceled", "read"})


def _kept_at_twilio(runtime: Runtime) -> dt.timedelta:
    """TWILIO_RETENTION_DAYS: how long Twilio keeps its copy of a call or text once it has ended."""
    return dt.timedelta(days=runtime.settings.twilio_retention_days)


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
                                                runtime.settings.staff_number, call.bot_number,
                                                tuple(runtime.settings.speech_models.items())))
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
        # Twilio's copies of this conversation's texts go TWILIO_RETENTION_DAYS after it ends: at its
        # last word, or after SMS_IDLE of silence (each new text moves the whole thread's date on).
        thread_digest = store.input_hash(runtime.settings.azukari_secret_key, f"thread:{thread}")
        due = now + _kept_at_twilio(runtime) + (dt.timedelta(0) if state.ended else SMS_IDLE)
        queue_deletion(session, sid=message_sid, due=due, thread=thread_digest)
        due_with_thread(session, thread=thread_digest, due=due)
        _save(record, state, now)
        store.keep_receipt(session, channel="sms", key=key, step="sms", digest=digest, response=twiml, now=now)
        session.commit()
    return twiml


@once_more_if_disconnected
def busy_callback(runtime: Runtime, *, caller: str | None, digits: str | None, call_sid: str = "") -> str:
    """After the busy message: `1` opens a call-back case with the calling number kept; nothing is verified.

    One case per call: a redelivered `1` finds the case its first delivery opened (keyed by the CallSid),
    and a `1` posted after the call has ended (a replay) opens nothing.
    """
    number = caller_number(caller)
    if digits != "1" or not call_sid or len(call_sid) > 64:
        return hang_up(Line("busy.goodbye"))
    if number == ANONYMOUS:
        return hang_up(Line("busy.no_number"))
    with runtime.database.unit_of_work() as session:
        if store.spent(session, channel="voice", sid=call_sid):
            return hang_up(Line("busy.goodbye"))
        open_escalation(session, kind="callback", channel="voice", now=runtime.clock.now(), calling_number=number,
                        details={"reason": "line_busy"}, dedupe_key=f"callback:busy:{call_sid}")
        session.commit()
    return hang_up(Line("busy.callback_taken"))


@once_more_if_disconnected
def outbound_message(runtime: Runtime, *, outbox_id: str, digits: str | None, call_sid: str = "") -> str:
    """The TwiML of a call that reads a message to a number that cannot take SMS; `1` reads it again.

    A seat offer's call is taken there and then (contract §6): `1` books it (the confirmation follows
    by call once this call has ended), `2` declines it (the seat passes on at once), anything else repeats.
    """
    with runtime.database.unit_of_work() as session:
        message = _read_by(session, outbox_id=outbox_id, call_sid=call_sid, now=runtime.clock.now())
        if message is None or message.channel != "call":
            return hang_up()
        action = f"{runtime.settings.public_base_url}/twilio/voice/outbound?m={message.id}"
        code = offer_code_of(message.body) if message.kind == "offer" and message.household_pk else None
        if code is not None and message.household_pk is not None and digits in ("1", "2"):
            queued: list[OutboxMessage] = []
            outcome = waitlist.answer_offer_call(session, household_pk=message.household_pk, code=code,
                                                 take=digits == "1", now=runtime.clock.now(), queued=queued)
            if call_sid:
                hold_for_call(queued, call_sid=call_sid[:64])
            session.commit()
            return offer_answer(message.body, outcome)
        if code is not None:
            return announcement(message.body, repeat_action=action, kind="offer")
        if digits is not None and digits != "1":
            return goodbye(message.body)
        return announcement(message.body, repeat_action=f"{runtime.settings.public_base_url}"
                                                        f"/twilio/voice/outbound?m={message.id}")


# How long after a delivery call was placed its message may still be read in it (a call is minutes long).
READ_FOR = dt.timedelta(minutes=30)
_ROW_ID_MAX = 2**31 - 1  # an integer column on PostgreSQL: a larger id is simply not ours, never a 500


def _read_by(session: Session, *, outbox_id: str, call_sid: str, now: dt.datetime) -> OutboxMessage | None:
    """The message a delivery call may read: only in that call (its CallSid), while it is recent and under
    way or just delivered, and never once the household is DV-flagged (the message is then for staff)."""
    if not outbox_id.isdigit() or len(outbox_id) > 10 or int(outbox_id) > _ROW_ID_MAX or not call_sid:
        return None
    message = session.get(OutboxMessage, int(outbox_id))
    if message is None or message.channel != "call" or message.message_sid != call_sid[:64]:
        return None
    if message.status not in ("sent", "delivered") or message.sent_at is None or now - message.sent_at > READ_FOR:
        return None
    household = session.get(Household, message.household_pk) if message.household_pk is not None else None
    if household is not None and household.dv_flag:
        return None
    return message


@once_more_if_disconnected
def call_status(runtime: Runtime, *, call_sid: str, status: str, outbox_id: str = "") -> None:
    """A call ended: its state (sealed answers, ids) and receipts are dropped now, not kept. `outbox_id`: the
    row a delivery call's callback names (`?m=`)."""
    if status.strip().lower() not in _CALL_OVER or not call_sid or len(call_sid) > 64:
        return
    with runtime.database.unit_of_work() as session:
        # Twilio's copy of the call (the parent's own, or one that carried a message) goes later.
        queue_deletion(session, sid=call_sid, due=runtime.clock.now() + _kept_at_twilio(runtime))
        # A call that carried a message to a landline, or the parent's own call ending.
        if not record_call_status(session, call_sid=call_sid, status=status, now=runtime.clock.now(),
                                  quiet=runtime.settings.quiet_hours, outbox_id=outbox_id):
            store.forget(session, channel="voice", key=call_sid, now=runtime.clock.now())
        # Messages that waited for this call: the parent's own call, or an offer call whose 1 booked a seat.
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
        if status.strip().lower() in _MESSAGE_OVER:
            queue_deletion(session, sid=message_sid, due=runtime.clock.now() + _kept_at_twilio(runtime))
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
