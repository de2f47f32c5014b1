"""Retention: three years past expiry and last booking, erased with its data, a deletion record left."""
from __future__ import annotations

import datetime as dt
from argparse import Namespace
from io import StringIO

import pytest
from sqlalchemy import func, select, update
from staff_support import add_facilities, add_household, add_staff, client_for, csrf_of, log_in

from azukari.booking import service as booking
from azukari.booking.models import Facility, Reservation, Unit
from azukari.clock import TOKYO, FixedClock
from azukari.db import Database
from azukari.erasure import commands as erasure_commands
from azukari.erasure import retention
from azukari.households.models import Child, Household
from azukari.identity.models import VerificationAttempt
from azukari.messaging.models import OutboxMessage
from azukari.oversight import audit
from azukari.oversight.escalations import open_escalation
from azukari.oversight.models import DeletionRecord, Escalation
from azukari.runtime import build
from azukari.settings import Settings
from azukari.staff import commands
from azukari.staff.models import StaffAccount

# The household registers on 2020-04-01 (valid to 2021-03-31) and books once, in March 2021.
REGISTERED = dt.date(2020, 4, 1)
BOOKED_AT = dt.datetime(2021, 3, 1, 10, 0, tzinfo=TOKYO)


def _old_household(database: Database) -> str:
    with database.unit_of_work() as session:
        add_facilities(session)
        household = add_household(session, now=BOOKED_AT, registered_on=REGISTERED, birthdate=dt.date(2020, 5, 1))
        unit_id = session.scalar(select(Unit.id).join(Facility).where(Facility.key == 1, Unit.key == 1))
        assert unit_id is not None
        outcome = booking.book(session, child_id=household.children[0].id, unit_id=unit_id, day=dt.date(2021, 3, 2),
                               channel="voice", language="ja", now=BOOKED_AT)
        assert isinstance(outcome, booking.Booked)
        session.add(VerificationAttempt(at=BOOKED_AT, channel="voice", method="knowledge", outcome="verified",
                                        reason="ok", fields={}, calling_number="anonymous", household_pk=household.id))
        open_escalation(session, kind="callback", channel="voice", now=BOOKED_AT, household_pk=household.id)
        session.commit()
        return household.household_id


def _count(database: Database, model: type[object]) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_booking_within_three_years_keeps_a_long_expired_household(database: Database) -> None:
    _old_household(database)
    with database.unit_of_work() as session:
        # Expired 2020-03-31, over three years before 2024-03-01; but booked for 2021-03-02.
        session.execute(update(Household).values(registered_on=dt.date(2019, 4, 1)))
        report = retention.purge(session, now=dt.datetime(2024, 3, 1, 12, tzinfo=TOKYO), dry_run=False)
        session.commit()
    assert report.households == 0 and _count(database, Household) == 1


def test_a_registration_expired_exactly_three_years_ago_is_kept(database: Database) -> None:
    _old_household(database)
    with database.unit_of_work() as session:
        # The last booking (2021-03-02) is over three years old; the expiry (2021-03-31) is not yet.
        report = retention.purge(session, now=dt.datetime(2024, 3, 31, 12, tzinfo=TOKYO), dry_run=False)
        session.commit()
    assert report.households == 0 and _count(database, Household) == 1


def test_a_household_past_both_three_year_marks_is_erased_with_everything_it_owned(database: Database) -> None:
    _old_household(database)
    with database.unit_of_work() as session:
        report = retention.purge(session, now=dt.datetime(2024, 6, 2, 12, tzinfo=TOKYO), dry_run=False)
        session.commit()
    assert report.households == 1
    assert [_count(database, m) for m in (Household, Child, Reservation, OutboxMessage, VerificationAttempt,
                                          Escalation)] == [0, 0, 0, 0, 0, 0]


def test_the_deletion_record_holds_a_salted_hash_and_counts_and_no_personal_data(database: Database) -> None:
    household_id = _old_household(database)
    with database.unit_of_work() as session:
        retention.purge(session, now=dt.datetime(2024, 6, 2, 12, tzinfo=TOKYO), dry_run=False)
        session.commit()
    with database.unit_of_work() as session:
        record = session.scalars(select(DeletionRecord)).one()
        expected = retention.household_hash(retention.salt(session), household_id)
        assert record.household_hash == expected and household_id not in record.household_hash
        assert record.counts["reservations"] == 1 and record.counts["escalations"] == 1
        assert record.counts["outbox_messages"] == 1 and record.counts["verification_attempts"] == 1


def test_a_dry_run_reports_what_is_due_and_erases_nothing(database: Database) -> None:
    _old_household(database)
    with database.unit_of_work() as session:
        report = retention.purge(session, now=dt.datetime(2024, 6, 2, 12, tzinfo=TOKYO), dry_run=True)
        session.commit()
    assert report.households == 1 and _count(database, Household) == 1 and _count(database, DeletionRecord) == 0


def test_an_admin_purges_from_the_console_and_prints_the_certificate(database: Database) -> None:
    _old_household(database)
    fixed = FixedClock(dt.datetime(2024, 6, 2, 12, tzinfo=TOKYO))
    with database.unit_of_work() as session:
        add_staff(session, username="admin", role="admin", now=fixed.now())
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "admin")
    assert 'id="due-count">1<' in client.get("/staff/retention").text
    client.post("/staff/retention/purge", data={"csrf": csrf_of(client, "/staff/retention")})
    with database.unit_of_work() as session:
        record_id = session.scalar(select(DeletionRecord.id))
    certificate = client.get(f"/staff/retention/certificates/{record_id}")
    assert certificate.status_code == 200 and "個人情報削除証明書" in certificate.text
    assert "髙橋" not in certificate.text


def test_a_deletion_certificate_carries_the_audit_chain_head_as_printed(database: Database) -> None:
    _old_household(database)
    fixed = FixedClock(dt.datetime(2024, 6, 2, 12, tzinfo=TOKYO))
    with database.unit_of_work() as session:
        add_staff(session, username="admin", role="admin", now=fixed.now())
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "admin")
    client.post("/staff/retention/purge", data={"csrf": csrf_of(client, "/staff/retention")})
    with database.unit_of_work() as session:
        record_id = session.scalar(select(DeletionRecord.id))
    certificate = client.get(f"/staff/retention/certificates/{record_id}").text
    with database.unit_of_work() as session:
        head = audit.head(session)
    assert f'id="chain-head">{head}<' in certificate


def test_the_purge_command_erases_what_is_due(database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    _old_household(database)
    # The command reads the real clock: today is years past the household's 2021 booking.
    with build(Settings(database_url=database.url), database=database) as runtime:
        lines = erasure_commands.run_purge(runtime, dry_run=False)
    assert "erased 1 households" in lines[0] and _count(database, Household) == 0


def test_the_staff_add_command_creates_the_first_admin_from_stdin(database: Database,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", StringIO("a long enough password\n"))
    with build(Settings(database_url=database.url), database=database) as runtime:
        commands.run_staff_command(runtime, Namespace(staff_command="add", username="root", name="最初の管理者",
                                                      role="admin", facility=None, password_stdin=True))
    with database.unit_of_work() as session:
        role = session.scalar(select(StaffAccount.role).where(StaffAccount.username == "root"))
    assert role == "admin"


def test_the_certificate_says_whether_twilios_copies_are_deleted(database: Database) -> None:
    _old_household(database)
    fixed = FixedClock(dt.datetime(2024, 6, 2, 12, tzinfo=TOKYO))
    with database.unit_of_work() as session:
        session.execute(update(OutboxMessage).values(message_sid="SM" + "9" * 32))
        add_staff(session, username="admin", role="admin", now=fixed.now())
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "admin")
    client.post("/staff/retention/purge", data={"csrf": csrf_of(client, "/staff/retention")})
    with database.unit_of_work() as session:
        record_id = session.scalar(select(DeletionRecord.id))
    certificate = client.get(f"/staff/retention/certificates/{record_id}").text
    assert "Twilio上の写しの削除が完了していません" in certificate and "削除待ち" in certificate
