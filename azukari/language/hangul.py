"""Hangul names as the katakana a Japanese form gives them: 김민준 → キムミンジュン, 박지훈 → パクチフン.

The transliteration is the one Japanese newspapers and broadcasters use for Korean names (and the
one a Korean family writes in the フリガナ box when it writes the Korean sound): each syllable split
into its jamo by Unicode's arithmetic; ㄱㄷㅂㅈ unvoiced where a word starts or after a stopped
final, voiced elsewhere, as a name is said in one breath (김대중 キムデジュン, 박지성 パクチソン);
ㅓ and ㅗ both オ, ㅡ and ㅜ both ウ, as katakana cannot tell them apart; finals ㄴㅇ → ン, ㅁ → ム,
ㄹ → ル, ㄱ → ク, ㅂ → プ, the rest ッ. A family that wrote the Japanese reading of its hanja
instead (朴 ボク, 金 キン) does not match: it is refused, never mistaken, and uses the ID path.
"""
from __future__ import annotations

import re

import jaconv

_FIRST, _LAST = 0xAC00, 0xD7A3
_HANGUL = re.compile("[\uac00-\ud7a3]")
# (unvoiced, voiced) romaji per initial, in Unicode's order ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ.
_INITIALS = (("k", "g"), ("k", "k"), ("n", "n"), ("t", "d"), ("t", "t"), ("r", "r"), ("m", "m"), ("p", "b"),
             ("p", "p"), ("s", "s"), ("s", "s"), ("", ""), ("ch", "j"), ("ch", "ch"), ("ch", "ch"), ("k", "k"),
             ("t", "t"), ("p", "p"), ("h", "h"))
# Vowels in Unicode's order ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ.
_VOWELS = ("a", "e", "ya", "ye", "o", "e", "yo", "ye", "o", "wa", "we", "we", "yo", "u", "wo", "we", "wi", "yu",
           "u", "ui", "i")
# Finals in Unicode's order (none, ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ).
_FINALS = ("", "ク", "ク", "ク", "ン", "ン", "ン", "ッ", "ル", "ク", "ム", "ル", "ル", "ル", "プ", "ル", "ム", "プ",
           "プ", "ッ", "ッ", "ン", "ッ", "ッ", "ク", "ッ", "プ", "ッ")
_STOPPED = frozenset("クプッ")
_SMALL = {"a": "ァ", "i": "ィ", "e": "ェ", "o": "ォ"}
_SPECIAL = {"ti": "ティ", "tu": "トゥ", "di": "ディ", "du": "ドゥ", "wo": "ウォ", "wi": "ウィ", "we": "ウェ",
            "ye": "イェ", "ui": "ウィ"}


def has_hangul(text: str) -> bool:
    return bool(_HANGUL.search(text))


def _kana(romaji: str) -> str:
    return str(jaconv.hira2kata(jaconv.alphabet2kana(romaji)))


def _syllable(consonant: str, vowel: str) -> str:
    if consonant in ("ch", "j") and vowel[0] in "yw" and len(vowel) > 1:
        vowel = vowel[1:]  # 쵸 is 초 and 최 is 체 to a Japanese ear
    if consonant and vowel == "ye":
        vowel = "e"
    if consonant and vowel == "ui":
        vowel = "i"  # 희 → ヒ
    if consonant and vowel.startswith("w"):
        return _kana(consonant + "u") + _SMALL.get(vowel[1], "")  # 관 → クァン
    pair = consonant + vowel
    return _SPECIAL.get(pair) or _kana(pair)


def _word(word: str, flip: int = -1) -> str:
    out: list[str] = []
    final = ""
    for position, char in enumerate(word):
        index = ord(char) - _FIRST
        initial, vowel, final_index = index // 588, (index % 588) // 28, index % 28
        # As said: voiced between voiced sounds (김대중 キムデジュン), not after a stop (박지성 パクチソン).
        starts_name = (position == 0 or final in _STOPPED) != (position == flip)
        out.append(_syllable(_INITIALS[initial][0 if starts_name else 1], _VOWELS[vowel]))
        final = _FINALS[final_index]
        out.append(final)
    return "".join(out)


def hangul_to_katakana(text: str, *, flip: int = -1, one_breath: bool = True) -> str:
    """The Hangul in `text` as katakana, a name said in one breath (a space between family and given name
    is a recogniser's, not a pause) unless `one_breath` is off (an address); anything else is left as it is."""
    if one_breath:
        text = re.sub("(?<=[\uac00-\ud7a3])\\s+(?=[\uac00-\ud7a3])", "", text)
    return re.sub("[\uac00-\ud7a3]+", lambda m: _word(m.group(), flip), text)


def hangul_readings(text: str) -> tuple[str, ...]:
    """The transliteration, and the one with the given name's first consonant voiced the other way.

    Japanese forms write a given name's ㄱㄷㅂㅈ both ways (パク・チソン but パク・ジフン); in Korean the
    two are one sound, so both spellings are the same name. One-syllable family names are the rule.
    """
    said = hangul_to_katakana(text)
    flipped = hangul_to_katakana(text, flip=1)
    return (said,) if flipped == said else (said, flipped)
