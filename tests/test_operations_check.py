"""`azukari check`: silent on a sound database, one plain line for each kind of damage."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from ivr_support import MONDAY, TUESDAY, seed
from sqlalchemy import delete, insert, select, update

from azukari.booking import service as booking
from azukari.booking.models import ChildMonth, Reservation, Unit, UnitDay
from azukari.cli import main
from azukari.db import Database
from azukari.households.models import Child
from azukari.messaging.models import OutboxMessage
from azukari.operations.check import problems
from azukari.oversight import audit
from azukari.oversight.models import AuditEntry
from azukari.settings import DEMO_SECRET_KEY

NOW = MONDAY.astimezone(dt.UTC)


def _book(database: Database, *, unit_key: int = 1, day: dt.date = TUESDAY, now: dt.datetime = NOW) -> int:
    """A booking made the way the service makes it: counter, confirmation and audit entry together."""
    with database.unit_of_work() as session:
        child_id = session.scalar(select(Child.id).limit(1))
        unit_id = session.scalar(select(Unit.id).where(Unit.key == unit_key).order_by(Unit.id).limit(1))
        assert child_id is not None and unit_id is not None
        done = booking.book(session, child_id=child_id, unit_id=unit_id, day=day, channel="voice", language="ja",
                            now=now)
        assert isinstance(done, booking.Booked), done
        session.commit()
    with database.unit_of_work() as session:
        found = session.scalar(select(Reservation.id).order_by(Reservation.id.desc()).limit(1))
        assert found is not None
        return found


def _sent(database: Database) -> None:
    with database.unit_of_work() as session:
        session.execute(update(OutboxMessage).values(status="sent"))
        session.commit()


def _problems(database: Database, **given: str) -> list[str]:
    return problems(database, secret_key=DEMO_SECRET_KEY, now=NOW + dt.timedelta(minutes=5), **given)


@pytest.fixture
def booked(database: Database) -> int:
    seed(database)
    reservation = _book(database)
    _book(database, unit_key=2)
    _sent(database)
    return reservation


def test_a_sound_database_has_no_problems(database: Database, booked: int) -> None:
    assert _problems(database) == []


def test_a_booking_row_deleted_behind_the_services_back_is_found(database: Database, booked: int) -> None:
    with database.unit_of_work() as session:
        session.execute(delete(Reservation).where(Reservation.id == booked))
        session.commit()

    found = _problems(database)

    assert len(found) == 2  # the unit's counter, and the child's month counter (the monthly limit)
    assert f"on {TUESDAY.isoformat()}: the counter says 1 seats" in found[0] and "but 0 live bookings" in found[0]
    assert "the month counter says 2 bookings, but 1 are live" in found[1]


def test_an_edited_month_counter_is_found(database: Database, booked: int) -> None:
    with database.unit_of_work() as session:
        session.execute(update(ChildMonth).values(booked=0))
        session.commit()

    assert [line for line in _problems(database) if "month counter says 0 bookings, but 2 are live" in line]


def test_a_seat_held_with_no_open_offer_is_found(database: Database, booked: int) -> None:
    with database.unit_of_work() as session:
        session.execute(update(UnitDay).where(UnitDay.booked == 1).values(held=1).execution_options(
            synchronize_session=False))
        session.commit()

    found = _problems(database)

    assert len(found) == 2 and all("1 seats are held, but 0 open offers hold them" in line for line in found)


def test_an_edited_counter_is_found(database: Database, booked: int) -> None:
    with database.unit_of_work() as session:
        session.execute(update(UnitDay).where(UnitDay.booked == 1).values(booked=3).execution_options(
            synchronize_session=False))
        session.commit()

    found = _problems(database)

    assert len(found) == 2 and all("the counter says 3 seats" in line for line in found)


def test_a_rewritten_audit_entry_is_found(database: Database, booked: int) -> None:
    with database.unit_of_work() as session:
        first = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id).limit(1))
        session.execute(update(AuditEntry).where(AuditEntry.id == first).values(action="booking.cancelled"))
        session.commit()

    assert _problems(database) == [f"the audit log: entry #{first} does not match its keyed hash (it was rewritten)"]


def test_entries_deleted_after_the_exported_head_are_found_with_the_anchor(database: Database, booked: int) -> None:
    with database.unit_of_work() as session:
        head = str(audit.head(session))
        last = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        session.execute(delete(AuditEntry).where(AuditEntry.id == last))
        session.commit()

    assert _problems(database) == []  # the chain left is whole: only the anchor shows the loss
    assert "the newest entries were deleted" in " ".join(_problems(database, anchor=head))


def test_a_child_in_two_places_at_once_is_found(database: Database, booked: int) -> None:
    with database.unit_of_work() as session:
        original = session.get_one(Reservation, booked)
        other_unit = session.scalar(select(Unit.id).where(Unit.id != original.unit_id, Unit.key == 1))
        values = {c.name: getattr(original, c.name) for c in Reservation.__table__.columns if c.name != "id"}
        session.execute(insert(Reservation).values({**values, "unit_id": other_unit, "booking_number": "99999999"}))
        session.execute(insert(UnitDay).values(unit_id=other_unit, day=TUESDAY, booked=1, infants=int(original.infant)))
        session.execute(update(ChildMonth).values(booked=ChildMonth.booked + 1))  # counted, like the rest
        session.commit()

    found = _problems(database)

    assert len(found) == 1 and found[0].startswith(f"child #{original.child_id} is booked in two places at once")


def test_a_removed_child_still_holding_a_live_booking_is_found(database: Database, booked: int) -> None:
    with database.unit_of_work() as session:
        child_id = session.get_one(Reservation, booked).child_id
        session.execute(update(Child).where(Child.id == child_id).values(removed_at=NOW))  # not by the service
        session.commit()

    found = _problems(database)

    assert found == [f"child #{child_id} was removed from its registration but still holds 2 live bookings after it"]


def test_a_text_unsent_for_over_an_hour_is_found(database: Database) -> None:
    seed(database)
    _book(database, now=NOW - dt.timedelta(hours=2))

    found = _problems(database)

    assert len(found) == 1 and found[0].startswith("1 texts have waited over an hour to be sent")


def test_a_database_without_the_latest_schema_is_found(tmp_path: Path) -> None:
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        found = problems(empty, secret_key=DEMO_SECRET_KEY, now=NOW)
    finally:
        empty.dispose()
    assert len(found) == 1 and "run `azukari migrate`" in found[0]


def test_the_check_command_prints_a_line_per_problem_and_fails(database: Database, booked: int,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert main(["check"]) == 0
    head = re.search(r"audit head (\d+:[0-9a-f]{64})", capsys.readouterr().out)
    assert head is not None
    assert main(["check", "--anchor", head.group(1)]) == 0
    with database.unit_of_work() as session:
        session.execute(update(UnitDay).values(booked=0).execution_options(synchronize_session=False))
        session.commit()

    assert main(["check"]) == 1

    out, err = capsys.readouterr()
    assert len([line for line in out.splitlines() if "the counter says 0 seats" in line]) == 2
    assert "azukari check: 2 problems found" in err
