"""A seeded, labelled corpus of verification attempts: genuine callers and impostors, with a registry."""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import jaconv
from identity_corpus_data import ADULT_NAMES, CHILD_NAMES, HOMOPHONES, SURNAMES, TOWNS

__all__ = ["ADULT_NAMES", "CHILD_NAMES", "HOMOPHONES", "SURNAMES", "TOWNS"]  # bench/verify.py reads them here
KANJI_DIGITS = "〇一二三四五六七八九"
COMMON = str.maketrans("髙邊邉齋﨑濱澤廣嶋冨", "高辺辺斎崎浜沢広島富")


@dataclass
class ChildRecord:
    id: int
    name: str
    kana: str
    birthdate: dt.date


@dataclass
class HouseholdRecord:
    id: int
    guardian_name: str
    guardian_kana: str
    address: str
    numbers: tuple[int, int, int, int | None]  # 丁目, 番, 号, room
    town: str
    children: list[ChildRecord] = field(default_factory=list)


@dataclass(frozen=True)
class Attempt:
    kind: str  # "genuine…" for a genuine caller, else the impostor's trick
    target_child: int | None  # the child a genuine caller is; None for impostors
    child_name: str
    birthdate: dt.date
    address: str
    guardian_name: str
    language: str = "ja"  # the caller's: how the recogniser writes what was said


def kanji_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    tens_part = "" if tens == 0 else "十" if tens == 1 else KANJI_DIGITS[tens] + "十"
    return tens_part + ("" if ones == 0 else KANJI_DIGITS[ones])


def registered_address(town: str, numbers: tuple[int, int, int, int | None]) -> str:
    chome, ban, go, room = numbers
    return f"東京都練馬区{town}{kanji_number(chome)}丁目{ban}番{go}" + (f"-{room}号" if room else "号")


def build_registry(seed: int = 20260401, households: int = 1500) -> list[HouseholdRecord]:
    """Households with 1-3 children; birthdates crowd into three years so many children share one."""
    rng = random.Random(seed)
    out: list[HouseholdRecord] = []
    child_id = 0
    for pk in range(1, households + 1):
        surname, skana = rng.choice(SURNAMES)
        given, gkana = rng.choice(ADULT_NAMES)
        town = rng.choice(TOWNS)
        numbers = (rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 20),
                   rng.choice([None, None, rng.randint(101, 905)]))
        household = HouseholdRecord(pk, f"{surname} {given}", f"{skana} {gkana}", registered_address(town, numbers),
                                    numbers, town)
        # Siblings' names never share a reading (奏太 and 颯太 are both ソウタ: no family does that).
        names = list({k: (n, k) for n, k in rng.sample(CHILD_NAMES, rng.choice([1, 1, 2, 2, 3]))}.values())
        for cname, ckana in names:
            child_id += 1
            born = dt.date(2021, 4, 1) + dt.timedelta(days=rng.randrange(3 * 365))
            household.children.append(ChildRecord(child_id, f"{surname} {cname}", f"{skana} {ckana}", born))
        out.append(household)
    return out


def hira(kana: str) -> str:
    return str(jaconv.kata2hira(kana))


def halves(text: str) -> tuple[str, str]:
    family, given = text.split(" ", 1)
    return family, given


_VOICING = dict(zip("カキクケコサシスセソタチツテトハヒフヘホガギグゲゴザジズゼゾダヂヅデドバビブベボ",
                    "ガギグゲゴザジズゼゾダヂヅデドバビブベボカキクケコサシスセソタチツテトハヒフヘホ", strict=True))
_SMALL_TO_LARGE = {"ャ": "ヤ", "ュ": "ユ", "ョ": "ヨ", "ッ": "ツ"}


def recognition_slip(rng: random.Random, kana: str) -> str | None:
    """One slip a recogniser makes in a given name: voicing, a small kana heard large, a dropped ウ/ン/ッ."""
    options = [kana[:i] + _VOICING[c] + kana[i + 1:] for i, c in enumerate(kana) if c in _VOICING]
    options += [kana[:i] + _SMALL_TO_LARGE[c] + kana[i + 1:] for i, c in enumerate(kana) if c in _SMALL_TO_LARGE]
    options += [kana[:i] + kana[i + 1:] for i, c in enumerate(kana) if c in "ウンッ" and i > 0]
    return rng.choice(options) if len(kana) >= 3 and options else None


def spoken_name(rng: random.Random, name: str, kana: str, *, slip: bool = False, homophone: bool = False) -> str:
    """The name as a recogniser or a texting parent might give it."""
    family, given = halves(name)
    fkana, gkana = halves(kana)
    spellings = [g for g in HOMOPHONES.get(gkana, []) if g != given]
    if homophone and spellings:
        return f"{family.translate(COMMON)}{rng.choice(spellings)}"
    if slip and (slipped := recognition_slip(rng, gkana)) is not None:
        return rng.choice([f"{family.translate(COMMON)}{hira(slipped)}", f"{hira(fkana)}{hira(slipped)}",
                           f"{fkana} {slipped}"])
    common = f"{family.translate(COMMON)} {given}"
    return rng.choice([
        name, common, common.replace(" ", ""), common.replace(" ", "\u3000"), f"{hira(fkana)}{hira(gkana)}",
        f"{hira(fkana)} {hira(gkana)}", kana, kana.replace(" ", ""), f"{family.translate(COMMON)}{hira(gkana)}",
        str(jaconv.z2h(kana)), f"{family}{given}"])


def spoken_address(rng: random.Random, h: HouseholdRecord, *, numbers: tuple[int, int, int, int | None] | None = None,
                   drop_room: bool = False) -> str:
    chome, ban, go, room = numbers or h.numbers
    if drop_room:
        room = None
    town = h.town.replace("が", rng.choice("がヶケ")) if rng.random() < 0.3 else h.town
    dashed = f"{chome}-{ban}-{go}" + (f"-{room}" if room else "")
    forms = [
        f"{town}{dashed}", f"練馬区{town}{dashed}", f"東京都練馬区{town}{dashed}",
        f"練馬区{town}{chome}丁目{ban}番{go}号" + (f" {room}号室" if room else ""),
        f"{town}{kanji_number(chome)}丁目{kanji_number(ban)}番{kanji_number(go)}号" + (f"{room}" if room else ""),
        f"{town}{chome}の{ban}の{go}" + (f"の{room}" if room else ""),
        str(jaconv.h2z(f"練馬区 {town} {dashed}", digit=True, ascii=True)),
        f"東京都 練馬区 {town} {chome}丁目 {ban}番地 {go}" + (f"-{room}" if room else ""),
    ]
    if numbers is None and not drop_room:
        forms.append(h.address)
    return rng.choice(forms)


def _by_birthdate(registry: list[HouseholdRecord]) -> dict[dt.date, list[tuple[HouseholdRecord, ChildRecord]]]:
    index: dict[dt.date, list[tuple[HouseholdRecord, ChildRecord]]] = {}
    for h in registry:
        for c in h.children:
            index.setdefault(c.birthdate, []).append((h, c))
    return index


def _one_kana_off(rng: random.Random, kana: str) -> str:
    """The family name with one kana replaced by another of a different sound: サトウ → カトウ."""
    pool = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
    i = rng.randrange(len(kana))
    replacement = rng.choice([k for k in pool if k != kana[i] and _VOICING.get(k) != kana[i]])
    return kana[:i] + replacement + kana[i + 1:]


def _kanji_for(kana: str) -> str | None:
    return next((s for s, k in SURNAMES if k == kana), None)


def genuine(rng: random.Random, registry: list[HouseholdRecord], count: int) -> Iterator[Attempt]:
    for _ in range(count):
        h = rng.choice(registry)
        c = rng.choice(h.children)
        slip, homophone = rng.random() < 0.2, rng.random() < 0.15
        yield Attempt("genuine", c.id, spoken_name(rng, c.name, c.kana, slip=slip, homophone=homophone), c.birthdate,
                      spoken_address(rng, h, drop_room=not slip and h.numbers[3] is not None and rng.random() < 0.1),
                      spoken_name(rng, h.guardian_name, h.guardian_kana))


def voiced(rng: random.Random, name: str, kana: str) -> str:
    """A name as an impostor's recogniser gives it: as often slipped or respelt as a genuine caller's."""
    return spoken_name(rng, name, kana, slip=rng.random() < 0.2, homophone=rng.random() < 0.15)


def impostors(rng: random.Random, registry: list[HouseholdRecord], each: int) -> Iterator[Attempt]:
    index = _by_birthdate(registry)
    # Two families with a child born the same day (and different family names, else the mix may be
    # exactly the other family's true answers).
    shared = [(pairs[0], pairs[1]) for pairs in index.values()
              if len(pairs) > 1 and halves(pairs[0][0].guardian_kana)[0] != halves(pairs[1][0].guardian_kana)[0]]
    siblings = [h for h in registry if len({c.birthdate for c in h.children}) > 1]
    for _ in range(each):
        # Same birthdate, another family: some facts are the target's, the rest the other family's.
        (t, tc), (o, oc) = rng.choice(shared)
        take = rng.choice([(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (0, 1, 1), (1, 0, 1)])
        yield Attempt("same_birthdate_other_family", None,
                      voiced(rng, *((oc.name, oc.kana) if take[0] else (tc.name, tc.kana))), tc.birthdate,
                      spoken_address(rng, o if take[1] else t),
                      voiced(rng, *((o.guardian_name, o.guardian_kana) if take[2] else
                                         (t.guardian_name, t.guardian_kana))))
        h = rng.choice(siblings)
        a, b = rng.sample([c for c in h.children], 2)
        if a.birthdate != b.birthdate:
            yield Attempt("sibling_name_other_birthdate", None, voiced(rng, a.name, a.kana), b.birthdate,
                              spoken_address(rng, h), voiced(rng, h.guardian_name, h.guardian_kana))
        h = rng.choice(registry)
        c = rng.choice(h.children)
        chome, ban, go, room = h.numbers
        moved = (chome, ban, go + rng.choice([-1, 1]) if go > 1 else go + 1, room)
        yield Attempt("neighbouring_house_number", None, voiced(rng, c.name, c.kana), c.birthdate,
                      spoken_address(rng, h, numbers=moved), voiced(rng, h.guardian_name, h.guardian_kana))
        yield _surname_off(rng, registry)
        h = rng.choice(registry)
        c = rng.choice(h.children)
        family, _ = halves(h.guardian_name)
        fkana, _ = halves(h.guardian_kana)
        yield Attempt("guardian_surname_only", None, voiced(rng, c.name, c.kana), c.birthdate,
                      spoken_address(rng, h), rng.choice([family, family.translate(COMMON), fkana, hira(fkana)]))
        yield _other_parent(rng, registry)


def _surname_off(rng: random.Random, registry: list[HouseholdRecord]) -> Attempt:
    h = rng.choice(registry)
    c = rng.choice(h.children)
    on_child = rng.random() < 0.5
    name, kana = (c.name, c.kana) if on_child else (h.guardian_name, h.guardian_kana)
    _, given = halves(name)
    fkana, gkana = halves(kana)
    off = _one_kana_off(rng, fkana)
    kanji = _kanji_for(off)
    said = rng.choice([f"{hira(off)}{hira(gkana)}", f"{off} {gkana}"] + ([f"{kanji} {given}"] if kanji else []))
    child_said = said if on_child else voiced(rng, c.name, c.kana)
    guardian_said = voiced(rng, h.guardian_name, h.guardian_kana) if on_child else said
    return Attempt("surname_one_kana_off", None, child_said, c.birthdate, spoken_address(rng, h), guardian_said)


def _other_parent(rng: random.Random, registry: list[HouseholdRecord]) -> Attempt:
    h = rng.choice(registry)
    c = rng.choice(h.children)
    family, _ = halves(h.guardian_name)
    fkana, gkana = halves(h.guardian_kana)
    other, okana = rng.choice([(n, k) for n, k in ADULT_NAMES if k != gkana])
    return Attempt("other_parent_name", None, voiced(rng, c.name, c.kana), c.birthdate, spoken_address(rng, h),
                   voiced(rng, f"{family} {other}", f"{fkana} {okana}"))


def corpus(seed: int = 7, genuine_count: int = 2100, impostors_each: int = 1700, households: int = 1500
           ) -> tuple[list[HouseholdRecord], list[Attempt]]:
    """The registry and its attempts; the same seed always gives the same corpus.

    Genuine callers come first (so that, run through the database, none meets a lock an impostor set).
    """
    from identity_corpus_folded import folded_impostors, passport_callers
    from identity_corpus_foreign import foreign_attempts, foreign_registry, romaji_attempts
    from identity_corpus_hard import genuine_slip_without_flat, near_given_name_without_flat, wrong_given_name

    registry = build_registry(households=households)
    foreign = foreign_registry(households + 1, max(c.id for h in registry for c in h.children),
                               households=max(households // 6, 6))
    rng = random.Random(seed)
    wrong_names = impostors_each * 30 // 17  # 3,000 at the default size
    folded_rng = random.Random(seed + 28)  # its own, so the attempts issue 28 added leave the others as they were
    return registry + foreign, [
        *genuine(rng, registry, genuine_count), *genuine_slip_without_flat(rng, registry, genuine_count // 7),
        *foreign_attempts(rng, foreign, genuine_count * 2 // 7), *romaji_attempts(rng, registry, genuine_count // 3),
        *passport_callers(folded_rng, registry, genuine_count // 7),
        *impostors(rng, registry, impostors_each), *wrong_given_name(rng, registry, wrong_names),
        *near_given_name_without_flat(rng, registry, impostors_each * 10 // 17),
        *folded_impostors(folded_rng, registry)]
