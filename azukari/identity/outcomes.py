"""The one outcome a channel sees: verified (household, child, DV flag) or the single refusal."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AttemptContext:
    channel: str  # voice | sms
    calling_number: str | None  # Twilio's From; None or "anonymous" when withheld
    conversation_key: str  # CallSid for voice, the conversation's key for SMS


@dataclass(frozen=True)
class Verified:
    household_pk: int
    child_id: int
    dv: bool


@dataclass(frozen=True)
class Refused:
    """Carries nothing: a wrong field, an unknown child, a lock or an expiry look the same to the caller."""


REFUSED = Refused()
Outcome = Verified | Refused
