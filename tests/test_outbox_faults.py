"""The outbox sender under faults: killed between Twilio's answer and the record, a lost record, a hung request.

Twilio is a small fake Messages API over respx: a POST makes a message it keeps, a GET lists them
newest first, as Twilio's list resource does, so a lookup finds exactly what was made.
"""
from __future__ import annotations

import email.utils
import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from ivr_support import client_for, settings_for, sign
from outbox_support import API, BODY, PHONE, START, Killed, message_of, queue_texts
from sqlalchemy import event
from sqlalchemy.orm import Session

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.messaging.sender import OutboxSender, retry_delay
from azukari.messaging.status import record_status
from azukari.settings import Settings

SETTINGS = Settings(twilio_api_base_url=API, public_base_url="https://azukari.example")
MESSAGES = f"/2010-04-01/Accounts/{SETTINGS.twilio_account_sid}/Messages.json"


@dataclass
class FakeTwilio:
    """Messages Twilio made, and what it answers; `then` runs after a message is made (a fault)."""

    made: list[dict[str, str]] = field(default_factory=list)
    then: list[object] = field(default_factory=list)  # per POST: None, an exception, or a callable
    sids: Iterator[int] = field(default_factory=itertools.count)

    def create(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        message = {"sid": f"SM{next(self.sids):032d}", "to": form["To"], "body": form["Body"],
                   "status": "queued", "date_created": email.utils.format_datetime(START),
                   "status_callback": form.get("StatusCallback", "")}
        self.made.append(message)
        fault = self.then.pop(0) if self.then else None
        if isinstance(fault, BaseException):
            raise fault  # Twilio has the message; its answer never reaches the sender
        if callable(fault):
            fault()
        return httpx.Response(201, json={k: v for k, v in message.items() if k != "status_callback"})

    def list(self, request: httpx.Request) -> httpx.Response:
        to = request.url.params.get("To")
        found = [{k: v for k, v in m.items() if k != "status_callback"} for m in reversed(self.made)
                 if to is None or m["to"] == to]
        return httpx.Response(200, json={"messages": found, "next_page_uri": None, "page": 0, "page_size": 50})

    def bodies(self) -> list[str]:
        return [m["body"] for m in self.made]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def twilio() -> Iterator[tuple[FakeTwilio, respx.MockRouter]]:
    fake = FakeTwilio()
    with respx.mock(base_url=API, assert_all_called=False) as router:
        router.post(MESSAGES).mock(side_effect=fake.create)
        router.get(MESSAGES).mock(side_effect=fake.list)
        yield fake, router


def test_a_sender_killed_between_twilios_answer_and_the_record_is_not_sent_again_after_its_lease(
        database: Database, clock: FixedClock, twilio: tuple[FakeTwilio, respx.MockRouter]) -> None:
    fake, _router = twilio
    fake.then = [Killed()]
    [outbox_id] = queue_texts(database, clock)
    OutboxSender(database=database, settings=SETTINGS, clock=clock, concurrency=1).send_due()
    assert message_of(database, outbox_id).status == "sending"  # the dead sender recorded nothing

    clock.advance(seconds=OutboxSender(database=database, settings=SETTINGS, clock=clock).lease(20).total_seconds())
    assert OutboxSender(database=database, settings=SETTINGS, clock=clock).send_due() == 1

    assert fake.bodies() == [f"{BODY} #0"], "the parent was texted twice"
    message = message_of(database, outbox_id)
    assert (message.status, message.message_sid, message.maybe_sent) == ("sent", fake.made[0]["sid"], False)


def test_the_first_sends_status_callback_records_a_message_its_killed_sender_never_did(
        database: Database, clock: FixedClock, twilio: tuple[FakeTwilio, respx.MockRouter]) -> None:
    fake, _router = twilio
    fake.then = [Killed()]
    [outbox_id] = queue_texts(database, clock)
    OutboxSender(database=database, settings=SETTINGS, clock=clock, concurrency=1).send_due()

    callback = fake.made[0]["status_callback"]
    assert callback == f"https://azukari.example/twilio/sms/status?m={outbox_id}"
    with database.unit_of_work() as session:
        record_status(session, message_sid=fake.made[0]["sid"], status="sent", error_code=None,
                      now=clock.now(), outbox_id=callback.rsplit("=", 1)[1])
        session.commit()
    message = message_of(database, outbox_id)
    assert (message.status, message.message_sid) == ("sent", fake.made[0]["sid"])

    clock.advance(hours=1)
    assert OutboxSender(database=database, settings=SETTINGS, clock=clock).send_due() == 0
    assert len(fake.made) == 1


def test_a_status_callback_naming_another_rows_id_cannot_take_a_recorded_message(
        database: Database, clock: FixedClock, twilio: tuple[FakeTwilio, respx.MockRouter]) -> None:
    [first, second] = queue_texts(database, clock, count=2)
    OutboxSender(database=database, settings=SETTINGS, clock=clock).send_due()
    recorded = message_of(database, second).message_sid

    with database.unit_of_work() as session:
        record_status(session, message_sid="SM" + "f" * 32, status="delivered", error_code=None,
                      now=clock.now(), outbox_id=str(second))
        session.commit()

    assert message_of(database, second).message_sid == recorded
    assert message_of(database, second).status == "sent"
    assert message_of(database, first).status == "sent"


def test_a_record_that_fails_after_twilios_answer_hands_the_row_back_at_once_and_it_is_not_sent_twice(
        database: Database, clock: FixedClock, twilio: tuple[FakeTwilio, respx.MockRouter]) -> None:
    fake, _router = twilio
    own = database.with_own_sessions()
    armed = threading.Event()

    @event.listens_for(own.sessions, "before_commit")
    def _connection_lost(_session: Session) -> None:
        if armed.is_set():
            armed.clear()
            raise ConnectionResetError("server closed the connection unexpectedly")

    fake.then = [armed.set]  # the database goes away while Twilio answers
    [outbox_id] = queue_texts(database, clock)
    sender = OutboxSender(database=own, settings=SETTINGS, clock=clock, concurrency=1)
    sender.send_due()

    message = message_of(database, outbox_id)
    assert (message.status, message.maybe_sent, message.next_attempt_at) == ("retry", True, START)
    assert sender.send_due() == 1, "the row waited out its lease"
    assert fake.bodies() == [f"{BODY} #0"], "the parent was texted twice"
    assert message_of(database, outbox_id).status == "sent"


def test_a_timed_out_send_that_twilio_made_is_found_there_and_not_sent_again(
        database: Database, clock: FixedClock, twilio: tuple[FakeTwilio, respx.MockRouter]) -> None:
    fake, router = twilio
    fake.then = [httpx.ReadTimeout("no answer")]
    [outbox_id] = queue_texts(database, clock)
    sender = OutboxSender(database=database, settings=SETTINGS, clock=clock)
    sender.send_due()
    assert message_of(database, outbox_id).maybe_sent

    clock.advance(seconds=retry_delay(1).total_seconds())
    sender.send_due()

    assert len(fake.made) == 1
    assert router.routes[1].calls.last.request.url.params["To"] == PHONE
    assert message_of(database, outbox_id).message_sid == fake.made[0]["sid"]


def test_a_lookup_that_fails_never_sends_blind(
        database: Database, clock: FixedClock, twilio: tuple[FakeTwilio, respx.MockRouter]) -> None:
    fake, router = twilio
    fake.then = [httpx.ReadTimeout("no answer")]
    router.routes[1].mock(return_value=httpx.Response(503, json={"code": 20503, "message": "x", "status": 503}))
    [outbox_id] = queue_texts(database, clock)
    sender = OutboxSender(database=database, settings=SETTINGS, clock=clock)
    sender.send_due()
    clock.advance(seconds=retry_delay(1).total_seconds())
    sender.send_due()

    assert len(fake.made) == 1
    message = message_of(database, outbox_id)
    assert (message.status, message.maybe_sent) == ("retry", True)


def test_one_hung_request_delays_only_its_own_message(
        database: Database, clock: FixedClock, twilio: tuple[FakeTwilio, respx.MockRouter]) -> None:
    fake, _router = twilio
    hung = threading.Event()
    fake.then = [lambda: hung.wait(10)]
    ids = queue_texts(database, clock, count=4)
    sender = OutboxSender(database=database, settings=SETTINGS, clock=clock, concurrency=4)
    assert sender.start_due() == 4
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            sent = [message_of(database, i).status == "sent" for i in ids]
            if sum(sent) == 3:
                break
            time.sleep(0.05)
        assert sum(sent) == 3, "the other messages waited behind the hung request"
    finally:
        hung.set()
        sender.settle()
    assert all(message_of(database, i).status == "sent" for i in ids)


def test_the_signed_status_callback_url_the_sender_gave_records_the_row_through_the_webhook(
        database: Database, clock: FixedClock, twilio: tuple[FakeTwilio, respx.MockRouter]) -> None:
    fake, _router = twilio
    fake.then = [Killed()]
    settings = settings_for(database, twilio_api_base_url=API)
    [outbox_id] = queue_texts(database, clock)
    OutboxSender(database=database, settings=settings, clock=clock, concurrency=1).send_due()
    url = fake.made[0]["status_callback"]
    params = {"MessageSid": fake.made[0]["sid"], "MessageStatus": "delivered"}

    client = client_for(database, clock)
    assert client.post(url, data=params, headers={"X-Twilio-Signature": "forged"}).status_code == 403
    assert message_of(database, outbox_id).message_sid is None
    response = client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)})

    assert response.status_code == 200
    message = message_of(database, outbox_id)
    assert (message.status, message.message_sid) == ("delivered", fake.made[0]["sid"])
