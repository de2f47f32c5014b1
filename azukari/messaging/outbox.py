"""Putting a message in the outbox, inside the caller's transaction (no I/O to Twilio here)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.orm import Session

from azukari.households.models import Household
from azukari.messaging.models import OutboxMessage
from azukari.oversight.escalations import open_escalation


def enqueue(session: Session, *, household: Household, kind: str, body: str, now: dt.datetime,
            reservation_id: int | None = None, queued: list[OutboxMessage] | None = None) -> OutboxMessage:
    """Queue a text to the household's number on file, never to the number that called.

    It commits or rolls back with whatever caused it (a booking, a cancellation), so a booking
    never exists without its confirmation and a failed booking sends nothing. The message is also
    added to `queued`, if given: the caller's list of what its unit of work queued (`hold_for_call`).
    """
    message = OutboxMessage(kind=kind, household_pk=household.id, reservation_id=reservation_id,
                            to_number=household.phone, body=body, status="pending", created_at=now,
                            next_attempt_at=now)
    session.add(message)
    session.flush()
    if queued is not None:
        queued.append(message)
    return message


def withdraw(session: Session, *, reservation_id: int, kind: str, now: dt.datetime) -> int:
    """Take back messages of `kind` about a reservation that have not gone out yet; how many.

    A cancelled booking's reminder must not follow its cancellation text. A message a sender has
    already claimed (status 'sending') is past recall and may still arrive: the parent then
    holds both texts, the cancellation being the later and the true one.
    """
    result = session.execute(update(OutboxMessage)
                             .where(OutboxMessage.reservation_id == reservation_id, OutboxMessage.kind == kind,
                                    OutboxMessage.status.in_(("pending", "retry")))
                             .values(status="withdrawn", updated_at=now)
                             .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def hold_for_call(queued: Sequence[OutboxMessage], *, call_sid: str) -> int:
    """Messages a call's webhook queued answer the caller's own call: by call they wait until it ends.

    `queued` is what the webhook's unit of work queued, as `enqueue` added it to the webhook's list;
    the sender ignores the hold for a number that takes SMS (a text can arrive mid-call).
    """
    for message in queued:
        message.after_call = call_sid
    return len(queued)


def recipient_now(session: Session, *, message: OutboxMessage, now: dt.datetime) -> str | None:
    """The number to send `message` to at this moment: the number on file now, not when it was queued.

    Staff may change the number or set the DV flag while a message waits for a retry. A DV
    household's message is not sent at all: it is held for staff, who reach the family their own
    way (None is returned and the row is marked 'held').
    """
    household = session.get(Household, message.household_pk) if message.household_pk is not None else None
    if household is None:
        return message.to_number
    if household.dv_flag:
        message.status, message.claimed_until, message.updated_at = "held", None, now
        open_escalation(session, kind="message_held", channel="outbox", now=now, household_pk=household.id, dv=True,
                        dedupe_key=f"message_held:outbox:{message.id}",
                        details={"outbox_id": message.id, "kind": message.kind,
                                 "reservation_id": message.reservation_id})
        return None
    message.to_number = household.phone
    return household.phone
