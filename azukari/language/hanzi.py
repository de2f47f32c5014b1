"""Chinese characters in simplified, traditional or Japanese forms, folded to one form by OpenCC's tables."""
from __future__ import annotations

import threading
from functools import cache
from typing import Any

from azukari.language.normalize import normalize_text

_lock = threading.Lock()


@cache
def _converters() -> tuple[Any, Any, Any, Any]:
    # OpenCC's own tables (opencc on PyPI, Apache-2.0): Japanese shinjitai to traditional (暁 → 曉) and
    # traditional to simplified (曉 → 晓); back: simplified to traditional, traditional to Japanese forms.
    # Built on first use.
    import opencc

    return opencc.OpenCC("jp2t"), opencc.OpenCC("t2s"), opencc.OpenCC("s2t"), opencc.OpenCC("t2jp")


def han_key(text: str) -> str:
    """A name's characters in simplified form, whatever form they were written in: 張偉, 张伟 → 张伟."""
    folded = normalize_text(text)
    if not folded:
        return ""
    to_traditional, to_simplified, _, _ = _converters()
    # The converters hold native state; one at a time is cheap (a name is a few characters).
    with _lock:
        return str(to_simplified.convert(to_traditional.convert(folded)))


def japanese_forms(text: str) -> str:
    """Chinese text in the forms a Japanese address is written in: 东京都练马区丰玉北 → 東京都練馬区豊玉北."""
    _, _, from_simplified, to_japanese = _converters()
    with _lock:
        return str(to_japanese.convert(from_simplified.convert(text)))


def han_sound(key: str) -> tuple[frozenset[str], ...]:
    """Each character's Mandarin syllables with tones (pypinyin's readings, MIT; 子 is zi3 or a toneless zi).

    A Mandarin recogniser writes a name's sound in the characters it finds likeliest (小明 for 晓明); the same
    syllables and tones are the same name to the ear, so they can stand for it, at best as near.
    """
    from pypinyin import Style, pinyin

    return tuple(frozenset(readings) for readings in pinyin(list(key), style=Style.TONE3, heteronym=True))


def sounds_alike(said: tuple[frozenset[str], ...], registered: tuple[frozenset[str], ...]) -> bool:
    """Character for character, a syllable and tone in common."""
    return len(said) == len(registered) and all(a & b for a, b in zip(said, registered, strict=True))
