"""Grading one spoken name against one registered name: match, near or fail, by characters and by reading."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import Levenshtein

from azukari.identity.hangul import hangul_readings, has_hangul
from azukari.identity.hanzi import han_key, han_sound, sounds_alike
from azukari.identity.latin import grade_card_name, grade_romaji, romaji_cuts, words
from azukari.identity.normalize import kana_key, name_parts, normalize_text, vowel_of
from azukari.identity.readings import has_latin, normalized, reading, romaji_to_text, second_reading, tokens

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
                      han_key(spoken) if language == "zh" else "")


@lru_cache(maxsize=65536)
def _registered(name: str, kana: str) -> tuple[str, str, str, str]:
    # Registered names only (never speech): the same few thousand are graded again and again.
    family_c, given_c = (normalize_text(p) for p in name_parts(name))
    family_k, given_k = (kana_key(p) for p in name_parts(kana))
    return family_c, given_c, family_k, given_k


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
    grades: list[Grade] = [_grade_japanese(spoken, name=name, kana=kana)]
    if spoken.latin:
        if has_latin(name):
            grades.append(grade_card_name(spoken.latin, name=name))
        elif grade_romaji(spoken.romaji, kana=kana):
            grades.append("match")
    if spoken.han:
        grades.append(_grade_han(spoken.han, name))
    return best(*grades)


@lru_cache(maxsize=65536)
def _registered_han(name: str) -> tuple[str, tuple[frozenset[str], ...]]:
    family, given = name_parts(name)
    return han_key(family), han_sound(han_key(given))


def _grade_han(said: str, name: str) -> Grade:
    """Characters in any Chinese form: equal ones match; the family name's and the given name's sound near."""
    family, given_sound = _registered_han(name)
    if not family or not said.startswith(family):
        return "fail"
    given = said[len(family):]
    if given and sounds_alike(han_sound(given), given_sound):
        return "match" if said == han_key(name) else "near"
    return "fail"


def _grade_japanese(spoken: SpokenName, *, name: str, kana: str) -> Grade:
    """The family name must agree exactly (by characters or reading); the given name may be one slip off."""
    family_c, given_c, family_k, given_k = _registered(name, kana)
    if not family_c or not family_k:
        # Registered without a space between the names: no part can be forgiven, only equality counts.
        whole_c, whole_k = normalize_text(name), kana_key(kana)
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
