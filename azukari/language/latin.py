"""Names in Latin letters: residence-card names (GARCIA MARIA) and romanised Japanese readings (Ohno Shun'ichi)."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

from anyascii import anyascii

_NOT_LETTER = re.compile(r"[^a-z]")
_WORDS = re.compile(r"[\s,\-‐・･]+")
# Words a residence-card name carries that callers leave out: particles of family names (de, van, dela)
# and the Vietnamese gender-marking middle names Thị and Văn (NGUYEN THI LAN is "Lan Nguyen").
PARTICLES = frozenset({"thi", "van", "de", "del", "dela", "della", "la", "le", "da", "di", "do", "dos", "das",
                       "du", "von", "der", "den", "ter", "ten", "y", "bin", "binti", "bint", "ibn", "al", "el"})
# Hepburn, kunrei and passport spellings folded into one: kunrei consonants (sh→sy, ch→ty, j→zy, ts→t,
# f→h), m before b/m/p as n, no apostrophes, and every long vowel short (Ōno, Ohno, Oono, Ono → ono;
# Yūto, Yuuto, Yuto → yuto). Both sides go through it, so a Japanese name has one spelling.
_FOLDS = ((re.compile(r"tch"), "tty"), (re.compile(r"sh"), "sy"), (re.compile(r"ch"), "ty"),
          (re.compile(r"j"), "zy"), (re.compile(r"ts"), "t"), (re.compile(r"f"), "h"), (re.compile(r"d(?=[iu])"), "z"),
          (re.compile(r"([stz])y(?=[ie])"), r"\1"), (re.compile(r"yy"), "y"), (re.compile(r"m(?=[bmp])"), "n"),
          (re.compile(r"oh(?![aiueoy])"), "o"), (re.compile(r"ou"), "o"), (re.compile(r"ei"), "e"),
          (re.compile(r"([aiueo])\1+"), r"\1"), (re.compile(r"nn"), "n"))
# The spelling systems folded, but not the length of a vowel nor a doubled n: Ōno, Ohno, Oono, Ouno → oono
# and Yūki, Yuuki → yuuki, while Ono, Yuki and Kana stay as they are. Two names equal by this key are one
# reading spelt two ways; equal only by `romaji_key` they may be two names (オオノ/オノ, ユウキ/ユキ, カンナ/カナ).
_MACRONS = str.maketrans({"ā": "aa", "ī": "ii", "ū": "uu", "ē": "ee", "ō": "oo", "â": "aa", "î": "ii", "û": "uu",
                          "ê": "ee", "ô": "oo"})
_SPELLINGS = (*_FOLDS[:10], (re.compile(r"oh(?![aiueoy])"), "oo"), (re.compile(r"ou"), "oo"))


def words(text: str) -> tuple[str, ...]:
    """Lower-case ASCII words, diacritics folded by anyascii (Nguyễn → nguyen, Đặng → dang)."""
    return tuple(w for w in (_NOT_LETTER.sub("", anyascii(part).lower()) for part in _WORDS.split(text)) if w)


def romaji_key(word: str) -> str:
    out = _NOT_LETTER.sub("", anyascii(word).lower())
    for pattern, replacement in _FOLDS:
        out = pattern.sub(replacement, out)
    return out


def spelling_key(word: str) -> str:
    """The word with its spelling system folded and its vowel lengths and n's kept (see `_SPELLINGS`)."""
    out = _NOT_LETTER.sub("", anyascii(word.lower().translate(_MACRONS)))
    for pattern, replacement in _SPELLINGS:
        out = pattern.sub(replacement, out)
    return out


def spelt_cuts(text: str) -> frozenset[tuple[str, str]]:
    """`romaji_cuts` of the words of `text` by `spelling_key`, macrons read as long vowels."""
    return romaji_cuts(words(text.lower().translate(_MACRONS)), spelling_key)


def romaji_cuts(said: tuple[str, ...], key: Callable[[str], str] = romaji_key) -> frozenset[tuple[str, str]]:
    """Every reading of the words said as two names, in either order, each perhaps said in pieces (Shun-ichi):
    prepared once per answer, compared with each candidate's registered keys. `said` keeps its macrons."""
    if not 2 <= len(said) <= 4:
        return frozenset()
    cuts = [(key("".join(said[:cut])), key("".join(said[cut:]))) for cut in range(1, len(said))]
    return frozenset(cuts + [(given, family) for family, given in cuts])


def grade_romaji(cuts: frozenset[tuple[str, str]], spelt: frozenset[tuple[str, str]], *,
                 registered: tuple[str, str], registered_spelt: tuple[str, str]) -> Literal["match", "near", "fail"]:
    """A Japanese name said in Latin letters against the romaji keys of the katakana on file (`keys.NameKeys`),
    either order: the same reading in any spelling system (Ohno, Ōno, Oono) matches; a reading equal only once
    vowel lengths and doubled n's are folded (Ono for オオノ, Yuki for ユウキ: a passport's spelling, or
    another name) is at best near, so it spends the one near the rule allows, as ユキ for ユウキ does in kana."""
    if not (registered[0] and registered[1]) or registered not in cuts:
        return "fail"
    return "match" if registered_spelt in spelt else "near"


@lru_cache(maxsize=65536)
def _card_words(name: str) -> tuple[str, ...]:
    return words(name)


def grade_card_name(said: tuple[str, ...], *, name: str) -> Literal["match", "near", "fail"]:
    return grade_card_words(said, _card_words(name))


def grade_card_words(said: tuple[str, ...], card_words: tuple[str, ...]) -> Literal["match", "near", "fail"]:
    """A residence-card name said in any order: match, near (one middle name left out) or fail.

    Every word said must be on the card; the family name (its first word that is not a particle) and the
    last word must be said; particles may be left out, one other word only at the price of a near.
    """
    card = list(card_words)
    essential = [w for w in card if w not in PARTICLES]
    if len(essential) < 2 or not said:
        return "fail"
    remaining = list(card)
    for word in said:
        if word not in remaining:
            return "fail"
        remaining.remove(word)
    if essential[0] in remaining or card[-1] in remaining:
        return "fail"
    left_out = [w for w in remaining if w not in PARTICLES]
    return "match" if not left_out else "near" if len(left_out) == 1 else "fail"
