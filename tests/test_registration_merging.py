"""Staff decide a suspected duplicate pair (issue 27, item 2): merge into one child, or dismiss."""
from __future__ import annotations

import pytest
from racing import at_once
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_registration_duplicates import DAY, NOW, _book, _children, paired  # noqa: F401 (a fixture)

from azukari.booking import service
from azukari.booking.models import ChildMonth, Reservation
from azukari.booking.rules import BookingRefusal
from azukari.db import Database
from azukari.households.models import Child, Household
from azukari.households.pairs import SuspectedDuplicate
from azukari.oversight.models import AuditEntry
from azukari.registration import merging
from azukari.registration.search import find


def _pair_id(session: Session) -> int:
    return session.scalars(select(SuspectedDuplicate.id)).one()


def _homes(session: Session) -> dict[str, Household]:
    return {h.household_id: h for h in session.scalars(select(Household))}


def test_a_merge_moves_the_other_childs_bookings_to_the_kept_child_and_removes_the_empty_household(
        paired: Database) -> None:  # noqa: F811
    with paired.unit_of_work() as session:
        first, second = _children(session)
        booked = _book(session, second, 2)
        assert isinstance(booked, service.Booked)
        session.commit()
    with paired.unit_of_work() as session:
        homes = _homes(session)
        result = merging.merge(session, pair_id=_pair_id(session), keep_child=first,
                               phone_of=homes["20000002"].id, now=NOW, actor="staff:1", staff_id=1)
        session.commit()
    assert (result.kept_household_id, result.dropped_household_id, result.household_erased) == (
        "10000001", "20000002", True)
    with paired.unit_of_work() as session:
        reservation = session.scalars(select(Reservation)).one()
        assert (reservation.child_id, reservation.booking_number) == (first, booked.booking_number)
        assert set(_homes(session)) == {"10000001"}
        assert _homes(session)["10000001"].phone == "+818023456789"
        assert session.scalar(select(func.sum(ChildMonth.booked)).where(ChildMonth.child_id == first)) == 1


def test_a_merge_is_audited_with_both_household_ids(paired: Database) -> None:  # noqa: F811
    with paired.unit_of_work() as session:
        first, _ = _children(session)
        merging.merge(session, pair_id=_pair_id(session), keep_child=first, phone_of=_homes(session)["10000001"].id,
                      now=NOW, actor="staff:1", staff_id=1)
        session.commit()
    with paired.unit_of_work() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "duplicate.merged")).one()
        assert (entry.detail["kept"], entry.detail["dropped"]) == ("10000001", "20000002")


def test_after_a_merge_the_search_finds_the_kept_household_by_the_number_staff_chose(paired: Database) -> None:  # noqa: F811
    with paired.unit_of_work() as session:
        first, _ = _children(session)
        merging.merge(session, pair_id=_pair_id(session), keep_child=first, phone_of=_homes(session)["20000002"].id,
                      now=NOW, actor="staff:1", staff_id=1)
        session.commit()
    with paired.unit_of_work() as session:
        hits = find(session, query="080-2345-6789", today=DAY).hits
        assert [h.household_id for h in hits] == ["10000001"]


def test_a_merge_is_refused_while_both_children_are_booked_at_the_same_time(paired: Database) -> None:  # noqa: F811
    with paired.unit_of_work() as session:
        for pair in session.scalars(select(SuspectedDuplicate)):
            pair.status = "dismissed"  # booked twice while they were thought two children
        first, second = _children(session)
        assert isinstance(_book(session, first, 1), service.Booked)
        assert isinstance(_book(session, second, 2), service.Booked)
        pair_row = session.scalars(select(SuspectedDuplicate)).one()
        pair_row.status = "open"
        session.commit()
    with paired.unit_of_work() as session, pytest.raises(merging.MergeConflict):
        merging.merge(session, pair_id=_pair_id(session), keep_child=first, phone_of=_homes(session)["10000001"].id,
                      now=NOW, actor="staff:1", staff_id=1)


def test_a_dismissed_pair_books_as_two_children_and_is_audited(paired: Database) -> None:  # noqa: F811
    with paired.unit_of_work() as session:
        merging.dismiss(session, pair_id=_pair_id(session), now=NOW, actor="staff:1", staff_id=1)
        session.commit()
    with paired.unit_of_work() as session:
        first, second = _children(session)
        assert isinstance(_book(session, first, 1), service.Booked)
        assert isinstance(_book(session, second, 2), service.Booked)
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "duplicate.dismissed")) == 1


def test_a_pair_decided_once_cannot_be_decided_again(paired: Database) -> None:  # noqa: F811
    with paired.unit_of_work() as session:
        pair_id = _pair_id(session)
        merging.dismiss(session, pair_id=pair_id, now=NOW, actor="staff:1", staff_id=1)
        session.commit()
    with paired.unit_of_work() as session, pytest.raises(merging.PairNotOpen):
        merging.dismiss(session, pair_id=pair_id, now=NOW, actor="staff:1", staff_id=1)




@pytest.mark.parametrize("booked_child", [0, 1])
def test_a_merge_racing_a_call_that_books_either_child_loses_no_booking(paired: Database,  # noqa: F811
                                                                        booked_child: int) -> None:
    with paired.unit_of_work() as session:
        children = _children(session)
        pair_id, keep_home = _pair_id(session), _homes(session)["10000001"].id

    def book() -> object:
        with paired.unit_of_work() as session:
            outcome = _book(session, children[booked_child], 2)
            session.commit()
            return outcome

    def merge() -> object:
        with paired.unit_of_work() as session:
            result = merging.merge(session, pair_id=pair_id, keep_child=children[0], phone_of=keep_home, now=NOW,
                                   actor="staff:1", staff_id=1)
            session.commit()
            return result

    booking, merged = at_once([book, merge])
    assert isinstance(merged, merging.Merged), merged
    assert isinstance(booking, service.Booked) or booking == BookingRefusal.NOT_FOUND, booking
    with paired.unit_of_work() as session:
        live = session.scalars(select(Reservation).where(Reservation.status == "booked")).all()
        assert [r.child_id for r in live] == ([children[0]] if isinstance(booking, service.Booked) else [])
        assert session.scalar(select(func.count()).select_from(Child)) == 1
        assert session.scalar(select(func.coalesce(func.sum(ChildMonth.booked), 0))) == len(live)
