"""The kinds of attempt issue 18 added: two nears from a genuine caller, and impostors who say a wrong given
name with everything else right or one slip off the child's with the flat number left out."""
from __future__ import annotations

import random
from collections.abc import Iterator

from identity_corpus import (
    CHILD_NAMES,
    COMMON,
    Attempt,
    HouseholdRecord,
    halves,
    hira,
    recognition_slip,
    spoken_address,
    spoken_name,
    voiced,
)


def genuine_slip_without_flat(rng: random.Random, registry: list[HouseholdRecord], count: int) -> Iterator[Attempt]:
    """Genuine callers whose given name the recogniser slips on and who leave out the flat number: two nears,
    which the rule refuses (the price of allowing one); counted apart so the price is visible."""
    flats = [h for h in registry if h.numbers[3] is not None]
    for _ in range(count):
        h = rng.choice(flats)
        c = rng.choice(h.children)
        if (slipped := recognition_slip(rng, halves(c.kana)[1])) is None:
            continue
        yield Attempt("genuine_slip_no_flat", c.id, _slipped_name(rng, c.name, c.kana, slipped), c.birthdate,
                      spoken_address(rng, h, drop_room=True), spoken_name(rng, h.guardian_name, h.guardian_kana))


def _slipped_name(rng: random.Random, name: str, kana: str, given_kana: str) -> str:
    family, _ = halves(name)
    fkana, _ = halves(kana)
    return rng.choice([f"{family.translate(COMMON)}{hira(given_kana)}", f"{hira(fkana)}{hira(given_kana)}",
                       f"{fkana} {given_kana}"])


def wrong_given_name(rng: random.Random, registry: list[HouseholdRecord], count: int) -> Iterator[Attempt]:
    """Everything right but the child's given name, which is another name (結翔 for a registered 悠人), said as
    a recogniser might give it; never a sibling's name (a twin's would be that twin's true answers)."""
    for _ in range(count):
        h = rng.choice(registry)
        c = rng.choice(h.children)
        family, _ = halves(c.name)
        fkana, _ = halves(c.kana)
        taken = {halves(s.kana)[1] for s in h.children}
        others = [(n, k) for n, k in CHILD_NAMES if k not in taken]
        # Half of them sound alike from the first kana (ユイト for ユウト), the hardest wrong names to tell.
        alike = [(n, k) for n, k in others if k[0] == halves(c.kana)[1][0]]
        other, okana = rng.choice(alike if alike and rng.random() < 0.5 else others)
        yield Attempt("wrong_given_name", None, voiced(rng, f"{family} {other}", f"{fkana} {okana}"), c.birthdate,
                      spoken_address(rng, h), spoken_name(rng, h.guardian_name, h.guardian_kana))


def near_given_name_without_flat(rng: random.Random, registry: list[HouseholdRecord], count: int
                                 ) -> Iterator[Attempt]:
    """Someone who knows the family but not the flat number, and says a given name one slip off the child's
    (ユト for ユウト, as a different name would be): two nears, so only the one-near rule refuses them."""
    flats = [h for h in registry if h.numbers[3] is not None]
    for _ in range(count):
        h = rng.choice(flats)
        c = rng.choice(h.children)
        if (off := recognition_slip(rng, halves(c.kana)[1])) is None:
            continue
        yield Attempt("near_given_name_no_flat", None, _slipped_name(rng, c.name, c.kana, off), c.birthdate,
                      spoken_address(rng, h, drop_room=True), spoken_name(rng, h.guardian_name, h.guardian_kana))
