"""Staff lifting a household's verification lock after calling the parent back on the number on file."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from azukari.households.models import Household, HouseholdNotFound
from azukari.identity import throttling
from azukari.identity.models import VerificationAttempt
from azukari.oversight import audit


class NotLocked(Exception):
    """The household is not locked (any more): there is nothing to lift, and no reset is recorded."""


def lift_household_lock(session: Session, *, household_pk: int, now: dt.datetime, actor: str) -> None:
    """Record a reset so the household's failures count afresh; the calling numbers' limits stay as they are.

    A lift is refused when there is no lock, so a stale form cannot quietly wipe a run of recent
    failures that staff never saw. The reset row keeps no number: it was not a call.
    """
    household = session.get(Household, household_pk)
    if household is None:
        raise HouseholdNotFound(household_pk)
    failures = throttling.household_failures(session, household_pk=household_pk, now=now)
    if failures < throttling.HOUSEHOLD_LIMIT:
        raise NotLocked(household_pk)
    reset = VerificationAttempt(at=now, channel="staff", method="staff", outcome=throttling.RESET,
                                reason=throttling.RESET_REASON, fields={}, calling_number="",
                                household_pk=household_pk, conversation_key="")
    session.add(reset)
    session.flush()
    audit.record(session, actor=actor, action="household.lock_lifted", now=now, household_pk=household_pk,
                 detail={"attempt_id": reset.id, "failures": failures, "dv": household.dv_flag})
