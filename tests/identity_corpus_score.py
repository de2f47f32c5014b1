"""Running the labelled corpus through the pure matching layer, and counting its verdicts per kind."""
from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from identity_corpus import Attempt, HouseholdRecord

from azukari.identity.address import grade_address, parse_address, parse_registered
from azukari.identity.decision import decide
from azukari.identity.matching import grade_name, prepare_name

Candidate = tuple[HouseholdRecord, int, str, str]  # household, child id, child name, child kana


def accepted(attempt: Attempt, candidates: list[Candidate]) -> int | None:
    """The child the rule verifies for this attempt, or None: exactly what verify_by_knowledge decides."""
    name = prepare_name(attempt.child_name, language=attempt.language)
    guardian = prepare_name(attempt.guardian_name, language=attempt.language)
    address = parse_address(attempt.address, language=attempt.language)
    return decide({cid: grade_name(name, name=cn, kana=ck) for _, cid, cn, ck in candidates},
                  {cid: grade_address(address, parse_registered(h.address)) for h, cid, _, _ in candidates},
                  {cid: grade_name(guardian, name=h.guardian_name, kana=h.guardian_kana)
                   for h, cid, _, _ in candidates}).child_id


def evaluate(registry: list[HouseholdRecord], attempts: Iterable[Attempt]) -> list[tuple[Attempt, int | None]]:
    by_birthdate: dict[dt.date, list[Candidate]] = collections.defaultdict(list)
    for h in registry:
        for c in h.children:
            by_birthdate[c.birthdate].append((h, c.id, c.name, c.kana))
    return [(a, accepted(a, by_birthdate[a.birthdate])) for a in attempts]


@dataclass
class Tally:
    kind: str
    genuine: bool
    attempts: int = 0
    accepted: int = 0  # for an impostor kind these are false accepts
    wrong_child: int = 0  # genuine callers verified as another child (a false accept too)

    @property
    def false_rejects(self) -> int:
        return self.attempts - self.accepted - self.wrong_child if self.genuine else 0


def tally(outcomes: Iterable[tuple[Attempt, int | None]]) -> list[Tally]:
    kinds: dict[str, Tally] = {}
    for a, child in outcomes:
        t = kinds.setdefault(a.kind, Tally(a.kind, a.target_child is not None))
        t.attempts += 1
        t.accepted += (child is not None and child == a.target_child) or (not t.genuine and child is not None)
        t.wrong_child += t.genuine and child is not None and child != a.target_child
    return sorted(kinds.values(), key=lambda t: (not t.genuine, t.kind))
