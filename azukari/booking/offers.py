"""Seat offers: a freed seat held for the first waiting family that could take it, and passed on when
an offer lapses (contract §7). Never commits.

Every change to the seats of one unit and day goes through that unit-day's counter row (`unit_days`):
a cancel frees the seat with an UPDATE of it, a hold and its release are UPDATEs of it, and booking a
held seat is one too. On PostgreSQL the first UPDATE row-locks it to commit, so two transactions
offering seats of one unit and day run one after the other, and the second reads the waiting list
as the first left it (READ COMMITTED: each statement sees what committed before it). On SQLite
BEGIN IMMEDIATE serialises every writer anyway. Offer and entry states change only by conditional
UPDATEs, so an offer is accepted or expired once, and an entry is offered once.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from azukari.booking import no_shows, rules
from azukari.booking import repository as repo
from azukari.booking.models import BookingPolicy, SeatOffer, Unit, WaitlistEntry
from azukari.clock import tokyo_date
from azukari.db import SMS_REPLIES_INFO
from azukari.households.models import Child
from azukari.language.facility_names import english_name
from azukari.messaging import outbox, texts
from azukari.messaging.models import OutboxMessage
from azukari.oversight import audit
from azukari.oversight.escalations import open_escalation

OPEN = "open"
# Wrong codes a household may key (or text) against a standing offer before the bot takes no code for it
# and staff are told: a PIN's household limit (`identity.throttling.HOUSEHOLD_LIMIT`), for 10,000 codes.
WRONG_CODE_LIMIT = 5


def _changed(result: Any) -> bool:
    return cast(CursorResult[Any], result).rowcount == 1


def settle(session: Session, *, offer_id: int, status: str, now: dt.datetime) -> bool:
    """Close an open offer as accepted (only before it expires) or expired (only after); False if it was not open.

    The arbiter of "an offer accepted while its hold expires": both sides run this UPDATE on the
    offer's row, the second waits for the first and then matches nothing.
    """
    guard = [SeatOffer.id == offer_id, SeatOffer.status == OPEN]
    if status == "accepted":
        guard.append(SeatOffer.expires_at > now)
    elif status == "expired":
        guard.append(SeatOffer.expires_at <= now)
    result = session.execute(update(SeatOffer).where(*guard).values(status=status, settled_at=now)
                             .execution_options(synchronize_session=False))
    return _changed(result)


def end_entry(session: Session, *, entry_id: int, status: str, now: dt.datetime, was: tuple[str, ...]) -> bool:
    result = session.execute(update(WaitlistEntry)
                             .where(WaitlistEntry.id == entry_id, WaitlistEntry.status.in_(was))
                             .values(status=status, ended_at=None if status in ("offered", "waiting") else now)
                             .execution_options(synchronize_session=False))
    return _changed(result)


def _could_book(session: Session, policy: BookingPolicy, child: Child, unit: Unit, day: dt.date,
                now: dt.datetime) -> bool:
    """What `service.book` would refuse for this child, looked at before holding a seat for it.

    The DV flag, the day open for booking (the window, closed days, a unit not started), the
    registration, the child's age on that day, the no-show rule, its own bookings at that time and
    its month's limit. Only a hint: acceptance books through `service.book`, which checks everything
    again under its locks, and a refusal then passes the seat on.
    """
    facility = unit.facility
    calendar = repo.calendar(session)
    if child.household.dv_flag or not rules.in_window(day, now=now, calendar=calendar):
        return False
    if not rules.is_bookable(day, now=now, calendar=calendar, closed_weekdays=facility.closed_weekdays,
                             facility_closed_dates=facility.closed_dates, unit_starts=unit.starts):
        return False
    if not rules.registration_covers(child.household.valid_until(), day) \
            or not rules.is_eligible(child.birthdate, day, repo.ages(session, facility)) \
            or no_shows.limit_reached(session, policy=policy, child_id=child.id, now=now):
        return False
    starts_at, ends_at = rules.unit_period(day, unit.starts, unit.ends)
    if repo.live_overlap_exists(session, child_id=child.id, starts_at=starts_at, ends_at=ends_at):
        return False
    month = repo.booked_in_month(session, child_id=child.id, month=rules.month_of(day))
    return rules.within_monthly_limit(booked_in_month=month, limit=policy.monthly_units_per_child)


def _new_code(session: Session, household_pk: int) -> str:
    # Four digits (contract §6), distinct among the family's open offers so a code names one offer.
    taken = set(session.scalars(select(SeatOffer.code).where(SeatOffer.household_pk == household_pk,
                                                            SeatOffer.status == OPEN)))
    while True:
        code = f"{secrets.randbelow(10_000):04d}"
        if code not in taken:
            return code


@dataclass(frozen=True)
class Offered:
    """An offer made, for the audit log: written by `audit_offers` once the use case holds all its row locks."""

    household_pk: int
    entry_id: int
    offer_id: int
    unit_id: int


def audit_offers(session: Session, made: list[Offered], *, now: dt.datetime) -> None:
    # Last in the transaction, like every audit append: on PostgreSQL it takes the chain's advisory
    # lock to commit, and a row lock taken after it (another unit-day's seats) could deadlock with a
    # cancel that holds that row and waits for the chain.
    for offered in made:
        audit.record(session, actor="system", action="waitlist.offered", now=now, household_pk=offered.household_pk,
                     detail={"entry_id": offered.entry_id, "offer_id": offered.offer_id, "unit_id": offered.unit_id})


def fill(session: Session, *, unit_id: int, day: dt.date, now: dt.datetime,
         queued: list[OutboxMessage] | None = None) -> list[Offered]:
    """Offer the unit's free seats on `day` to its waiting list, first come first served; the offers made.

    The caller audits them with `audit_offers` at the end of its use case; the offers' texts are
    added to `queued`, if given.
    """
    policy = repo.policy(session)
    unit = repo.unit_with_facility(session, unit_id)
    if not policy.waitlist or unit is None or not unit.active or not unit.facility.active:
        return []
    facility = unit.facility
    # Only a unit and day that can still be booked now: the one window rule, so today's units too while
    # same-day booking is open and the unit has not started (contract §7).
    if not rules.is_bookable(day, now=now, calendar=repo.calendar(session), closed_weekdays=facility.closed_weekdays,
                             facility_closed_dates=facility.closed_dates, unit_starts=unit.starts):
        return []
    # Nor a unit staff closed for the day; a capacity they lowered is the day's capacity (booking/closures.py).
    cap = repo.caps_for(session, day=day).get(unit_id)
    if cap == 0:
        return []
    capacity = rules.day_capacity(facility.capacity, cap)
    waiting = session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.unit_id == unit_id, WaitlistEntry.day == day, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.id)).all()
    made: list[Offered] = []
    for entry in waiting:
        child = repo.child_with_household(session, entry.child_id)
        if child is None or not _could_book(session, policy, child, unit, day, now):
            continue
        infant = rules.is_infant(child.birthdate, day)
        if not repo.take_hold(session, unit_id=unit_id, day=day, infant=infant, capacity=capacity,
                              infant_capacity=facility.infant_capacity):
            if infant:
                continue  # the infant seats are gone; an older child may still fit
            break
        if not end_entry(session, entry_id=entry.id, status="offered", now=now, was=("waiting",)):
            repo.release_hold(session, unit_id=unit_id, day=day, infant=infant)  # removed meanwhile
            continue
        starts_at, _ends = rules.unit_period(day, unit.starts, unit.ends)
        offer = SeatOffer(entry_id=entry.id, household_pk=entry.household_pk, child_id=entry.child_id,
                          unit_id=unit_id, day=day, infant=infant, code=_new_code(session, entry.household_pk),
                          status=OPEN, created_at=now,
                          expires_at=rules.offer_expiry(now, offer_hours=policy.offer_hours, starts_at=starts_at))
        session.add(offer)
        session.flush()
        seat = texts.SeatFacts(day, unit.starts, unit.ends, facility.name,
                               english_name(name_en=facility.name_en, reading=facility.reading), facility.reading)
        outbox.enqueue(session, household=child.household, kind="offer", now=now,
                       body=texts.seat_offer(seat, until=offer.expires_at, code=offer.code, language=entry.language,
                                             replies=bool(session.info.get(SMS_REPLIES_INFO, False))),
                       queued=queued)
        made.append(Offered(entry.household_pk, entry.id, offer.id, unit_id))
    return made


def release(session: Session, offer: SeatOffer, *, entry_status: str, now: dt.datetime,
            queued: list[OutboxMessage] | None = None) -> list[Offered]:
    """After an offer was settled without a booking: end its entry, free its hold, offer the seat on."""
    # The unit-day's row before the entry's, as everywhere (see the module's docstring).
    repo.release_hold(session, unit_id=offer.unit_id, day=offer.day, infant=offer.infant)
    end_entry(session, entry_id=offer.entry_id, status=entry_status, now=now, was=("offered",))
    return fill(session, unit_id=offer.unit_id, day=offer.day, now=now, queued=queued)


def count_wrong_code(session: Session, *, household_pk: int, channel: str, now: dt.datetime) -> None:
    """A code that took nothing counts against every offer standing for the household (one UPDATE,
    whatever the code was); an offer reaching WRONG_CODE_LIMIT is raised to staff, once."""
    counted = session.execute(update(SeatOffer).where(
        SeatOffer.household_pk == household_pk, SeatOffer.status == OPEN, SeatOffer.expires_at > now)
        .values(wrong_codes=SeatOffer.wrong_codes + 1).returning(SeatOffer.id, SeatOffer.wrong_codes)
        .execution_options(synchronize_session=False)).all()
    for offer_id, wrong in counted:
        if wrong == WRONG_CODE_LIMIT:
            open_escalation(session, kind="offer_code_guessed", channel=channel, now=now, household_pk=household_pk,
                            security_alert=True, dedupe_key=f"offer_code_guessed:{offer_id}",
                            details={"offer_id": offer_id, "wrong_codes": wrong})


def pass_on_lapsed(session: Session, *, now: dt.datetime, limit: int = 200) -> int:
    """The periodic job: lapsed offers pass on, past days leave the list, free seats reach the waiting.

    Run by `serve` and `worker` on every instance: each offer is expired by the one instance whose
    conditional UPDATE matched it. Returns the number of offers that lapsed.
    """
    due = session.scalars(select(SeatOffer).where(SeatOffer.status == OPEN, SeatOffer.expires_at <= now)
                          .order_by(SeatOffer.expires_at).limit(limit)).all()
    lapsed, made = 0, []
    for offer in due:
        if settle(session, offer_id=offer.id, status="expired", now=now):
            made += release(session, offer, entry_status="lapsed", now=now)
            lapsed += 1
    _past_leave(session, now=now)
    # A seat may be free with families waiting: a capacity raised by re-import, a join that raced a cancel.
    for unit_id, day in session.execute(select(WaitlistEntry.unit_id, WaitlistEntry.day)
                                        .where(WaitlistEntry.status == "waiting").distinct().limit(limit)).all():
        made += fill(session, unit_id=unit_id, day=day, now=now)
    audit_offers(session, made, now=now)
    return lapsed


def _past_leave(session: Session, *, now: dt.datetime) -> None:
    """Waiting for a day past, or for one of today's units that can no longer be booked, ends as "past"."""
    today = tokyo_date(now)
    session.execute(update(WaitlistEntry).where(WaitlistEntry.status == "waiting", WaitlistEntry.day < today)
                    .values(status="past", ended_at=now).execution_options(synchronize_session=False))
    calendar = repo.calendar(session)
    for unit_id in session.scalars(select(WaitlistEntry.unit_id).where(
            WaitlistEntry.status == "waiting", WaitlistEntry.day == today).distinct()).all():
        unit = repo.unit_with_facility(session, unit_id)
        if unit is not None and rules.is_bookable(today, now=now, calendar=calendar,
                                                  closed_weekdays=unit.facility.closed_weekdays,
                                                  facility_closed_dates=unit.facility.closed_dates,
                                                  unit_starts=unit.starts):
            continue
        session.execute(update(WaitlistEntry).where(WaitlistEntry.status == "waiting", WaitlistEntry.day == today,
                                                    WaitlistEntry.unit_id == unit_id)
                        .values(status="past", ended_at=now).execution_options(synchronize_session=False))
