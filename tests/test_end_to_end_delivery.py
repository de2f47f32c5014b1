"""A whole booking as Twilio sees it: a call books, the outbox sender texts the number on file.

Signed webhooks in; respx stands in only for Twilio's Messages API at TWILIO_API_BASE_URL.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from ivr_support import BOT, ELSEWHERE, MONDAY, PUBLIC, TUESDAY, Family, Phone, client_for, seed, settings_for

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.messaging.sender import OutboxSender
from azukari.messaging.twilio_http import HttpxTwilioClient, make_twilio_client

API = "http://twilio.test"
BOOKING_NUMBER = re.compile(r"予約番号 ([0-9]{6,8})")


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=API, assert_all_called=False) as router:
        yield router


def _sender(database: Database, clock: FixedClock) -> OutboxSender:
    settings = settings_for(database, twilio_api_base_url=API, twilio_from=BOT)
    client = make_twilio_client(settings, HttpxTwilioClient(base_url=API))
    return OutboxSender(database=database, settings=settings, clock=clock, client=client)


def _book_by_phone(database: Database, clock: FixedClock, family: Family) -> Phone:
    phone = Phone(client_for(database, clock), caller=ELSEWHERE)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    assert phone.step == "next"
    return phone


def test_a_booking_by_phone_is_texted_to_the_number_on_file_and_never_to_the_caller(
        database: Database, api: respx.MockRouter) -> None:
    family = seed(database)
    clock = FixedClock(MONDAY.astimezone(dt.UTC))
    route = api.post(url__regex=r"/2010-04-01/Accounts/AC\w+/Messages\.json").mock(
        return_value=httpx.Response(201, json={"sid": "SM" + "a" * 32, "status": "queued"}))
    phone = _book_by_phone(database, clock, family)

    assert _sender(database, clock).send_due() == 1

    assert route.call_count == 1
    form = {k: v[0] for k, v in parse_qs(route.calls.last.request.content.decode()).items()}
    assert form["To"] == family.phone != ELSEWHERE
    assert form["From"] == BOT
    assert form["StatusCallback"].startswith(PUBLIC + "/twilio/sms/status?m=")
    numbers = BOOKING_NUMBER.findall(form["Body"])
    assert numbers and numbers[0] not in " ".join(phone.transcript)


def test_a_booking_whose_first_sends_fail_is_texted_once_the_api_recovers(
        database: Database, api: respx.MockRouter) -> None:
    family = seed(database)
    clock = FixedClock(MONDAY.astimezone(dt.UTC))
    route = api.post(url__regex=r"/2010-04-01/Accounts/AC\w+/Messages\.json").mock(side_effect=[
        httpx.Response(500, json={"code": 20500, "message": "down", "status": 500}),
        httpx.ConnectError("refused"),
        httpx.Response(201, json={"sid": "SM" + "b" * 32, "status": "queued"}),
    ])
    _book_by_phone(database, clock, family)
    sender = _sender(database, clock)

    for _ in range(3):
        sender.send_due()
        clock.advance(minutes=5)  # past any backoff

    assert route.call_count == 3
    assert parse_qs(route.calls.last.request.content.decode())["To"] == [family.phone]
