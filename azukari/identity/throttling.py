"""Failure limits read from `verification_attempts`, so every app instance sees the same count."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from azukari.households.phone import ANONYMOUS
from azukari.identity.models import VerificationAttempt

WINDOW = dt.timedelta(hours=24)
# Failed verifications that lock, over a sliding WINDOW. A number gets fewer tries than a household
# (the IVR already ends a call at its second failure, so 3 allows a genuine retry in a later call).
NUMBER_LIMIT = 3
HOUSEHOLD_LIMIT = 5
# Withheld callers ("anonymous") have no number to count by: each conversation (call) counts as a
# number, and all of them share a pool. The pool is higher and its window short, so a flood of
# withheld guessing stops within minutes, yet one withheld caller can shut the withheld door for at
# most an hour (and only by flooding); households keep their own limit whatever the number.
WITHHELD_POOL_LIMIT = 20
WITHHELD_POOL_WINDOW = dt.timedelta(hours=1)

# Refusals that are not guesses and do not count towards a lock: refusals of an already locked
# caller (else a lock would never lift while someone keeps trying) and a registration that expired.
NOT_COUNTED = ("locked_number", "locked_household", "locked_withheld", "expired", "twins")
# A staff member lifting a household's lock is recorded as an attempt row of its own outcome, neither
# a failure nor a success: the household's count starts again after it (see `latest_reset`).
RESET = "reset"
RESET_REASON = "lifted_by_staff"
# A household key no row has: counting its failures costs the queries a real household's count costs.
NO_HOUSEHOLD = -1


def _failures(session: Session, since: dt.datetime, *conditions: object) -> int:
    query = select(func.count(VerificationAttempt.id)).where(
        VerificationAttempt.at > since, VerificationAttempt.outcome == "refused",
        VerificationAttempt.reason.not_in(NOT_COUNTED), *conditions)  # type: ignore[arg-type]
    return int(session.scalar(query) or 0)


# The two counts every verification makes, built once (ids start at 1, so "after lift 0" is every row).
_COUNTED = (VerificationAttempt.outcome == "refused", VerificationAttempt.reason.not_in(NOT_COUNTED))
_NUMBER_FAILURES = select(func.count(VerificationAttempt.id)).where(
    VerificationAttempt.at > bindparam("since"), *_COUNTED,
    VerificationAttempt.calling_number == bindparam("number"))
_HOUSEHOLD_FAILURES = select(func.count(VerificationAttempt.id)).where(
    VerificationAttempt.at > bindparam("since"), *_COUNTED,
    VerificationAttempt.household_pk == bindparam("household"),
    VerificationAttempt.id > select(func.coalesce(func.max(VerificationAttempt.id), 0)).where(
        VerificationAttempt.household_pk == bindparam("household"),
        VerificationAttempt.outcome == RESET).scalar_subquery())


def caller_lock(session: Session, *, calling_number: str, conversation_key: str, now: dt.datetime) -> str | None:
    """The lock that refuses this caller before anything is checked, as a reason, or None."""
    if calling_number != ANONYMOUS:
        failed = int(session.scalar(_NUMBER_FAILURES, {"number": calling_number, "since": now - WINDOW}) or 0)
        return "locked_number" if failed >= NUMBER_LIMIT else None
    # Both counts whatever the first says: a locked withheld caller costs what any withheld caller costs.
    pool = _failures(session, now - WITHHELD_POOL_WINDOW, VerificationAttempt.calling_number == ANONYMOUS)
    failed = _failures(session, now - WINDOW, VerificationAttempt.calling_number == ANONYMOUS,
                       VerificationAttempt.conversation_key == conversation_key)
    if pool >= WITHHELD_POOL_LIMIT:
        return "locked_withheld"
    return "locked_number" if failed >= NUMBER_LIMIT else None


_BOTH_FAILURES = select(_NUMBER_FAILURES.scalar_subquery(), _HOUSEHOLD_FAILURES.scalar_subquery())


def caller_and_household_locks(session: Session, *, calling_number: str, conversation_key: str, household_pk: int,
                               now: dt.datetime) -> tuple[str | None, bool]:
    """`caller_lock` and `household_locked` at once: one statement for a caller with a number."""
    if calling_number == ANONYMOUS:
        return (caller_lock(session, calling_number=calling_number, conversation_key=conversation_key, now=now),
                household_locked(session, household_pk=household_pk, now=now))
    row = session.execute(_BOTH_FAILURES, {"number": calling_number, "household": household_pk,
                                           "since": now - WINDOW}).one()
    number_failures, household_failures = (int(n or 0) for n in row)
    return ("locked_number" if number_failures >= NUMBER_LIMIT else None), household_failures >= HOUSEHOLD_LIMIT


def latest_reset(session: Session, *, household_pk: int) -> int | None:
    """The id of the household's latest staff lift, or None."""
    return session.scalar(select(func.max(VerificationAttempt.id)).where(
        VerificationAttempt.household_pk == household_pk, VerificationAttempt.outcome == RESET))


def household_failures(session: Session, *, household_pk: int, now: dt.datetime) -> int:
    """Counted failures naming the household in the window, after its latest staff lift if any.

    "After" is by row id, not time: a lift and a failure can share a timestamp (a fixed clock, a
    coarse one), while ids follow the order the rows were written. Number limits ignore lifts.
    """
    return int(session.scalar(_HOUSEHOLD_FAILURES, {"household": household_pk, "since": now - WINDOW}) or 0)


def household_locked(session: Session, *, household_pk: int, now: dt.datetime) -> bool:
    return household_failures(session, household_pk=household_pk, now=now) >= HOUSEHOLD_LIMIT


def counts_as_failure(reason: str) -> bool:
    return reason not in ("verified", RESET_REASON) and reason not in NOT_COUNTED
