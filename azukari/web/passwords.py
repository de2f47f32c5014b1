"""What a parent's own web password must be (contract §8): at least 10 characters and not a common one."""
from __future__ import annotations

import functools
import unicodedata

from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 10
MAX_LENGTH = 128  # bounds what argon2 is given


@functools.cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def normalised(password: str) -> str:
    """NFKC, so full-width and half-width input (IME on or off) is one password."""
    return unicodedata.normalize("NFKC", password)


def problem(password: str) -> str | None:
    """The catalogue key of why it cannot be used, or None."""
    text = normalised(password)
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
        return "change.short"
    folded = text.casefold()
    if folded in _common() or "".join(folded.split()) in _common() or len(set(folded)) < 4:
        return "change.common"
    return None
