"""The outbox sender against a real database, with respx standing in for Twilio's Messages API."""
from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from outbox_support import API, BODY, PHONE, START, message_of, queue_texts
from sqlalchemy import select

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.messaging.sender import MAX_ATTEMPTS, OutboxSender, retry_delay
from azukari.oversight.models import AuditEntry, Escalation
from azukari.settings import Settings


def _settings(**overrides: str) -> Settings:
    return Settings(twilio_api_base_url=API, public_base_url="https://azukari.example", **overrides)


def _messages_path(settings: Settings) -> str:
    return f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json"


_SIDS = itertools.count()


def _created(request: httpx.Request) -> httpx.Response:
    return httpx.Response(201, json={"sid": f"SM{next(_SIDS):032d}", "status": "queued"})


def _error(status: int, code: int) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": "refused", "status": status})


@pytest.fixture
def clock() -> FixedClock:  # the outbox's own start (1 May), not tests/conftest.py's Monday in June
    return FixedClock(START)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=API, assert_all_called=False) as router:
        yield router


def test_a_message_goes_to_the_number_on_file_from_twilio_from_with_a_status_callback(
        database: Database, clock: FixedClock, api: respx.MockRouter) -> None:
    settings = _settings()
    route = api.post(_messages_path(settings)).mock(side_effect=_created)
    [outbox_id] = queue_texts(database, clock)

    assert OutboxSender(database=database, settings=settings, clock=clock).send_due() == 1

    form = parse_qs(route.calls.last.request.content.decode())
    assert form == {"To": [PHONE], "From": [settings.twilio_from], "Body": [f"{BODY} #0"],
                    "StatusCallback": [f"https://azukari.example/twilio/sms/status?m={outbox_id}"]}
    message = message_of(database, outbox_id)
    assert (message.status, message.attempts, message.sent_at) == ("sent", 1, START)
    assert message.message_sid is not None and message.message_sid.startswith("SM")


def test_a_messaging_service_sid_in_twilio_from_is_sent_as_the_messaging_service(
        database: Database, clock: FixedClock, api: respx.MockRouter) -> None:
    settings = _settings(twilio_from="MG" + "a" * 32)
    route = api.post(_messages_path(settings)).mock(side_effect=_created)
    queue_texts(database, clock)

    OutboxSender(database=database, settings=settings, clock=clock).send_due()

    form = parse_qs(route.calls.last.request.content.decode())
    assert form["MessagingServiceSid"] == ["MG" + "a" * 32]
    assert "From" not in form


def test_a_sent_message_is_audited_by_ids_without_its_body_or_number(
        database: Database, clock: FixedClock, api: respx.MockRouter) -> None:
    settings = _settings()
    api.post(_messages_path(settings)).mock(side_effect=_created)
    [outbox_id] = queue_texts(database, clock)

    OutboxSender(database=database, settings=settings, clock=clock).send_due()

    with database.unit_of_work() as session:
        detail = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "message_sent")).one()
    assert detail["outbox_id"] == outbox_id
    assert PHONE not in json.dumps(detail) and "予約" not in json.dumps(detail, ensure_ascii=False)


def test_server_errors_rate_limits_and_timeouts_are_retried_with_backoff_until_delivered(
        database: Database, clock: FixedClock, api: respx.MockRouter) -> None:
    settings = _settings()
    route = api.post(_messages_path(settings)).mock(side_effect=[
        _error(500, 20500), _error(503, 20503), _error(429, 20429), httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"), _created])
    # A read timeout may hide a message Twilio made: the retry looks first, finds none, then sends.
    lookup = api.get(_messages_path(settings)).mock(return_value=httpx.Response(200, json={
        "messages": [], "next_page_uri": None, "page": 0, "page_size": 50}))
    [outbox_id] = queue_texts(database, clock)
    sender = OutboxSender(database=database, settings=settings, clock=clock)

    for attempt in range(1, 6):
        assert sender.send_due() == 1
        message = message_of(database, outbox_id)
        assert (message.status, message.next_attempt_at) == ("retry", clock.now() + retry_delay(attempt))
        assert sender.send_due() == 0, "a retry went out before its backoff was over"
        clock.advance(seconds=retry_delay(attempt).total_seconds())
    assert sender.send_due() == 1

    assert route.call_count == 6
    assert lookup.call_count == 1
    assert message_of(database, outbox_id).status == "sent"


def test_retries_start_within_two_seconds_and_keep_going_for_at_least_fifteen_minutes() -> None:
    assert retry_delay(1) <= dt.timedelta(seconds=2)
    assert sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS)), dt.timedelta()) >= dt.timedelta(minutes=15)


def test_a_permanent_refusal_fails_the_message_and_tells_staff_without_body_or_number(
        database: Database, clock: FixedClock, api: respx.MockRouter) -> None:
    settings = _settings()
    route = api.post(_messages_path(settings)).mock(return_value=_error(400, 21614))
    [outbox_id] = queue_texts(database, clock)
    sender = OutboxSender(database=database, settings=settings, clock=clock)

    sender.send_due()
    clock.advance(hours=1)
    sender.send_due()

    assert route.call_count == 1
    assert message_of(database, outbox_id).status == "failed"
    with database.unit_of_work() as session:
        kind, details = session.execute(select(Escalation.kind, Escalation.details)).one()
    assert kind == "message_undelivered"
    assert details["outbox_id"] == outbox_id and details["error_code"] == "21614"
    assert PHONE not in json.dumps(details) and "予約" not in json.dumps(details, ensure_ascii=False)


def test_a_message_that_keeps_failing_is_given_up_after_the_last_attempt_and_raised_to_staff(
        database: Database, clock: FixedClock, api: respx.MockRouter) -> None:
    settings = _settings()
    route = api.post(_messages_path(settings)).mock(return_value=_error(503, 20503))
    [outbox_id] = queue_texts(database, clock)
    sender = OutboxSender(database=database, settings=settings, clock=clock)

    for attempt in range(1, MAX_ATTEMPTS + 2):
        sender.send_due()
        clock.advance(seconds=retry_delay(attempt).total_seconds())

    assert route.call_count == MAX_ATTEMPTS
    assert message_of(database, outbox_id).status == "failed"
    with database.unit_of_work() as session:
        assert session.scalars(select(Escalation.kind)).all() == ["message_undelivered"]


def test_stopping_mid_batch_hands_the_unsent_rest_back_due_at_once(
        database: Database, clock: FixedClock, api: respx.MockRouter) -> None:
    settings = _settings()
    sender = OutboxSender(database=database, settings=settings, clock=clock, concurrency=1)

    def stop_while_sending(request: httpx.Request) -> httpx.Response:
        sender.stopping.set()  # SIGTERM arrives while the first message is with Twilio
        return _created(request)

    route = api.post(_messages_path(settings)).mock(side_effect=stop_while_sending)
    first, *rest = queue_texts(database, clock, count=3)

    assert sender.send_due() == 1
    assert message_of(database, first).status == "sent"
    assert [(message_of(database, i).status, message_of(database, i).attempts) for i in rest] == [("retry", 0)] * 2
    assert OutboxSender(database=database, settings=settings, clock=clock).send_due() == 2
    assert route.call_count == 3


def test_twilio_is_the_only_sms_provider_accepted_until_another_is_built() -> None:
    assert Settings().sms_provider == "twilio"
    with pytest.raises(ValueError, match="sms_provider"):
        Settings(sms_provider="karaden")  # type: ignore[arg-type]
