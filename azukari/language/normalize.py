"""Names as compared: NFKC, no spaces or variation selectors, one dash, variant kanji folded, katakana."""
from __future__ import annotations

import re
import unicodedata

import jaconv

from azukari.language.variants import fold_variants

# Variation selectors (standard and ideographic) pick a glyph, not a different name.
_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
# Spaces of every width and the nakaguro between parts of a foreign name.
_GAPS = re.compile(r"[\s・･]+")
# Dash-like marks that forms and recognisers put where a long-vowel mark belongs.
_DASHES = re.compile("[-‐‑‒–—―−ｰ~〜～]")

_ROWS = (("ア", "アカサタナハマヤラワガザダバパァャヮ"), ("イ", "イキシチニヒミリギジヂビピィ"),
         ("ウ", "ウクスツヌフムユルグズヅブプゥュッヴ"), ("エ", "エケセテネヘメレゲゼデベペェ"),
         ("オ", "オコソトノホモヨロヲゴゾドボポォョ"))
_VOWEL: dict[str, str] = {kana: vowel for vowel, row in _ROWS for kana in row}
# A long e is written エイ and a long o オウ in names (ケイコ, ヨウコ), so ー folds to those.
_LONG = {"ア": "ア", "イ": "イ", "ウ": "ウ", "エ": "イ", "オ": "ウ"}
_VOWEL_OF: dict[str, str] = {kana: _LONG[vowel] for kana, vowel in _VOWEL.items()}


def vowel_of(kana: str) -> str:
    """The vowel a katakana ends in (キ → イ, ョ → オ), or "" for ン, ー and anything else."""
    return _VOWEL.get(kana, "")


def normalize_text(text: str) -> str:
    """The form both sides of a name comparison share: characters, not readings."""
    text = unicodedata.normalize("NFKC", text)
    text = _SELECTORS.sub("", text)
    text = _GAPS.sub("", text)
    text = _DASHES.sub("ー", text)
    return jaconv.hira2kata(fold_variants(text))


def kana_key(kana: str) -> str:
    """A reading as compared: katakana, long-vowel marks spelt out (ユート = ユウト)."""
    text = normalize_text(kana)
    out: list[str] = []
    for char in text:
        out.append(_VOWEL_OF.get(out[-1], char) if char == "ー" and out else char)
    return "".join(out)


def search_form(text: str) -> str:
    """A name or reading as the household search stores and looks it up: one form for 髙橋/高橋,
    たかはし/タカハシ/ﾀｶﾊｼ, with or without the space, ユート/ユウト, garcia/GARCIA."""
    return kana_key(text).upper()


def is_kana(text: str) -> bool:
    return bool(text) and all("ァ" <= c <= "ヺ" or c == "ー" for c in text)


def name_parts(text: str) -> tuple[str, str]:
    """Family and given name as registered ("髙橋 陽翔"); no space means no split ("", whole)."""
    parts = unicodedata.normalize("NFKC", text).split()
    if len(parts) < 2:
        return "", "".join(parts)
    return parts[0], "".join(parts[1:])
