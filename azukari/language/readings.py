"""Readings of what was said, from SudachiPy's bundled dictionary; the tokenizer is built once, lazily."""
from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

import jaconv

from azukari.language.normalize import is_kana, normalize_text

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


@cache
def _kakasi() -> Any:
    # pykakasi's own kanji dictionary (~10 MB, loaded on first use): a second, independent reader.
    import pykakasi

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def second_reading(text: str) -> str:
    """The reading pykakasi's dictionary gives normalised text: 優真 → ユウマ where Sudachi says ユウシン."""
    if not text or is_kana(text):
        return ""
    return "".join(str(part["kana"]) for part in _kakasi().convert(text))


def romanised(kana: str) -> str:
    """A katakana reading in Hepburn, by pykakasi: シュンイチ → shun'ichi."""
    return "".join(str(part["hepburn"]) for part in _kakasi().convert(kana))


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
