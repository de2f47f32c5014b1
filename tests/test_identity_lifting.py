"""Staff lifting a household's lock: the household's count starts again, numbers stay throttled."""
from __future__ import annotations

import json

import pytest
from identity_households import add_household
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_identity_throttling import NOW, RIGHT, WRONG_ADDRESS

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.identity import throttling
from azukari.identity.lifting import NotLocked, lift_household_lock
from azukari.identity.models import VerificationAttempt
from azukari.identity.verification import (
    AttemptContext,
    Outcome,
    Refused,
    Verified,
    verify_by_household_id,
    verify_by_knowledge,
)
from azukari.oversight.models import AuditEntry, Escalation

STAFF = "staff:7"

THROTTLED = Refused("verification_throttled")  # every refusal of a locked caller or household


def _try(session: Session, clock: FixedClock, answers: dict[str, object], *, number: str) -> Outcome:
    clock.advance(minutes=1)
    context = AttemptContext(channel="voice", calling_number=number, conversation_key=f"CA{number}")
    return verify_by_knowledge(session, context=context, now=clock.now(), **answers)  # type: ignore[arg-type]


def _lock(session: Session, clock: FixedClock, *, first: int = 0) -> None:
    for n in range(first, first + throttling.HOUSEHOLD_LIMIT):
        _try(session, clock, WRONG_ADDRESS, number=f"+8150111100{n:02d}")


def _locked_household(session: Session, clock: FixedClock) -> Household:
    household = add_household(session)
    _lock(session, clock)
    assert _try(session, clock, RIGHT, number="+815099998888") == THROTTLED
    return household


def test_after_a_staff_lift_the_right_answers_verify_again(database: Database) -> None:
    clock = FixedClock(NOW)
    with database.unit_of_work() as session:
        household = _locked_household(session, clock)
        lift_household_lock(session, household_pk=household.id, now=clock.now(), actor=STAFF)
        assert isinstance(_try(session, clock, RIGHT, number="+815099998888"), Verified)


def test_after_a_staff_lift_the_household_id_and_pin_verify_again(database: Database) -> None:
    clock = FixedClock(NOW)
    with database.unit_of_work() as session:
        household = _locked_household(session, clock)
        context = AttemptContext(channel="sms", calling_number="+819011110001", conversation_key="SM1")
        assert verify_by_household_id(session, household_id="10000001", pin="4821", birthdate=RIGHT["birthdate"],
                                      context=context, now=clock.now()) == THROTTLED
        lift_household_lock(session, household_pk=household.id, now=clock.now(), actor=STAFF)
        clock.advance(minutes=1)
        assert isinstance(verify_by_household_id(session, household_id="10000001", pin="4821",
                                                 birthdate=RIGHT["birthdate"], context=context, now=clock.now()),
                          Verified)


def test_a_lift_counts_only_failures_after_it_so_the_same_instant_does_not_lock_again(database: Database) -> None:
    clock = FixedClock(NOW)
    with database.unit_of_work() as session:
        household = _locked_household(session, clock)
        lift_household_lock(session, household_pk=household.id, now=clock.now(), actor=STAFF)
        assert throttling.household_failures(session, household_pk=household.id, now=clock.now()) == 0
        assert not throttling.household_locked(session, household_pk=household.id, now=clock.now())


def test_five_new_failures_after_a_lift_lock_the_household_again(database: Database) -> None:
    clock = FixedClock(NOW)
    with database.unit_of_work() as session:
        household = _locked_household(session, clock)
        lift_household_lock(session, household_pk=household.id, now=clock.now(), actor=STAFF)
        _lock(session, clock, first=20)
        assert throttling.household_failures(session, household_pk=household.id, now=clock.now()) == 5
        assert _try(session, clock, RIGHT, number="+815099998888") == THROTTLED


def test_a_lock_after_a_lift_opens_a_new_case_for_staff_the_same_day(database: Database) -> None:
    clock = FixedClock(NOW)
    with database.unit_of_work() as session:
        household = _locked_household(session, clock)
        lift_household_lock(session, household_pk=household.id, now=clock.now(), actor=STAFF)
        _lock(session, clock, first=20)
        locks = session.scalars(select(Escalation).where(Escalation.kind == "household_locked")).all()
        assert [e.household_pk for e in locks] == [household.id, household.id]
        assert locks[1].details["failures"] == throttling.HOUSEHOLD_LIMIT


def test_a_lift_leaves_the_calling_numbers_limit_as_it_was(database: Database) -> None:
    clock = FixedClock(NOW)
    stalker = "+815011112222"
    with database.unit_of_work() as session:
        household = add_household(session)
        for _ in range(throttling.NUMBER_LIMIT):
            _try(session, clock, WRONG_ADDRESS, number=stalker)
        _lock(session, clock, first=40)  # more numbers finish the household's count
        lift_household_lock(session, household_pk=household.id, now=clock.now(), actor=STAFF)
        assert _try(session, clock, RIGHT, number=stalker) == THROTTLED
        last = session.scalars(select(VerificationAttempt).order_by(VerificationAttempt.id.desc()).limit(1)).one()
        assert last.reason == "locked_number"
        assert isinstance(_try(session, clock, RIGHT, number="+819011110001"), Verified)


def test_a_lift_is_audited_as_the_staff_member_with_ids_only(database: Database) -> None:
    clock = FixedClock(NOW)
    with database.unit_of_work() as session:
        household = _locked_household(session, clock)
        lift_household_lock(session, household_pk=household.id, now=clock.now(), actor=STAFF)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.lock_lifted")).one()
        reset = session.scalars(select(VerificationAttempt).where(VerificationAttempt.outcome == "reset")).one()
        assert (entry.actor, entry.household_pk) == (STAFF, household.id)
        assert entry.detail == {"attempt_id": reset.id, "failures": throttling.HOUSEHOLD_LIMIT, "dv": False}
        text = json.dumps(entry.detail, ensure_ascii=False)
    assert not any(value in text for value in ("髙橋", "高橋", "光が丘", "9011110001", "10000001"))


def test_the_reset_row_is_recorded_as_a_staff_reset_with_no_number(database: Database) -> None:
    clock = FixedClock(NOW)
    with database.unit_of_work() as session:
        household = _locked_household(session, clock)
        lift_household_lock(session, household_pk=household.id, now=clock.now(), actor=STAFF)
        reset = session.scalars(select(VerificationAttempt).where(VerificationAttempt.outcome == "reset")).one()
        assert (reset.method, reset.channel, reset.reason, reset.calling_number, reset.fields) == (
            "staff", "staff", "lifted_by_staff", "", {})


def test_the_reset_row_counts_as_neither_a_failure_nor_a_success(database: Database) -> None:
    clock = FixedClock(NOW)
    with database.unit_of_work() as session:
        household = add_household(session)
        for n in range(throttling.HOUSEHOLD_LIMIT - 1):
            _try(session, clock, WRONG_ADDRESS, number=f"+8150111100{n:02d}")
        _try(session, clock, WRONG_ADDRESS, number="+815011112222")
        lift_household_lock(session, household_pk=household.id, now=clock.now(), actor=STAFF)
        counts = {outcome: len(session.scalars(select(VerificationAttempt.id).where(
            VerificationAttempt.outcome == outcome)).all()) for outcome in ("refused", "verified", "reset")}
        assert counts == {"refused": throttling.HOUSEHOLD_LIMIT, "verified": 0, "reset": 1}
        assert not throttling.counts_as_failure(throttling.RESET_REASON)
        assert throttling.caller_lock(session, calling_number="", conversation_key="", now=clock.now()) is None
        assert throttling.household_failures(session, household_pk=household.id, now=clock.now()) == 0


def test_a_household_that_is_not_locked_cannot_be_lifted(database: Database) -> None:
    clock = FixedClock(NOW)
    with database.unit_of_work() as session:
        household = add_household(session)
        _try(session, clock, WRONG_ADDRESS, number="+815011112222")
        with pytest.raises(NotLocked):
            lift_household_lock(session, household_pk=household.id, now=clock.now(), actor=STAFF)
        assert session.scalars(select(VerificationAttempt).where(VerificationAttempt.outcome == "reset")).all() == []
