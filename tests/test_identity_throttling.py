"""Throttling from the attempts table: per number, per household, and the shared pool of withheld callers."""
from __future__ import annotations

import datetime as dt

from identity_households import add_household
from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.db import Database
from azukari.identity import throttling
from azukari.identity.models import VerificationAttempt
from azukari.identity.verification import AttemptContext, Outcome, Refused, Verified, verify_by_knowledge
from azukari.oversight.models import Escalation

NOW = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)
RIGHT = {"child_name": "高橋陽翔", "birthdate": dt.date(2024, 5, 1), "address": "練馬区光が丘2-3-1-204",
         "guardian_name": "髙橋美咲"}
NOBODY = {**RIGHT, "child_name": "山田太郎", "birthdate": dt.date(2020, 1, 1)}  # names no household
WRONG_ADDRESS = {**RIGHT, "address": "練馬区光が丘2-3-9"}  # names the 髙橋 household

THROTTLED = Refused("verification_throttled")  # every refusal of a locked caller or household


def _try(session: Session, answers: dict[str, object], *, number: str | None, key: str = "CA1",
         now: dt.datetime = NOW) -> Outcome:
    context = AttemptContext(channel="voice", calling_number=number, conversation_key=key)
    return verify_by_knowledge(session, context=context, now=now, **answers)  # type: ignore[arg-type]


def test_a_number_is_refused_after_its_failure_limit_even_with_right_answers(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        for _ in range(throttling.NUMBER_LIMIT):
            _try(session, NOBODY, number="+815011112222")
        assert _try(session, RIGHT, number="+815011112222") == THROTTLED
        assert isinstance(_try(session, RIGHT, number="+815033334444"), Verified)


def test_a_number_below_its_limit_still_verifies(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        for _ in range(throttling.NUMBER_LIMIT - 1):
            _try(session, NOBODY, number="+815011112222")
        assert isinstance(_try(session, RIGHT, number="+815011112222"), Verified)


def test_a_number_lock_lifts_after_a_day(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        for _ in range(throttling.NUMBER_LIMIT):
            _try(session, NOBODY, number="+815011112222")
        later = NOW + throttling.WINDOW + dt.timedelta(minutes=1)
        assert isinstance(_try(session, RIGHT, number="+815011112222", now=later), Verified)


def test_a_household_is_locked_after_its_failure_limit_from_many_numbers(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        for n in range(throttling.HOUSEHOLD_LIMIT):
            _try(session, WRONG_ADDRESS, number=f"+8150111100{n:02d}")
        assert _try(session, RIGHT, number="+815099998888") == THROTTLED
        last = session.scalars(select(VerificationAttempt).order_by(VerificationAttempt.id.desc()).limit(1)).one()
        assert last.reason == "locked_household"


def test_a_household_lock_opens_one_escalation_for_staff(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session)
        for n in range(throttling.HOUSEHOLD_LIMIT + 2):
            _try(session, WRONG_ADDRESS, number=f"+8150111100{n:02d}")
        locks = session.scalars(select(Escalation).where(Escalation.kind == "household_locked")).all()
        assert [(e.household_pk, e.security_alert) for e in locks] == [(household.id, True)]


def test_one_withheld_caller_does_not_lock_out_other_withheld_callers(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        for _ in range(throttling.NUMBER_LIMIT):
            _try(session, NOBODY, number="anonymous", key="CA-flood")
        assert _try(session, RIGHT, number=None, key="CA-flood") == THROTTLED
        assert isinstance(_try(session, RIGHT, number=None, key="CA-other"), Verified)


def test_a_flood_of_withheld_failures_closes_the_withheld_pool_for_its_window(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        for n in range(throttling.WITHHELD_POOL_LIMIT):
            _try(session, NOBODY, number="anonymous", key=f"CA-{n}")
        assert _try(session, RIGHT, number="anonymous", key="CA-new") == THROTTLED
        assert isinstance(_try(session, RIGHT, number="+815033334444"), Verified)
        later = NOW + throttling.WITHHELD_POOL_WINDOW + dt.timedelta(minutes=1)
        assert isinstance(_try(session, RIGHT, number="anonymous", key="CA-later", now=later), Verified)


def test_refusals_of_a_locked_number_do_not_count_against_the_household(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session)
        for _ in range(throttling.HOUSEHOLD_LIMIT + 3):
            _try(session, WRONG_ADDRESS, number="+815011112222")
        assert throttling.household_failures(session, household_pk=household.id, now=NOW) == throttling.NUMBER_LIMIT
        assert isinstance(_try(session, RIGHT, number="+815033334444"), Verified)
