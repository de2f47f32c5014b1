"""Recording a verification: the attempt row, the audit entry, and the staff alerts it raises."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.clock import tokyo_date
from azukari.households.models import Household
from azukari.identity import throttling
from azukari.identity.models import VerificationAttempt
from azukari.identity.outcomes import Outcome, Verified, refusal
from azukari.oversight import audit
from azukari.oversight.escalations import open_escalation


def conclude(session: Session, *, method: str, reason: str, fields: dict[str, str], household: Household | None,
              child_id: int | None, channel: str, calling_number: str, conversation_key: str,
              now: dt.datetime) -> Outcome:
    """Record the decision and turn it into the outcome; only `reason == "verified"` with a child passes."""
    verified = reason == "verified" and household is not None and child_id is not None
    attempt = VerificationAttempt(
        at=now, channel=channel, method=method, outcome="verified" if verified else "refused", reason=reason,
        fields=fields, calling_number=calling_number, household_pk=household.id if household else None,
        conversation_key=conversation_key[:64])
    session.add(attempt)
    session.flush()
    audit.record(session, actor="bot", action="verification", now=now, household_pk=attempt.household_pk,
                 detail={"attempt_id": attempt.id, "channel": channel, "method": method,
                         "outcome": attempt.outcome, "reason": reason, "fields": dict(fields),
                         "calling_number": audit.caller_digest(session, calling_number)})
    # Read for every attempt, not only refusals that name a household: a refusal costs what a success costs.
    locked = throttling.household_locked(session, household_pk=household.id if household is not None
                                         else throttling.NO_HOUSEHOLD, now=now)
    # A DV-flagged household's lock is told on the one case its refusal opens (dv_attempt), not by a case of its
    # own: a right answer opens one case (dv_caller) and runs no more, so a wrong one must not either (issue 24).
    if household is not None and not verified and not household.dv_flag:
        _alert_staff(session, attempt=attempt, household=household, locked=locked, now=now)
    if verified and household is not None and child_id is not None:
        return Verified(household_pk=household.id, child_id=child_id, dv=household.dv_flag)
    # A DV-flagged household's refusal is not raised here but by the channel, as the one case its ending opens
    # (a DV success opens one too): right and wrong answers then run the same statements.
    dv = household is not None and household.dv_flag
    return refusal(reason, household_pk=household.id if household is not None else None, dv=dv,
                   locked=dv and locked and throttling.counts_as_failure(reason))


def _alert_staff(session: Session, *, attempt: VerificationAttempt, household: Household, locked: bool,
                 now: dt.datetime) -> None:
    if throttling.counts_as_failure(attempt.reason) and locked:
        day = tokyo_date(now).isoformat()
        # A lock after a staff lift is a new case, even on the same day as the one the lift answered.
        reset_id = throttling.latest_reset(session, household_pk=household.id)
        after = f":after{reset_id}" if reset_id is not None else ""
        open_escalation(session, kind="household_locked", channel=attempt.channel, now=now,
                        household_pk=household.id, dv=household.dv_flag, security_alert=True,
                        calling_number=attempt.calling_number,
                        details={"attempt_id": attempt.id,
                                 "failures": throttling.household_failures(
                                     session, household_pk=household.id, now=now)},
                        dedupe_key=f"household_locked:{household.id}:{day}{after}")


def of_case(session: Session, *, conversation_key: str = "", attempt_id: int | None = None,
            limit: int = 10) -> list[VerificationAttempt]:
    """The refused attempts a staff case is about, oldest first: those of its conversation, else the one it names."""
    if conversation_key:
        where = VerificationAttempt.conversation_key == conversation_key[:64]
    elif attempt_id is not None:
        where = VerificationAttempt.id == attempt_id
    else:
        return []
    return list(session.scalars(select(VerificationAttempt).where(where, VerificationAttempt.outcome == "refused")
                                .order_by(VerificationAttempt.id).limit(limit)))
