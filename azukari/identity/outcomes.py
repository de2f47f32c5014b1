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


# The staff case a refusal opens (contract §5.1: every refusal ends the way `0` does, and staff see why).
FAILED, THROTTLED, DV_ATTEMPT, DV_EXPIRED = "verification_failed", "verification_throttled", "dv_attempt", "dv_caller"
THROTTLE_REASONS = ("locked_number", "locked_household", "locked_withheld")


@dataclass(frozen=True)
class Refused:
    """A wrong field, an unknown child, a lock or an expiry: the caller hears the same whichever it was.

    What it carries is for staff only (the case the channel opens): which kind of refusal, and the
    household when it is DV-flagged (the case then carries the DV banner). A channel never words it.
    """

    case: str = FAILED
    household_pk: int | None = None  # set only for a DV-flagged household
    # A DV-flagged household's attempt that brought it to its failure limit: its case says so, and no
    # separate lock case is opened (that would be work a right answer does not do: issue 24).
    household_locked: bool = False

    @property
    def dv(self) -> bool:
        return self.household_pk is not None


REFUSED = Refused()


def refusal(reason: str, *, household_pk: int | None, dv: bool, locked: bool = False) -> Refused:
    """The staff case of a refusal: a DV household's first (an expired one is the family itself), then locks."""
    if dv and household_pk is not None:
        return Refused(DV_EXPIRED if reason == "expired" else DV_ATTEMPT, household_pk, household_locked=locked)
    return Refused(THROTTLED if reason in THROTTLE_REASONS else FAILED)
Outcome = Verified | Refused
