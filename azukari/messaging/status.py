"""Twilio's message status callbacks: the final word on whether a parent got the text."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.messaging.models import OutboxMessage
from azukari.oversight.escalations import open_escalation

_logger = logging.getLogger("azukari.outbox")

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


def record_status(session: Session, *, message_sid: str, status: str, error_code: str | None,
                  now: dt.datetime) -> None:
    """Apply one status callback inside the webhook's unit of work (flushes, never commits).

    Callbacks can arrive late and out of order: a status never replaces one further along,
    and nothing replaces 'delivered'. A message that did not arrive opens one escalation.
    """
    status = status.strip().lower()
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.message_sid == message_sid))
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
