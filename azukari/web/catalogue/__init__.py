"""The parents' web pages in four languages: one catalogue per language, the same keys in each."""
from __future__ import annotations

from azukari.language import LANGUAGES, Language
from azukari.web.catalogue import en, ja, ko, zh

CATALOGUES: dict[Language, dict[str, str]] = {"ja": ja.MESSAGES, "en": en.MESSAGES, "zh": zh.MESSAGES,
                                               "ko": ko.MESSAGES}


def language_of(value: str | None) -> Language:
    """A language the pages have, from a query or cookie value; Japanese first."""
    for language in LANGUAGES:
        if value == language:
            return language
    return "ja"


def phrase(language: Language, key: str, **values: object) -> str:
    text = CATALOGUES[language][key]
    return text.format(**values) if values else text
