"""Staff decide a suspected duplicate pair (issue 27, item 2): merge the two children into one, or dismiss.

A merge keeps one child (and its household) and moves the other's bookings, waiting-list places, offers
and counters onto it; the other child is then deleted, and its household too when it has no child left,
after its messages and cases are moved to the kept household, with the children staff had removed from it
(`Child.removed_at`) and their bookings: their history stays, now the kept household's. The number on file
is the one staff chose.
Both children rows are locked first, in id order, as a booking locks them (`booking.repository`), so a
call booking either child waits for the merge or the merge for it; never are both half done.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session, aliased

from azukari.booking.models import ChildDay, ChildMonth, Reservation, SeatOffer, WaitlistEntry
from azukari.booking.repository import LIVE
from azukari.households.models import Child, Household
from azukari.households.pairs import DISMISSED, MERGED, OPEN, SuspectedDuplicate, forget_groups
from azukari.identity.models import VerificationAttempt
from azukari.identity.stored_keys import store_household_keys
from azukari.messaging.models import OutboxMessage
from azukari.oversight import audit
from azukari.oversight.models import Escalation

_LIVE_WAITING = ("waiting", "offered")


class PairNotOpen(LookupError):
    """No open pair by that id: decided already (by someone else a moment ago), or never there."""


class MergeConflict(ValueError):
    """Both children hold a live booking (or a live waiting place) at the same time; `numbers` name them."""

    def __init__(self, numbers: list[str]) -> None:
        self.numbers = numbers
        super().__init__(", ".join(numbers))


@dataclass(frozen=True)
class Merged:
    kept_child: int
    kept_household: int
    kept_household_id: str
    dropped_household_id: str
    household_erased: bool
    moved: dict[str, int]


def dismiss(session: Session, *, pair_id: int, now: dt.datetime, actor: str, staff_id: int | None) -> None:
    """"Not the same child": the pair stops counting as one child, and is not found again."""
    pair = _open_pair(session, pair_id)
    pair.status, pair.decided_at, pair.decided_by = DISMISSED, now, staff_id
    session.flush()
    forget_groups(session)
    audit.record(session, actor=actor, action="duplicate.dismissed", now=now, household_pk=pair.household_a,
                 detail={"pair": pair.id, "pair_households": _ids(session, pair.household_a, pair.household_b)})


def merge(session: Session, *, pair_id: int, keep_child: int, phone_of: int, now: dt.datetime, actor: str,
          staff_id: int | None) -> Merged:
    """Keep `keep_child` (one of the pair), move the other onto it, keep household `phone_of`'s number."""
    pair = _open_pair(session, pair_id)
    if keep_child not in (pair.child_a, pair.child_b) or phone_of not in (pair.household_a, pair.household_b):
        raise PairNotOpen(pair_id)
    drop_child = pair.child_b if keep_child == pair.child_a else pair.child_a
    # The children first, in id order, for update: the order a booking share-locks them in.
    session.execute(select(Child.id).where(Child.id.in_((pair.child_a, pair.child_b))).order_by(Child.id)
                    .with_for_update())
    kept, dropped = session.get(Child, keep_child), session.get(Child, drop_child)
    if kept is None or dropped is None or kept.removed_at is not None or dropped.removed_at is not None:
        raise PairNotOpen(pair_id)
    keep_home, drop_home = kept.household_pk, dropped.household_pk
    _refuse_overlaps(session, keep_child, drop_child)
    moved = {"reservations": _move(session, Reservation, drop_child, keep_child, keep_home),
             "waiting_places": _move(session, WaitlistEntry, drop_child, keep_child, keep_home),
             "seat_offers": _move(session, SeatOffer, drop_child, keep_child, keep_home)}
    _fold_months(session, drop_child, keep_child)
    session.execute(delete(ChildDay).where(ChildDay.child_id == drop_child))
    kept_household = session.get(Household, keep_home)
    dropped_household = session.get(Household, drop_home)
    assert kept_household is not None and dropped_household is not None
    ids = {"kept": kept_household.household_id, "dropped": dropped_household.household_id}
    phone_household = session.get(Household, phone_of)
    assert phone_household is not None
    kept_household.phone = phone_household.phone
    kept_household.updated_at = now
    pair.status, pair.decided_at, pair.decided_by = MERGED, now, staff_id
    session.flush()
    session.delete(dropped)
    session.flush()
    session.refresh(dropped_household, ["children"])
    erased = drop_home != keep_home and not dropped_household.children
    if erased:
        # Its removed children too (the relationship lists only current ones): erasing the household would
        # otherwise take them, and their past bookings, with it.
        moved["removed_children"] = _rowcount(session.execute(
            update(Child).where(Child.household_pk == drop_home).values(household_pk=keep_home)
            .execution_options(synchronize_session=False)))
        for model in (Reservation, OutboxMessage, Escalation, VerificationAttempt, WaitlistEntry, SeatOffer):
            moved[model.__tablename__] = moved.get(model.__tablename__, 0) + _rowcount(session.execute(
                update(model).where(model.household_pk == drop_home).values(household_pk=keep_home)
                .execution_options(synchronize_session=False)))
        session.delete(dropped_household)
        session.flush()
    store_household_keys(session, kept_household)  # and the search terms, by the flush
    forget_groups(session)
    audit.record(session, actor=actor, action="duplicate.merged", now=now, household_pk=keep_home,
                 detail={"pair": pair_id, "kept": ids["kept"], "dropped": ids["dropped"],
                         "kept_child": keep_child, "dropped_child": drop_child, "household_removed": erased,
                         "phone_of": ids["kept"] if phone_of == keep_home else ids["dropped"], **moved})
    return Merged(keep_child, keep_home, ids["kept"], ids["dropped"], erased, moved)


def _open_pair(session: Session, pair_id: int) -> SuspectedDuplicate:
    pair = session.scalar(select(SuspectedDuplicate).where(SuspectedDuplicate.id == pair_id).with_for_update())
    if pair is None or pair.status != OPEN:
        raise PairNotOpen(pair_id)
    return pair


def _ids(session: Session, *pks: int) -> list[str]:
    return [h.household_id for pk in pks if (h := session.get(Household, pk)) is not None]


def _refuse_overlaps(session: Session, keep_child: int, drop_child: int) -> None:
    mine, theirs = aliased(Reservation), aliased(Reservation)
    clashes = session.execute(select(mine.booking_number, theirs.booking_number).join(theirs, and_(
        theirs.child_id == keep_child, theirs.status == LIVE, theirs.starts_at < mine.ends_at,
        theirs.ends_at > mine.starts_at)).where(mine.child_id == drop_child, mine.status == LIVE)).all()
    a, b = aliased(WaitlistEntry), aliased(WaitlistEntry)
    waiting = session.execute(select(a.id).join(b, and_(
        b.child_id == keep_child, b.unit_id == a.unit_id, b.day == a.day, b.status.in_(_LIVE_WAITING)))
        .where(a.child_id == drop_child, a.status.in_(_LIVE_WAITING))).all()
    if clashes or waiting:
        raise MergeConflict([n for pair in clashes for n in pair] + [f"waiting:{w}" for (w,) in waiting])


def _move(session: Session, model: type[Reservation] | type[WaitlistEntry] | type[SeatOffer], drop_child: int,
          keep_child: int, keep_home: int) -> int:
    return _rowcount(session.execute(update(model).where(model.child_id == drop_child)
                                     .values(child_id=keep_child, household_pk=keep_home)
                                     .execution_options(synchronize_session=False)))


def _fold_months(session: Session, drop_child: int, keep_child: int) -> None:
    """The dropped child's monthly counts added to the kept child's, month by month."""
    for month, booked in session.execute(select(ChildMonth.month, ChildMonth.booked)
                                         .where(ChildMonth.child_id == drop_child)).all():
        found = session.scalar(select(ChildMonth).where(ChildMonth.child_id == keep_child, ChildMonth.month == month))
        if found is None:
            session.add(ChildMonth(child_id=keep_child, month=month, booked=booked))
        else:
            found.booked += booked
    session.execute(delete(ChildMonth).where(ChildMonth.child_id == drop_child))
    session.flush()


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
