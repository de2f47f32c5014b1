"""Booking use cases: availability, book, cancel, upcoming bookings and rosters (never commits)."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.booking import listings, no_shows, offers, refusals, rules
from azukari.booking import repository as repo
from azukari.booking.models import BookingPolicy, Facility, Reservation
from azukari.booking.rules import BookingRefusal
from azukari.clock import tokyo_hhmm
from azukari.households.models import Child, Household
from azukari.households.phone import can_take_sms
from azukari.language.facility_names import english_name
from azukari.messaging import outbox, texts
from azukari.messaging.models import OutboxMessage
from azukari.messaging.texts import BookingFacts
from azukari.oversight import audit
from azukari.settings import QuietHours


@dataclass(frozen=True)
class UnitOption:
    unit_id: int
    facility_key: int
    facility_name: str
    facility_reading: str
    unit_key: int
    starts: str
    ends: str
    fee: int
    short_name: str = ""   # what prompts say after the first mention (contract §4); "" when none
    name_en: str = ""      # the name in Latin letters: `name_en`, else the romanised reading (latin_name)


@dataclass(frozen=True)
class Booked:
    reservation_id: int
    booking_number: str
    facts: BookingFacts


@dataclass(frozen=True)
class Cancelled:
    reservation_id: int
    day: dt.date


def _day_refusal(calendar: rules.Calendar, child: Child, day: dt.date, now: dt.datetime,
                 held: bool = False) -> BookingRefusal | None:
    """The refusals that depend on the day and the registration, not on any facility (`held`: see `is_bookable`)."""
    if not held and not rules.in_window(day, now=now, calendar=calendar):
        return BookingRefusal.OUTSIDE_WINDOW
    if not rules.registration_covers(child.household.valid_until(), day):
        return BookingRefusal.EXPIRED_REGISTRATION
    return None


def options_for(session: Session, *, child_id: int, day: dt.date,
                now: dt.datetime) -> list[UnitOption] | BookingRefusal:
    """Units with room on `day` for a child of this age, in facility then unit key order.

    The child's own bookings play no part (invariant 10): whoever knows the four facts must not
    learn from the list when the child is in care. An overlap is refused at `book` instead, in
    the words of any refusal, and its reason goes by text to the number on file (`refusals`).
    """
    child = repo.child_with_household(session, child_id)
    if child is None:
        return BookingRefusal.NOT_FOUND
    policy, calendar = repo.policy(session), repo.calendar(session)
    refusal = _day_refusal(calendar, child, day, now)
    if refusal is not None:
        return refusal
    infant = rules.is_infant(child.birthdate, day)
    fee = rules.fee_for(child.birthdate, day, under_1=policy.fee_under_1, from_1=policy.fee_from_1)
    counters, caps = repo.counters_for(session, day=day), repo.caps_for(session, day=day)
    any_open = False
    options: list[UnitOption] = []
    for facility, unit in repo.active_units(session):
        # The one window test (a closed day, or today's unit already started, is never offered).
        if not rules.is_bookable(day, now=now, calendar=calendar, closed_weekdays=facility.closed_weekdays,
                                 facility_closed_dates=facility.closed_dates, unit_starts=unit.starts):
            continue
        if caps.get(unit.id) == 0:  # closed by staff for the day
            continue
        any_open = True
        booked, infants = counters.get(unit.id, (0, 0))
        if rules.has_room(booked=booked, infants=infants,
                          capacity=rules.day_capacity(facility.capacity, caps.get(unit.id)),
                          infant_capacity=facility.infant_capacity, infant=infant):
            options.append(UnitOption(unit.id, facility.key, facility.name, facility.reading, unit.key,
                                      unit.starts, unit.ends, fee, facility.short_name or "",
                                      latin_name(facility)))
    if not any_open:
        return BookingRefusal.CLOSED
    return options or BookingRefusal.FULL


def book(session: Session, *, child_id: int, unit_id: int, day: dt.date, channel: str, language: str,
         now: dt.datetime, from_hold: bool = False, queued: list[OutboxMessage] | None = None,
         actor: str | None = None) -> Booked | BookingRefusal:
    """Book one unit for one child, with its confirmation queued and audited, or refuse cleanly.

    The text this queues (the confirmation, or a refusal's reason) is added to `queued`, if given.
    The audit entry names `actor` when one is given (a member of staff, "staff:<id>"), else the channel.

    Everything happens inside a SAVEPOINT: a refusal rolls back the lock and counter rows it
    touched, while the caller's own writes in the outer transaction (conversation state) stay.
    """
    savepoint = session.begin_nested()
    try:
        outcome = _book(session, child_id=child_id, unit_id=unit_id, day=day, channel=channel,
                        language=language, now=now, from_hold=from_hold, queued=queued,
                        actor=actor or channel)
    except BaseException:
        savepoint.rollback()
        raise
    if isinstance(outcome, Booked):
        savepoint.commit()
        return outcome
    savepoint.rollback()
    if channel != "staff":  # staff read the reason on their screen; a parent's channel never hears it
        refusals.text_reason(session, refusal=outcome, child_id=child_id, unit_id=unit_id, day=day,
                             language=language, now=now, queued=queued)
    return outcome


def _book(session: Session, *, child_id: int, unit_id: int, day: dt.date, channel: str, language: str,
          now: dt.datetime, from_hold: bool, queued: list[OutboxMessage] | None,
          actor: str) -> Booked | BookingRefusal:
    child = repo.child_with_household(session, child_id)
    unit = repo.unit_with_facility(session, unit_id)
    if child is None or unit is None or not unit.active or not unit.facility.active:
        return BookingRefusal.NOT_FOUND
    facility = unit.facility
    if child.household.dv_flag and channel != "staff":
        # Checked at the moment of booking, whatever the path (a call, a text, an offer's code): a flag
        # set after verification or after an offer was made stops the bot (invariant 5).
        return BookingRefusal.HELD_FOR_STAFF
    policy, calendar = repo.policy(session), repo.calendar(session)
    refusal = _day_refusal(calendar, child, day, now, held=from_hold)
    if refusal is not None:
        return refusal
    if not rules.is_bookable(day, now=now, calendar=calendar, closed_weekdays=facility.closed_weekdays,
                             facility_closed_dates=facility.closed_dates, unit_starts=unit.starts, held=from_hold) \
            or repo.caps_for(session, day=day).get(unit_id) == 0:
        return BookingRefusal.CLOSED
    # Asked only here, at `confirm`, and said in the words of any refusal (invariant 10); the reason goes by text.
    if not rules.is_eligible(child.birthdate, day, repo.ages(session, facility)):
        return BookingRefusal.OUTSIDE_AGES
    if no_shows.limit_reached(session, policy=policy, child_id=child_id, now=now):
        return BookingRefusal.NO_SHOW_LIMIT
    starts_at, ends_at = rules.unit_period(day, unit.starts, unit.ends)
    # Lock first, then look: with the child's row for the day held, no other booking of this
    # child can commit between our overlap check and our insert (on any facility).
    if not repo.lock_child_day(session, child_id=child_id, day=day):
        return BookingRefusal.NOT_FOUND  # merged into another child while this call was booking
    if repo.live_overlap_exists(session, child_id=child_id, starts_at=starts_at, ends_at=ends_at):
        return BookingRefusal.OVERLAPPING
    # The child's month before the unit's seat: cancel takes the two rows in the same order.
    if not repo.count_in_month(session, child_id=child_id, month=rules.month_of(day),
                               limit=policy.monthly_units_per_child):
        return BookingRefusal.MONTHLY_LIMIT
    infant = rules.is_infant(child.birthdate, day)
    # An accepted seat offer books the seat held for it (booking/waitlist.py); anyone else takes a free one.
    seated = repo.book_held_seat(session, unit_id=unit_id, day=day, infant=infant) if from_hold else \
        repo.take_seat(session, unit_id=unit_id, day=day, infant=infant, capacity=facility.capacity,
                       infant_capacity=facility.infant_capacity)
    if not seated:
        return BookingRefusal.FULL
    fee = rules.fee_for(child.birthdate, day, under_1=policy.fee_under_1, from_1=policy.fee_from_1)
    values = {"household_pk": child.household_pk, "child_id": child_id, "facility_id": facility.id,
              "unit_id": unit_id, "day": day, "starts_at": starts_at, "ends_at": ends_at, "infant": infant,
              "fee": fee, "status": repo.LIVE, "channel": channel, "language": language, "created_at": now}
    reservation_id, number = _insert_reservation(session, values)
    facts = BookingFacts(number, day, unit.starts, unit.ends, facility.name, fee, latin_name(facility),
                         facility.reading, cancel_until(policy, day), child_name=child.name, child_kana=child.kana)
    outbox.enqueue(session, household=child.household, kind="confirmation",
                   body=texts.confirmation(facts, language), now=now, reservation_id=reservation_id, queued=queued)
    audit.record(session, actor=actor, action="booking.created", now=now, household_pk=child.household_pk,
                 detail={"reservation_id": reservation_id, "unit_id": unit_id})
    return Booked(reservation_id, number, facts)


def new_booking_number() -> str:
    """8 random digits, never starting with 0 (keyed on a phone, a leading 0 gets dropped)."""
    return str(10_000_000 + secrets.randbelow(90_000_000))


def _insert_reservation(session: Session, values: dict[str, object]) -> tuple[int, str]:
    # A collision is about 1 in 10^7 per live booking; the unique constraint catches it and
    # we draw again. Ten misses in a row would mean the number space is nearly exhausted.
    for _ in range(10):
        number = new_booking_number()
        reservation_id = repo.insert_reservation(session, {**values, "booking_number": number})
        if reservation_id is not None:
            return reservation_id, number
    raise RuntimeError("could not draw a free booking number in 10 tries")


def find_cancellable(session: Session, *, household_pk: int, booking_number: str, now: dt.datetime,
                     by_parent: bool = True) -> int | BookingRefusal:
    """The live reservation of this household with this number, if its unit has not started.

    A parent (phone or SMS) is held to the ward's cancel deadline as well; staff are not.
    """
    reservation = session.scalar(select(Reservation).where(
        Reservation.booking_number == booking_number.strip(), Reservation.household_pk == household_pk,
        Reservation.status == repo.LIVE))
    if reservation is None:
        return BookingRefusal.NOT_FOUND
    if now >= reservation.starts_at:
        return BookingRefusal.TOO_LATE
    policy = repo.policy(session)
    if by_parent and rules.past_cancel_deadline(reservation.day, now=now, days_before=policy.cancel_days_before,
                                                time=policy.cancel_time):
        return BookingRefusal.PAST_DEADLINE
    return reservation.id


def cancel(session: Session, *, household_pk: int, booking_number: str, channel: str, language: str,
           now: dt.datetime, queued: list[OutboxMessage] | None = None) -> Cancelled | BookingRefusal:
    """Cancel and free the seat at once; the cancellation text goes to the number on file.

    The texts this queues (the cancellation, offers of the freed seat) are added to `queued`, if given.
    """
    # The console is the staff's channel: the ward's deadline binds parents, not the counter.
    found = find_cancellable(session, household_pk=household_pk, booking_number=booking_number, now=now,
                             by_parent=channel != "staff")
    if isinstance(found, BookingRefusal):
        return found
    # The status flip is the arbiter between two cancellations of one booking: only the one
    # whose UPDATE matched a live row gives the seat back.
    if not repo.mark_cancelled(session, reservation_id=found, now=now):
        return BookingRefusal.NOT_FOUND
    reservation = session.get(Reservation, found)
    assert reservation is not None
    session.refresh(reservation)
    repo.uncount_in_month(session, child_id=reservation.child_id, month=rules.month_of(reservation.day))
    repo.free_seat(session, unit_id=reservation.unit_id, day=reservation.day, infant=reservation.infant)
    # The freed seat goes to the waiting list first, in this same transaction, so no one books it
    # between the cancel and the offer (whoever cancelled: parent or staff).
    offered = offers.fill(session, unit_id=reservation.unit_id, day=reservation.day, now=now, queued=queued)
    household = session.get(Household, household_pk)
    assert household is not None
    outbox.withdraw(session, reservation_id=reservation.id, kind="reminder", now=now)
    outbox.enqueue(session, household=household, kind="cancellation",
                   body=texts.cancellation(reservation.booking_number, reservation.day, language), now=now,
                   reservation_id=reservation.id, queued=queued)
    offers.audit_offers(session, offered, now=now)
    audit.record(session, actor=channel, action="booking.cancelled", now=now, household_pk=household_pk,
                 detail={"reservation_id": reservation.id, "unit_id": reservation.unit_id})
    return Cancelled(reservation.id, reservation.day)


def upcoming(session: Session, *, household_pk: int, now: dt.datetime) -> list[BookingFacts]:
    """Live bookings of the household that have not ended yet, soonest first, as texts tell them."""
    return [booking.facts for booking in listings.upcoming(session, household_pk=household_pk, now=now)]


def cancel_until(policy: BookingPolicy, day: dt.date) -> dt.datetime | None:
    """Until when a parent may cancel a booking of `day` by phone or SMS; None when the ward has no deadline."""
    if policy.cancel_days_before is None or policy.cancel_time is None:
        return None
    return rules.cancel_deadline(day, days_before=policy.cancel_days_before, time=policy.cancel_time)


def facts_of(reservation: Reservation, facility: Facility) -> BookingFacts:
    """What a text may say about a stored booking (listings, reminders), at the times it was booked for."""
    return BookingFacts(reservation.booking_number, reservation.day, tokyo_hhmm(reservation.starts_at),
                        tokyo_hhmm(reservation.ends_at), facility.name, reservation.fee, latin_name(facility),
                        facility.reading)


def latin_name(facility: Facility) -> str:
    """What English prompts and texts call the facility (`facility_names.english_name`)."""
    return english_name(name_en=facility.name_en, reading=facility.reading)


# "Text my bookings" at most once an hour per household: a verified caller pressing 3 again and again must not
# make the number on file (a landline rings the whole house) ring or buzz each time (issue 28.13). A landline's
# list goes out at once at any hour (it answers the caller, contract §6), so in the quiet hours it goes once a night.
LISTING_EVERY = dt.timedelta(hours=1)


def text_my_bookings(session: Session, *, household_pk: int, language: str, now: dt.datetime,
                     queued: list[OutboxMessage] | None = None, quiet: QuietHours | None = None) -> int:
    """Queue the household's upcoming bookings as texts to the number on file (added to `queued`); how many.

    None if the household had its list within the hour (`LISTING_EVERY`), or, for a number on file reached by
    call, since the `quiet` hours began, when they cover `now`; the caller hears the same words.
    """
    # The household's row, locked: two calls pressing 3 at once queue one list, not two.
    household = session.scalar(select(Household).where(Household.id == household_pk).with_for_update())
    if household is None:
        return 0
    since = now - LISTING_EVERY
    if quiet is not None and quiet.covers(now) and not can_take_sms(household.phone):
        since = min(since, quiet.began(now))
    recent = session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.household_pk == household_pk, OutboxMessage.kind == "listing",
        OutboxMessage.created_at > since).limit(1))
    if recent is not None:
        return 0
    bodies = texts.listing(upcoming(session, household_pk=household_pk, now=now), language)
    for body in bodies:
        outbox.enqueue(session, household=household, kind="listing", body=body, now=now, queued=queued)
    return len(bodies)
