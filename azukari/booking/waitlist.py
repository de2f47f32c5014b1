"""The waiting list (キャンセル待ち): joining it, taking an offered seat by its code, staff removing an entry.

Never commits. Offers themselves are made and passed on in `booking/offers.py`.
"""
from __future__ import annotations

import datetime as dt
import hmac
import re
import unicodedata
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from azukari.booking import offers, rules, service
from azukari.booking import repository as repo
from azukari.booking.models import LIVE_ENTRY, SeatOffer, WaitlistEntry
from azukari.booking.rules import BookingRefusal
from azukari.households.models import Household
from azukari.language.facility_names import english_name
from azukari.messaging import outbox, texts
from azukari.messaging.models import OutboxMessage
from azukari.oversight import audit


@dataclass(frozen=True)
class Waiting:
    entry_id: int
    new: bool  # False: the child was already waiting for that unit and day


def full_units(session: Session, *, child_id: int, day: dt.date, now: dt.datetime) -> list[service.UnitOption]:
    """Units open on `day` with no room for a child of this age, to wait for; none without the rule.

    Like `service.options_for`, it looks at the seats and the child's age only, never at the child's
    own bookings (invariant 10): whoever asks about that day hears the same full units.
    """
    policy = repo.policy(session)
    child = repo.child_with_household(session, child_id)
    if not policy.waitlist or child is None:
        return []
    calendar = repo.calendar(session)
    if not rules.in_window(day, now=now, calendar=calendar) \
            or not rules.registration_covers(child.household.valid_until(), day):
        return []
    infant = rules.is_infant(child.birthdate, day)
    fee = rules.fee_for(child.birthdate, day, under_1=policy.fee_under_1, from_1=policy.fee_from_1)
    counters, caps = repo.counters_for(session, day=day), repo.caps_for(session, day=day)
    full: list[service.UnitOption] = []
    for facility, unit in repo.active_units(session):
        if not rules.is_bookable(day, now=now, calendar=calendar, closed_weekdays=facility.closed_weekdays,
                                 facility_closed_dates=facility.closed_dates, unit_starts=unit.starts) \
                or caps.get(unit.id) == 0:
            continue
        taken, infants = counters.get(unit.id, (0, 0))
        if not rules.has_room(booked=taken, infants=infants,
                              capacity=rules.day_capacity(facility.capacity, caps.get(unit.id)),
                              infant_capacity=facility.infant_capacity, infant=infant):
            # Named as the free units are: the short name and the Latin name where the facility has them.
            full.append(service.UnitOption(unit.id, facility.key, facility.name, facility.reading, unit.key,
                                           unit.starts, unit.ends, fee, facility.short_name or "",
                                           service.latin_name(facility)))
    return full


def join(session: Session, *, child_id: int, unit_id: int, day: dt.date, channel: str, language: str,
         now: dt.datetime, queued: list[OutboxMessage] | None = None) -> Waiting | BookingRefusal:
    """Put a child on the waiting list of one unit and day; the text goes to the number on file.

    The texts this queues (the waiting text, any offer of a seat freed meanwhile) are added to `queued`.
    """
    policy = repo.policy(session)
    child = repo.child_with_household(session, child_id)
    unit = repo.unit_with_facility(session, unit_id)
    if not policy.waitlist or child is None or unit is None or not unit.active or not unit.facility.active:
        return BookingRefusal.NOT_FOUND
    calendar = repo.calendar(session)
    if not rules.in_window(day, now=now, calendar=calendar):
        return BookingRefusal.OUTSIDE_WINDOW
    if not rules.registration_covers(child.household.valid_until(), day):
        return BookingRefusal.EXPIRED_REGISTRATION
    if not rules.is_bookable(day, now=now, calendar=calendar, closed_weekdays=unit.facility.closed_weekdays,
                             facility_closed_dates=unit.facility.closed_dates, unit_starts=unit.starts) \
            or repo.caps_for(session, day=day).get(unit_id) == 0:
        return BookingRefusal.CLOSED
    if not repo.child_still_registered(session, child_id=child_id):
        return BookingRefusal.NOT_FOUND  # removed from its registration while this call was joining
    # One live entry per child, unit and day, kept by a partial unique index: a second join (or two
    # at once) finds the first one instead.
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"household_pk": child.household_pk, "child_id": child_id, "unit_id": unit_id, "day": day,
              "status": "waiting", "channel": channel, "language": language, "created_at": now}
    statement = insert(cast(Table, WaitlistEntry.__table__)).values(**values).on_conflict_do_nothing(
        index_elements=["child_id", "unit_id", "day"], index_where=LIVE_ENTRY)
    entry_id = session.execute(statement.returning(WaitlistEntry.id)).scalar_one_or_none()
    if entry_id is None:
        existing = session.scalar(select(WaitlistEntry.id).where(
            WaitlistEntry.child_id == child_id, WaitlistEntry.unit_id == unit_id, WaitlistEntry.day == day,
            WaitlistEntry.status.in_(("waiting", "offered"))))
        return Waiting(existing or 0, new=False)
    seat = texts.SeatFacts(day, unit.starts, unit.ends, unit.facility.name,
                           english_name(name_en=unit.facility.name_en, reading=unit.facility.reading),
                           unit.facility.reading)
    outbox.enqueue(session, household=child.household, kind="waiting", body=texts.waiting(seat, language), now=now,
                   queued=queued)
    # A seat may have freed while the caller was choosing: offer it now rather than at the next job.
    made = offers.fill(session, unit_id=unit_id, day=day, now=now, queued=queued)
    audit.record(session, actor=channel, action="waitlist.joined", now=now, household_pk=child.household_pk,
                 detail={"entry_id": entry_id, "unit_id": unit_id})
    offers.audit_offers(session, made, now=now)
    return Waiting(entry_id, new=True)


# The code alone, or as the offer wrote it ("コード 1234"), full-width digits included.
_CODE = re.compile(r"^(?:コード|code|代码|코드)?\s*[:：]?\s*([0-9]{4})$", re.IGNORECASE)


def accept(session: Session, *, sender: str, code: str, now: dt.datetime,
           queued: list[OutboxMessage] | None = None) -> service.Booked | None:
    """A texted code from `sender`: if it is an open offer's to that number on file, book the held seat.

    None for anything else (a wrong code, the code from another number, a lapsed offer): the caller
    then goes on as if no code had been sent, so nothing is revealed. A texted code that takes
    nothing counts as a wrong code against the offers standing for that number (`count_wrong_code`).
    """
    typed = _CODE.match(unicodedata.normalize("NFKC", code).strip())
    if typed is None:
        return None
    households = list(session.scalars(select(Household.id).where(Household.phone == sender)))
    for household_pk in households:
        booked = take_by_code(session, household_pk=household_pk, code=typed.group(1), channel="sms", now=now,
                              queued=queued, count_wrong=household_pk == households[-1])
        if booked is not None:
            return booked
    return None


def take_by_code(session: Session, *, household_pk: int, code: str, channel: str, now: dt.datetime,
                 queued: list[OutboxMessage] | None = None, count_wrong: bool = True) -> service.Booked | None:
    """A code keyed at menu 5 (`offer_code`) by a verified caller: the household's open offer with it, booked.

    None for anything that does not book, and the same statements for each (a wrong code, another
    household's code, a lapsed one, one already used, one whose offer was raised to staff): the
    household's standing offers are read, the code compared here, and a miss counted against them
    all, so neither the words nor the work tell those cases apart (issue 24). At
    `offers.WRONG_CODE_LIMIT` misses an offer takes no code any more and staff are told (issue 28).
    """
    standing = session.scalars(select(SeatOffer).where(
        SeatOffer.household_pk == household_pk, SeatOffer.status == offers.OPEN, SeatOffer.expires_at > now)
        .order_by(SeatOffer.id)).all()
    typed = code.strip() if re.fullmatch(r"[0-9]{4}", code.strip()) else "----"
    # Every standing offer is compared, in constant time, whichever matches.
    hits = [offer for offer in standing
            if hmac.compare_digest(offer.code, typed) and offer.wrong_codes < offers.WRONG_CODE_LIMIT]
    if not hits:
        if count_wrong:
            offers.count_wrong_code(session, household_pk=household_pk, channel=channel, now=now)
        return None
    return _take(session, hits[0], channel=channel, now=now, queued=queued)


def _take(session: Session, offer: SeatOffer, *, channel: str, now: dt.datetime,
          queued: list[OutboxMessage] | None) -> service.Booked | None:
    """Book the seat held for `offer` (the DV flag, the child's bookings and the rules checked again)."""
    if not offers.settle(session, offer_id=offer.id, status="accepted", now=now):
        return None
    entry = session.get(WaitlistEntry, offer.entry_id)
    language = entry.language if entry is not None else "ja"
    outcome = service.book(session, child_id=offer.child_id, unit_id=offer.unit_id, day=offer.day, channel=channel,
                           language=language, now=now, from_hold=True, queued=queued)
    if isinstance(outcome, service.Booked):
        offers.end_entry(session, entry_id=offer.entry_id, status="booked", now=now, was=("offered",))
        return outcome
    # Refused after all (the child was booked elsewhere meanwhile: the reason went by text): pass it on.
    offers.audit_offers(session, offers.release(session, offer, entry_status="lapsed", now=now, queued=queued),
                        now=now)
    return None


def decline(session: Session, *, household_pk: int, code: str, now: dt.datetime,
            queued: list[OutboxMessage] | None = None) -> bool:
    """`2` in an offer call: the offer with this code is declined and its seat passes on at once."""
    offer = session.scalar(select(SeatOffer).where(
        SeatOffer.household_pk == household_pk, SeatOffer.code == code, SeatOffer.status == offers.OPEN,
        SeatOffer.expires_at > now).order_by(SeatOffer.id).limit(1))
    if offer is None or not offers.settle(session, offer_id=offer.id, status="declined", now=now):
        return False
    made = offers.release(session, offer, entry_status="declined", now=now, queued=queued)
    audit.record(session, actor="voice", action="waitlist.declined", now=now, household_pk=household_pk,
                 detail={"entry_id": offer.entry_id, "offer_id": offer.id})
    offers.audit_offers(session, made, now=now)
    return True


def answer_offer_call(session: Session, *, household_pk: int, code: str, take: bool, now: dt.datetime,
                      queued: list[OutboxMessage] | None = None) -> str:
    """`1` (take) or `2` in the call that offered a seat: "taken", "declined" or "gone" (lapsed, withdrawn,
    refused at booking). A redelivered key answers as the first one did, and changes nothing more."""
    offer = session.scalar(select(SeatOffer).where(SeatOffer.household_pk == household_pk, SeatOffer.code == code)
                           .order_by(SeatOffer.id.desc()).limit(1))
    if offer is None:
        return "gone"
    if offer.status == offers.OPEN and offer.expires_at > now:
        if take:
            return "taken" if _take(session, offer, channel="voice", now=now, queued=queued) is not None else "gone"
        return "declined" if decline(session, household_pk=household_pk, code=code, now=now, queued=queued) \
            else "gone"
    entry = session.get(WaitlistEntry, offer.entry_id)
    if take and offer.status == "accepted" and entry is not None and entry.status == "booked":
        return "taken"
    return "declined" if not take and offer.status == "declined" else "gone"


def hold_for_staff(session: Session, *, household_pk: int, actor: str, now: dt.datetime) -> int:
    """The DV flag was set: the household's open offers are withdrawn (each seat passes on at once) and its
    waiting places are kept for staff (the bot offers a flagged household nothing). How many were withdrawn."""
    withdrawn, made = 0, []
    for offer in session.scalars(select(SeatOffer).where(SeatOffer.household_pk == household_pk,
                                                         SeatOffer.status == offers.OPEN)).all():
        if not offers.settle(session, offer_id=offer.id, status="withdrawn", now=now):
            continue
        withdrawn += 1
        repo.release_hold(session, unit_id=offer.unit_id, day=offer.day, infant=offer.infant)
        offers.end_entry(session, entry_id=offer.entry_id, status="waiting", now=now, was=("offered",))
        made += offers.fill(session, unit_id=offer.unit_id, day=offer.day, now=now)
    if withdrawn:
        audit.record(session, actor=actor, action="waitlist.offers_withdrawn", now=now, household_pk=household_pk,
                     detail={"offers": withdrawn, "reason": "dv_flag"})
    offers.audit_offers(session, made, now=now)
    return withdrawn


def remove(session: Session, *, entry_id: int, actor: str, now: dt.datetime) -> bool:
    """Staff take an entry off the list (audited); an open offer of it is withdrawn and its seat passed on."""
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None or entry.status not in ("waiting", "offered"):
        return False
    made = _take_off(session, entry, now=now)
    if made is None:
        return False
    _audit_removed(session, [entry], made, actor=actor, now=now)
    return True


def withdraw_child(session: Session, *, child_id: int, actor: str, now: dt.datetime) -> list[int]:
    """The child was removed from its registration: each of its waiting places is taken off the list as staff
    take one off (its open offer withdrawn, the held seat passed on at once), audited the same way, after
    every row lock. The entries ended."""
    ended: list[WaitlistEntry] = []
    made: list[offers.Offered] = []
    for entry in session.scalars(select(WaitlistEntry).where(
            WaitlistEntry.child_id == child_id, WaitlistEntry.status.in_(("waiting", "offered")))
            .order_by(WaitlistEntry.id)).all():
        passed = _take_off(session, entry, now=now)
        if passed is not None:
            ended.append(entry)
            made += passed
    _audit_removed(session, ended, made, actor=actor, now=now)
    return [entry.id for entry in ended]


def _take_off(session: Session, entry: WaitlistEntry, *, now: dt.datetime) -> list[offers.Offered] | None:
    """End a live entry as "removed" (its open offer withdrawn, the seat offered on); None if it was not live."""
    offer = session.scalar(select(SeatOffer).where(SeatOffer.entry_id == entry.id, SeatOffer.status == offers.OPEN))
    if offer is not None and offers.settle(session, offer_id=offer.id, status="withdrawn", now=now):
        return offers.release(session, offer, entry_status="removed", now=now)
    if not offers.end_entry(session, entry_id=entry.id, status="removed", now=now, was=("waiting",)):
        return None
    return []


def _audit_removed(session: Session, entries: list[WaitlistEntry], made: list[offers.Offered], *, actor: str,
                   now: dt.datetime) -> None:
    for entry in entries:
        audit.record(session, actor=actor, action="waitlist.removed", now=now, household_pk=entry.household_pk,
                     detail={"entry_id": entry.id, "unit_id": entry.unit_id})
    offers.audit_offers(session, made, now=now)


def open_offers(session: Session, *, household_pk: int, now: dt.datetime) -> list[SeatOffer]:
    """The household's offers still open, soonest day first: what the signed-in web page shows."""
    return list(session.scalars(select(SeatOffer).where(
        SeatOffer.household_pk == household_pk, SeatOffer.status == offers.OPEN, SeatOffer.expires_at > now)
        .order_by(SeatOffer.day, SeatOffer.id)))


def accept_offer(session: Session, *, household_pk: int, offer_id: int, channel: str, now: dt.datetime,
                 queued: list[OutboxMessage] | None = None) -> service.Booked | None:
    """A signed-in household takes one of its open offers (the web): as `accept`, by the offer's id, not a code.

    None for an offer of another household, a lapsed or settled one, or a refusal at booking.
    """
    offer = session.scalar(select(SeatOffer).where(
        SeatOffer.id == offer_id, SeatOffer.household_pk == household_pk, SeatOffer.status == offers.OPEN,
        SeatOffer.expires_at > now))
    return None if offer is None else _take(session, offer, channel=channel, now=now, queued=queued)
