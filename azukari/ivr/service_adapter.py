"""The adapter behind `ivr.ports.Ports`: the conversation's needs met by the services, in one session."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from azukari.booking import repository, rules, waitlist
from azukari.booking import service as booking
from azukari.booking.rules import BookingRefusal
from azukari.clock import tokyo_date
from azukari.conversations.sealing import Sealer
from azukari.households.models import Household
from azukari.households.phone import ANONYMOUS, caller_number, can_take_sms
from azukari.identity import verification
from azukari.identity.outcomes import AttemptContext, Outcome, Verified
from azukari.ivr import hints, prompts
from azukari.ivr.machine.questions import ADDRESS_HINTS
from azukari.ivr.machine.replies import Line
from azukari.ivr.machine.state import Option, Refusal, Verdict
from azukari.messaging import texts
from azukari.messaging.models import OutboxMessage
from azukari.messaging.outbox import enqueue
from azukari.oversight.escalations import open_escalation
from azukari.registration import service as registration
from azukari.settings import Settings, StaffHours


@dataclass
class ServiceAdapter:
    """`Ports` bound to one webhook's unit of work: everything here flushes at most, never commits."""

    session: Session
    settings: Settings
    now: dt.datetime
    channel: str
    calling_from: str | None   # Twilio's `From` as posted (or an SMS thread's E.164 key)
    conversation_key: str
    sealer: Sealer
    # Every text this webhook's steps queued, in order: a call's service holds them until the call ends.
    queued: list[OutboxMessage] = field(default_factory=list)

    @functools.cached_property
    def calling_number(self) -> str:
        """E.164 or "anonymous": throttling and case notes only, never identity. Parsed (phonenumbers,
        a tenth of a millisecond) only by the few steps that use it."""
        return caller_number(self.calling_from)

    @property
    def _context(self) -> AttemptContext:
        return AttemptContext(channel=self.channel, calling_number=self.calling_number,
                              conversation_key=self.conversation_key)

    def today(self) -> dt.date:
        return tokyo_date(self.now)

    def seal(self, purpose: str, value: str) -> str:
        return self.sealer.seal(purpose, value)

    def unseal(self, purpose: str, token: str) -> str | None:
        return self.sealer.unseal(purpose, token)

    def grade_child_names(self, *, birthdate: dt.date, spoken: str, language: str) -> dict[str, str]:
        grades = verification.grade_child_names(self.session, birthdate=birthdate, spoken=spoken, language=language)
        return {str(k): v for k, v in grades.items()}

    def grade_addresses(self, *, child_ids: list[int], spoken: str, language: str) -> dict[str, str]:
        grades = verification.grade_addresses(self.session, child_ids=child_ids, spoken=spoken, language=language)
        return {str(k): v for k, v in grades.items()}

    def grade_guardians(self, *, child_ids: list[int], spoken: str, language: str) -> dict[str, str]:
        grades = verification.grade_guardians(self.session, child_ids=child_ids, spoken=spoken, language=language)
        return {str(k): v for k, v in grades.items()}

    def decide_by_knowledge(self, *, child_grades: dict[str, str], address_grades: dict[str, str],
                            guardian_grades: dict[str, str]) -> Verdict | Refusal:
        # The identity layer reads grades back from JSON itself (str keys, unknown values fail).
        outcome = verification.decide_by_knowledge(
            self.session, child_grades=child_grades, address_grades=address_grades,  # type: ignore[arg-type]
            guardian_grades=guardian_grades, context=self._context, now=self.now)  # type: ignore[arg-type]
        return self._verdict(outcome)

    def verify_by_id(self, *, household_id: str, pin: str, birthdate: dt.date) -> Verdict | Refusal:
        outcome = verification.verify_by_household_id(self.session, household_id=household_id, pin=pin,
                                                      birthdate=birthdate, context=self._context, now=self.now)
        return self._verdict(outcome)

    def sibling(self, *, household_pk: int, birthdate: dt.date, current_child_id: int) -> int | None:
        return registration.sibling_by_birthdate(self.session, household_pk=household_pk, birthdate=birthdate,
                                                 current_child_id=current_child_id)

    def day_from_keypad(self, digits: str) -> dt.date | None:
        return rules.day_from_keypad(digits, now=self.now, calendar=repository.calendar(self.session))

    def options(self, *, child_id: int, day: dt.date) -> list[Option] | str:
        found = booking.options_for(self.session, child_id=child_id, day=day, now=self.now)
        if isinstance(found, BookingRefusal):
            return found.value
        return [Option(**dataclasses.asdict(o)) for o in found]

    def book(self, *, child_id: int, unit_id: int, day: dt.date, language: str) -> str | None:
        outcome = booking.book(self.session, child_id=child_id, unit_id=unit_id, day=day, channel=self.channel,
                               language=language, now=self.now, queued=self.queued)
        return outcome.value if isinstance(outcome, BookingRefusal) else None

    def full_units(self, *, child_id: int, day: dt.date) -> list[Option]:
        found = waitlist.full_units(self.session, child_id=child_id, day=day, now=self.now)
        return [Option(**dataclasses.asdict(o)) for o in found]

    def wait(self, *, child_id: int, unit_id: int, day: dt.date, language: str) -> None:
        # Whatever the outcome, the conversation says the same; the text to the number on file tells.
        waitlist.join(self.session, child_id=child_id, unit_id=unit_id, day=day, channel=self.channel,
                      language=language, now=self.now, queued=self.queued)

    def accept_offer(self, text: str) -> bool:
        # Only a text can carry a code, and only from the number the offer went to (the sender's, as keyed).
        # Whatever SMS_REPLIES says (§5.2): it rules what texts ask for, and a text that arrives can be answered.
        if self.channel != "sms":
            return False
        return waitlist.accept(self.session, sender=self.calling_number, code=text, now=self.now,
                               queued=self.queued) is not None

    def take_offer(self, *, household_pk: int, code: str) -> bool:
        # Menu 5 by a verified caller: the household's open offer with this code, booked (§5.1, §7).
        return waitlist.take_by_code(self.session, household_pk=household_pk, code=code, channel=self.channel,
                                     now=self.now, queued=self.queued) is not None

    def cancel(self, *, household_pk: int, booking_number: str, language: str) -> None:
        outcome = booking.cancel(self.session, household_pk=household_pk, booking_number=booking_number,
                                 channel=self.channel, language=language, now=self.now, queued=self.queued)
        if isinstance(outcome, BookingRefusal):
            # The call says the same either way; whether it worked goes only to the number on file.
            household = self.session.get(Household, household_pk)
            if household is not None:
                body = (texts.cancellation_past_deadline(booking_number, language)
                        if outcome is BookingRefusal.PAST_DEADLINE
                        else texts.cancellation_started(booking_number, language)
                        if outcome is BookingRefusal.TOO_LATE else texts.cancellation_refused(language))
                enqueue(self.session, household=household, kind="notice", now=self.now, body=body,
                        queued=self.queued)

    def text_my_bookings(self, *, household_pk: int, language: str) -> None:
        booking.text_my_bookings(self.session, household_pk=household_pk, language=language, now=self.now,
                                 queued=self.queued, quiet=self.settings.quiet_hours)

    def staff_reachable(self) -> bool:
        return bool(self.settings.staff_number) and self.settings.staff_hours.covers(self.now)

    def caller_known(self) -> bool:
        """Whether `From` is a number staff can call back (present and not withheld): read from this webhook."""
        return self.calling_number != ANONYMOUS

    def staff_hours(self) -> StaffHours:
        return self.settings.staff_hours

    def speech_hints(self, step: str) -> tuple[str, ...]:
        if step == "address":
            return hints.address_hints(self.session, now=self.now, fixed=ADDRESS_HINTS)
        return ()  # a date's words depend on the caller's language: dates.DATE_HINTS, chosen by the conversation

    def escalate(self, *, kind: str, household_pk: int | None = None, dv: bool = False,
                 details: dict[str, object] | None = None, told: tuple[Line, ...] = (),
                 language: str = "ja") -> None:
        # What the caller was told, word for word in their language: the card shows it (issue 23, item 5).
        said = {"said": " ".join(_words(line, language, self.channel) for line in told)} if told else {}
        open_escalation(self.session, kind=kind, channel=self.channel, now=self.now, household_pk=household_pk,
                        dv=dv, calling_number=self.calling_number,
                        details={**(details or {}), **said, "conversation": self.conversation_key},
                        dedupe_key=f"{kind}:{self.channel}:{self.conversation_key}")

    def _verdict(self, outcome: Outcome) -> Verdict | Refusal:
        if not isinstance(outcome, Verified):
            return Refusal(kind=outcome.case, household_pk=outcome.household_pk, dv=outcome.dv,
                           household_locked=outcome.household_locked)
        # A DV household never reaches the menu: read nothing more for it, so its right address runs the very
        # statements of a wrong one (no oracle, issue 24).
        household = None if outcome.dv else self.session.get(Household, outcome.household_pk)
        if household is None:
            return Verdict(household_pk=outcome.household_pk, child_id=outcome.child_id, dv=outcome.dv)
        return Verdict(household_pk=outcome.household_pk, child_id=outcome.child_id, dv=outcome.dv,
                       children=len(household.children), by_call=not can_take_sms(household.phone))


def _words(line: Line, language: str, channel: str) -> str:
    lang = language if language in prompts.CATALOGUES else "ja"
    return prompts.text(line, language=lang, channel="sms" if channel == "sms" else "voice")  # type: ignore[arg-type]
