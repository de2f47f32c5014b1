"""Addresses as compared: prefecture and ward optional, numerals as digits, one separator, exact numbers."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from azukari.identity.keys import NUMBERS, AddressKeys, address_from_fields, numbers_of, split_packed
from azukari.identity.matching import Grade, compare_kana
from azukari.identity.romaji_address import (
    RomajiAddress,
    korean_town_agrees,
    parse_romaji,
    registered_keys,
    said_town,
    town_agrees,
)
from azukari.language.hangul import hangul_to_katakana, has_hangul
from azukari.language.hanzi import han_key, japanese_forms
from azukari.language.normalize import kana_key
from azukari.language.readings import has_latin, reading, romanised

_SELECTORS_AND_GAPS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\\s]+")
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
# Kanji numerals only where they are block/house numbers, so that 三田 or 八幡 keep their names.
_KANJI_NUMBER = re.compile(r"[〇零一二三四五六七八九十百千]+(?=丁目|丁|番地|番(?!町)|号|の|ノ|[-‐‑–—−－ー]|$)")
_DASH_LIKE = re.compile(r"[‐‑‒–—―−－~〜～]")
# ー is a long vowel in コーポ but a separator in 2ー3ー1; only the latter sits beside a digit.
_LONG_BAR = re.compile(r"(?<=\d)ー|ー(?=\d)")
_MARKERS = re.compile(r"(?<=\d)(?:丁目|丁|番地|番(?!町)|号|の|ノ)")
# 光が丘 / 光ヶ丘 / 光ケ丘, 花の木 / 花ノ木: one spelling when the kana sits between two kanji.
_GA = re.compile(r"(?<=[\u4e00-\u9fff])[がガヶヵケか](?=[\u4e00-\u9fff])")
_NO = re.compile(r"(?<=[\u4e00-\u9fff])[のノ乃之](?=[\u4e00-\u9fff])")
_CONNECTORS = re.compile("[ケノ之]")
_PREFECTURE = re.compile(r"^(東京都|北海道|京都府|大阪府|[^\d\-都道府県]{2,3}県)")
_CITY = re.compile(r"^([^\d\-区]{1,6}?郡[^\d\-]{1,4}?[町村]|[^\d\-区]{1,6}?市)")
_WARD = re.compile(r"^([^\d\-]{1,5}?区)")


def _kanji_number(text: str) -> str:
    if not any(c in _KANJI_UNITS for c in text):
        return "".join(str(_KANJI_DIGITS[c]) for c in text)  # 二〇四 → 204
    total, digit = 0, 0
    for char in text:
        if char in _KANJI_UNITS:
            total += (digit or 1) * _KANJI_UNITS[char]
            digit = 0
        else:
            digit = _KANJI_DIGITS[char]
    return str(total + digit)


def normalize_address(text: str) -> str:
    text = _SELECTORS_AND_GAPS.sub("", unicodedata.normalize("NFKC", text))
    text = _KANJI_NUMBER.sub(lambda m: _kanji_number(m.group()), text)
    text = _LONG_BAR.sub("-", _DASH_LIKE.sub("-", text))
    text = _MARKERS.sub("-", text)
    text = _NO.sub("ノ", _GA.sub("ケ", text))
    return re.sub(r"-+", "-", text).strip("-")


def town_of(text: str) -> str:
    """The town as written, without prefecture, city, ward or numbers: 東京都練馬区光が丘二丁目3番1-204号 → 光が丘.

    What staff see beside a household in search results: enough to tell two families apart, not the address.
    """
    rest = _SELECTORS_AND_GAPS.sub("", unicodedata.normalize("NFKC", text))
    for pattern in (_PREFECTURE, _CITY, _WARD):
        found = pattern.match(rest)
        rest = rest[found.end():] if found else rest
    numbers = [m.start() for m in (re.search(r"\d", rest), _KANJI_NUMBER.search(rest), _DASH_LIKE.search(rest))
               if m is not None]
    return rest[:min(numbers, default=len(rest))].rstrip("-ー")


@dataclass(frozen=True)
class Address:
    prefecture: str
    city: str
    ward: str
    town: str
    numbers: tuple[str, ...]
    romaji: RomajiAddress | None = None  # said in Latin letters: place names as reading keys
    chinese: bool = False  # said by a Chinese caller: place names compared in any Chinese form


def parse_address(text: str, *, language: str = "ja") -> Address:
    """`language` is the caller's: a Chinese caller's 练马区光之丘 is read as 練馬区光ノ丘, a Korean caller's
    네리마구 히카리가오카 through its katakana as nerimagu hikarigaoka."""
    if has_hangul(text):
        said = parse_romaji(romanised(hangul_to_katakana(text, one_breath=False)))
        return Address("", "", "", "", said.numbers, replace(said, korean=True))
    if has_latin(text):
        said = parse_romaji(text)
        return Address("", "", "", "", said.numbers, said)
    if language == "zh":
        return replace(_parse(japanese_forms(text)), chinese=True)
    return _parse(text)


def _parse(text: str) -> Address:
    rest = normalize_address(text)
    parts = []
    for pattern in (_PREFECTURE, _CITY, _WARD):
        found = pattern.match(rest)
        parts.append(found.group(1) if found else "")
        rest = rest[found.end():] if found else rest
    town = re.match(r"[^\d]*", rest)
    town_text = town.group().strip("-") if town else ""
    # Numbers only: a building name after them is often left out when said aloud.
    numbers = tuple(str(int(n)) for n in re.findall(r"\d+", rest))
    return Address(parts[0], parts[1], parts[2], town_text, numbers)


@lru_cache(maxsize=65536)
def parse_registered(text: str) -> Address:
    """`parse_address` for addresses on file only (never speech), which are parsed again and again."""
    return parse_address(text)


def address_keys(text: str) -> AddressKeys:
    """A registered address's keys (`keys.AddressKeys`): parsed, its town's reading and romaji keys."""
    return keys_of(parse_address(text))


@lru_cache(maxsize=65536)
def keys_of(registered: Address) -> AddressKeys:
    prefecture, ward, town, _ = registered_keys(registered.prefecture, registered.city, registered.ward,
                                                registered.town)
    return AddressKeys(registered.prefecture, registered.city, registered.ward, registered.town, registered.numbers,
                       town_reading(registered.town), (prefecture, ward, town))


@lru_cache(maxsize=4096)
def town_reading(town: str) -> str:
    return kana_key(reading(town))


def _town_grade(said: str, registered: AddressKeys) -> Grade:
    if said == registered.town:
        return "match"
    return compare_kana(kana_key(reading(said)), registered.town_reading) if said and registered.town else "fail"


def _places_agree(said: Address, registered: AddressKeys) -> Grade:
    """Prefecture, city and ward may be left out but not be wrong; the town by characters or reading."""
    if said.romaji is not None:
        prefecture, ward, town = registered.romaji
        if said.romaji.korean:
            agrees = korean_town_agrees(said.romaji.places, prefecture=prefecture, ward=ward, town=town,
                                        others=_other_towns(registered))
            return "match" if agrees else "fail"
        for mine, theirs in ((said.romaji.prefecture, prefecture), (said.romaji.ward, ward)):
            if mine and theirs and mine != theirs:
                return "fail"
        spoken_town = said_town(said.romaji.places, ward=ward, prefecture=prefecture)
        return "match" if town_agrees(spoken_town, town, _other_towns(registered)) else "fail"
    for mine, theirs in ((said.prefecture, registered.prefecture), (said.city, registered.city),
                         (said.ward, registered.ward)):
        if mine and theirs and (han_key(mine) != han_key(theirs) if said.chinese else mine != theirs):
            return "fail"
    if said.chinese and _han_town(said.town) == _han_town(registered.town):
        return "match"  # 光之丘 / 光丘 for 光が丘: Chinese writes the kanji and drops or translates the kana
    return _town_grade(said.town, registered)


def _other_towns(registered: AddressKeys) -> frozenset[str]:
    # The other towns of the ward: Japan Post's list of a place, read once per process (not a person's data).
    return registered_keys(registered.prefecture, registered.city, registered.ward, registered.town)[3]


def _han_town(town: str) -> str:
    return han_key(_CONNECTORS.sub("", town))


def grade_address(said: Address, registered: Address) -> Grade:
    return grade_address_keys(said, keys_of(registered))


def grade_address_keys(said: Address, registered: AddressKeys) -> Grade:
    """Block and house numbers are exact (the flat number may be left out, at the price of a near)."""
    if said.numbers == registered.numbers and said.numbers:
        numbers: Grade = "match"
    elif len(registered.numbers) >= 4 and said.numbers == registered.numbers[:-1]:
        numbers = "near"  # the flat number of a 2-3-1-204 left out; the building itself is exact
    else:
        return "fail"
    town = _places_agree(said, registered)
    if town == "fail" or (town == "near" and numbers == "near"):
        return "fail"
    return "near" if "near" in (town, numbers) else "match"


def grade_addresses(said: Address, registered: Iterable[str]) -> list[Grade]:
    """`grade_address_keys` against every candidate's packed keys (`keys.pack_address`): the block numbers,
    which must be the registered ones (or those less the flat number), rule out all but a few candidates
    before anything else is unpacked."""
    out: list[Grade] = []
    for packed in registered:
        fields = split_packed(packed)
        numbers = numbers_of(fields[NUMBERS])
        if (said.numbers and said.numbers == numbers) or (len(numbers) >= 4 and said.numbers == numbers[:-1]):
            out.append(grade_address_keys(said, address_from_fields(fields)))
        else:
            out.append("fail")
    return out
