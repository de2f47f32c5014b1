"""One family erased on request (issue 27, item 4): `azukari erase-household ID --confirm`."""
from __future__ import annotations

import datetime as dt
import itertools

import httpx
import pytest
import respx
from sqlalchemy import func, select
from staff_support import add_facilities, add_household
from test_erasure import API, _settings

from azukari import cli
from azukari.booking import service as booking
from azukari.booking.models import Facility, Reservation, Unit
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.households.models import Household
from azukari.messaging.models import ProviderDeletion
from azukari.oversight.models import AuditEntry, DeletionRecord


def _family_with_a_future_booking(database: Database) -> str:
    now = dt.datetime.now(TOKYO)
    with database.unit_of_work() as session:
        add_facilities(session)
        household = add_household(session, now=now)
        unit_id = session.scalar(select(Unit.id).join(Facility).where(Facility.key == 1, Unit.key == 1))
        assert unit_id is not None
        for days in range(2, 9):  # the first day the facility is open
            outcome = booking.book(session, child_id=household.children[0].id, unit_id=unit_id,
                                   day=now.date() + dt.timedelta(days=days), channel="voice", language="ja", now=now)
            if isinstance(outcome, booking.Booked):
                break
        assert isinstance(outcome, booking.Booked)
        session.commit()
        return household.household_id


def _twilio(router: respx.MockRouter) -> tuple[respx.Route, respx.Route]:
    account = _settings().twilio_account_sid
    sids = (f"SM{n:032d}" for n in itertools.count(1))
    sent = router.post(f"{API}/2010-04-01/Accounts/{account}/Messages.json").mock(
        side_effect=lambda request: httpx.Response(201, json={"sid": next(sids), "status": "queued"}))
    deleted = router.delete(url__regex=rf"{API}/2010-04-01/Accounts/{account}/Messages/SM\d+\.json").mock(
        return_value=httpx.Response(204))
    return sent, deleted


def test_erase_household_refuses_without_confirm(database: Database, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    household_id = _family_with_a_future_booking(database)
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert cli.main(["erase-household", household_id]) == 1
    assert "--confirm" in capsys.readouterr().err
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 1


def test_erase_household_cancels_and_texts_first_then_erases_with_a_certificate_and_twilios_copies(
        database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    household_id = _family_with_a_future_booking(database)
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setenv("TWILIO_API_BASE_URL", API)
    with respx.mock() as router:
        sent, deleted = _twilio(router)
        assert cli.main(["erase-household", household_id, "--confirm"]) == 0
    bodies = [call.request.content.decode() for call in sent.calls]
    assert len(bodies) == 2  # the confirmation still queued, then the cancellation
    assert deleted.call_count == 2  # both copies deleted at Twilio
    out = capsys.readouterr().out
    assert f"erased household {household_id}; certificate: deletion record" in out
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 0
        assert session.scalar(select(func.count()).select_from(Reservation)) == 0
        record = session.scalars(select(DeletionRecord)).one()
        assert record.reason == "request" and record.counts["reservations"] == 1
        assert session.scalar(select(func.count()).select_from(ProviderDeletion)
                              .where(ProviderDeletion.status != "deleted")) == 0
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.erased")).one()
        assert (entry.detail["deletion_record_id"], entry.detail["cancelled"]) == (record.id, 1)
        assert entry.detail["by"] and household_id not in str(entry.detail)


def test_erase_household_names_an_unknown_id(database: Database, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert cli.main(["erase-household", "99999999", "--confirm"]) == 1
    assert "no household 99999999" in capsys.readouterr().err
