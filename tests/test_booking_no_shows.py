"""`[rules] no_show_limit = { count, months }` (issue 26 item 5): refused in the usual words, lifted by staff."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from facilities_files import import_facilities_text
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from staff_support import add_household, add_staff, client_for, clock, csrf_of, log_in
from test_booking_service import DAY, FACILITIES, NOW, add_child, book

from azukari.booking import no_shows, rules, service
from azukari.booking.models import BookingPolicy, Reservation, Unit
from azukari.booking.rules import BookingRefusal
from azukari.db import Database
from azukari.households.models import Child
from azukari.messaging.models import OutboxMessage
from azukari.oversight.models import AuditEntry

RULE = "\n[rules]\nno_show_limit = { count = 3, months = 3 }\n"
TODAY = dt.date(2026, 11, 20)


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert rules.months_before(dt.date(2026, 11, 20), 3) == dt.date(2026, 8, 20)
    assert rules.months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert rules.months_before(dt.date(2027, 2, 15), 3) == dt.date(2026, 11, 15)


def test_three_no_shows_within_three_months_reach_the_limit_and_older_ones_do_not_count() -> None:
    recent = [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    assert rules.no_show_limit_reached(recent, today=TODAY, count=3, months=3)
    assert not rules.no_show_limit_reached(recent[1:], today=TODAY, count=3, months=3)
    assert not rules.no_show_limit_reached([dt.date(2026, 8, 19), *recent[1:]], today=TODAY, count=3, months=3)
    assert not rules.no_show_limit_reached(recent, today=TODAY, count=None, months=None)


def test_a_lift_forgives_the_no_shows_up_to_its_day() -> None:
    recent = [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    assert not rules.no_show_limit_reached(recent, today=TODAY, count=3, months=3, lifted_on=dt.date(2026, 11, 1))
    assert rules.no_show_limit_reached([*recent, dt.date(2026, 11, 10), dt.date(2026, 11, 12),
                                        dt.date(2026, 11, 13)], today=TODAY, count=3, months=3,
                                       lifted_on=dt.date(2026, 11, 1))


@pytest.fixture
def session(database: Database, tmp_path: Path) -> Iterator[Session]:
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES + RULE)
        yield session


def _no_shows(session: Session, child_id: int, days: list[dt.date]) -> None:
    household_pk = session.get_one(Child, child_id).household_pk
    unit = session.scalars(select(Unit).order_by(Unit.id)).first()
    assert unit is not None
    for n, day in enumerate(days):
        session.add(Reservation(booking_number=f"{20000000 + n}", household_pk=household_pk, child_id=child_id,
            facility_id=unit.facility_id, unit_id=unit.id, day=day, starts_at=NOW, ends_at=NOW, infant=False,
            fee=1500, status="booked", channel="voice", attendance="no_show"))
    session.flush()


def test_a_child_at_the_limit_is_refused_and_the_text_says_to_contact_the_facility(session: Session) -> None:
    child = add_child(session)
    _no_shows(session, child.id, [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)])
    assert book(session, child) is BookingRefusal.NO_SHOW_LIMIT
    texts = list(session.scalars(select(OutboxMessage.body).where(OutboxMessage.household_pk == child.household_pk)))
    assert len(texts) == 1 and "施設へご連絡ください" in texts[0]


def test_two_no_shows_do_not_stop_a_booking(session: Session) -> None:
    child = add_child(session)
    _no_shows(session, child.id, [dt.date(2026, 10, 1), dt.date(2026, 11, 1)])
    assert isinstance(book(session, child), service.Booked)


def test_without_the_rule_no_shows_never_stop_a_booking(session: Session) -> None:
    session.execute(update(BookingPolicy).values(no_show_count=None, no_show_months=None))
    child = add_child(session)
    _no_shows(session, child.id, [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)])
    assert isinstance(book(session, child), service.Booked)


def test_staff_lifting_the_limit_lets_the_child_book_and_is_audited(session: Session) -> None:
    child = add_child(session)
    _no_shows(session, child.id, [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)])
    assert no_shows.lift(session, child_id=child.id, actor="staff:1", now=NOW)
    assert isinstance(book(session, child, day=DAY), service.Booked)
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.action == "no_shows.lifted")) is not None


def test_the_console_shows_the_limit_and_lifts_it(database: Database, tmp_path: Path) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES + RULE)
        add_staff(session, username="sato", role="centre", now=fixed.now())
        household = add_household(session, now=fixed.now())
        child_id, household_pk = household.children[0].id, household.id
        today = fixed.now().date()
        _no_shows(session, child_id, [today - dt.timedelta(days=d) for d in (3, 10, 20)])
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    assert "無断欠席で予約制限中" in client.get(f"/staff/households/{household_pk}").text
    response = client.post(f"/staff/households/{household_pk}/no-shows/lift",
                           data={"csrf": csrf_of(client, f"/staff/households/{household_pk}"), "child_id": child_id})
    assert response.status_code == 303
    response = client.get(response.headers["location"])
    assert "無断欠席による予約制限を解除しました" in response.text
    assert "無断欠席で予約制限中" not in response.text
    with database.unit_of_work() as session:
        assert session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "no_shows.lifted")) == "staff:1"
