"""A facility's name in Latin letters: its `name_en` (contract §4), else its reading in Hepburn, as signs write it.

English speech synthesis cannot read kanji, and English texts must carry none, so every facility has a
Latin name: the ward's own `name_en` when it gave one, otherwise the place part of the facility's
reading romanised by pykakasi (Hepburn) with long vowels left unmarked, the way station and road signs
write them (おおいずみ → Oizumi, こうや → Koya), and "centre" after it.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

# The generic tails of a reading; what is left is the place a parent knows the facility by.
GENERIC_READINGS = ("こどもかていしえんせんたー", "こそだてしえんせんたー", "ほいくえん", "せんたー")
# Hepburn as signs write it drops the macron: ō written ou or oo, ū written uu, become o and u.
_LONG_VOWELS = ((re.compile("o[ou]"), "o"), (re.compile("uu"), "u"))


@cache
def _kakasi() -> Any:
    import pykakasi  # its dictionaries load on first use (~0.5 s), not at import

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def place_reading(reading: str) -> str:
    """ひかりがおかこどもかていしえんせんたー → ひかりがおか (the reading without its generic tail)."""
    return next((reading[: -len(tail)] for tail in GENERIC_READINGS
                 if reading.endswith(tail) and len(reading) > len(tail)), reading)


def hepburn(kana: str) -> str:
    """おおいずみ → Oizumi: Hepburn by pykakasi, long vowels unmarked, capitalised; "" if not all kana."""
    romaji = "".join(str(part["hepburn"]) for part in _kakasi().convert(kana)).replace("-", "").replace("'", "")
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
