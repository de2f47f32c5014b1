"""The labelled corpus through the pure matching layer: no impostor may pass; false rejects are reported."""
from __future__ import annotations

import collections
import datetime as dt

import pytest
from identity_corpus import Attempt, HouseholdRecord, corpus

from azukari.identity.address import grade_address, parse_address, parse_registered
from azukari.identity.decision import decide
from azukari.identity.matching import grade_name, prepare_name

# Measured false-reject rate is 1.33% (homophone kanji that neither the analyser nor the dictionary's
# given-name entries read as registered); the bound catches a matcher that has become much stricter.
MAX_FALSE_REJECT_RATE = 0.03


def _accepted(attempt: Attempt, candidates: list[tuple[HouseholdRecord, int, str, str]]) -> int | None:
    name, guardian, address = prepare_name(attempt.child_name), prepare_name(attempt.guardian_name), \
        parse_address(attempt.address)
    return decide({cid: grade_name(name, name=cn, kana=ck) for _, cid, cn, ck in candidates},
                  {cid: grade_address(address, parse_registered(h.address)) for h, cid, _, _ in candidates},
                  {cid: grade_name(guardian, name=h.guardian_name, kana=h.guardian_kana)
                   for h, cid, _, _ in candidates}).child_id


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[Attempt, int | None]]:
    registry, attempts = corpus()
    by_birthdate: dict[dt.date, list[tuple[HouseholdRecord, int, str, str]]] = collections.defaultdict(list)
    for h in registry:
        for c in h.children:
            by_birthdate[c.birthdate].append((h, c.id, c.name, c.kana))
    return [(a, _accepted(a, by_birthdate[a.birthdate])) for a in attempts]


def test_the_corpus_is_big_enough(outcomes: list[tuple[Attempt, int | None]]) -> None:
    kinds = collections.Counter(a.kind for a, _ in outcomes)
    assert kinds.pop("genuine") >= 2000
    assert sum(kinds.values()) >= 10000 and len(kinds) == 6


def test_no_impostor_is_ever_accepted(outcomes: list[tuple[Attempt, int | None]]) -> None:
    accepted = [a for a, child in outcomes if a.kind != "genuine" and child is not None]
    assert accepted == []


def test_no_genuine_caller_is_taken_for_another_child(outcomes: list[tuple[Attempt, int | None]]) -> None:
    assert [a for a, child in outcomes if a.kind == "genuine" and child not in (None, a.target_child)] == []


def test_the_false_reject_rate_stays_low(outcomes: list[tuple[Attempt, int | None]]) -> None:
    genuine = [child for a, child in outcomes if a.kind == "genuine"]
    rate = genuine.count(None) / len(genuine)
    print(f"false reject rate {rate:.2%} of {len(genuine)} genuine attempts")
    assert rate <= MAX_FALSE_REJECT_RATE
