"""`azukari worker` and the in-process sender thread of `azukari serve`."""
from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import respx
from sqlalchemy import select

from azukari.clock import SystemClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.messaging.models import OutboxMessage
from azukari.messaging.outbox import enqueue
from azukari.messaging.sender import OutboxSender, start_background
from azukari.runtime import build
from azukari.settings import Settings
from azukari.worker import run_worker

API = "http://twilio.test"


def _queue(database: Database, count: int) -> None:
    with database.unit_of_work() as session:
        household = Household(household_id="10000001", pin_hash="x", guardian_name="-", guardian_kana="-",
                              phone="+819012345678", address="-", registered_on=dt.date(2026, 4, 1))
        session.add(household)
        session.flush()
        for n in range(count):
            enqueue(session, household=household, kind="confirmation", body=f"予約番号 {n:08d}",
                    now=dt.datetime.now(dt.UTC))
        session.commit()


def _statuses(database: Database) -> list[str]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage.status)))


@pytest.fixture
def api() -> Iterator[respx.Route]:
    counter = iter(range(10**6))

    def created(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json={"sid": f"SM{next(counter):032d}", "status": "queued"})

    with respx.mock(base_url=API, assert_all_called=False) as router:
        yield router.post(f"/2010-04-01/Accounts/{Settings().twilio_account_sid}/Messages.json").mock(
            side_effect=created)


def test_worker_once_sends_everything_due_and_returns(database: Database, api: respx.Route) -> None:
    _queue(database, 25)  # more than one batch

    with build(Settings(database_url=database.url, twilio_api_base_url=API), database=database) as runtime:
        run_worker(runtime, once=True)

    assert api.call_count == 25
    assert set(_statuses(database)) == {"sent"}


def test_worker_sends_until_sigterm_and_then_stops_cleanly(sqlite_database: Database, api: respx.Route) -> None:
    _queue(sqlite_database, 2)
    settings = Settings(database_url=sqlite_database.url, twilio_api_base_url=API, outbox_poll_seconds=0.05)
    before = signal.getsignal(signal.SIGTERM)
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
    started = time.monotonic()

    with build(settings, database=sqlite_database) as runtime:
        run_worker(runtime)  # without its handler, SIGTERM would end the test run itself

    assert time.monotonic() - started < 5
    assert signal.getsignal(signal.SIGTERM) is before
    assert _statuses(sqlite_database) == ["sent", "sent"]


def test_the_background_sender_sends_while_running_and_stops_when_asked(
        database: Database, api: respx.Route) -> None:
    settings = Settings(twilio_api_base_url=API)
    handle = start_background(OutboxSender(database=database, settings=settings, clock=SystemClock()), 0.05)
    _queue(database, 3)
    deadline = time.monotonic() + 10
    while set(_statuses(database)) != {"sent"} and time.monotonic() < deadline:
        time.sleep(0.05)

    handle.stop()

    assert set(_statuses(database)) == {"sent"}
    assert not handle.is_alive()
