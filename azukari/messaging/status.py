"""Twilio's message status callbacks: the final word on whether a parent got the text."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from azukari.households.phone import can_take_sms
from azukari.messaging.call_delivery import ANSWERED, MAX_CALL_ATTEMPTS, NIGHT, NOT_REACHED, next_try
from azukari.messaging.models import OutboxMessage
from azukari.oversight.audit import record
from azukari.oversight.escalations import open_escalation
from azukari.settings import QuietHours

_logger = logging.getLogger("azukari.outbox")
# A call that rang and nobody took: its retry waits out the quiet hours (one that never rang does not).
RANG_UNANSWERED = frozenset({"busy", "no-answer"})

# Twilio's statuses before 'sent' (queued, accepted, sending…) say nothing we do not know
# already, and its 'sending' must never be confused with our claim status of that name.
_RANK = {"sent": 1, "delivered": 2, "undelivered": 2, "failed": 2}
_NOT_RECEIVED = ("undelivered", "failed")


def escalate_undelivered(session: Session, *, message: OutboxMessage, now: dt.datetime, error_code: str | None,
                         reason: str) -> None:
    """"The parent did not get booking N": one case per message, carrying ids and codes only."""
    open_escalation(session, kind="message_undelivered", channel="outbox", now=now,
                    household_pk=message.household_pk, dedupe_key=f"message_undelivered:outbox:{message.id}",
                    details={"outbox_id": message.id, "kind": message.kind, "reservation_id": message.reservation_id,
                             "error_code": error_code, "reason": reason, "attempts": message.attempts})


def _claimed_by_callback(session: Session, *, outbox_id: str, message_sid: str, now: dt.datetime,
                         channel: str = "sms") -> OutboxMessage | None:
    """The row a callback's URL names (`?m=`), if its send was never recorded: the callback records it.

    A sender killed between Twilio's answer and its record leaves the row unrecorded; the first
    send's own callback then records it, so the row is not due again and nobody sends it twice.
    A call's callback takes only a row whose last call may have been placed (`maybe_sent`): a late
    callback of a call already counted unanswered must not pass for the next one.
    """
    if not outbox_id.isdigit() or len(outbox_id) > 18:
        return None
    message = session.get(OutboxMessage, int(outbox_id))
    if message is None or message.message_sid is not None or message.status not in ("sending", "retry"):
        return None
    if channel == "sms" and message.channel != "sms":
        return None
    if channel == "call" and (can_take_sms(message.to_number) or not message.maybe_sent):
        return None
    message.status, message.message_sid, message.sent_at, message.channel = "sent", message_sid, now, channel
    message.claimed_until, message.maybe_sent, message.last_error = None, False, ""
    record(session, actor="system", action="message_sent", now=now, household_pk=message.household_pk,
           detail={"outbox_id": message.id, "kind": message.kind, "reservation_id": message.reservation_id,
                   "message_sid": message_sid, "attempts": message.attempts, "by": "status_callback"})
    _logger.info("outbox %s recorded as %s by its status callback", message.id, message_sid)
    return message


def record_status(session: Session, *, message_sid: str, status: str, error_code: str | None,
                  now: dt.datetime, outbox_id: str = "") -> None:
    """Apply one status callback inside the webhook's unit of work (flushes, never commits).

    Callbacks can arrive late and out of order: a status never replaces one further along,
    and nothing replaces 'delivered'. A message that did not arrive opens one escalation.
    """
    status = status.strip().lower()
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.message_sid == message_sid))
    if message is None and status in _RANK:
        message = _claimed_by_callback(session, outbox_id=outbox_id, message_sid=message_sid, now=now)
    if message is None or status not in _RANK:
        return  # not ours (or not yet recorded), or a status that changes nothing
    if message.status == "delivered" or _RANK[status] < _RANK.get(message.status, 0):
        return
    if message.status in _NOT_RECEIVED and status != "delivered":
        return
    message.status = status
    message.updated_at = now
    if status in _NOT_RECEIVED:
        message.last_error = f"twilio {error_code or '-'} ({status})"
        escalate_undelivered(session, message=message, now=now, error_code=error_code, reason=status)
        _logger.warning("outbox %s reported %s (%s)", message.id, status, error_code or "-")
    session.flush()


def record_call_status(session: Session, *, call_sid: str, status: str, now: dt.datetime,
                       quiet: QuietHours = NIGHT, outbox_id: str = "") -> bool:
    """A status callback of a call that carried a message (§6); False if the call carried none.

    Answered is delivered; busy, no answer or a failed call is tried again later, up to three
    tries, never at night; after the last, staff call the family. `outbox_id` is the row the
    callback's URL names (`?m=`): a call its killed sender never recorded is recorded here.
    """
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.message_sid == call_sid,
                                                         OutboxMessage.channel == "call"))
    if message is None and outbox_id:
        message = _claimed_by_callback(session, outbox_id=outbox_id, message_sid=call_sid, now=now, channel="call")
    if message is None:
        return False
    status = status.strip().lower()
    if message.status != "sent":
        return True  # already settled by an earlier callback
    if status == ANSWERED:
        message.status = "delivered"
    elif status in NOT_REACHED:
        message.last_error = f"call {status}"
        if status in RANG_UNANSWERED:
            message.unanswered += 1
        if message.attempts >= MAX_CALL_ATTEMPTS:
            message.status = "failed"
            escalate_undelivered(session, message=message, now=now, error_code=None, reason=status)
        else:
            # A new try is a new call: the SID of this one stays only in the audit entry of its send.
            message.status, message.message_sid, message.next_attempt_at = "retry", None, next_try(now, quiet)
    session.flush()
    return True


def release_after_call(session: Session, *, call_sid: str) -> int:
    """The parent's call has ended: messages by call that waited for it may go now."""
    result = session.execute(update(OutboxMessage).where(OutboxMessage.after_call == call_sid)
                             .values(after_call=None).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
