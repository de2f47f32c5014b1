"""Message status callbacks: the record follows Twilio forward only, and a lost text reaches staff."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from azukari.booking.models import Facility, Reservation, Unit
from azukari.db import Database
from azukari.households.models import Child, Household
from azukari.messaging.models import OutboxMessage
from azukari.messaging.outbox import enqueue
from azukari.messaging.status import record_status
from azukari.oversight.models import Escalation

NOW = dt.datetime(2026, 5, 1, 1, 0, tzinfo=dt.UTC)
SID = "SM" + "1" * 32


def _sent_confirmation(database: Database) -> tuple[int, int]:
    """A confirmation for a real booking, already handed to Twilio as SID; (outbox id, reservation id)."""
    with database.unit_of_work() as session:
        household = Household(household_id="10000001", pin_hash="x", guardian_name="-", guardian_kana="-",
                              phone="+819012345678", address="-", registered_on=dt.date(2026, 4, 1))
        household.children.append(Child(name="-", kana="-", birthdate=dt.date(2024, 5, 1)))
        facility = Facility(key=1, name="光が丘子ども家庭支援センター", reading="-", capacity=6, infant_capacity=2)
        facility.units.append(Unit(key=1, starts="09:00", ends="12:00"))
        session.add_all([household, facility])
        session.flush()
        reservation = Reservation(
            booking_number="12345678", household_pk=household.id, child_id=household.children[0].id,
            facility_id=facility.id, unit_id=facility.units[0].id, day=dt.date(2026, 5, 8),
            starts_at=dt.datetime(2026, 5, 8, 0, 0, tzinfo=dt.UTC),
            ends_at=dt.datetime(2026, 5, 8, 3, 0, tzinfo=dt.UTC),
            infant=False, fee=1500, channel="voice")
        session.add(reservation)
        session.flush()
        message = enqueue(session, household=household, kind="confirmation", body="予約番号 12345678", now=NOW,
                          reservation_id=reservation.id)
        message.status, message.message_sid, message.sent_at = "sent", SID, NOW
        session.commit()
        return message.id, reservation.id


def _callback(database: Database, status: str, error_code: str | None = None, sid: str = SID) -> None:
    with database.unit_of_work() as session:
        record_status(session, message_sid=sid, status=status, error_code=error_code, now=NOW)
        session.commit()


def _status(database: Database, outbox_id: int) -> str:
    with database.unit_of_work() as session:
        return session.get_one(OutboxMessage, outbox_id).status


def _escalations(database: Database) -> list[dict[str, object]]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(Escalation.details).where(Escalation.kind == "message_undelivered")))


def test_a_delivered_callback_marks_the_message_delivered(database: Database) -> None:
    outbox_id, _ = _sent_confirmation(database)

    _callback(database, "delivered")

    assert _status(database, outbox_id) == "delivered"
    assert _escalations(database) == []


def test_a_late_sent_callback_does_not_move_a_delivered_message_backwards(database: Database) -> None:
    outbox_id, _ = _sent_confirmation(database)

    _callback(database, "delivered")
    _callback(database, "sent")
    _callback(database, "undelivered", "30003")

    assert _status(database, outbox_id) == "delivered"
    assert _escalations(database) == []


def test_twilios_own_sending_status_is_not_taken_for_a_claim(database: Database) -> None:
    outbox_id, _ = _sent_confirmation(database)

    _callback(database, "sending")

    assert _status(database, outbox_id) == "sent"


def test_an_undelivered_callback_tells_staff_which_booking_the_parent_did_not_get(database: Database) -> None:
    outbox_id, reservation_id = _sent_confirmation(database)

    _callback(database, "undelivered", "30003")

    assert _status(database, outbox_id) == "undelivered"
    [details] = _escalations(database)
    assert details["reservation_id"] == reservation_id and details["outbox_id"] == outbox_id
    assert details["error_code"] == "30003"


def test_repeated_failure_callbacks_for_one_message_open_one_escalation(database: Database) -> None:
    _sent_confirmation(database)

    _callback(database, "undelivered", "30003")
    _callback(database, "failed", "30008")
    _callback(database, "undelivered", "30003")

    assert len(_escalations(database)) == 1


def test_a_callback_for_an_unknown_message_changes_nothing(database: Database) -> None:
    outbox_id, _ = _sent_confirmation(database)

    _callback(database, "failed", "30008", sid="SM" + "9" * 32)

    assert _status(database, outbox_id) == "sent"
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Escalation)) == 0
