"""A child removed from its registration (issue 27): its row and bookings stay as the household's history, and
for everything live (verification, duplicates, booking, the waiting list, search) it is gone."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from facilities_files import facilities_toml, hikarigaoka, import_facilities_text, shakujii
from racing import behind
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from staff_support import add_facilities, add_staff, client_for, clock, csrf_of, log_in
from test_registration_duplicates import _book, _children, paired  # noqa: F401 (a fixture)
from test_registration_importer import DEMO, TODAY, write

from azukari import migrate
from azukari.booking import roster, service, waitlist
from azukari.booking.models import Facility, Reservation, SeatOffer, Unit, UnitDay, WaitlistEntry
from azukari.booking.rules import BookingRefusal
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.erasure import retention
from azukari.households.models import Child, Household
from azukari.households.pairs import ENDED, OPEN, SuspectedDuplicate
from azukari.identity.models import MatchKeys
from azukari.identity.outcomes import AttemptContext, Refused, Verified
from azukari.identity.verification import verify_by_household_id, verify_by_knowledge
from azukari.messaging.models import OutboxMessage
from azukari.operations.check import problems
from azukari.registration import merging
from azukari.registration import service as registration
from azukari.registration.duplicates import record_pairs
from azukari.registration.importer import import_households
from azukari.registration.search import find
from azukari.settings import DEMO_SECRET_KEY

NOW = clock().now()  # Monday 1 June 2026, 10:00 in Tokyo
BEFORE = dt.datetime(2026, 5, 25, 10, 0, tzinfo=TOKYO)  # when the past booking was made
PAST_DAY = dt.date(2026, 5, 26)
TUESDAY = dt.date(2026, 6, 2)
BORN, SIBLING_BORN = dt.date(2023, 5, 1), dt.date(2025, 1, 9)
ADDRESS = "東京都練馬区光が丘二丁目3番1-204号"
CONTEXT = AttemptContext(channel="voice", calling_number="+819099990000", conversation_key="k")


def _family(session: Session) -> tuple[Household, str, Child, Child]:
    """髙橋 陽翔 (the child to remove) and a younger sibling, 結菜; the household's PIN."""
    household, pin = registration.register_household(
        session, guardian_name="髙橋 美咲", guardian_kana="タカハシ ミサキ", phone="090-1234-5678", address=ADDRESS,
        children=[registration.ChildEntry("髙橋 陽翔", "タカハシ ハルト", BORN, "M"),
                  registration.ChildEntry("髙橋 結菜", "タカハシ ユイナ", SIBLING_BORN, "F")],
        registered_on=dt.date(2026, 4, 1), dv_flag=False, now=BEFORE)
    first, sibling = household.children
    return household, pin, first, sibling


def _first_unit(session: Session) -> int:
    found = session.scalar(select(Unit.id).join(Facility).order_by(Facility.key, Unit.key).limit(1))
    assert found is not None
    return found


def _booked(session: Session, child_id: int, day: dt.date, now: dt.datetime) -> service.Booked:
    outcome = service.book(session, child_id=child_id, unit_id=_first_unit(session), day=day, channel="voice",
                           language="ja", now=now)
    assert isinstance(outcome, service.Booked), outcome
    return outcome


@pytest.fixture
def two_children(database: Database) -> tuple[int, str, int, int]:
    """The family with facilities: (household key, PIN, the child to remove, its sibling)."""
    with database.unit_of_work() as session:
        add_facilities(session)
        household, pin, first, sibling = _family(session)
        session.commit()
        return household.id, pin, first.id, sibling.id


def _remove(database: Database, household_pk: int, child_id: int, now: dt.datetime = NOW) -> list[str]:
    with database.unit_of_work() as session:
        cancelled = registration.remove_child(session, household_pk=household_pk, child_id=child_id, now=now)
        session.commit()
    return cancelled


def test_the_household_page_still_shows_a_removed_childs_past_bookings_marked_as_removed(
        database: Database, two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    with database.unit_of_work() as session:
        past = _booked(session, child_id, PAST_DAY, BEFORE)
        add_staff(session, username="sato", role="centre", now=NOW)
        session.commit()
    client = client_for(database, clock())
    log_in(client, "sato")
    removed = client.post(f"/staff/households/{household_pk}/children/{child_id}/remove", data={
        "confirm": "1", "csrf": csrf_of(client, f"/staff/households/{household_pk}")})
    assert removed.status_code == 303
    page = client.get(f"/staff/households/{household_pk}").text
    history = page.split('id="history"', 1)[1]
    assert PAST_DAY.isoformat() in history
    assert "髙橋 陽翔<span class=\"tag removed-child\">（登録から外した子）</span>" in history
    assert f'id="child-{child_id}"' not in page  # no longer corrected, booked for or removed again
    with database.unit_of_work() as session:
        assert session.scalars(select(Reservation.booking_number)).all() == [past.booking_number]


def test_removing_a_child_cancels_only_its_future_bookings_and_keeps_the_past_ones(
        database: Database, two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    with database.unit_of_work() as session:
        past = _booked(session, child_id, PAST_DAY, BEFORE)
        future = _booked(session, child_id, TUESDAY, NOW)
        session.commit()
    assert _remove(database, household_pk, child_id) == [future.booking_number]
    with database.unit_of_work() as session:
        statuses = dict(session.execute(select(Reservation.booking_number, Reservation.status)).all())
        assert statuses == {past.booking_number: "booked", future.booking_number: "cancelled"}
    assert [line for line in problems(database, secret_key=DEMO_SECRET_KEY, now=NOW) if "removed" in line] == []


def test_a_caller_giving_a_removed_childs_name_and_birthdate_is_refused_like_a_stranger(
        database: Database, two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    _remove(database, household_pk, child_id)
    with database.unit_of_work() as session:
        outcome = verify_by_knowledge(session, child_name="たかはしはると", birthdate=BORN, address=ADDRESS,
                                      guardian_name="タカハシミサキ", context=CONTEXT, now=NOW)
        assert isinstance(outcome, Refused)
        assert session.scalar(select(func.count()).select_from(MatchKeys).where(MatchKeys.child_id == child_id)) == 0


def test_the_household_id_and_pin_with_a_removed_childs_birthdate_verify_no_one(
        database: Database, two_children: tuple[int, str, int, int]) -> None:
    household_pk, pin, child_id, sibling_id = two_children
    _remove(database, household_pk, child_id)
    with database.unit_of_work() as session:
        household_id = session.get(Household, household_pk).household_id  # type: ignore[union-attr]
        removed = verify_by_household_id(session, household_id=household_id, pin=pin, birthdate=BORN,
                                         context=CONTEXT, now=NOW)
        current = verify_by_household_id(session, household_id=household_id, pin=pin, birthdate=SIBLING_BORN,
                                         context=CONTEXT, now=NOW)
    assert isinstance(removed, Refused)
    assert isinstance(current, Verified) and current.child_id == sibling_id


def test_a_conversation_verified_before_the_removal_cannot_book_the_removed_child(
        database: Database, two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    with database.unit_of_work() as session:
        verified = verify_by_knowledge(session, child_name="たかはしはると", birthdate=BORN, address=ADDRESS,
                                       guardian_name="タカハシミサキ", context=CONTEXT, now=NOW)
        session.commit()
    assert isinstance(verified, Verified) and verified.child_id == child_id
    _remove(database, household_pk, child_id)
    with database.unit_of_work() as session:
        unit = _first_unit(session)
        assert service.options_for(session, child_id=child_id, day=TUESDAY, now=NOW) == BookingRefusal.NOT_FOUND
        assert service.book(session, child_id=child_id, unit_id=unit, day=TUESDAY, channel="voice", language="ja",
                            now=NOW) == BookingRefusal.NOT_FOUND
        session.commit()
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Reservation)) == 0


def test_a_booking_that_waited_for_the_removal_is_refused(database: Database,
                                                          two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children

    def book() -> object:
        with database.unit_of_work() as session:
            outcome = service.book(session, child_id=child_id, unit_id=_first_unit(session), day=TUESDAY,
                                   channel="voice", language="ja", now=NOW)
            session.commit()
            return outcome

    with database.unit_of_work() as session:
        registration.remove_child(session, household_pk=household_pk, child_id=child_id, now=NOW)
        out = behind(session, book)  # waits for the removal: the child's row (PostgreSQL), the writer (SQLite)
    assert out == [BookingRefusal.NOT_FOUND]
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Reservation)) == 0


def test_a_booking_the_removal_waited_for_is_cancelled_by_it(database: Database,
                                                             two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    with database.unit_of_work() as session:
        booked = _booked(session, child_id, TUESDAY, NOW)
        out = behind(session, lambda: _remove(database, household_pk, child_id))  # waits for the booking to commit
    assert out == [[booked.booking_number]]
    with database.unit_of_work() as session:
        assert session.scalars(select(Reservation.status)).one() == "cancelled"


ONE_SEAT = facilities_toml(hikarigaoka(capacity=1, infant_capacity=1), shakujii(capacity=1, infant_capacity=1),
                           rules={"waitlist": True, "offer_hours": 12, "monthly_units_per_child": 4})
WAIT_NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO)  # Friday
WAIT_DAY = dt.date(2026, 11, 27)


def _household(session: Session, number: int, children: int) -> Household:
    household = Household(household_id=f"{30000001 + number}", pin_hash="x", guardian_name="保護者",
                          guardian_kana="ホゴシャ", phone=f"+8190{10000000 + number}", address="練馬区",
                          registered_on=dt.date(2026, 4, 1),
                          children=[Child(name=f"子ども{i}", kana="コドモ", birthdate=dt.date(2023, 4, 1 + i))
                                    for i in range(children)])
    session.add(household)
    session.flush()
    return household


def _units(session: Session) -> list[int]:
    return list(session.scalars(select(Unit.id).join(Facility).order_by(Facility.key, Unit.key)))


def test_removal_takes_the_childs_waiting_places_off_and_passes_its_held_seat_on(
        database: Database, tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, ONE_SEAT)
        holder = _household(session, 0, 1).children[0]
        family = _household(session, 1, 2)
        removed, next_child = family.children[0], _household(session, 2, 1).children[0]
        first, second = _units(session)[0], _units(session)[1]
        for unit in (first, second):
            taken = service.book(session, child_id=holder.id if unit == first else next_child.id, unit_id=unit,
                                 day=WAIT_DAY, channel="voice", language="ja", now=WAIT_NOW)
            assert isinstance(taken, service.Booked)
        ticket = session.scalars(select(Reservation.booking_number).where(Reservation.unit_id == first)).one()
        for child, unit in ((removed, first), (next_child, first), (removed, second)):
            assert isinstance(waitlist.join(session, child_id=child.id, unit_id=unit, day=WAIT_DAY, channel="voice",
                                            language="ja", now=WAIT_NOW), waitlist.Waiting)
        assert isinstance(service.cancel(session, household_pk=holder.household_pk, booking_number=ticket,
                                         channel="voice", language="ja", now=WAIT_NOW), service.Cancelled)
        assert session.scalars(select(SeatOffer.child_id)).all() == [removed.id]  # the seat held for it
        registration.remove_child(session, household_pk=family.id, child_id=removed.id, now=WAIT_NOW)
        session.commit()
    with database.unit_of_work() as session:
        offers = dict(session.execute(select(SeatOffer.child_id, SeatOffer.status)).all())
        assert offers == {removed.id: "withdrawn", next_child.id: "open"}  # the held seat passed on
        assert session.scalars(select(WaitlistEntry.status).where(WaitlistEntry.child_id == removed.id)).all() == [
            "removed", "removed"]
        assert session.execute(select(UnitDay.booked, UnitDay.held).where(UnitDay.unit_id == first)).one() == (0, 1)
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.household_pk == next_child.household_pk, OutboxMessage.kind == "offer")) == 1


def _full_day(database: Database, tmp_path: Path) -> tuple[int, int, int]:
    """Both units full on WAIT_DAY; a family of two to remove one from: (household, child, unit)."""
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, ONE_SEAT)
        for number, unit in enumerate(_units(session)):
            taken = service.book(session, child_id=_household(session, number, 1).children[0].id, unit_id=unit,
                                 day=WAIT_DAY, channel="voice", language="ja", now=WAIT_NOW)
            assert isinstance(taken, service.Booked)
        family = _household(session, 9, 2)
        session.commit()
        return family.id, family.children[0].id, _units(session)[0]


def _join(database: Database, child_id: int, unit: int) -> object:
    with database.unit_of_work() as session:
        outcome = waitlist.join(session, child_id=child_id, unit_id=unit, day=WAIT_DAY, channel="voice",
                                language="ja", now=WAIT_NOW)
        session.commit()
        return outcome


def test_a_join_of_the_waiting_list_that_waited_for_the_removal_is_refused(database: Database,
                                                                           tmp_path: Path) -> None:
    household_pk, child_id, unit = _full_day(database, tmp_path)
    with database.unit_of_work() as session:
        registration.remove_child(session, household_pk=household_pk, child_id=child_id, now=WAIT_NOW)
        out = behind(session, lambda: _join(database, child_id, unit))
    assert out == [BookingRefusal.NOT_FOUND]
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(WaitlistEntry)) == 0


def test_a_place_on_the_waiting_list_the_removal_waited_for_is_taken_off_by_it(database: Database,
                                                                              tmp_path: Path) -> None:
    household_pk, child_id, unit = _full_day(database, tmp_path)
    with database.unit_of_work() as session:
        joined = waitlist.join(session, child_id=child_id, unit_id=unit, day=WAIT_DAY, channel="voice",
                               language="ja", now=WAIT_NOW)
        assert isinstance(joined, waitlist.Waiting)
        # waits for the place to commit
        out = behind(session, lambda: _remove(database, household_pk, child_id, WAIT_NOW))
    assert out == [[]]
    with database.unit_of_work() as session:
        assert session.scalars(select(WaitlistEntry.status)).all() == ["removed"]


def test_a_removed_child_ends_its_suspected_pair_and_is_never_paired_again(paired: Database) -> None:  # noqa: F811
    with paired.unit_of_work() as session:
        first, second = _children(session)
        household_pk = session.get(Child, second).household_pk  # type: ignore[union-attr]
        registration.add_child(session, household_pk=household_pk, now=NOW,
                               entry=registration.ChildEntry("髙橋 結菜", "タカハシ ユイナ", SIBLING_BORN))
        registration.remove_child(session, household_pk=household_pk, child_id=second, now=NOW)
        session.commit()
    with paired.unit_of_work() as session:
        assert session.scalars(select(SuspectedDuplicate.status)).all() == [ENDED]
        assert record_pairs(session, [first, second], now=NOW) == []
        assert session.scalar(select(func.count()).select_from(SuspectedDuplicate).where(
            SuspectedDuplicate.status == OPEN)) == 0
        # Booked apart again: the removed child no longer shares the first one's places.
        assert isinstance(_book(session, first, 1), service.Booked)


def test_a_child_registered_later_under_a_removed_childs_name_is_no_suspected_duplicate(
        database: Database, two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    _remove(database, household_pk, child_id)
    with database.unit_of_work() as session:
        registration.register_household(
            session, guardian_name="髙橋 健一", guardian_kana="タカハシ ケンイチ", phone="080-2345-6789",
            address=ADDRESS, children=[registration.ChildEntry("髙橋 陽翔", "タカハシ ハルト", BORN, "M")],
            registered_on=NOW.date(), dv_flag=False, now=NOW)
        session.commit()
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(SuspectedDuplicate)) == 0


def test_erasing_the_household_leaves_no_row_of_its_removed_child(database: Database,
                                                                  two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    with database.unit_of_work() as session:
        _booked(session, child_id, PAST_DAY, BEFORE)
        session.commit()
    _remove(database, household_pk, child_id)
    with database.unit_of_work() as session:
        household = session.get(Household, household_pk)
        assert household is not None
        counts = retention.count_household(session, household)
        assert (counts["children"], counts["reservations"]) == (2, 1)  # the certificate counts it too
        retention.erase_household(session, household, now=NOW, salt_value="salt", counts=counts,
                                  reason="request")
        session.commit()
    with database.unit_of_work() as session:
        for model in (Child, Reservation):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def test_deleting_the_household_object_takes_its_removed_child_too(database: Database,
                                                                    two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    _remove(database, household_pk, child_id)
    with database.unit_of_work() as session:
        session.delete(session.get(Household, household_pk))
        session.commit()
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 0


def test_a_merge_that_erases_the_other_household_keeps_its_removed_childs_history(
        paired: Database) -> None:  # noqa: F811
    with paired.unit_of_work() as session:
        first, second = _children(session)
        dropped_home = session.get(Child, second).household_pk  # type: ignore[union-attr]
        sibling = registration.add_child(session, household_pk=dropped_home, now=BEFORE,
                                         entry=registration.ChildEntry("髙橋 結菜", "タカハシ ユイナ", SIBLING_BORN))
        past = _book(session, sibling.id, 1)
        assert isinstance(past, service.Booked)
        later = dt.datetime(2026, 11, 30, 10, 0, tzinfo=TOKYO)  # after the booked day
        registration.remove_child(session, household_pk=dropped_home, child_id=sibling.id, now=later)
        pair_id = session.scalars(select(SuspectedDuplicate.id)).one()
        keep_home = session.get(Child, first).household_pk  # type: ignore[union-attr]
        merged = merging.merge(session, pair_id=pair_id, keep_child=first, phone_of=keep_home, now=later,
                               actor="staff:1", staff_id=1)
        session.commit()
    assert merged.household_erased and merged.moved["removed_children"] == 1
    with paired.unit_of_work() as session:
        kept = session.get(Household, keep_home)
        removed = session.get(Child, sibling.id)
        assert kept is not None and removed is not None
        assert [c.id for c in kept.children] == [first]
        assert (removed.household_pk, removed.removed_at is not None) == (keep_home, True)
        reservation = session.scalars(select(Reservation).where(
            Reservation.booking_number == past.booking_number)).one()
        assert (reservation.child_id, reservation.household_pk, reservation.status) == (sibling.id, keep_home, "booked")
        assert session.get(Household, dropped_home) is None


def test_a_reimported_row_naming_a_removed_child_registers_it_again_as_a_current_child(
        database: Database, tmp_path: Path) -> None:
    sibling = {**DEMO, "child_name": "髙橋 結菜", "child_kana": "タカハシ ユイナ", "child_birthdate": "2025-09-09"}
    with database.unit_of_work() as session:
        import_households(session, write(tmp_path / "a.csv", [DEMO, sibling]), today=TODAY, workers=1)
        household = session.scalars(select(Household)).one()
        removed = next(c for c in household.children if c.name == "髙橋 陽翔")
        registration.remove_child(session, household_pk=household.id, child_id=removed.id, now=NOW)
        session.commit()
    with database.unit_of_work() as session:
        import_households(session, write(tmp_path / "b.csv", [DEMO, sibling]), today=TODAY, workers=1)
        session.commit()
    with database.unit_of_work() as session:
        household = session.scalars(select(Household)).one()
        assert sorted(c.name for c in household.children) == ["髙橋 結菜", "髙橋 陽翔"]
        again = next(c for c in household.children if c.name == "髙橋 陽翔")
        assert again.id != removed.id and again.removed_at is None
        assert session.get(Child, removed.id).removed_at is not None  # type: ignore[union-attr]


def test_the_counter_search_no_longer_finds_the_household_by_a_removed_childs_name(
        database: Database, two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    with database.unit_of_work() as session:
        assert [h.id for h in find(session, query="はると", today=NOW.date()).hits] == [household_pk]
    _remove(database, household_pk, child_id)
    with database.unit_of_work() as session:
        assert find(session, query="はると", today=NOW.date()).hits == []
        assert [h.id for h in find(session, query="ゆいな", today=NOW.date()).hits] == [household_pk]


def test_the_daily_purge_leaves_no_row_of_a_removed_child(database: Database,
                                                          two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    with database.unit_of_work() as session:
        _booked(session, child_id, PAST_DAY, BEFORE)
        session.commit()
    _remove(database, household_pk, child_id)
    years_later = dt.datetime(2031, 1, 6, 10, 0, tzinfo=TOKYO)  # three years past the registration's expiry
    with database.unit_of_work() as session:
        report = retention.purge(session, now=years_later, dry_run=False)
        session.commit()
    assert report.households == 1 and report.totals["children"] == 2
    with database.unit_of_work() as session:
        for model in (Household, Child, Reservation):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def _migrate_to(database: Database, revision: str) -> None:
    config = migrate.alembic_config(database.engine)
    with database.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
        connection.commit()


def test_the_migration_back_drops_removed_children_as_a_removal_did_before_it(
        database: Database, two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, sibling_id = two_children
    with database.unit_of_work() as session:
        _booked(session, child_id, PAST_DAY, BEFORE)
        session.commit()
    _remove(database, household_pk, child_id)
    try:
        _migrate_to(database, "audit_changes_1")
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT id FROM children")).scalars().all() == [sibling_id]
            assert connection.execute(text("SELECT count(*) FROM reservations")).scalar() == 0
    finally:
        migrate.upgrade(database.engine)
    with database.unit_of_work() as session:
        sibling = session.get(Child, sibling_id)
        assert sibling is not None and sibling.removed_at is None


def test_a_facilitys_past_day_still_lists_a_removed_child_marked_as_removed(
        database: Database, two_children: tuple[int, str, int, int]) -> None:
    household_pk, _pin, child_id, _sibling = two_children
    with database.unit_of_work() as session:
        past = _booked(session, child_id, PAST_DAY, BEFORE)
        session.commit()
    _remove(database, household_pk, child_id)
    with database.unit_of_work() as session:
        facility_id = session.scalar(select(Reservation.facility_id).where(
            Reservation.booking_number == past.booking_number))
        assert facility_id is not None
        [line] = roster.roster(session, facility_id=facility_id, day=PAST_DAY)
    assert line.booking_number == past.booking_number and line.child_removed
