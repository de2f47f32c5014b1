"""A refused booking's reason, texted to the number on file in the conversation's language.

The caller hears one sentence for every refusal at `confirm` (invariant 10); what the child's own
bookings, the ward's rules or the registration forbid is explained only here, in the booking's
unit of work, so the text and the refusal commit together.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from azukari.booking import repository as repo
from azukari.booking.rules import REASON_BY_TEXT, BookingRefusal
from azukari.language.facility_names import english_name
from azukari.messaging import outbox, texts
from azukari.messaging.models import OutboxMessage


def text_reason(session: Session, *, refusal: BookingRefusal, child_id: int, unit_id: int, day: dt.date,
                language: str, now: dt.datetime, queued: list[OutboxMessage] | None = None) -> bool:
    """Queue the reason for `refusal` if it is one said only by text (added to `queued`); whether it was."""
    if refusal not in REASON_BY_TEXT:
        return False
    child = repo.child_with_household(session, child_id)
    unit = repo.unit_with_facility(session, unit_id)
    if child is None or unit is None:
        return False
    body = texts.refused_booking(day=day, starts=unit.starts, ends=unit.ends, facility_name=unit.facility.name,
                                 reason=refusal.value, language=language,
                                 name_en=english_name(name_en=unit.facility.name_en, reading=unit.facility.reading),
                                 reading=unit.facility.reading)
    outbox.enqueue(session, household=child.household, kind="notice", body=body, now=now, queued=queued)
    return True
