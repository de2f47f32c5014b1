"""`azukari erase-household ID --confirm`: one family erased on request (a request under the privacy law).

The same erasure as the three-year purge (`retention.erase_household`), Twilio's copies included, with a
certificate. The household's bookings that have not started are cancelled first, as staff cancel them
(the seat offered to the waiting list, the usual text to the number on file), and those texts are sent
before the household is erased, so the family hears that its bookings are gone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from azukari.erasure import retention
from azukari.households.models import Household
from azukari.messaging.models import OutboxMessage
from azukari.oversight import audit
from azukari.registration.service import cancel_future_bookings

REASON = "request"
_UNSENT = ("pending", "sending")


class NoSuchHousehold(LookupError):
    """No household has that 世帯ID (never registered, or erased already)."""


@dataclass(frozen=True)
class Erased:
    record_id: int
    counts: dict[str, int]
    cancelled: int


def find(session: Session, household_id: str) -> Household:
    household = session.scalar(select(Household).where(Household.household_id == household_id.strip()))
    if household is None:
        raise NoSuchHousehold(household_id)
    return household


def cancel_first(session: Session, *, household_id: str, now: dt.datetime) -> list[str]:
    """Step one: the household's bookings that have not started, cancelled with the usual texts queued."""
    household = find(session, household_id)
    return cancel_future_bookings(session, household_pk=household.id, now=now)


def unsent(session: Session, *, household_id: str) -> int:
    """Texts to the household still waiting to go out (step two waits for none)."""
    household = find(session, household_id)
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.household_pk == household.id, OutboxMessage.status.in_(_UNSENT))) or 0


def erase(session: Session, *, household_id: str, now: dt.datetime, actor: str, cancelled: int = 0,
          approved_by: str | None = None, by: str | None = None,
          requested_by: str | None = None) -> Erased:
    """Step two: the erasure itself, audited with the certificate's number (never the 世帯ID: it is erased)."""
    household = find(session, household_id)
    counts = retention.count_household(session, household)
    household_pk = household.id
    record = retention.erase_household(session, household, now=now, salt_value=retention.salt(session),
                                       counts=counts, reason=REASON)
    detail: dict[str, object] = {"deletion_record_id": record.id, "cancelled": cancelled}
    if approved_by is not None:
        detail["approved_by"] = approved_by
    if by is not None:
        detail["by"] = by
    if requested_by is not None:
        detail["requested_by"] = requested_by
    audit.record(session, actor=actor, action="household.erased", now=now, household_pk=household_pk, detail=detail)
    return Erased(record.id, counts, cancelled)
