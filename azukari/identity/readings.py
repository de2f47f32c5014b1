"""Readings of what was said, from SudachiPy's bundled dictionary; the tokenizer is built once, lazily."""
from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

import jaconv

from azukari.identity.normalize import is_kana, normalize_text

_LATIN = re.compile(r"[A-Za-z]")


@cache
def _dictionary() -> Any:
    # Loading the dictionary takes ~0.2 s and ~70 MB: done on the first reading, not at import.
    from sudachipy import Dictionary

    return Dictionary(dict="core")


_per_thread = threading.local()


def _tokenizer() -> Any:
    # A Sudachi tokenizer refuses to be used by two threads at once ("Tokenizer is already in use"),
    # and the server answers webhooks on a thread pool: one tokenizer per thread, one dictionary.
    tokenizer = getattr(_per_thread, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _per_thread.tokenizer = _dictionary().tokenizer(SplitMode.C)
    return tokenizer


def tokens(text: str) -> list[tuple[str, str]]:
    """(surface, katakana reading) per morpheme of normalised text; kana passes through as it is."""
    if not text:
        return []
    if is_kana(text):
        return [(text, text)]
    out = []
    for morpheme in _tokenizer().tokenize(text):
        surface = morpheme.surface()
        reading = morpheme.reading_form()
        # Sudachi gives the surface back for words it does not know: keep it, it compares as characters.
        out.append((surface, jaconv.hira2kata(reading) if reading else surface))
    return out


_lookup_lock = threading.Lock()
# Only entries the dictionary files as given names count: a curated list of how names are really read,
# not every reading of every character (大 is ダイ and オオ as a word, which would let other names in).
_GIVEN_NAME = ("名詞", "固有名詞", "人名", "名")


def given_name_readings(text: str) -> frozenset[str]:
    """Every reading the dictionary lists for normalised text as a given name: 優真 → ユウシン, ユウマ, ユマ.

    The analyser picks one reading per spelling, but a recogniser writes a name in whichever kanji it
    likes (ユウマ as 優真), so the other readings the dictionary knows for the same spelling count too.
    """
    if not text or is_kana(text):
        return frozenset()
    # The dictionary is shared across threads; a lookup is a few microseconds, so a lock costs nothing.
    with _lookup_lock:
        entries = [(m.part_of_speech()[:4], m.reading_form()) for m in _dictionary().lookup(text)]
    return frozenset(jaconv.hira2kata(r) for pos, r in entries if pos == _GIVEN_NAME and r)


def reading(text: str) -> str:
    """The katakana reading of normalised text."""
    return "".join(r for _, r in tokens(text))


def romaji_to_text(spoken: str) -> str:
    """English-mode recognition spells names in Latin letters: "Haruto Takahashi" → "はると たかはし"."""
    if not _LATIN.search(spoken):
        return spoken
    return str(jaconv.alphabet2kana(spoken.lower()))


def has_latin(spoken: str) -> bool:
    return bool(_LATIN.search(spoken))


def normalized(spoken: str) -> str:
    return normalize_text(romaji_to_text(spoken))
