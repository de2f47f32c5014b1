"""Phone numbers: the number on file as E.164, and Twilio's `From` as a number or "anonymous"."""
from __future__ import annotations

import unicodedata

import phonenumbers

ANONYMOUS = "anonymous"

# What Twilio puts in `From` when the caller withheld the number (184) or a leg stripped it;
# +266696687 is "ANONYMOUS" on a keypad, sent by some carriers in place of the number.
_WITHHELD = frozenset({"anonymous", "+266696687", "266696687", "restricted", "unknown", "unavailable",
                       "private", "blocked"})
# Forms write 090ー1234ー5678 with the long-vowel mark or other dashes; NFKC leaves those alone.
_DASHES = str.maketrans({"ー": "-", "‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-", "〜": "-"})


def to_e164(text: str) -> str:
    """A Japanese or international number in any usual spelling, as E.164; ValueError if impossible."""
    cleaned = unicodedata.normalize("NFKC", text).translate(_DASHES).strip()
    if not cleaned:
        raise ValueError("empty phone number")
    try:
        number = phonenumbers.parse(cleaned, "JP")
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"not a phone number: {error}") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def caller_number(raw: str | None) -> str:
    """Twilio's `From` as E.164, or "anonymous" when missing, withheld or not a phone number.

    Never identity (caller ID can be spoofed); only a key for throttling and SMS conversations.
    """
    if raw is None or raw.strip().lower() in _WITHHELD:
        return ANONYMOUS
    try:
        return to_e164(raw)
    except ValueError:
        return ANONYMOUS


# Fixed lines and IP phones (Japan's 050) cannot receive SMS: messages to them go by a call.
_NO_SMS = frozenset({phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.VOIP})


def can_take_sms(e164: str) -> bool:
    """False for a number `phonenumbers` classifies as a fixed line or an IP phone; True otherwise."""
    try:
        number = phonenumbers.parse(e164, "JP")
    except phonenumbers.NumberParseException:
        return True  # not ours to judge here: the sender's own failure handling takes over
    return phonenumbers.number_type(number) not in _NO_SMS
