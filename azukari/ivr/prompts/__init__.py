"""The prompt catalogues, one per language; a key may have an SMS variant `key@sms`."""
from __future__ import annotations

from azukari.ivr.machine.replies import Channel, Line
from azukari.ivr.prompts import en, ja, ko, zh
from azukari.language import Language

# Japanese is the reference: every other catalogue has exactly its keys (tests/test_ivr_catalogues.py).
CATALOGUES: dict[str, dict[str, str]] = {"ja": ja.MESSAGES, "en": en.MESSAGES, "zh": zh.MESSAGES, "ko": ko.MESSAGES}


def text(line: Line, *, language: Language, channel: Channel) -> str:
    """The words for one line, in the caller's language, for the channel."""
    catalogue = CATALOGUES[language]
    template = catalogue.get(f"{line.key}@{channel}", catalogue.get(line.key))
    if template is None:
        raise KeyError(f"no {language} prompt {line.key!r}")
    return template.format(**line.params)
