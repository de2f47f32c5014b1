"""A slice of the corpus through verify_by_knowledge on the real databases: same verdicts as the pure layer."""
from __future__ import annotations

import datetime as dt

from identity_corpus import corpus
from identity_households import add_household
from sqlalchemy import select

from azukari.db import Database
from azukari.households.phone import ANONYMOUS, caller_number
from azukari.identity.models import VerificationAttempt
from azukari.identity.verification import AttemptContext, Refused, Verified, verify_by_knowledge

NOW = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)
# Reasons the matcher gives; a lock would mean the attempt never reached it.
MATCHER_REASONS = {"verified", "ambiguous", "unknown_child", "child_name", "address", "guardian_name",
                   "too_many_near"}


def test_a_corpus_slice_verifies_genuine_callers_and_refuses_every_impostor(database: Database) -> None:
    registry, attempts = corpus(seed=11, genuine_count=30, impostors_each=12, households=60)
    with database.unit_of_work() as session:
        child_ids: dict[int, int] = {}
        for h in registry:
            row = add_household(session, household_id=f"{h.id:08d}", guardian_name=h.guardian_name,
                                guardian_kana=h.guardian_kana, address=h.address,
                                children=tuple((c.name, c.kana, c.birthdate) for c in h.children))
            child_ids.update({c.id: row_child.id for c, row_child in zip(h.children, row.children, strict=True)})
        verdicts = []
        for n, a in enumerate(attempts):
            # A real mobile number each, so no attempt meets the withheld-caller pool; each attempt is rolled
            # back once read, so none meets a household lock another set (tests/test_identity_throttling.py).
            number = f"+81901{n:07d}"
            assert caller_number(number) != ANONYMOUS
            with session.begin_nested() as attempt:
                outcome = verify_by_knowledge(session, child_name=a.child_name, birthdate=a.birthdate,
                                              address=a.address, guardian_name=a.guardian_name, now=NOW,
                                              context=AttemptContext("voice", number, f"CA{n}"),
                                              language=a.language)
                reason = session.scalars(select(VerificationAttempt.reason)
                                         .order_by(VerificationAttempt.id.desc())).first()
                attempt.rollback()
            verdicts.append((a, outcome, reason))
        assert {reason for _, _, reason in verdicts} <= MATCHER_REASONS
        assert [a.kind for a, o, _ in verdicts if a.target_child is None and not isinstance(o, Refused)] == []
        genuine = [(a, o) for a, o, _ in verdicts if a.kind == "genuine" or a.kind.endswith(":genuine")]
        assert all(isinstance(o, Refused) or (isinstance(o, Verified) and o.child_id == child_ids[a.target_child or 0])
                   for a, o in genuine)
        assert sum(isinstance(o, Verified) for _, o in genuine) >= 0.9 * len(genuine)
        assert len({a.kind for a, _, _ in verdicts if a.target_child is None}) >= 15
        assert {a.language for a, _ in genuine} == {"ja", "en", "zh", "ko"}
