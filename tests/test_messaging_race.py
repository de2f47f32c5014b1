"""Several outbox workers over one outbox: each message is claimed, and sent, exactly once."""
from __future__ import annotations

import collections
import datetime as dt
import itertools
import threading
import time
from urllib.parse import parse_qs

import httpx
import respx
from sqlalchemy import select

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.messaging.models import OutboxMessage
from azukari.messaging.outbox import enqueue
from azukari.messaging.sender import OutboxSender
from azukari.registration.models import Household
from azukari.settings import Settings

API = "http://twilio.test"
MESSAGES = 40
WORKERS = 2


def _fill_outbox(database: Database, now: dt.datetime) -> None:
    with database.unit_of_work() as session:
        household = Household(household_id="10000001", pin_hash="x", guardian_name="-", guardian_kana="-",
                              phone="+819012345678", address="-", registered_on=dt.date(2026, 4, 1))
        session.add(household)
        session.flush()
        for n in range(MESSAGES):
            enqueue(session, household=household, kind="confirmation", body=f"予約番号 {n:08d}", now=now)
        session.commit()


def test_two_workers_racing_over_one_outbox_send_each_message_exactly_once(database: Database) -> None:
    settings = Settings(twilio_api_base_url=API)
    clock = FixedClock(dt.datetime(2026, 5, 1, 1, 0, tzinfo=dt.UTC))
    _fill_outbox(database, clock.now())
    sids = itertools.count()

    def twilio(request: httpx.Request) -> httpx.Response:
        time.sleep(0.002)  # a little latency so the workers' batches overlap
        return httpx.Response(201, json={"sid": f"SM{next(sids):032d}", "status": "queued"})

    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def work() -> None:
        sender = OutboxSender(database=database, settings=settings, clock=clock)  # its own Twilio client
        start.wait()
        try:
            while sender.send_due(limit=3):
                pass
        except BaseException as error:
            errors.append(error)

    with respx.mock(base_url=API) as api:
        route = api.post(f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json").mock(side_effect=twilio)
        workers = [threading.Thread(target=work) for _ in range(WORKERS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)

    assert errors == []
    bodies = collections.Counter(parse_qs(call.request.content.decode())["Body"][0] for call in route.calls)
    assert route.call_count == MESSAGES and set(bodies.values()) == {1}
    with database.unit_of_work() as session:
        assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}
        assert set(session.scalars(select(OutboxMessage.attempts))) == {1}
