"""SQL for the booking core: counter rows, lock rows, live reservations and the policy row."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypeVar, cast

from sqlalchemy import CursorResult, Table, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from azukari.booking import rules
from azukari.booking.models import (
    BookingPolicy,
    ChildDay,
    ChildMonth,
    Facility,
    NoShowLift,
    Reservation,
    Unit,
    UnitDay,
)
from azukari.households.models import Child
from azukari.households.pairs import pair_group, remember_group

LIVE = "booked"


_KEPT = "azukari.booking.kept_rows"
_Row = TypeVar("_Row", BookingPolicy, Child)


def _kept(session: Session, row: _Row | None) -> _Row | None:
    # The identity map holds rows weakly: a second session.get() once the first object is dropped
    # queries again. A webhook offering a day asks for the policy three times and the child twice
    # (the day, the options, the full units); held for the session, each is read once.
    if row is not None:
        session.info.setdefault(_KEPT, set()).add(row)
    return row


def policy(session: Session) -> BookingPolicy:
    """Row id 1 from facilities.toml; before any import, the contract's defaults (not stored)."""
    found = session.get(BookingPolicy, 1)
    if found is None:
        return BookingPolicy(id=1, horizon_days=30, closed_on_public_holidays=True, fee_under_1=2000,
                             fee_from_1=1500, opens_at="00:00", closed_dates="", until_school_entry=False)
    _kept(session, found)
    return found


def calendar(session: Session) -> rules.Calendar:
    """The ward's calendar (the window's inputs, `rules.bookable_days`) from the stored policy."""
    found = policy(session)
    return rules.Calendar(horizon_days=found.horizon_days,
                          closed_on_public_holidays=found.closed_on_public_holidays,
                          opens_at=found.opens_at or "00:00", same_day_until=found.same_day_until,
                          closed_dates=rules.closed_date_items(found.closed_dates or ""))


def ages(session: Session, facility: Facility) -> rules.Ages:
    """`[eligibility]` for one facility: its own `min_age_days`, else the ward's."""
    found = policy(session)
    min_age = facility.min_age_days if facility.min_age_days is not None else found.min_age_days
    return rules.Ages(min_age_days=min_age, until_school_entry=bool(found.until_school_entry))


def _insert_if_missing(session: Session, table: Table, values: dict[str, Any], keys: list[str]) -> int | None:
    """INSERT ... ON CONFLICT (keys) DO NOTHING; the new row's id, or None if it was already there.

    It tolerates a concurrent transaction inserting the same row first: on PostgreSQL we wait
    for it and then do nothing; on SQLite writers are serialised anyway.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    return session.execute(statement.returning(table.c.id)).scalar_one_or_none()


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def lock_child_day(session: Session, *, child_id: int, day: dt.date) -> bool:
    """Hold this child's lock row for `day` until the transaction ends; False if the child is no more.

    The UPDATE row-locks it on PostgreSQL, so a second booking of the same child on the same
    day waits here until the first commits or rolls back, and only then checks for overlaps
    (READ COMMITTED: its next statement sees the first booking). Unit times never cross
    midnight, so one lock row per day covers every booking that could overlap.

    A child in a suspected duplicate pair (households.pairs) is one child until staff decide: the lock
    taken is the group's first child's, so both of a pair's bookings wait for each other. First the
    group's children rows are share-locked, in id order: a merge (registration.merging) locks them for
    update in the same order, so a booking waits for a merge or the merge for the booking, and a booking
    that waited for a merge finds its child gone (merged into the kept one) and is refused. So does one that
    waited for staff removing the child from its registration (`registration.service.remove_child` writes
    the row first): FOR SHARE reads the row as that commit left it, and a removed child is not alive.
    """
    group = pair_group(session, child_id)
    if session.get_bind().dialect.name == "postgresql":  # SQLite: writers already run one at a time
        alive = set(session.scalars(select(Child.id).where(Child.id.in_(group), Child.removed_at.is_(None))
                                    .order_by(Child.id).with_for_update(read=True)))
        if child_id not in alive:
            return False
        group = remember_group(session, tuple(sorted(alive)))
    holder = group[0]
    _insert_if_missing(session, cast(Table, ChildDay.__table__),
                       {"child_id": holder, "day": day, "version": 0}, ["child_id", "day"])
    session.execute(update(ChildDay).where(ChildDay.child_id == holder, ChildDay.day == day)
                    .values(version=ChildDay.version + 1).execution_options(synchronize_session=False))
    return True


def child_still_registered(session: Session, *, child_id: int) -> bool:
    """Hold the child's row (a share lock, PostgreSQL) until the transaction ends; False if staff removed the
    child from its registration meanwhile. What joins the waiting list takes, so that a removal either waits
    for the new place, and then takes it off, or is waited for, and the join refused (SQLite: writers run
    one at a time, and the child was read as registered in this transaction)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return session.scalar(select(Child.id).where(Child.id == child_id, Child.removed_at.is_(None))
                          .with_for_update(read=True)) is not None


def live_overlap_exists(session: Session, *, child_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """Does the child (or a child suspected to be the same one) hold a live booking anywhere that overlaps
    [starts_at, ends_at)?"""
    found = session.scalar(select(Reservation.id).where(
        Reservation.child_id.in_(pair_group(session, child_id)), Reservation.status == LIVE,
        Reservation.starts_at < ends_at, Reservation.ends_at > starts_at).limit(1))
    return found is not None


def take_seat(session: Session, *, unit_id: int, day: dt.date, infant: bool, capacity: int,
              infant_capacity: int) -> bool:
    """Take one seat (and one infant seat) if the counters allow it; False means full.

    The database decides who gets the last seat: the guard `booked < capacity` is evaluated
    on the row as it is when the UPDATE runs. On PostgreSQL a concurrent UPDATE of the same row
    waits for the other transaction and then re-checks the guard against the committed row
    (READ COMMITTED re-evaluation), so two bookers can never both pass `booked = capacity - 1`.
    On SQLite every transaction holds the write lock from BEGIN IMMEDIATE, so they run one
    after another.
    """
    return _occupy(session, unit_id=unit_id, day=day, infant=infant, capacity=capacity,
                   infant_capacity=infant_capacity, seats="booked", infant_seats="infants")


def count_in_month(session: Session, *, child_id: int, month: dt.date, limit: int | None) -> bool:
    """Count one more live booking against the child's month, if the ward's limit allows; False at the limit.

    The same pattern as `take_seat`: the guard `booked < limit` is evaluated by the database on the
    row as it is when the UPDATE runs, so of two bookings racing for the last allowed unit of a
    month (on different days, so the child's day lock does not serialise them) exactly one passes.
    With no limit the row is still counted, so a limit set later starts from the truth.

    A suspected duplicate pair shares one limit: the group's first child's row is locked (so two of
    its bookings on different days run one after the other), then the group's rows are summed.
    """
    group = pair_group(session, child_id)
    if len(group) > 1 and limit is not None:
        holder = group[0]
        _insert_if_missing(session, cast(Table, ChildMonth.__table__),
                           {"child_id": holder, "month": month, "booked": 0}, ["child_id", "month"])
        session.execute(update(ChildMonth).where(ChildMonth.child_id == holder, ChildMonth.month == month)
                        .values(booked=ChildMonth.booked).execution_options(synchronize_session=False))
        if _group_booked(session, group, month) >= limit:
            return False
        limit = None  # the group's sum decided; the child's own row only counts
    _insert_if_missing(session, cast(Table, ChildMonth.__table__),
                       {"child_id": child_id, "month": month, "booked": 0}, ["child_id", "month"])
    guard = [ChildMonth.child_id == child_id, ChildMonth.month == month]
    if limit is not None:
        guard.append(ChildMonth.booked < limit)
    result = session.execute(update(ChildMonth).where(*guard).values(booked=ChildMonth.booked + 1)
                             .execution_options(synchronize_session=False))
    return _rowcount(result) == 1


def uncount_in_month(session: Session, *, child_id: int, month: dt.date) -> None:
    session.execute(update(ChildMonth).where(ChildMonth.child_id == child_id, ChildMonth.month == month,
                                             ChildMonth.booked > 0)
                    .values(booked=ChildMonth.booked - 1).execution_options(synchronize_session=False))


def take_hold(session: Session, *, unit_id: int, day: dt.date, infant: bool, capacity: int,
              infant_capacity: int) -> bool:
    """Hold one seat for an offered family, under the same guard as `take_seat`; False means full."""
    return _occupy(session, unit_id=unit_id, day=day, infant=infant, capacity=capacity,
                   infant_capacity=infant_capacity, seats="held", infant_seats="held_infants")


def _occupy(session: Session, *, unit_id: int, day: dt.date, infant: bool, capacity: int, infant_capacity: int,
            seats: Literal["booked", "held"], infant_seats: Literal["infants", "held_infants"]) -> bool:
    """Add one to a unit-day's `seats` (and `infant_seats`) column under the capacity guard.

    Booked and held seats count alike against the capacity (booking/waitlist.py), so a booking and
    an offer's hold race under one guard, evaluated by the database on the row as the UPDATE finds it.
    """
    _insert_if_missing(session, cast(Table, UnitDay.__table__),
                       {"unit_id": unit_id, "day": day, "booked": 0, "infants": 0}, ["unit_id", "day"])
    # A unit-day's `cap` (staff closed it, or lowered its capacity, for the day) is read in the same UPDATE.
    guard = [UnitDay.unit_id == unit_id, UnitDay.day == day, UnitDay.booked + UnitDay.held < capacity,
             or_(UnitDay.cap.is_(None), UnitDay.booked + UnitDay.held < UnitDay.cap)]
    values: dict[str, Any] = {seats: getattr(UnitDay, seats) + 1}
    if infant:
        guard.append(UnitDay.infants + UnitDay.held_infants < infant_capacity)
        values[infant_seats] = getattr(UnitDay, infant_seats) + 1
    result = session.execute(update(UnitDay).where(*guard).values(**values)
                             .execution_options(synchronize_session=False))
    return _rowcount(result) == 1


def release_hold(session: Session, *, unit_id: int, day: dt.date, infant: bool) -> None:
    values: dict[str, Any] = {"held": UnitDay.held - 1}
    if infant:
        values["held_infants"] = UnitDay.held_infants - 1
    session.execute(update(UnitDay).where(UnitDay.unit_id == unit_id, UnitDay.day == day).values(**values)
                    .execution_options(synchronize_session=False))


def book_held_seat(session: Session, *, unit_id: int, day: dt.date, infant: bool) -> bool:
    """Turn a held seat into a booked one in one UPDATE: capacity is not re-checked, the hold was it."""
    guard = [UnitDay.unit_id == unit_id, UnitDay.day == day, UnitDay.held > 0]
    values: dict[str, Any] = {"held": UnitDay.held - 1, "booked": UnitDay.booked + 1}
    if infant:
        guard.append(UnitDay.held_infants > 0)
        values.update(held_infants=UnitDay.held_infants - 1, infants=UnitDay.infants + 1)
    result = session.execute(update(UnitDay).where(*guard).values(**values)
                             .execution_options(synchronize_session=False))
    return _rowcount(result) == 1


def booked_in_month(session: Session, *, child_id: int, month: dt.date) -> int:
    """Live bookings of the child's month, its suspected duplicates' included."""
    return _group_booked(session, pair_group(session, child_id), month)


def _group_booked(session: Session, group: tuple[int, ...], month: dt.date) -> int:
    if len(group) == 1:
        found = session.scalar(select(ChildMonth.booked).where(ChildMonth.child_id == group[0],
                                                               ChildMonth.month == month))
        return found or 0
    total = session.scalar(select(func.sum(ChildMonth.booked)).where(ChildMonth.child_id.in_(group),
                                                                     ChildMonth.month == month))
    return int(total or 0)


def free_seat(session: Session, *, unit_id: int, day: dt.date, infant: bool) -> None:
    values: dict[str, Any] = {"booked": UnitDay.booked - 1}
    if infant:
        values["infants"] = UnitDay.infants - 1
    session.execute(update(UnitDay).where(UnitDay.unit_id == unit_id, UnitDay.day == day).values(**values)
                    .execution_options(synchronize_session=False))


def mark_cancelled(session: Session, *, reservation_id: int, now: dt.datetime) -> bool:
    """Flip a live reservation to cancelled; False if someone else cancelled it first."""
    result = session.execute(update(Reservation)
                             .where(Reservation.id == reservation_id, Reservation.status == LIVE)
                             .values(status="cancelled", cancelled_at=now)
                             .execution_options(synchronize_session=False))
    return _rowcount(result) == 1


def counters_for(session: Session, *, day: dt.date) -> dict[int, tuple[int, int]]:
    """unit_id → (seats, infant seats) taken or held on `day`, for the units that have a counter row."""
    rows = session.execute(select(UnitDay.unit_id, UnitDay.booked + UnitDay.held,
                                  UnitDay.infants + UnitDay.held_infants).where(UnitDay.day == day))
    return {unit_id: (taken, infants) for unit_id, taken, infants in rows}


def child_with_household(session: Session, child_id: int) -> Child | None:
    """The child and its household; None for no such child, or one staff removed from the registration
    (it keeps its bookings' history, and books, waits and is offered nothing)."""
    child = session.get(Child, child_id, options=[joinedload(Child.household)])
    return _kept(session, child if child is not None and child.removed_at is None else None)


def unit_with_facility(session: Session, unit_id: int) -> Unit | None:
    return session.get(Unit, unit_id, options=[joinedload(Unit.facility)])


def active_units(session: Session) -> list[tuple[Facility, Unit]]:
    rows = session.execute(select(Facility, Unit).join(Unit, Unit.facility_id == Facility.id)
                           .where(Facility.active, Unit.active).order_by(Facility.key, Unit.key))
    return [(facility, unit) for facility, unit in rows]


def insert_reservation(session: Session, values: dict[str, Any]) -> int | None:
    """Insert a reservation; None if its booking number is already taken (the caller draws again).

    The unique constraint is the arbiter, so two bookings drawing the same number at once
    cannot both keep it; no SAVEPOINT is needed since a collision is not an error here.
    """
    return _insert_if_missing(session, cast(Table, Reservation.__table__), values, ["booking_number"])


def counters_between(session: Session, *, first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], int]:
    """(unit_id, day) → seats taken or held, for every counter row from `first` through `last` (one query)."""
    rows = session.execute(select(UnitDay.unit_id, UnitDay.day, UnitDay.booked + UnitDay.held)
                           .where(UnitDay.day >= first, UnitDay.day <= last))
    return {(unit_id, day): taken for unit_id, day, taken in rows}


def caps_between(session: Session, *, first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], int]:
    """(unit_id, day) → the seats staff left it (0: closed), for the unit-days staff closed or lowered."""
    rows = session.execute(select(UnitDay.unit_id, UnitDay.day, UnitDay.cap).where(
        UnitDay.day >= first, UnitDay.day <= last, UnitDay.cap.is_not(None)))
    return {(unit_id, day): cap for unit_id, day, cap in rows if cap is not None}


def no_show_days(session: Session, *, child_id: int, since: dt.date) -> list[dt.date]:
    """Days of care since `since` on which staff marked the child's live booking a no-show."""
    return list(session.scalars(select(Reservation.day).where(
        Reservation.child_id == child_id, Reservation.status == LIVE, Reservation.attendance == "no_show",
        Reservation.day >= since)))


def last_no_show_lift(session: Session, *, child_id: int) -> dt.datetime | None:
    return session.scalar(select(NoShowLift.lifted_at).where(NoShowLift.child_id == child_id)
                          .order_by(NoShowLift.lifted_at.desc()).limit(1))


def caps_for(session: Session, *, day: dt.date) -> dict[int, int]:
    """unit_id → the seats staff left it on `day` (0: closed), for the unit-days staff closed or lowered."""
    rows = session.execute(select(UnitDay.unit_id, UnitDay.cap).where(UnitDay.day == day, UnitDay.cap.is_not(None)))
    return {unit_id: cap for unit_id, cap in rows if cap is not None}


def set_day_cap(session: Session, *, unit_id: int, day: dt.date, cap: int | None) -> None:
    """Set a unit-day's `cap` (booking/closures.py) by an UPDATE of its counter row, the row a booking's seat
    guard updates: whichever of a closing and a booking gets to it second waits for the first (PostgreSQL)."""
    _insert_if_missing(session, cast(Table, UnitDay.__table__),
                       {"unit_id": unit_id, "day": day, "booked": 0, "infants": 0}, ["unit_id", "day"])
    session.execute(update(UnitDay).where(UnitDay.unit_id == unit_id, UnitDay.day == day).values(cap=cap)
                    .execution_options(synchronize_session=False))
