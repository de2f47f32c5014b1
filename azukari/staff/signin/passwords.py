"""What a staff password must be (NIST SP 800-63B-4 §3.1.1.2): long enough and not a known one; nothing else.

Length: at least 15 characters. NIST allows 8 when the password is only ever one of two factors,
and 15 when it stands alone. Ours does stand alone at two moments: the first login after an admin
creates the account, and the login after a second-factor reset, when whoever knows the password
enrols an authenticator. The console shows DV households' addresses, so the longer rule holds
everywhere. Long passphrases (in any script: length counts characters, not bytes) are the intended use.

No composition rules (no "one digit, one symbol"), no expiry: NIST advises against both. A password
is refused if it is on the list of common passwords shipped with zxcvbn (30,000 from real leaks),
or built from the username or the service's name, or one character over and over, or easy to guess by
its pattern (NIST: "repetitive or sequential characters"): 123456789012345, abcdefghijklmno,
qwertyuiopasdfg, passwordpassword. The pattern test is zxcvbn's score: under 3 (fewer than 10^8 guesses
by its estimate of sequences, keyboard walks, repeats, dates and dictionary words) is refused.
"""
from __future__ import annotations

import functools
import unicodedata

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 15
MAX_LENGTH = 128  # NIST: allow at least 64; the cap only bounds what argon2 is given to hash
_SERVICE_WORDS = ("azukari", "あずかり", "一時預かり")
MIN_SCORE = 3  # zxcvbn's 0-4; 3 is "safely unguessable" (about 10^8 guesses or more)
_SCORED_LENGTH = 64  # zxcvbn's time grows with length; a pattern shows within this many characters


@functools.cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def normalised(password: str) -> str:
    """NFKC, as NIST advises, so full-width and half-width input (IME on or off) is one password."""
    return unicodedata.normalize("NFKC", password)


def problem(password: str, *, username: str) -> str | None:
    """Why the password cannot be used, in Japanese for the form; None when it can."""
    text = normalised(password)
    folded = "".join(text.casefold().split())
    if len(text) < MIN_LENGTH:
        return f"パスワードは{MIN_LENGTH}文字以上にしてください（文を区切りなく書いたものなど、長く覚えやすいものを）"
    if len(text) > MAX_LENGTH:
        return f"パスワードは{MAX_LENGTH}文字以内にしてください"
    if folded in _common() or text.casefold() in _common():
        return "よく使われているパスワードの一覧に載っています。別のものにしてください"
    name = username.strip().casefold()
    if (len(name) >= 3 and name in folded) or any(word in folded for word in _SERVICE_WORDS):
        return "ユーザー名やサービス名を含まないパスワードにしてください"
    if len(set(folded)) < 5:
        return "同じ文字の繰り返しではないパスワードにしてください"
    if zxcvbn(text[:_SCORED_LENGTH], user_inputs=[name, *_SERVICE_WORDS])["score"] < MIN_SCORE:
        return ("連続した文字（12345、abcde）、キーボードの並び（qwerty）、同じ語の繰り返しは推測されやすいため"
                "使えません。文など、長く覚えやすいものにしてください")
    return None
