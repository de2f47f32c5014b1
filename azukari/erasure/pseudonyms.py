"""Calling numbers not tied to a household are kept 90 days, then replaced by a keyed hash.

The hash still lets staff see that one number tried several households (the same number gives
the same hash), but nobody holding the database alone can turn it back into the number: the key
is the service's secret, which the database does not hold.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, not_, update
from sqlalchemy.orm import Session

from azukari.identity.models import VerificationAttempt
from azukari.oversight.audit import NUMBER_DIGEST_PREFIX, number_digest
from azukari.oversight.models import Escalation

CALLING_NUMBERS_KEPT = dt.timedelta(days=90)
# Records tied to no household (an impostor's attempts, a caller nobody could identify) go after three
# years, like a household's own; those tied to one go with it.
UNLINKED_KEPT = dt.timedelta(days=3 * 365)
PREFIX = "h:"
_KEPT_AS_IS = ("", "anonymous")


def pseudonym(secret_key: str, number: str) -> str:
    """`h:` and 24 hex digits of HMAC-SHA256: fits the 32 characters a calling number column holds; the
    digest the audit log holds from the start (`audit.number_digest`)."""
    return PREFIX + number_digest(secret_key, number).removeprefix(NUMBER_DIGEST_PREFIX)


def pseudonymise_calling_numbers(session: Session, *, now: dt.datetime, secret_key: str,
                                 batch: int = 1000) -> int:
    """Replace calling numbers older than 90 days; returns how many rows changed. Never commits."""
    cutoff = now - CALLING_NUMBERS_KEPT
    changed = 0
    for model, when in ((VerificationAttempt, VerificationAttempt.at), (Escalation, Escalation.created_at)):
        column = model.calling_number
        still_plain = and_(when < cutoff, column.not_in(_KEPT_AS_IS), not_(column.startswith(PREFIX)))
        while True:
            rows = session.execute(
                model.__table__.select().with_only_columns(model.id, column).where(still_plain).limit(batch)).all()
            if not rows:
                break
            for row_id, number in rows:
                result = session.execute(update(model).where(model.id == row_id, column == number)
                                         .values(calling_number=pseudonym(secret_key, number))
                                         .execution_options(synchronize_session=False))
                changed += cast(CursorResult[Any], result).rowcount
            if len(rows) < batch:
                break
    return changed


def delete_old_unlinked(session: Session, *, now: dt.datetime) -> int:
    """Delete attempts and closed escalations tied to no household, three years on. Never commits."""
    cutoff = now - UNLINKED_KEPT
    attempts = session.execute(delete(VerificationAttempt).where(VerificationAttempt.household_pk.is_(None),
                                                                 VerificationAttempt.at < cutoff))
    escalations = session.execute(delete(Escalation).where(Escalation.household_pk.is_(None),
                                                           Escalation.status == "resolved",
                                                           Escalation.created_at < cutoff))
    return sum(cast(CursorResult[Any], r).rowcount for r in (attempts, escalations))
