"""A facility's name in each language's own script: Latin (English), Chinese characters (中文), Hangul (한국어).

English speech synthesis cannot read kanji, and English texts must carry none, so every facility has a
Latin name: the ward's own `name_en` when it gave one, otherwise the place part of the facility's
reading romanised by pykakasi (Hepburn) with long vowels left unmarked, the way station and road signs
write them (おおいずみ → Oizumi, こうや → Koya), and "centre" after it.

A Chinese reader reads the kanji of a place as they stand, and a Mandarin voice says them in Mandarin,
as Chinese residents name Tokyo's places (练马, 池袋); the kana between them is what it cannot read. So
Chinese calls and texts name a facility by the place part of its Japanese name without the kana
joining its characters (光が丘 → 光丘, as Chinese writes the place and its station, 光丘站), in
simplified characters (練馬 → 练马, 豊玉 → 丰玉); a name with other kana or Latin letters in it falls
back to the Latin name. As Japanese says 光が丘 after the first mention and in lists (contract §4),
only a call's first mention adds the kind of place (光丘中心).

Korean readers know these places by their Japanese sound, and Korean writes a Japanese place name in
Hangul by the National Institute of Korean Language's rules for Japanese (외래어 표기법, 일본어):
ひかりがおか → 히카리가오카, ねりまかすがちょう → 네리마카스가초 (か, た at the start of a word unaspirated,
つ → 쓰, ん and っ as the syllable's final ㄴ and ㅅ, long vowels unwritten). Korean calls and texts say
the place part of the reading so (센터 after it at a call's first mention); a Korean voice reads
Hangul as Korean does, where it reads Latin letters as English.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache

from azukari.language.hanzi import han_key
from azukari.language.readings import romanised

# The generic tails of a reading; what is left is the place a parent knows the facility by.
GENERIC_READINGS = ("こどもかていしえんせんたー", "こそだてしえんせんたー", "ほいくえん", "せんたー")
# The same tails as the name writes them, and what Chinese and Korean call that kind of place.
GENERIC_NAMES = (("子ども家庭支援センター", "中心", "센터"), ("子育て支援センター", "中心", "센터"),
                 ("保育園", "保育园", "보육원"), ("センター", "中心", "센터"))
# Hepburn as signs write it drops the macron: ō written ou or oo, ū written uu, become o and u.
_LONG_VOWELS = ((re.compile("o[ou]"), "o"), (re.compile("uu"), "u"))


def place_reading(reading: str) -> str:
    """ひかりがおかこどもかていしえんせんたー → ひかりがおか (the reading without its generic tail)."""
    return next((reading[: -len(tail)] for tail in GENERIC_READINGS
                 if reading.endswith(tail) and len(reading) > len(tail)), reading)


def place_name(name: str) -> str:
    """光が丘子ども家庭支援センター → 光が丘 (the name without its generic tail: what parents know it by)."""
    return _place_and_kind(name)[0]


def _place_and_kind(name: str) -> tuple[str, tuple[str, str] | None]:
    """光が丘子ども家庭支援センター → ("光が丘", ("中心", "센터")); a name with no generic tail is all place."""
    name = name.strip()
    for tail, chinese, korean in GENERIC_NAMES:
        if name.endswith(tail) and len(name) > len(tail):
            return name[: -len(tail)], (chinese, korean)
    return name, None


def hepburn(kana: str) -> str:
    """おおいずみ → Oizumi: Hepburn by pykakasi, long vowels unmarked, capitalised; "" if not all kana."""
    romaji = romanised(kana).replace("-", "").replace("'", "")
    for pattern, short in _LONG_VOWELS:
        romaji = pattern.sub(short, romaji)
    return romaji.capitalize() if romaji.isascii() and romaji.isalpha() else ""


@lru_cache(maxsize=1024)  # a ward has tens of facilities; every offer of a date names each of them
def english_name(*, name_en: str | None, reading: str) -> str:
    """The name English prompts and texts use: `name_en`, else "Oizumi centre" from the reading, else ""."""
    if name_en:
        return name_en
    place = hepburn(place_reading(reading.strip()))
    return f"{place} centre" if place else ""


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# The kana that joins a place's characters (光が丘, 霞ヶ関, 桜ノ宮): Chinese writes the characters alone.
_JOINING_KANA = re.compile(r"(?<=[\u3400-\u9fff])[がヶケヵのノ](?=[\u3400-\u9fff])")


@cache
def chinese_name(*, name: str, latin: str, with_kind: bool = False) -> str:
    """光が丘子ども家庭支援センター → 光丘 (with its kind, 光丘中心); other kana or Latin letters → `latin`."""
    place, kind = _place_and_kind(name)
    place = re.sub(r"(.)々", r"\1\1", _JOINING_KANA.sub("", place))  # 代々木 → 代代木
    if not _HAN.fullmatch(place):
        return latin
    return han_key(place) + (kind[0] if kind and with_kind else "")


# Hangul by the Korean rules for Japanese: (at a word's start, elsewhere) per kana; most are the same.
_KANA_HANGUL: dict[str, tuple[str, str]] = {
    **{k: (h, h) for k, h in zip("あいうえおがぎぐげござじずぜぞだぢづでどなにぬねのばびぶべぼ"
                                 "ぱぴぷぺぽまみむめもやゆよらりるれろわをはひふへほさしすせそ",
                                 "아이우에오가기구게고자지즈제조다지즈데도나니누네노바비부베보"
                                 "파피푸페포마미무메모야유요라리루레로와오하히후헤호사시스세소", strict=True)},
    **{k: (first, rest) for k, first, rest in zip("かきくけこたちつてと", "가기구게고다지쓰데도",
                                                 "카키쿠케코타치쓰테토", strict=True)},
    # きゃ, しゃ…: the syllable's kana and the small ゃ, ゅ, ょ; き and ち unaspirated at a word's start.
    **{head + small: (first, rest)
       for head, firsts, rests in (("ぎ", "갸규교", "갸규교"), ("し", "샤슈쇼", "샤슈쇼"), ("じ", "자주조", "자주조"),
                                   ("ぢ", "자주조", "자주조"), ("に", "냐뉴뇨", "냐뉴뇨"), ("ひ", "햐휴효", "햐휴효"),
                                   ("び", "뱌뷰뵤", "뱌뷰뵤"), ("ぴ", "퍄퓨표", "퍄퓨표"), ("み", "먀뮤묘", "먀뮤묘"),
                                   ("り", "랴류료", "랴류료"), ("き", "갸규교", "캬큐쿄"), ("ち", "자주조", "차추초"))
       for small, first, rest in zip("ゃゅょ", firsts, rests, strict=True)},
}
_FINALS = {"ん": 4, "っ": 19}  # ㄴ and ㅅ as a syllable's final consonant (jongseong index)
_O_ROW = frozenset("오고코소조도토노호보포모요로쇼조초뇨효뵤표묘료교쿄")
_U_ROW = frozenset("우구쿠스즈쓰누후부푸무유루슈주추뉴휴뷰퓨뮤류규큐")


def hangul(kana: str) -> str:
    """ひかりがおか → 히카리가오카, おおいずみ → 오이즈미, しゃくじい → 샤쿠지이; "" if not all kana."""
    hira = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)
    out: list[str] = []
    at = 0
    while at < len(hira):
        pair, one = hira[at:at + 2], hira[at]
        if len(pair) == 2 and pair in _KANA_HANGUL:
            out.append(_KANA_HANGUL[pair][0 if not out else 1])
            at += 2
        elif one in _KANA_HANGUL:
            syllable = _KANA_HANGUL[one][0 if not out else 1]
            # Long vowels are not written: おお, おう, うう after their row's syllable (도쿄, 오사카).
            if out and ((one in "おう" and out[-1] in _O_ROW) or (one == "う" and out[-1] in _U_ROW)):
                syllable = ""
            out.append(syllable)
            at += 1
        elif one in _FINALS or one == "ー":
            if one in _FINALS and out and out[-1]:
                base = ord(out[-1]) - 0xAC00
                out[-1] = chr(0xAC00 + base - base % 28 + _FINALS[one])
            at += 1
        else:
            return ""
    return "".join(out)


@cache
def korean_name(*, name: str, reading: str, latin: str, with_kind: bool = False) -> str:
    """ひかりがおかこどもかていしえんせんたー → 히카리가오카 (with its kind, 히카리가오카 센터); else `latin`."""
    place = hangul(place_reading(reading.strip()))
    if not place:
        return latin
    _, kind = _place_and_kind(name)
    return f"{place} {kind[1]}" if kind and with_kind else place
