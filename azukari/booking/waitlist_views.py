"""The waiting list as staff see it: per facility and day, and per household (never commits)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.booking.models import Facility, SeatOffer, Unit, UnitDay, WaitlistEntry
from azukari.clock import tokyo_date
from azukari.households.models import Child, Household

LIVE = ("waiting", "offered")
STATUS_WORDS = {"waiting": "待機中", "offered": "案内中", "booked": "予約済", "lapsed": "期限切れ",
                "removed": "職員が削除", "past": "終了"}


@dataclass(frozen=True)
class WaitingLine:
    """One child on a list, in the order it is served. The family itself is never told its place."""

    entry_id: int
    household_pk: int
    household_id: str
    dv_flag: bool
    child_name: str
    status: str
    since: dt.datetime
    offer_expires_at: dt.datetime | None  # the open offer's end, if the seat is held for this child


@dataclass
class UnitWaiting:
    unit_id: int
    starts: str
    ends: str
    booked: int = 0
    held: int = 0
    lines: list[WaitingLine] = field(default_factory=list)


def _open_offers(session: Session, entry_ids: list[int]) -> dict[int, dt.datetime]:
    if not entry_ids:
        return {}
    rows = session.execute(select(SeatOffer.entry_id, SeatOffer.expires_at)
                           .where(SeatOffer.entry_id.in_(entry_ids), SeatOffer.status == "open"))
    return {entry_id: expires_at for entry_id, expires_at in rows}


def for_facility_day(session: Session, *, facility_id: int, day: dt.date) -> list[UnitWaiting]:
    """Each active unit of the facility on `day`: seats booked and held, and who waits, first first."""
    units = {u.id: UnitWaiting(u.id, u.starts, u.ends) for u in session.scalars(
        select(Unit).where(Unit.facility_id == facility_id, Unit.active).order_by(Unit.key))}
    for unit_id, booked, held in session.execute(select(UnitDay.unit_id, UnitDay.booked, UnitDay.held).where(
            UnitDay.unit_id.in_(units), UnitDay.day == day)):
        units[unit_id].booked, units[unit_id].held = booked, held
    rows = session.execute(
        select(WaitlistEntry, Child, Household).join(Child, WaitlistEntry.child_id == Child.id)
        .join(Household, WaitlistEntry.household_pk == Household.id)
        .where(WaitlistEntry.unit_id.in_(units), WaitlistEntry.day == day, WaitlistEntry.status.in_(LIVE))
        .order_by(WaitlistEntry.id)).all()
    offers = _open_offers(session, [entry.id for entry, _c, _h in rows])
    for entry, child, household in rows:
        units[entry.unit_id].lines.append(WaitingLine(entry.id, household.id, household.household_id,
                                                      household.dv_flag, child.name, entry.status,
                                                      entry.created_at, offers.get(entry.id)))
    return list(units.values())


@dataclass(frozen=True)
class HouseholdEntry:
    entry_id: int
    day: dt.date
    starts: str
    ends: str
    facility_name: str
    facility_id: int
    child_name: str
    status: str
    offer_expires_at: dt.datetime | None
    child_removed: bool = False  # the child was removed from the registration (its places were taken off)


def for_household(session: Session, *, household_pk: int, now: dt.datetime) -> list[HouseholdEntry]:
    """The household's children's entries for days still to come, soonest first."""
    rows = session.execute(
        select(WaitlistEntry, Unit, Facility, Child).join(Unit, WaitlistEntry.unit_id == Unit.id)
        .join(Facility, Unit.facility_id == Facility.id).join(Child, WaitlistEntry.child_id == Child.id)
        .where(WaitlistEntry.household_pk == household_pk, WaitlistEntry.day > tokyo_date(now))
        .order_by(WaitlistEntry.day, Unit.starts, WaitlistEntry.id)).all()
    offers = _open_offers(session, [entry.id for entry, _u, _f, _c in rows])
    return [HouseholdEntry(e.id, e.day, u.starts, u.ends, f.name, f.id, c.name, e.status, offers.get(e.id),
                           c.removed_at is not None) for e, u, f, c in rows]


def facility_of_entry(session: Session, entry_id: int) -> int | None:
    return session.scalar(select(Unit.facility_id).join(WaitlistEntry, WaitlistEntry.unit_id == Unit.id)
                          .where(WaitlistEntry.id == entry_id))
