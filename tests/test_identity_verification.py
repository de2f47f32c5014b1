"""Verification against the database: who passes, the one refusal, and what is recorded."""
from __future__ import annotations

import collections
import datetime as dt
import json
import time
from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from identity_households import add_household
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from azukari.db import Database
from azukari.identity import throttling
from azukari.identity.models import VerificationAttempt
from azukari.identity.verification import (
    REFUSED,
    AttemptContext,
    Outcome,
    Refused,
    Verified,
    decide_by_knowledge,
    grade_addresses,
    grade_child_names,
    grade_guardians,
    verify_by_household_id,
    verify_by_knowledge,
)
from azukari.oversight.models import AuditEntry, Escalation

NOW = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)
BORN = dt.date(2024, 5, 1)
CALLER = AttemptContext(channel="voice", calling_number="090-5555-0101", conversation_key="CA1")
RIGHT = {"child_name": "高橋陽翔", "birthdate": BORN, "address": "練馬区光が丘2-3-1-204",
         "guardian_name": "たかはし みさき"}


def _caller(n: int) -> AttemptContext:
    return AttemptContext(channel="voice", calling_number=f"+8190555502{n:02d}", conversation_key=f"CA{n}")


def _knowledge(session: Session, context: AttemptContext = CALLER, **changes: object) -> Outcome:
    answers = {**RIGHT, **changes}
    return verify_by_knowledge(session, context=context, now=NOW, **answers)  # type: ignore[arg-type]


@pytest.mark.parametrize("spoken", ["髙橋 陽翔", "高橋陽翔", "たかはしはると"])
def test_the_child_name_verifies_in_kanji_variant_common_kanji_and_kana(database: Database, spoken: str) -> None:
    with database.unit_of_work() as session:
        household = add_household(session)
        outcome = _knowledge(session, child_name=spoken, address="東京都練馬区光が丘二丁目3番1-204号")
        assert outcome == Verified(household_pk=household.id, child_id=household.children[0].id, dv=False)


def test_a_dv_household_verifies_carrying_its_flag(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session, dv=True)
        outcome = _knowledge(session)
        assert isinstance(outcome, Verified) and outcome.dv


def test_every_refusal_of_an_ordinary_household_is_one_and_the_same_value(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        add_household(session, household_id="10000002", registered_on=dt.date(2025, 1, 1),
                      children=(("佐藤 さくら", "サトウ サクラ", dt.date(2023, 3, 3)),), guardian_name="佐藤 健一",
                      guardian_kana="サトウ ケンイチ", address="東京都練馬区関町北四丁目5番6号")
        refusals = [
            _knowledge(session, _caller(1), address="練馬区光が丘2-3-2-204"),
            _knowledge(session, _caller(2), child_name="存在しない子", birthdate=dt.date(2022, 2, 22)),
            _knowledge(session, _caller(3), guardian_name="別人 太郎"),
            _knowledge(session, _caller(4), child_name="佐藤さくら", birthdate=dt.date(2023, 3, 3),
                       address="関町北4-5-6", guardian_name="佐藤健一"),  # expired registration
            verify_by_household_id(session, household_id="99999999", pin="4821", birthdate=BORN,
                                   context=_caller(5), now=NOW),
            verify_by_household_id(session, household_id="10000001", pin="0000", birthdate=BORN,
                                   context=_caller(6), now=NOW),
        ]
        assert all(r == REFUSED == Refused("verification_failed") for r in refusals)
        reasons = session.scalars(select(VerificationAttempt.reason).order_by(VerificationAttempt.id)).all()
        assert reasons == ["address", "unknown_child", "guardian_name", "expired", "unknown_id", "pin"]


def test_a_surname_one_kana_off_is_refused(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        assert _knowledge(session, guardian_name="かたはし みさき") == REFUSED


def test_the_id_path_verifies_with_pin_and_the_childs_birthdate(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session)
        outcome = verify_by_household_id(session, household_id="10000001", pin="4821", birthdate=BORN,
                                         context=CALLER, now=NOW)
        assert outcome == Verified(household_pk=household.id, child_id=household.children[0].id, dv=False)


def test_an_unknown_household_id_still_costs_an_argon2_verify(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        started = time.perf_counter()
        outcome = verify_by_household_id(session, household_id="99999999", pin="4821", birthdate=BORN,
                                         context=CALLER, now=NOW)
        elapsed = time.perf_counter() - started
        assert outcome == REFUSED
        assert elapsed > 0.010  # a lookup alone takes ~1 ms; one argon2 verify takes ~25 ms


def test_grades_kept_in_json_state_decide_like_the_originals(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session)
        children = grade_child_names(session, birthdate=BORN, spoken=RIGHT["child_name"])  # type: ignore[arg-type]
        addresses = grade_addresses(session, child_ids=children, spoken="光が丘二丁目三番一の二〇四")
        guardians = grade_guardians(session, child_ids=children, spoken="髙橋美咲")
        state = json.loads(json.dumps({"c": children, "a": addresses, "g": guardians}))
        outcome = decide_by_knowledge(session, child_grades=state["c"], address_grades=state["a"],
                                      guardian_grades=state["g"], context=CALLER, now=NOW)
        assert outcome == Verified(household_pk=household.id, child_id=household.children[0].id, dv=False)


def test_the_audit_and_attempt_record_which_fields_matched_but_never_what_was_said(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session)
        _knowledge(session, address="練馬区光が丘9-9-9")
        attempt = session.scalars(select(VerificationAttempt)).one()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "verification")).one()
        assert (attempt.reason, attempt.household_pk, attempt.calling_number) == ("address", household.id,
                                                                                  "+819055550101")
        assert attempt.fields == {"child_name": "match", "address": "fail", "guardian_name": "match"}
        assert entry.actor == "bot" and entry.detail["fields"] == attempt.fields
        recorded = json.dumps([entry.detail, attempt.fields], ensure_ascii=False)
        assert not any(said in recorded for said in ("高橋", "陽翔", "みさき", "光が丘", "9-9-9"))


def test_a_withheld_number_is_recorded_as_anonymous(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        verify_by_knowledge(session, context=AttemptContext("sms", None, "k1"), now=NOW,
                            **{**RIGHT, "guardian_name": "誰か"})  # type: ignore[arg-type]
        assert session.scalars(select(VerificationAttempt.calling_number)).one() == "anonymous"


def test_a_failed_attempt_naming_a_dv_household_carries_it_for_the_staff_case_and_opens_none_itself(
        database: Database) -> None:
    # The channel opens the one case its ending opens (a DV success opens one too): right and wrong
    # answers then run the same statements (tests/test_voice_no_oracle.py).
    with database.unit_of_work() as session:
        household = add_household(session, dv=True)
        outcome = _knowledge(session, address="練馬区光が丘1-1-1")
        assert outcome == Refused("dv_attempt", household.id) and outcome.dv
        assert session.scalars(select(Escalation)).all() == []


def test_a_locked_caller_naming_a_dv_household_is_still_a_dv_case(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session, dv=True)
        for _ in range(3):
            _knowledge(session, child_name="存在しない子")
        assert _knowledge(session) == Refused("dv_attempt", household.id)
        nobody = {"child_name": "山田太郎", "address": "杉並区阿佐谷1-1-1", "guardian_name": "山田花子"}
        assert _knowledge(session, _caller(9), **nobody) == Refused("verification_failed")
        locked = session.scalars(select(VerificationAttempt.reason).order_by(VerificationAttempt.id.desc())).all()
        assert locked[1] == "locked_number"


def test_a_failure_that_gets_nothing_right_names_no_household(database: Database) -> None:
    with database.unit_of_work() as session:
        add_household(session, dv=True)
        _knowledge(session, child_name="山田太郎", address="杉並区阿佐谷1-1-1", guardian_name="山田花子")
        assert session.scalars(select(VerificationAttempt.household_pk)).one() is None
        assert session.scalars(select(Escalation)).all() == []


def _work_of(database: Database, monkeypatch: pytest.MonkeyPatch, attempts: dict[str, object]
             ) -> dict[str, tuple[collections.Counter[str], int]]:
    """Per outcome: the statements it ran (by their first words) and the argon2 verifies it made."""
    statements: list[str] = []
    verifies: list[str] = []
    hasher_verify = PasswordHasher.verify

    def counted_verify(self: PasswordHasher, hash_: str, password: str) -> bool:
        verifies.append(hash_[:9])  # argon2's own verify, counted: the work an outcome costs
        return hasher_verify(self, hash_, password)

    def count(conn: object, cursor: object, statement: str, *rest: object) -> None:
        statements.append(" ".join(statement.split()[:3]))

    monkeypatch.setattr(PasswordHasher, "verify", counted_verify)
    event.listen(database.engine, "before_cursor_execute", count)
    out = {}
    try:
        for name, attempt in attempts.items():
            statements.clear()
            verifies.clear()
            attempt()  # type: ignore[operator]
            out[name] = (collections.Counter(statements), len(verifies))
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    return out


def test_every_outcome_of_the_id_path_does_the_same_argon2_work_and_runs_the_same_statements(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        locked = add_household(session, household_id="10000002")
        for n in range(throttling.HOUSEHOLD_LIMIT):
            verify_by_household_id(session, household_id="10000002", pin="0000", birthdate=BORN,
                                   context=_caller(40 + n), now=NOW)
        assert throttling.household_locked(session, household_pk=locked.id, now=NOW)

        def by_id(household_id: str, pin: str, n: int) -> Callable[[], Outcome]:
            return lambda: verify_by_household_id(session, household_id=household_id, pin=pin, birthdate=BORN,
                                                  context=_caller(n), now=NOW)

        by_id("10000001", "4821", 1)()  # warm: the first statements of a session differ
        work = _work_of(database, monkeypatch, {
            "success": by_id("10000001", "4821", 2), "wrong PIN": by_id("10000001", "0000", 3),
            "unknown ID": by_id("99999999", "4821", 4), "locked household": by_id("10000002", "4821", 5)})
        reasons = session.scalars(select(VerificationAttempt.reason).order_by(VerificationAttempt.id.desc())
                                  .limit(4)).all()
    assert reasons == ["locked_household", "unknown_id", "pin", "verified"]
    assert all(verifies == 1 for _, verifies in work.values()), work
    assert work["success"] == work["wrong PIN"] == work["unknown ID"] == work["locked household"], work


def test_a_throttled_caller_and_a_locked_household_on_the_knowledge_path_run_the_statements_of_a_success(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with database.unit_of_work() as session:
        add_household(session)
        for _ in range(throttling.NUMBER_LIMIT):
            _knowledge(session, _caller(30), child_name="存在しない子", birthdate=dt.date(2022, 2, 22))
        _knowledge(session, _caller(1))  # warm
        work = _work_of(database, monkeypatch, {
            "success": lambda: _knowledge(session, _caller(2)),
            "wrong address": lambda: _knowledge(session, _caller(3), address="練馬区光が丘9-9-9"),
            "throttled caller": lambda: _knowledge(session, _caller(30))})
        reasons = session.scalars(select(VerificationAttempt.reason).order_by(VerificationAttempt.id.desc())
                                  .limit(3)).all()
    assert reasons == ["locked_number", "address", "verified"]
    assert work["success"] == work["wrong address"] == work["throttled caller"], work
