"""Putting a message in the outbox, inside the caller's transaction (no I/O to Twilio here)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from azukari.messaging.models import OutboxMessage
from azukari.registration.models import Household


def enqueue(session: Session, *, household: Household, kind: str, body: str, now: dt.datetime,
            reservation_id: int | None = None) -> OutboxMessage:
    """Queue a text to the household's number on file, never to the number that called.

    It commits or rolls back with whatever caused it (a booking, a cancellation), so a booking
    never exists without its confirmation and a failed booking sends nothing.
    """
    message = OutboxMessage(kind=kind, household_pk=household.id, reservation_id=reservation_id,
                            to_number=household.phone, body=body, status="pending", created_at=now,
                            next_attempt_at=now)
    session.add(message)
    session.flush()
    return message
