"""The words and scripts that calls, texts and matching share; imports nothing else of azukari.

Normalisation and variant kanji (`normalize`, `variants`), readings and romaji (`readings`), the
other scripts (`hanzi`, `hangul`, `latin`), a facility's name in each language (`facility_names`)
and the words for days (`days`).
"""
from typing import Literal

Language = Literal["ja", "en", "zh", "ko"]
LANGUAGES: tuple[Language, ...] = ("ja", "en", "zh", "ko")
