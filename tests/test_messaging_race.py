"""Several outbox workers over one outbox: each message is claimed, and sent, exactly once."""
from __future__ import annotations

import collections
import datetime as dt
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import parse_qs

import httpx
import respx
from sqlalchemy import event, select

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.messaging.models import OutboxMessage
from azukari.messaging.outbox import enqueue
from azukari.messaging.sender import OutboxSender
from azukari.settings import Settings

API = "http://twilio.test"
MESSAGES = 40
WORKERS = 2


HOLD_SECONDS = 3.0


def _fill_outbox(database: Database, now: dt.datetime, messages: int = MESSAGES) -> None:
    with database.unit_of_work() as session:
        household = Household(household_id="10000001", pin_hash="x", guardian_name="-", guardian_kana="-",
                              phone="+819012345678", address="-", registered_on=dt.date(2026, 4, 1))
        session.add(household)
        session.flush()
        for n in range(messages):
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


def _is_claim(statement: str) -> bool:
    claim_order = "ORDER BY outbox_messages.next_attempt_at"
    return statement.lstrip().startswith("SELECT outbox_messages.id") and claim_order in statement


@contextmanager
def _held_after_claiming(database: Database, parties: int) -> Iterator[list[str]]:
    """Each worker, once its claim query has run (and taken its row locks), waits for the others
    there, so they all claim before any of them commits: the race happens every time."""
    gap = threading.Barrier(parties, timeout=HOLD_SECONDS)
    claims: list[str] = []

    def hold(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if _is_claim(statement):
            claims.append(statement)
            # Broken: the other worker waits for our transaction (SQLite's single writer). Fine.
            with suppress(threading.BrokenBarrierError):
                gap.wait()

    event.listen(database.engine, "after_cursor_execute", hold)
    try:
        yield claims
    finally:
        event.remove(database.engine, "after_cursor_execute", hold)


def test_two_workers_holding_their_claims_open_at_once_never_claim_the_same_message(database: Database) -> None:
    settings = Settings(twilio_api_base_url=API)
    clock = FixedClock(dt.datetime(2026, 5, 1, 1, 0, tzinfo=dt.UTC))
    _fill_outbox(database, clock.now(), messages=6)
    sids = itertools.count()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            OutboxSender(database=database, settings=settings, clock=clock).send_due(limit=3)
        except BaseException as error:
            errors.append(error)

    with respx.mock(base_url=API) as api, _held_after_claiming(database, WORKERS) as claims:
        route = api.post(f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json").mock(
            side_effect=lambda _request: httpx.Response(201, json={"sid": f"SM{next(sids):032d}", "status": "queued"}))
        workers = [threading.Thread(target=work) for _ in range(WORKERS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)

    assert errors == [] and len(claims) == WORKERS
    bodies = collections.Counter(parse_qs(call.request.content.decode())["Body"][0] for call in route.calls)
    assert len(bodies) == 6 and set(bodies.values()) == {1}


def test_the_claim_locks_what_it_takes_and_skips_what_another_worker_holds(database: Database) -> None:
    settings = Settings(twilio_api_base_url=API)
    clock = FixedClock(dt.datetime(2026, 5, 1, 1, 0, tzinfo=dt.UTC))
    _fill_outbox(database, clock.now(), messages=1)
    seen: list[str] = []
    record = lambda _conn, _cursor, statement, *_args: seen.append(" ".join(statement.split()))  # noqa: E731
    event.listen(database.engine, "before_cursor_execute", record)
    try:
        with respx.mock(base_url=API) as api:
            api.post(f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json").mock(
                return_value=httpx.Response(201, json={"sid": "SM" + "0" * 32, "status": "queued"}))
            assert OutboxSender(database=database, settings=settings, clock=clock).send_due() == 1
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    (claim,) = [s for s in seen if _is_claim(s)]
    if database.dialect == "postgresql":
        assert claim.endswith("FOR UPDATE SKIP LOCKED")
    else:  # one writer at a time: the claim's transaction holds the write lock from its first statement
        assert seen[seen.index(claim) - 1] == "BEGIN IMMEDIATE"
