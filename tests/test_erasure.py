"""Erasure everywhere: Twilio's copies, the daily run, calling numbers after 90 days, export and erase-all."""
from __future__ import annotations

import csv
import datetime as dt
import json
import threading
from pathlib import Path

import httpx
import pytest
import respx
from sqlalchemy import func, select, update
from staff_support import add_facilities, add_household, add_staff

from azukari.booking import service as booking
from azukari.booking.models import Facility, Unit
from azukari.clock import TOKYO, FixedClock
from azukari.db import Database
from azukari.erasure import daily, erase_all, export
from azukari.erasure.models import DailyRun
from azukari.erasure.pseudonyms import pseudonym, pseudonymise_calling_numbers
from azukari.erasure.retention import purge
from azukari.households.models import Household
from azukari.identity.models import VerificationAttempt
from azukari.identity.verification import AttemptContext, Verified, verify_by_knowledge
from azukari.messaging.models import OutboxMessage, ProviderDeletion
from azukari.messaging.provider_deletions import MAX_ATTEMPTS, ProviderEraser
from azukari.messaging.twilio_http import HttpxTwilioClient, make_twilio_client
from azukari.oversight import audit
from azukari.oversight.escalations import open_escalation
from azukari.oversight.models import AuditEntry, DeletionRecord, Escalation
from azukari.schema import metadata
from azukari.settings import DEMO_SECRET_KEY, Settings
from azukari.staff.models import StaffSession

API = "http://twilio.test"
SECRET = "a secret the database does not hold"
BOOKED_AT = dt.datetime(2021, 3, 1, 10, 0, tzinfo=TOKYO)
# Years past the household's expiry (2021-03-31) and its last booking (2021-03-02); 04:00 in Tokyo.
PURGE_DAY = dt.datetime(2024, 6, 2, 4, 0, tzinfo=TOKYO)


def _settings() -> Settings:
    return Settings(twilio_api_base_url=API, public_base_url="https://azukari.example")


def _old_household_with_sent_messages(database: Database, sids: list[str]) -> int:
    with database.unit_of_work() as session:
        add_facilities(session)
        household = add_household(session, now=BOOKED_AT, registered_on=dt.date(2020, 4, 1),
                                  birthdate=dt.date(2020, 5, 1))
        unit_id = session.scalar(select(Unit.id).join(Facility).where(Facility.key == 1, Unit.key == 1))
        assert unit_id is not None
        outcome = booking.book(session, child_id=household.children[0].id, unit_id=unit_id, day=dt.date(2021, 3, 2),
                               channel="voice", language="ja", now=BOOKED_AT)
        assert isinstance(outcome, booking.Booked)
        messages = list(session.scalars(select(OutboxMessage).where(OutboxMessage.household_pk == household.id)))
        for message, sid in zip(messages, sids, strict=False):
            message.message_sid, message.status = sid, "delivered"
        session.commit()
        return len(messages)


def _eraser(database: Database, clock: FixedClock) -> ProviderEraser:
    settings = _settings()
    return ProviderEraser(database=database, clock=clock,
                          client=make_twilio_client(settings, HttpxTwilioClient(base_url=API)))


def _delete_route(router: respx.MockRouter, sid: str) -> respx.Route:
    account = _settings().twilio_account_sid
    return router.delete(f"{API}/2010-04-01/Accounts/{account}/Messages/{sid}.json")


def _purge(database: Database, now: dt.datetime = PURGE_DAY) -> int:
    with database.unit_of_work() as session:
        report = purge(session, now=now, dry_run=False)
        session.commit()
        return report.households


def _deletions(database: Database) -> list[tuple[str, str, int]]:
    with database.unit_of_work() as session:
        return [(d.sid, d.status, d.attempts) for d in session.scalars(select(ProviderDeletion)
                                                                     .order_by(ProviderDeletion.id))]


def test_a_purged_household_leaves_only_the_sids_of_its_messages_to_delete_at_twilio(database: Database) -> None:
    assert _old_household_with_sent_messages(database, ["SM" + "a" * 32]) == 1
    assert _purge(database) == 1
    assert _deletions(database) == [("SM" + "a" * 32, "pending", 0)]
    with database.unit_of_work() as session:
        record = session.scalars(select(DeletionRecord)).one()
        assert record.counts["provider_messages"] == 1
        assert session.scalar(select(ProviderDeletion.deletion_record_id)) == record.id


def test_the_eraser_deletes_each_copy_at_twilio_with_a_signed_delete(database: Database) -> None:
    sid = "SM" + "b" * 32
    _old_household_with_sent_messages(database, [sid])
    _purge(database)
    with respx.mock(assert_all_called=True) as router:
        route = _delete_route(router, sid).mock(return_value=httpx.Response(204))
        assert _eraser(database, FixedClock(PURGE_DAY)).delete_due() == 1
        assert route.call_count == 1 and route.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert _deletions(database) == [(sid, "deleted", 1)]


def test_a_copy_already_gone_at_twilio_counts_as_deleted(database: Database) -> None:
    sid = "SM" + "c" * 32
    _old_household_with_sent_messages(database, [sid])
    _purge(database)
    with respx.mock() as router:
        _delete_route(router, sid).mock(return_value=httpx.Response(404, json={"code": 20404, "status": 404,
                                                                                "message": "not found"}))
        _eraser(database, FixedClock(PURGE_DAY)).delete_due()
    assert _deletions(database)[0][1] == "deleted"


def test_a_failed_delete_is_retried_later_not_at_once(database: Database) -> None:
    sid = "SM" + "d" * 32
    _old_household_with_sent_messages(database, [sid])
    _purge(database)
    clock = FixedClock(PURGE_DAY)
    with respx.mock() as router:
        route = _delete_route(router, sid).mock(return_value=httpx.Response(503))
        eraser = _eraser(database, clock)
        assert eraser.delete_due() == 1
        assert eraser.delete_due() == 0  # waits for its retry time
        clock.advance(minutes=11)
        assert eraser.delete_due() == 1 and route.call_count == 2
    assert _deletions(database) == [(sid, "pending", 2)]


def test_a_delete_that_keeps_failing_is_given_up_and_raised_to_staff(database: Database) -> None:
    sid = "SM" + "e" * 32
    _old_household_with_sent_messages(database, [sid])
    _purge(database)
    clock = FixedClock(PURGE_DAY)
    with respx.mock() as router:
        _delete_route(router, sid).mock(return_value=httpx.Response(500))
        eraser = _eraser(database, clock)
        for _ in range(MAX_ATTEMPTS):
            eraser.delete_due()
            clock.advance(days=1, minutes=1)
        assert eraser.delete_due() == 0
    assert _deletions(database) == [(sid, "failed", MAX_ATTEMPTS)]
    with database.unit_of_work() as session:
        assert session.scalars(select(Escalation.kind)).all() == ["erasure_failed"]


def test_the_daily_run_purges_once_a_day_after_three_in_the_morning(database: Database) -> None:
    _old_household_with_sent_messages(database, [])
    with database.unit_of_work() as session:
        assert daily.run(session, now=PURGE_DAY.replace(hour=2), secret_key=SECRET) is None
        first = daily.run(session, now=PURGE_DAY, secret_key=SECRET)
        again = daily.run(session, now=PURGE_DAY + dt.timedelta(hours=5), secret_key=SECRET)
        session.commit()
    assert first is not None and first["households"] == 1 and again is None
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 0
        assert session.scalar(select(func.count()).select_from(DailyRun)) == 1


def test_instances_racing_for_the_daily_run_run_it_once(database: Database) -> None:
    _old_household_with_sent_messages(database, [])
    clock = FixedClock(PURGE_DAY)
    barrier = threading.Barrier(4)
    results: list[object] = []

    def instance() -> None:
        barrier.wait()
        results.append(daily.run_if_due(database, clock, secret_key=SECRET))

    threads = [threading.Thread(target=instance) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r is not None for r in results) == 1
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(DeletionRecord)) == 1


def _attempt(session: object, *, at: dt.datetime, number: str) -> None:
    assert hasattr(session, "add")
    session.add(VerificationAttempt(at=at, channel="voice", method="knowledge", outcome="refused", reason="no_match",
                                    fields={}, calling_number=number))


def test_calling_numbers_older_than_ninety_days_become_keyed_hashes(database: Database) -> None:
    now = dt.datetime(2026, 6, 1, 4, 0, tzinfo=TOKYO)
    with database.unit_of_work() as session:
        _attempt(session, at=now - dt.timedelta(days=91), number="+819011112222")
        _attempt(session, at=now - dt.timedelta(days=89), number="+819033334444")
        _attempt(session, at=now - dt.timedelta(days=200), number="anonymous")
        open_escalation(session, kind="verification_failed", channel="voice", now=now - dt.timedelta(days=95),
                        calling_number="+819011112222")
        session.commit()
    with database.unit_of_work() as session:
        assert pseudonymise_calling_numbers(session, now=now, secret_key=SECRET) == 2
        session.commit()
    with database.unit_of_work() as session:
        numbers = session.scalars(select(VerificationAttempt.calling_number).order_by(VerificationAttempt.id)).all()
        escalated = session.scalar(select(Escalation.calling_number))
    hashed = pseudonym(SECRET, "+819011112222")
    assert numbers == [hashed, "+819033334444", "anonymous"]
    assert escalated == hashed  # the same number still shows as the same caller
    assert hashed.startswith("h:") and "11112222" not in hashed and len(hashed) <= 32


def test_pseudonymising_twice_changes_nothing_more(database: Database) -> None:
    now = dt.datetime(2026, 6, 1, 4, 0, tzinfo=TOKYO)
    with database.unit_of_work() as session:
        _attempt(session, at=now - dt.timedelta(days=91), number="+819011112222")
        session.commit()
    for expected in (1, 0):
        with database.unit_of_work() as session:
            assert pseudonymise_calling_numbers(session, now=now, secret_key=SECRET) == expected
            session.commit()


def test_the_pseudonym_depends_on_the_secret_key() -> None:
    assert pseudonym("one key", "+819011112222") != pseudonym("another key", "+819011112222")


def test_an_export_holds_every_table_with_checksums_that_verify(database: Database, tmp_path: Path) -> None:
    _old_household_with_sent_messages(database, ["SM" + "f" * 32])
    with database.engine.connect() as connection, connection.begin():
        exported = export.export_all(connection, tmp_path / "out", now=PURGE_DAY)
    assert {e.table for e in exported} == set(metadata.tables) - set(export.LEFT_OUT_TABLES)
    assert {e.table: e.rows for e in exported}["households"] == 1
    assert export.verify(tmp_path / "out") == []
    (tmp_path / "out" / "households.csv").write_text("household_id\n", encoding="utf-8")
    assert export.verify(tmp_path / "out") == ["households: checksum differs"]


def test_an_export_never_writes_into_a_directory_that_holds_files(database: Database, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    with database.engine.connect() as connection, pytest.raises(export.ExportError):
        export.export_all(connection, tmp_path, now=PURGE_DAY)


def test_erase_all_leaves_only_its_certificate_and_an_audit_entry_for_it(database: Database) -> None:
    _old_household_with_sent_messages(database, ["SM" + "1" * 32])
    with database.unit_of_work() as session:
        erase_all.queue_provider_copies(session, now=PURGE_DAY)
        session.execute(update(ProviderDeletion).values(status="deleted"))
        report = erase_all.erase_everything(session, now=PURGE_DAY)
        session.commit()
    assert report.counts["households"] == 1 and report.counts["provider_messages_deleted"] == 1
    with database.unit_of_work() as session:
        left = {t.name: session.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables}
        assert {name: n for name, n in left.items() if n} == {"deletion_records": 1, "audit_log": 1}
        assert session.scalar(select(AuditEntry.action)) == "data.erased_all"


def test_erase_all_keeps_the_twilio_copies_it_could_not_delete_yet(database: Database) -> None:
    _old_household_with_sent_messages(database, ["SM" + "2" * 32])
    with database.unit_of_work() as session:
        erase_all.queue_provider_copies(session, now=PURGE_DAY)
        report = erase_all.erase_everything(session, now=PURGE_DAY)
        session.commit()
    assert report.provider_pending == 1
    assert _deletions(database) == [("SM" + "2" * 32, "pending", 0)]


def test_erase_all_refuses_without_confirm(database: Database, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from azukari import cli

    _old_household_with_sent_messages(database, [])
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert cli.main(["erase-all"]) == 1
    assert "--confirm" in capsys.readouterr().err
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 1


def test_erase_all_deletes_twilios_copies_first_and_prints_its_certificate(
        database: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from azukari import cli

    sid = "SM" + "3" * 32
    _old_household_with_sent_messages(database, [sid])
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setenv("TWILIO_API_BASE_URL", API)
    with respx.mock(assert_all_called=True) as router:
        _delete_route(router, sid).mock(return_value=httpx.Response(204))
        assert cli.main(["erase-all", "--confirm"]) == 0
    out = capsys.readouterr().out
    assert "certificate: deletion record" in out and "households 1" in out
    with database.unit_of_work() as session:
        record = session.scalars(select(DeletionRecord)).one()
        assert (record.reason, record.counts["provider_messages_deleted"]) == ("end_of_contract", 1)


def test_the_export_command_writes_a_manifest(database: Database, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from azukari import cli

    monkeypatch.setenv("DATABASE_URL", database.url)
    assert cli.main(["export", str(tmp_path / "handover")]) == 0
    assert (tmp_path / "handover" / export.MANIFEST).exists() and "exported" in capsys.readouterr().out


def test_records_tied_to_no_household_go_after_three_years(database: Database) -> None:
    from azukari.erasure.pseudonyms import delete_old_unlinked

    now = dt.datetime(2026, 6, 1, 4, 0, tzinfo=TOKYO)
    with database.unit_of_work() as session:
        _attempt(session, at=now - dt.timedelta(days=3 * 365 + 1), number="anonymous")
        _attempt(session, at=now - dt.timedelta(days=3 * 365 - 1), number="anonymous")
        old = open_escalation(session, kind="callback", channel="voice", now=now - dt.timedelta(days=1200))
        open_escalation(session, kind="callback", channel="voice", now=now - dt.timedelta(days=1200),
                        dedupe_key="still open")
        old.status = "resolved"
        session.commit()
    with database.unit_of_work() as session:
        assert delete_old_unlinked(session, now=now) == 2
        session.commit()
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(VerificationAttempt)) == 1
        assert session.scalars(select(Escalation.status)).all() == ["open"]


def _household_values(database: Database, household_pk: int) -> dict[str, str]:
    with database.unit_of_work() as session:
        h = session.get(Household, household_pk)
        assert h is not None
        child = h.children[0]
        return {"household_id": h.household_id, "guardian_name": h.guardian_name, "guardian_kana": h.guardian_kana,
                "guardian given name": h.guardian_name.split()[1], "address": h.address,
                "phone": h.phone, "phone digits": h.phone.lstrip("+").removeprefix("81"), "child_name": child.name,
                "child given name": child.name.split()[1], "child_kana": child.kana,
                "birthdate": child.birthdate.isoformat(), "birthdate digits": child.birthdate.strftime("%Y%m%d")}


def _every_cell(database: Database) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every column of every row of every table."""
    cells = []
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(table.select()).mappings():
                cells += [(table.name, column, str(value)) for column, value in row.items() if value is not None]
    return cells


def test_after_the_purge_no_datum_of_the_household_remains_in_any_table(database: Database) -> None:
    _old_household_with_sent_messages(database, ["SM" + "9" * 32])
    with database.unit_of_work() as session:
        household = session.scalars(select(Household)).one()
        child = household.children[0]
        # The family calls from the number on file and is verified; the audit log records the attempt.
        outcome = verify_by_knowledge(session, child_name=child.name, birthdate=child.birthdate,
                                      address=household.address, guardian_name=household.guardian_name,
                                      context=AttemptContext("voice", household.phone, "CA" + "1" * 32),
                                      now=BOOKED_AT)
        assert isinstance(outcome, Verified)
        session.commit()
        household_pk = household.id
    values = _household_values(database, household_pk)
    assert any(values["phone"] in cell for _, _, cell in _every_cell(database))  # the scan sees it before
    assert _purge(database) == 1
    found = [(table, column, what) for table, column, cell in _every_cell(database)
             for what, value in values.items() if value in cell]
    assert found == []


def test_a_verifications_audit_entry_holds_the_callers_keyed_digest_never_the_number(database: Database) -> None:
    now = dt.datetime(2026, 6, 1, 4, 0, tzinfo=TOKYO)
    with database.unit_of_work() as session:
        add_household(session, now=now)
        verify_by_knowledge(session, child_name="鈴木 一郎", birthdate=dt.date(2023, 5, 1), address="光が丘",
                            guardian_name="鈴木 花子", context=AttemptContext("voice", "+819055556666", "CA1"),
                            now=now)
        session.commit()
    later = now + dt.timedelta(days=91)
    with database.unit_of_work() as session:
        pseudonymise_calling_numbers(session, now=later, secret_key=DEMO_SECRET_KEY)
        session.commit()
    with database.unit_of_work() as session:
        detail = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "verification")).one()
        attempt_number = session.scalar(select(VerificationAttempt.calling_number))
        # The chain is untouched by the 90-day pseudonymisation, and the entry and the attempt still agree.
        assert audit.verify_chain(session, DEMO_SECRET_KEY) == []
    assert "55556666" not in str(detail)
    assert detail["calling_number"] == attempt_number == pseudonym(DEMO_SECRET_KEY, "+819055556666")


def test_an_export_hands_over_the_wards_data_without_the_services_credentials(database: Database,
                                                                              tmp_path: Path) -> None:
    now = dt.datetime(2026, 6, 1, 4, 0, tzinfo=TOKYO)
    with database.unit_of_work() as session:
        staff = add_staff(session, username="desk", role="admin", now=now)
        staff_id = staff.id
        password_hash, sealed = staff.password_hash, staff.totp_secret
        assert password_hash and sealed
        session.add(StaffSession(token_hash="f" * 64, staff_id=staff_id, csrf_token="c" * 32, created_at=now,
                                 last_seen_at=now, expires_at=now + dt.timedelta(hours=1)))
        session.commit()
    with database.engine.connect() as connection, connection.begin():
        export.export_all(connection, tmp_path / "out", now=now)
    out = tmp_path / "out"
    everything = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert password_hash not in everything and sealed not in everything and "f" * 64 not in everything
    assert not (out / "staff_sessions.csv").exists() and not (out / "staff_recovery_codes.csv").exists()
    accounts = list(csv.DictReader((out / "staff_accounts.csv").open(encoding="utf-8", newline="")))
    assert [a["username"] for a in accounts] == ["desk"]  # the audit log still names its staff
    assert not {"password_hash", "totp_secret", "totp_last_step"} & accounts[0].keys()
    manifest = json.loads((out / export.MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["left_out"]["tables"]) == {"staff_sessions", "staff_recovery_codes", "console_secrets"}
    assert set(manifest["left_out"]["columns"]["staff_accounts"]) == {"password_hash", "totp_secret",
                                                                      "totp_last_step"}
    assert export.verify(out) == []


def test_an_exported_cell_that_starts_like_a_formula_is_kept_as_text(database: Database, tmp_path: Path) -> None:
    now = dt.datetime(2026, 6, 1, 4, 0, tzinfo=TOKYO)
    with database.unit_of_work() as session:
        open_escalation(session, kind="verification_failed", channel="voice", now=now, calling_number="+819011112222",
                        details={"note": "x"})
        add_staff(session, username="mallory", role="centre", now=now).display_name = "=cmd|' /C calc'!A0"
        session.commit()
    with database.engine.connect() as connection, connection.begin():
        export.export_all(connection, tmp_path / "out", now=now)
    rows = list(csv.DictReader((tmp_path / "out" / "escalations.csv").open(encoding="utf-8", newline="")))
    assert [r["calling_number"] for r in rows] == ["'+819011112222"] and rows[0]["id"].isdigit()
    accounts = list(csv.DictReader((tmp_path / "out" / "staff_accounts.csv").open(encoding="utf-8", newline="")))
    assert [a["display_name"] for a in accounts] == ["'=cmd|' /C calc'!A0"]
