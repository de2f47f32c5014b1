"""Grading one spoken name against one registered name: match, near or fail, by characters and by reading."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz.distance import Levenshtein

from azukari.identity import keys as k
from azukari.identity.keys import NameKeys, cached_name_keys, given_sound
from azukari.language.hangul import hangul_readings, has_hangul
from azukari.language.hanzi import han_key, han_sound, sounds_alike
from azukari.language.latin import grade_card_words, grade_romaji, romaji_cuts, spelt_cuts, words
from azukari.language.normalize import kana_key, vowel_of
from azukari.language.readings import has_latin, normalized, reading, romaji_to_text, second_reading, tokens

Grade = Literal["match", "near", "fail"]
GRADES: tuple[Grade, ...] = ("match", "near", "fail")
_RANK = {"match": 2, "near": 1, "fail": 0}

# A near miss is one recognition slip in a reading of at least three kana: voicing (ハルト/ハルド),
# small for large kana (シヨウ/ショウ), or a dropped or added length mark, ッ or ン (ユウマ/ユマ).
# Any other edit (ユウコ/ユウキ, サトウ/カトウ) makes another name; characters must match exactly.
NEAR_MIN_LENGTH = 3
_SLIP_MARKS = frozenset("ッンー")
# イ and ウ are length marks only after a vowel they lengthen (ケイ, ユウ, コウ); after any other (ユイ) they
# are a vowel of their own, and dropping one makes another name (ユイト/ユト/ユウト are three).
_LENGTHENS = {"イ": "イエ", "ウ": "ウオ"}
_SMALL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")


def _base(kana: str) -> str:
    """A kana without its voicing mark and at full size: バ/パ → ハ, ョ → ヨ."""
    stripped = unicodedata.normalize("NFD", kana).replace("\u3099", "").replace("\u309a", "")
    return unicodedata.normalize("NFC", stripped).translate(_SMALL)


def best(*grades: Grade) -> Grade:
    return max(grades, key=_RANK.__getitem__, default="fail")


def compare_chars(said: str, registered: str) -> Grade:
    return "match" if said and said == registered else "fail"


def compare_kana(said: str, registered: str) -> Grade:
    """Equal readings match; one recognition slip is near; any other difference fails."""
    if not said or not registered:
        return "fail"
    if said == registered:
        return "match"
    if len(registered) < NEAR_MIN_LENGTH or abs(len(said) - len(registered)) > 1:
        return "fail"
    ops = Levenshtein.editops(said, registered)
    if len(ops) != 1:
        return "fail"
    tag, src, dest = (str(x) for x in ops.as_list()[0])
    src_pos, dest_pos = int(src), int(dest)
    if tag == "replace":
        slip = _base(said[src_pos]) == _base(registered[dest_pos])
    elif tag == "delete":
        slip = _is_slip_mark(said, src_pos)
    else:
        slip = _is_slip_mark(registered, dest_pos)
    return "near" if slip else "fail"


def _is_slip_mark(kana: str, pos: int) -> bool:
    """Whether kana[pos] is a mark a recogniser drops or adds: ッ, ン, ー, or イ/ウ as a length mark."""
    char = kana[pos]
    if char in _SLIP_MARKS:
        return True
    return char in _LENGTHENS and pos > 0 and vowel_of(kana[pos - 1]) in _LENGTHENS[char]


@dataclass(frozen=True)
class _Form:
    text: str  # normalised characters
    reading: str  # kana_key of the whole reading
    # (family chars, family reading, given chars, given reading) at each morpheme boundary
    splits: tuple[tuple[str, str, str, str], ...]
    char_cuts: dict[int, str] = field(default_factory=dict)  # memo: given reading after a char cut
    second_readings: dict[str, str] = field(default_factory=dict)  # memo: pykakasi's reading per spelling


@dataclass(frozen=True)
class SpokenName:
    """What was said, prepared once and graded against each candidate; lives only for the request."""

    forms: tuple[_Form, ...]  # one per word order tried
    latin: tuple[str, ...] = ()  # the words, when said in Latin letters (folded: Nguyễn → nguyen)
    romaji: frozenset[tuple[str, str]] = frozenset()  # those words as (family, given) romaji keys
    spelt: frozenset[tuple[str, str]] = frozenset()  # and as `latin.spelling_key`s (vowel lengths kept)
    han: str = ""  # Chinese callers: the characters in one form (simplified), for any form on file


def _form(text: str) -> _Form:
    morphemes = tokens(text)
    splits = []
    for cut in range(1, len(morphemes)):
        head, tail = morphemes[:cut], morphemes[cut:]
        splits.append(("".join(s for s, _ in head), kana_key("".join(r for _, r in head)),
                       "".join(s for s, _ in tail), kana_key("".join(r for _, r in tail))))
    return _Form(text, kana_key("".join(r for _, r in morphemes)), tuple(splits))


def prepare_name(spoken: str, *, language: str = "ja") -> SpokenName:
    """`language` is the caller's (ja, en, zh, ko): it decides which scripts the name may arrive in."""
    if language == "ko" or has_hangul(spoken):
        return SpokenName(tuple(_form(normalized(reading)) for reading in hangul_readings(spoken)))
    orders = [spoken]
    split = romaji_to_text(spoken).split()
    if has_latin(spoken) and len(split) == 2:
        # English speakers say the given name first: try "given family" both ways round.
        orders.append(f"{split[1]} {split[0]}")
    # Chinese forms are folded only for Chinese callers: a Japanese recogniser writes Japanese forms, and
    # folding would make names that are different in Japan one (幹 and 乾 are both 干 in simplified).
    latin = words(spoken) if has_latin(spoken) else ()
    return SpokenName(tuple(_form(normalized(order)) for order in orders), latin, romaji_cuts(latin),
                      spelt_cuts(spoken) if latin else frozenset(), han_key(spoken) if language == "zh" else "")


def _given_after(form: _Form, family_c: str) -> str:
    if len(family_c) not in form.char_cuts:
        form.char_cuts[len(family_c)] = kana_key(reading(form.text[len(family_c):]))
    return form.char_cuts[len(family_c)]


def _compare_given(form: _Form, said_c: str, said_k: str, given_k: str) -> Grade:
    """The analyser's reading of the given name; failing that, the reading a second dictionary gives the same
    spelling (a recogniser writes ユウマ as 優真, which Sudachi reads ユウシン and pykakasi ユウマ).

    Such a spelling could be either name, so it is at best near: it spends the one near the rule allows.
    Sudachi's own list of every reading it files for a spelling as a given name is not used: it reads 結翔
    (ユイト) also as ユウト, which let a wrong given name pass as near.
    """
    if said_c not in form.second_readings:
        form.second_readings[said_c] = kana_key(second_reading(said_c))
    other = compare_kana(form.second_readings[said_c], given_k)
    return best(compare_kana(said_k, given_k), "near" if other != "fail" else "fail")


def grade_name(spoken: SpokenName, *, name: str, kana: str) -> Grade:
    """The best of the ways a name can be said: in Japanese script, in Latin letters, in Chinese forms."""
    return grade_name_keys(spoken, cached_name_keys(name, kana))


def grade_name_keys(spoken: SpokenName, registered: NameKeys) -> Grade:
    """`grade_name` against a registered name's keys (`keys.name_keys`), worked out when it was registered."""
    grades: list[Grade] = [_grade_japanese(spoken, registered)]
    if spoken.latin:
        if registered.latin:
            grades.append(grade_card_words(spoken.latin, registered.card))
        else:
            grades.append(grade_romaji(spoken.romaji, spoken.spelt, registered=registered.romaji,
                                       registered_spelt=registered.spelt))
    if spoken.han:
        grades.append(_grade_han(spoken.han, registered))
    return best(*grades)


@dataclass(frozen=True)
class _Reach:
    """Every registered key that could give a name anything but a fail against what was said, as sets."""

    chars: frozenset[str]  # prefixes of each form's characters, and the morpheme heads
    readings: frozenset[str]  # prefixes of each form's reading, and the morpheme heads' readings
    texts: frozenset[str]  # each form whole
    whole_readings: frozenset[str]
    han: frozenset[str]  # prefixes of the Chinese form


def _reach(spoken: SpokenName) -> _Reach:
    chars: set[str] = set()
    readings: set[str] = set()
    for form in spoken.forms:
        chars.update(form.text[:i] for i in range(1, len(form.text) + 1))
        readings.update(form.reading[:i] for i in range(1, len(form.reading) + 1))
        chars.update(head_c for head_c, _, _, _ in form.splits)
        readings.update(head_k for _, head_k, _, _ in form.splits)
    return _Reach(frozenset(chars), frozenset(readings), frozenset(f.text for f in spoken.forms),
                  frozenset(f.reading for f in spoken.forms),
                  frozenset(spoken.han[:i] for i in range(1, len(spoken.han) + 1)))


def grade_names(spoken: SpokenName, registered: Iterable[str]) -> list[Grade]:
    """`grade_name_keys` against every candidate's packed keys (`keys.pack_name`) at once.

    A name can grade match or near only if its family name is a prefix (or a morpheme head) of what was
    said, in characters or in reading; or, registered without a space, if it equals what was said whole;
    or its romaji keys are a reading of the Latin words said; or the first Latin word said is on its card;
    or its Chinese family name starts the Chinese form said. Those conditions are looked up in sets built
    once from what was said; only the candidates that meet one (the caller's family, in practice) are
    unpacked and graded by the full rule, and every other one is a fail, as the full rule would grade it.
    """
    reach = _reach(spoken)
    first_word = spoken.latin[0] if spoken.latin else None
    # Looked up once, not ~450 times: locals.
    chars, readings, texts, whole_readings, han = (reach.chars, reach.readings, reach.texts, reach.whole_readings,
                                                   reach.han)
    split, family_c, family_k, whole_c, whole_k = k.split_packed, k.FAMILY_C, k.FAMILY_K, k.WHOLE_C, k.WHOLE_K
    out: list[Grade] = []
    for packed in registered:
        f = split(packed)
        if f[family_c] and f[family_k]:
            possible = f[family_c] in chars or f[family_k] in readings
        else:
            possible = f[whole_c] in texts or f[whole_k] in whole_readings
        if not possible and first_word is not None:
            possible = (first_word in k.card_words(f[k.CARD]) if f[k.LATIN] == "1"
                        else (f[k.ROMAJI_F], f[k.ROMAJI_G]) in spoken.romaji)
        if not possible and han:
            possible = f[k.HAN_FAMILY] in han
        out.append(grade_name_keys(spoken, k.name_from_fields(f)) if possible else "fail")
    return out


def _grade_han(said: str, registered: NameKeys) -> Grade:
    """Characters in any Chinese form: equal ones match; the family name's and the given name's sound near."""
    family = registered.han_family
    if not family or not said.startswith(family):
        return "fail"
    given = said[len(family):]
    if given and sounds_alike(han_sound(given), given_sound(registered.han_given_sound)):
        return "match" if said == registered.han_whole else "near"
    return "fail"


def _grade_japanese(spoken: SpokenName, registered: NameKeys) -> Grade:
    """The family name must agree exactly (by characters or reading); the given name may be one slip off."""
    family_c, given_c, family_k, given_k = (registered.family_c, registered.given_c, registered.family_k,
                                            registered.given_k)
    if not family_c or not family_k:
        # Registered without a space between the names: no part can be forgiven, only equality counts.
        whole_c, whole_k = registered.whole_c, registered.whole_k
        return best(*(("match" if form.text == whole_c or form.reading == whole_k else "fail")
                      for form in spoken.forms))
    grades: list[Grade] = []
    for form in spoken.forms:
        if form.text.startswith(family_c):
            grades += [compare_chars(form.text[len(family_c):], given_c),
                       _compare_given(form, form.text[len(family_c):], _given_after(form, family_c), given_k)]
        # At each morpheme boundary: the family name may be said in kanji and the given name in kana.
        for head_c, head_k, tail_c, tail_k in form.splits:
            if head_c == family_c or head_k == family_k:
                grades += [compare_chars(tail_c, given_c), _compare_given(form, tail_c, tail_k, given_k)]
        if form.reading.startswith(family_k):
            grades.append(compare_kana(form.reading[len(family_k):], given_k))
    return best(*grades)
