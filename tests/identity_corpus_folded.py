"""Readings one romaji spelling cannot tell apart (issue 28 item 2): every pair that shares a folded romaji key,
generated from the corpus's own readings, and the English callers who use them.

`folded_pairs` takes each reading of the surname, child and adult lists and every reading one length mark or
one ン away (a ウ, オ, イ, ー or ン added or dropped: ユウキ/ユキ, カナ/カンナ, サトウ/サト); the pairs whose
`latin.romaji_key` agree are kept, none picked by hand. Impostors then say, in Hepburn, the other reading of a
pair in one name and a recognition slip in the other: two near misses, which the Japanese rule refuses and
which, while a folded hit counted as exact, English let through. Genuine passport-style callers (ユウキ as
YUKI, サトウ as SATO) are counted apart: their false rejects are the price of that rule.
"""
from __future__ import annotations

import random
from collections.abc import Iterator

import pykakasi
from identity_corpus import ADULT_NAMES, CHILD_NAMES, SURNAMES, Attempt, HouseholdRecord, halves, recognition_slip
from identity_corpus_places import romaji_address

from azukari.language.latin import romaji_key
from azukari.language.readings import romanised

_MARKS = "ウオインー"
_kakasi = pykakasi.kakasi()


def _one_mark_away(kana: str) -> set[str]:
    dropped = {kana[:i] + kana[i + 1:] for i in range(1, len(kana)) if kana[i] in _MARKS}
    added = {kana[:i] + mark + kana[i:] for i in range(1, len(kana) + 1) for mark in _MARKS}
    # ンン, ンー and ーー are no reading (a typed "nn" is one ン): only what a name can be written as.
    return {k for k in dropped | added if not any(bad in k for bad in ("ンン", "ンー", "ーー", "ッー"))} - {kana}


def folded_pairs(readings: list[str]) -> list[tuple[str, str]]:
    """(reading on the list, another reading with the same folded romaji key), sorted."""
    pairs = set()
    for kana in set(readings):
        key = romaji_key(romanised(kana))
        pairs.update((kana, other) for other in _one_mark_away(kana) if romaji_key(romanised(other)) == key)
    return sorted(pairs)


def hepburn(kana: str) -> str:
    return "".join(str(p["hepburn"]) for p in _kakasi.convert(kana)).replace("'", "")


def passport(kana: str) -> str:
    """The passport's spelling (MOFA Hepburn): long vowels left unwritten, ō as OH only when asked for."""
    return "".join(str(p["passport"]) for p in _kakasi.convert(kana)).replace("uu", "u").upper()


def _said(rng: random.Random, family: str, given: str) -> str:
    words = [hepburn(family), hepburn(given)]
    said = " ".join(words[::-1] if rng.random() < 0.7 else words)
    return rng.choice([said, said.title(), said.upper()])


def _slipped(rng: random.Random, kana: str) -> str:
    """The given name with one recognition slip; one that stays equal in romaji (a ウ dropped) is fine too.
    A name too short for the corpus's slips (リン) has its first vowel lengthened (リーン)."""
    return recognition_slip(rng, kana) or kana[:1] + "ー" + kana[1:]


def folded_impostors(rng: random.Random, registry: list[HouseholdRecord]) -> Iterator[Attempt]:
    """For every pair: the other reading in one name, a slip in the other, the address right, in English."""
    lists = {"surname": [k for _, k in SURNAMES], "child": [k for _, k in CHILD_NAMES],
             "adult": [k for _, k in ADULT_NAMES]}
    for role, readings in lists.items():
        for registered, other in folded_pairs(readings):
            for h in [h for h in registry if _has(h, role, registered)][:2]:
                c = next(c for c in h.children if role != "child" or halves(c.kana)[1] == registered)
                family, child_given = halves(c.kana)
                guardian_given = halves(h.guardian_kana)[1]
                if role == "surname":
                    child = _said(rng, other, child_given)
                    guardian = _said(rng, family, _slipped(rng, guardian_given))
                elif role == "child":
                    child = _said(rng, family, other)
                    guardian = _said(rng, family, _slipped(rng, guardian_given))
                else:
                    child = _said(rng, family, _slipped(rng, child_given))
                    guardian = _said(rng, family, other)
                yield Attempt(f"romaji:folded_pair_{role}", None, child, c.birthdate, romaji_address(rng, h),
                              guardian, "en")


def _has(h: HouseholdRecord, role: str, kana: str) -> bool:
    if role == "surname":
        return halves(h.guardian_kana)[0] == kana
    if role == "adult":
        return halves(h.guardian_kana)[1] == kana
    return any(halves(c.kana)[1] == kana for c in h.children)


def passport_callers(rng: random.Random, registry: list[HouseholdRecord], count: int) -> Iterator[Attempt]:
    """Genuine callers who spell both names as on their passports (SATO YUKI for サトウ ユウキ)."""
    for _ in range(count):
        h = rng.choice(registry)
        c = rng.choice(h.children)
        family, given = halves(c.kana)
        order = rng.random() < 0.7
        child = f"{passport(given)} {passport(family)}" if order else f"{passport(family)} {passport(given)}"
        guardian_given = halves(h.guardian_kana)[1]
        guardian = (f"{passport(guardian_given)} {passport(family)}" if order
                    else f"{passport(family)} {passport(guardian_given)}")
        yield Attempt("romaji:genuine_passport", c.id, child, c.birthdate, romaji_address(rng, h), guardian, "en")
