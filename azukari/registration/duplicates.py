"""Finding children registered twice, in two households (issue 27, item 1).

Two children of different households are suspected to be one when they share a birthdate and their names
agree as verification reads names (`identity.keys`): the same characters once variant kanji, width and
spacing are folded (髙橋/高橋), or the same reading (a name typed in kana alone, ユート/ユウト). A reading
one recognition slip away (`matching.compare_kana`: ハルト/ハルド) counts only when a guardian or the
address is also in common. Such a pair is stored (`households.pairs`), counts as one child for the booking
rules until staff merge or dismiss it, and is listed by the importer and in the console. A child staff removed
from its registration (`Child.removed_at`) is never paired, and the pairs it was in end with its removal.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from azukari.households.models import Child, Household
from azukari.households.pairs import ENDED, OPEN, SuspectedDuplicate, forget_groups, ordered
from azukari.identity import keys as k
from azukari.identity.matching import compare_kana
from azukari.identity.stored_keys import child_name_keys, guardian_keys, household_address_keys


@dataclass(frozen=True)
class NameFacts:
    """What two names are compared by: the folded characters and the reading (`keys.split_packed`)."""

    chars: str
    reading: str

    @classmethod
    def unpack(cls, packed: str) -> NameFacts:
        fields = k.split_packed(packed)
        return cls(fields[k.WHOLE_C], fields[k.WHOLE_K])


def same_name(one: NameFacts, other: NameFacts) -> bool:
    """Equal characters, equal readings, or one written in kana what the other reads (pure)."""
    agree = ((one.chars, other.chars), (one.reading, other.reading), (one.chars, other.reading),
             (one.reading, other.chars))
    return any(x and x == y for x, y in agree)


def near_name(one: NameFacts, other: NameFacts) -> bool:
    """A reading one recognition slip away from the other's (the rule verification uses)."""
    return compare_kana(one.reading, other.reading) != "fail"


def same_address(one: str, other: str) -> bool:
    """Packed addresses (`keys.pack_address`) naming the same ward, town and block numbers."""
    a, b = k.split_packed(one), k.split_packed(other)
    return bool(a[k.NUMBERS]) and a[2:k.NUMBERS + 1] == b[2:k.NUMBERS + 1]


@dataclass(frozen=True)
class Pair:
    child_a: int
    child_b: int
    household_a: int
    household_b: int
    strength: str


def find_pairs(session: Session, child_ids: Collection[int]) -> list[Pair]:
    """Every suspected duplicate of the given children among all registered children (pairs, lower id first)."""
    if not child_ids:
        return []
    born: dict[dt.date, set[int]] = defaultdict(set)
    ids = sorted(set(child_ids))
    for start in range(0, len(ids), 500):
        query = select(Child.id, Child.birthdate).where(Child.id.in_(ids[start:start + 500]),
                                                        Child.removed_at.is_(None))
        for cid, birthdate in session.execute(query):
            born[birthdate].add(cid)
    found: list[Pair] = []
    for birthdate, wanted in sorted(born.items()):
        found.extend(_pairs_of_day(session, birthdate, wanted))
    return found


def _pairs_of_day(session: Session, birthdate: dt.date, wanted: set[int]) -> Iterable[Pair]:
    candidates = {cid: NameFacts.unpack(packed) for cid, packed in child_name_keys(session, birthdate=birthdate)}
    if len(candidates) < 2:
        return []
    homes = {cid: home for cid, home in session.execute(
        select(Child.id, Child.household_pk).where(Child.birthdate == birthdate))}
    likely: dict[tuple[int, int], bool] = {}  # pair -> the names agree outright (else: a near reading)
    for cid in sorted(wanted & candidates.keys()):
        for other, facts in candidates.items():
            if other == cid or homes.get(other) == homes.get(cid) or ordered(cid, other) in likely:
                continue
            if same_name(candidates[cid], facts):
                likely[ordered(cid, other)] = True
            elif near_name(candidates[cid], facts):
                likely[ordered(cid, other)] = False
    if not likely:
        return []
    members = {c for pair in likely for c in pair}
    guardians = {cid: NameFacts.unpack(p) for cid, p in guardian_keys(session, child_ids=members)}
    addresses = dict(household_address_keys(session, child_ids=members))
    pairs: list[Pair] = []
    for (a, b), outright in sorted(likely.items()):
        guardian = a in guardians and b in guardians and same_name(guardians[a], guardians[b])
        address = a in addresses and b in addresses and same_address(addresses[a], addresses[b])
        if not outright and not (guardian or address):
            continue
        strength = ("guardian_address" if guardian and address else "guardian" if guardian
                    else "address" if address else "name")
        pairs.append(Pair(a, b, homes[a], homes[b], strength))
    return pairs


def record_pairs(session: Session, child_ids: Collection[int], *, now: dt.datetime) -> list[SuspectedDuplicate]:
    """Find and store the suspected duplicates of these children; the open pairs they are in (new or not).

    A pair staff dismissed stays dismissed: finding it again does not reopen it.
    """
    pairs = find_pairs(session, child_ids)
    if not pairs:
        return []
    stored = _stored(session, {c for p in pairs for c in (p.child_a, p.child_b)})
    for pair in pairs:
        if (pair.child_a, pair.child_b) in stored:
            continue
        row = SuspectedDuplicate(child_a=pair.child_a, child_b=pair.child_b, household_a=pair.household_a,
                                 household_b=pair.household_b, strength=pair.strength, status=OPEN, found_at=now)
        session.add(row)
        stored[(pair.child_a, pair.child_b)] = row
    session.flush()
    forget_groups(session)
    wanted = {(p.child_a, p.child_b) for p in pairs}
    return [row for key, row in sorted(stored.items()) if key in wanted and row.status == OPEN]


def end_pairs(session: Session, *, child_id: int, now: dt.datetime) -> int:
    """The child was removed from its registration: its open pairs end (neither merged nor dismissed), so the
    booking rules stop counting it with the other child. How many ended.

    One UPDATE, taken before the child's row is written: the order a merge locks a pair and then its children.
    """
    result = session.execute(update(SuspectedDuplicate).where(
        SuspectedDuplicate.status == OPEN,
        or_(SuspectedDuplicate.child_a == child_id, SuspectedDuplicate.child_b == child_id))
        .values(status=ENDED, decided_at=now))
    forget_groups(session)
    return int(getattr(result, "rowcount", 0) or 0)


def _stored(session: Session, child_ids: set[int]) -> dict[tuple[int, int], SuspectedDuplicate]:
    ids = sorted(child_ids)
    out: dict[tuple[int, int], SuspectedDuplicate] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in session.scalars(select(SuspectedDuplicate).where(SuspectedDuplicate.child_a.in_(chunk))):
            out[(row.child_a, row.child_b)] = row
    return out


def open_pairs(session: Session) -> list[tuple[SuspectedDuplicate, Child, Child]]:
    """The pairs staff have yet to decide, oldest first, with both children (and their households) loaded."""
    rows = session.scalars(select(SuspectedDuplicate).where(SuspectedDuplicate.status == OPEN)
                           .order_by(SuspectedDuplicate.found_at, SuspectedDuplicate.id)).all()
    out = []
    for row in rows:
        a, b = session.get(Child, row.child_a), session.get(Child, row.child_b)
        if a is not None and b is not None:
            out.append((row, a, b))
    return out


def household_ids(session: Session, pks: Collection[int]) -> dict[int, str]:
    """世帯ID by internal key."""
    if not pks:
        return {}
    rows = session.execute(select(Household.id, Household.household_id).where(Household.id.in_(sorted(set(pks)))))
    return {pk: household_id for pk, household_id in rows}
