"""Two `azukari serve` processes on one PostgreSQL database behind a round-robin balancer.

Consecutive webhooks of one call land on different instances (the balancer alternates per
connection and the phone opens one per request), so the call's state must live in the
database; both instances run their outbox senders against one fake Messages API, so a message
claimed by one must never be sent by the other too.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from ivr_support import AUTH_TOKEN, BOT, DEMO_FACILITIES, STAFF, Phone, sign
from machine import PG_ADMIN_URL, unavailable
from sqlalchemy import func, select

from azukari import migrate
from azukari.booking.facilities_file import import_facilities
from azukari.booking.models import Reservation
from azukari.clock import TOKYO
from azukari.db import Database, drop_postgres_database, recreate_postgres_database
from azukari.messaging.models import OutboxMessage
from azukari.registration.service import ChildEntry, register_household

SECRET_KEY = "scale-out-test-secret-key-0123456789abcdef"
ACCOUNT = "AC" + "5" * 32
CALLS = 6
BOOKING_NUMBER = re.compile(r"[0-9]{6,8}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Messages(BaseHTTPRequestHandler):
    """Twilio's Messages API as far as the sender uses it: each POST is recorded and answered 201."""

    received: list[dict[str, str]]
    lock: threading.Lock
    counter: itertools.count[int]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode()).items()}
        with self.lock:
            self.received.append(form)
            sid = f"SM{next(self.counter):032d}"
        body = json.dumps({"sid": sid, "status": "queued", "to": form.get("To"), "from": form.get("From")}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class FakeTwilio:
    received: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        handler = type("Handler", (_Messages,), {"received": self.received, "lock": threading.Lock(),
                                                 "counter": itertools.count(1)})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class RoundRobin:
    """A TCP balancer: each new connection goes to the next backend in turn."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = itertools.cycle(backends)
        self.port = _free_port()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.port))
        self.ready.set()
        self.loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", next(self.backends))

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except ConnectionError:
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def _azukari() -> list[str]:
    return [str(Path(sys.executable).with_name("azukari"))]


def _serve(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([*_azukari(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_until_up(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve on {port} exited {process.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail(f"serve on {port} did not answer within 60 s: {log.read_text()[-2000:]}")


@dataclass
class BalancedPhone(Phone):
    """A phone whose every webhook opens a new connection to the balancer, as Twilio's do."""

    base: str = ""

    def post(self, url: str, params: dict[str, str], *, signature: str | None = None) -> httpx.Response:
        url = urllib.parse.urljoin(self.base + "/", url)
        headers = {"X-Twilio-Signature": signature if signature is not None else sign(url, params)}
        with httpx.Client(timeout=30) as fresh:
            return fresh.post(url, data=params, headers=headers)


@dataclass(frozen=True)
class Registered:
    household_id: str
    pin: str
    phone: str
    birthdate: dt.date


@pytest.fixture
def scale_out_database() -> Iterator[str]:
    try:
        url = recreate_postgres_database(PG_ADMIN_URL, f"azukari_scale_{os.getpid()}")
    except Exception as error:  # no server: skip here, fail in CI (machine.unavailable)
        unavailable(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(error).__name__}")
    yield url
    drop_postgres_database(PG_ADMIN_URL, f"azukari_scale_{os.getpid()}")


def _seed(url: str, today: dt.date) -> list[Registered]:
    database = Database(url, secret_key=SECRET_KEY)
    migrate.upgrade(database.engine)
    now = dt.datetime.now(dt.UTC)
    families = []
    with database.unit_of_work() as session:
        import_facilities(session, DEMO_FACILITIES)
        for n in range(CALLS):
            # Each child born on its own day: six children with one reading and one birthdate would be one
            # suspected duplicate, booked as one child (registration/duplicates.py).
            born = dt.date(2024, 3, 1 + n)
            household, pin = register_household(
                session, guardian_name=f"利用 花子{n}", guardian_kana=f"リヨウ ハナコ{n}", phone=f"090-7000-{n:04d}",
                address="東京都練馬区光が丘二丁目3番1-204号",
                children=[ChildEntry(name=f"利用 陽翔{n}", kana="リヨウ ハルト", birthdate=born,
                                     sex="M")],
                registered_on=today - dt.timedelta(days=30), dv_flag=False, now=now)
            families.append(Registered(household.household_id, pin, household.phone, born))
        session.commit()
    database.dispose()
    return families


def _bookable_day(today: dt.date) -> dt.date:
    """A Tuesday-Thursday a week or two ahead: inside the booking horizon, clear of weekends."""
    day = today + dt.timedelta(days=7)
    while day.weekday() not in (1, 2, 3):
        day += dt.timedelta(days=1)
    return day


def _wait_for(condition: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.3)


@pytest.mark.xdist_group("scale_out")
def test_two_instances_behind_a_balancer_book_every_call_and_send_each_message_once(
        scale_out_database: str, tmp_path: Path) -> None:
    today = dt.datetime.now(TOKYO).date()
    families = _seed(scale_out_database, today)
    twilio = FakeTwilio()
    ports = [_free_port(), _free_port()]
    balancer = RoundRobin(ports)
    public = f"http://127.0.0.1:{balancer.port}"
    env = dict(os.environ, DATABASE_URL=scale_out_database, TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
               TWILIO_API_BASE_URL=twilio.url, TWILIO_FROM=BOT, PUBLIC_BASE_URL=public, STAFF_NUMBER=STAFF,
               STAFF_HOURS="mon-sun 00:00-24:00", AZUKARI_SECRET_KEY=SECRET_KEY, OUTBOX_POLL_SECONDS="0.02")
    logs = [tmp_path / f"serve-{n}.log" for n in range(2)]
    processes = [_serve(port, env, log) for port, log in zip(ports, logs, strict=True)]
    try:
        for port, process, log in zip(ports, processes, logs, strict=True):
            _wait_until_up(port, process, log)
        day = _bookable_day(today)

        def call(n: int, family: Registered) -> Phone:
            phone = BalancedPhone(client=None, caller=f"+81805555{n:04d}", sid=f"CA{n + 1:032d}",  # type: ignore[arg-type]
                                  base=public)
            phone.start()
            phone.answer("language", digits="1")
            phone.answer("id_choice", digits="1")
            phone.answer("household_id", digits=family.household_id + "#")
            phone.answer("pin", digits=family.pin + "#")
            phone.answer("birthdate", digits=family.birthdate.strftime("%Y%m%d"))
            phone.choose(day, 1, 1 + n % 2)
            phone.answer("confirm", digits="1")
            return phone

        # The calls overlap and both senders poll every 20 ms, so they meet over the same due messages:
        # without its row lock the claim sends some twice (planted: 3 of 3 runs failed).
        with ThreadPoolExecutor(CALLS) as pool:
            phones = list(pool.map(call, range(CALLS), families))
        for phone in phones:
            assert phone.step == "next", phone.says
            assert all(status == 200 for status in phone.statuses)

        _wait_for(lambda: len(twilio.received) >= CALLS, 30)
        time.sleep(2)  # long enough for a second sender to send anything twice
        database = Database(scale_out_database, secret_key=SECRET_KEY)
        with database.unit_of_work() as session:
            booked = session.scalar(select(func.count()).select_from(Reservation))
            queued = session.scalar(select(func.count()).select_from(OutboxMessage))
        database.dispose()
        assert booked == CALLS
        assert queued == len(twilio.received) == CALLS
        assert sorted(m["To"] for m in twilio.received) == sorted(f.phone for f in families)
        numbers = [BOOKING_NUMBER.findall(m["Body"]) for m in twilio.received]
        assert all(numbers) and len({tuple(n) for n in numbers}) == CALLS
        served = [log.read_text() for log in logs]
        assert all("POST /twilio/voice" in text for text in served), "the balancer used one instance only"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(20)
        balancer.close()
        twilio.close()
