"""Outbox throughput: messages/s through OutboxSender to a fake Messages API on loopback.

    .venv/bin/python bench/outbox.py [--messages 1000] [--latency-ms 0] [--pg postgresql+psycopg://…/postgres]
    .venv/bin/python bench/outbox.py --hang-percent 2 [--rate 10] [--seconds 40] [--latency-ms 100]

With `--hang-percent`, it measures confirmation latency instead (issue 28.17): confirmations are
queued at `--rate` a second for `--seconds` while one sender instance runs as `azukari serve` runs
it (`run_until_stopped`, OUTBOX_POLL_SECONDS 0.5) on PostgreSQL, and that share of the fake API's
requests hang (30 s, past any timeout) before making anything. Latency is each row's `sent_at`
minus its `created_at`: when the outbox knew the text was with Twilio. Every text must be made once.

Runs 1 worker on SQLite, then 1 and 4 worker processes on PostgreSQL (each process its own
OutboxSender, as `azukari worker` replicas would be), and checks every message was sent once.
The baseline is one process POSTing the same forms straight to the fake API with httpx (no SDK,
no database): the ceiling the outbox is measured against. `--latency-ms` makes the fake API
answer as slowly as the real one does across the Pacific.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import random
import socket
import statistics
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from sqlalchemy import insert, select

from azukari import migrate
from azukari.clock import SystemClock
from azukari.db import Database, drop_postgres_database, recreate_postgres_database
from azukari.households.models import Household
from azukari.messaging.models import OutboxMessage
from azukari.messaging.sender import OutboxSender, run_until_stopped
from azukari.settings import Settings


class FakeMessagesAPI(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.bodies: list[str] = []
        self.latency = 0.0
        self.hang = 0.0  # the share of requests that hang
        self.made: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.random = random.Random(28)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Twilio's API offers
    server: FakeMessagesAPI

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as two writes; without this, Nagle's algorithm holds the body
        # for the client's delayed ACK (~40 ms a message) and we would measure TCP, not the outbox.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args: object) -> None:
        pass

    def _hangs(self) -> bool:
        with self.server.lock:
            hangs = self.server.random.random() < self.server.hang
        if hangs:
            time.sleep(30.0)
        return hangs

    def _answer(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        time.sleep(self.server.latency)
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        if self._hangs():
            return
        with self.server.lock:
            self.server.bodies.append(form["Body"][0])
            sid = f"SM{len(self.server.bodies):032d}"
            self.server.made.append({"sid": sid, "to": form["To"][0], "body": form["Body"][0],
                                     "date_created": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())})
        self._answer(201, json.dumps({"sid": sid, "status": "queued"}).encode())

    def do_GET(self) -> None:  # the Messages list, filtered by To, newest first
        time.sleep(self.server.latency)
        if self._hangs():
            return
        to = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("To", [""])[0]
        with self.server.lock:
            found = [m for m in reversed(self.server.made) if m["to"] == to][:50]
        self._answer(200, json.dumps({"messages": found, "next_page_uri": None, "page": 0}).encode())


def _fill(database: Database, count: int) -> None:
    now = dt.datetime.now(dt.UTC)
    with database.unit_of_work() as session:
        household = Household(household_id="10000001", pin_hash="x", guardian_name="-", guardian_kana="-",
                              phone="+819012345678", address="-", registered_on=dt.date(2026, 4, 1))
        session.add(household)
        session.flush()
        session.execute(insert(OutboxMessage), [
            {"kind": "confirmation", "household_pk": household.id, "to_number": household.phone,
             "body": f"一時預かりのご予約を承りました。予約番号 {n:08d}", "status": "pending", "attempts": 0,
             "created_at": now, "next_attempt_at": now, "last_error": "", "updated_at": now}
            for n in range(count)])
        session.commit()


def _worker(url: str, api_base: str, start: mp.synchronize.Event, sent: mp.Queue[int]) -> None:
    database = Database(url, pool_size=2, secret_key=Settings().azukari_secret_key)
    sender = OutboxSender(database=database, settings=Settings(twilio_api_base_url=api_base), clock=SystemClock())
    start.wait()
    total = 0
    while batch := sender.send_due(limit=20):
        total += batch
    sent.put(total)
    database.dispose()


def _raw_posts(messages: int, api_base: str, start: mp.synchronize.Event, sent: mp.Queue[int]) -> None:
    settings = Settings()
    with httpx.Client(auth=(settings.twilio_account_sid, settings.twilio_auth_token)) as client:
        start.wait()
        for n in range(messages):
            client.post(f"{api_base}/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json",
                        data={"To": "+819012345678", "From": settings.twilio_from, "Body": f"予約番号 {n:08d}"})
    sent.put(messages)


def _run(url: str | None, workers: int, messages: int, api: FakeMessagesAPI) -> float:
    if url is not None:
        database = Database(url)
        migrate.upgrade(database.engine)
        _fill(database, messages)
        database.dispose()
    api.bodies.clear()
    ctx = mp.get_context("fork")
    start, sent = ctx.Event(), ctx.Queue()
    processes = [ctx.Process(target=_worker, args=(url, api.base_url, start, sent)) if url is not None
                 else ctx.Process(target=_raw_posts, args=(messages, api.base_url, start, sent))
                 for _ in range(workers)]
    for process in processes:
        process.start()
    time.sleep(1.0)  # let every process build its engine and client before the clock starts
    began = time.perf_counter()
    start.set()
    claimed = sum(sent.get(timeout=600) for _ in processes)
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
    assert claimed == messages == len(api.bodies) == len(set(api.bodies)), (claimed, len(api.bodies))
    return messages / elapsed


def _confirmations(url: str, api: FakeMessagesAPI, *, rate: float, seconds: float) -> list[float]:
    """Queue `rate` confirmations a second for `seconds` with a sender running; their latencies, in s."""
    database = Database(url, secret_key=Settings().azukari_secret_key)
    migrate.upgrade(database.engine)
    sender = OutboxSender(database=database, settings=Settings(twilio_api_base_url=api.base_url),
                          clock=SystemClock())
    runner = threading.Thread(target=run_until_stopped, args=(sender, 0.5), daemon=True)
    runner.start()
    count = int(rate * seconds)
    began = time.monotonic()
    for n in range(count):
        time.sleep(max(0.0, began + n / rate - time.monotonic()))
        now = dt.datetime.now(dt.UTC)
        with database.unit_of_work() as session:
            household = Household(household_id=f"{20000000 + n}", pin_hash="x", guardian_name="-",
                                  guardian_kana="-", phone=f"+8190{n:08d}", address="-",
                                  registered_on=dt.date(2026, 4, 1))
            session.add(household)
            session.flush()
            session.add(OutboxMessage(kind="confirmation", household_pk=household.id, to_number=household.phone,
                                      body=f"一時預かりのご予約を承りました。予約番号 {n:08d}", status="pending",
                                      created_at=now, next_attempt_at=now))
            session.commit()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with database.unit_of_work() as session:
            rows = session.execute(select(OutboxMessage.created_at, OutboxMessage.sent_at)).all()
        if len(rows) == count and all(sent is not None for _created, sent in rows):
            break
        time.sleep(0.5)
    sender.stopping.set()
    runner.join(40)
    database.dispose()
    assert all(sent is not None for _created, sent in rows), "some confirmations were never sent"
    assert len(api.bodies) == len(set(api.bodies)) == count, (len(api.bodies), len(set(api.bodies)), count)
    return sorted((sent - created).total_seconds() for created, sent in rows)


def _percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--hang-percent", type=float, default=None)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=40.0)
    args = parser.parse_args()
    api = FakeMessagesAPI()
    api.latency = args.latency_ms / 1000
    threading.Thread(target=api.serve_forever, daemon=True).start()
    if args.hang_percent is not None:
        api.hang = args.hang_percent / 100
        name = "azukari_bench_outbox_hang"
        try:
            latencies = _confirmations(recreate_postgres_database(args.pg, name), api, rate=args.rate,
                                       seconds=args.seconds)
        finally:
            drop_postgres_database(args.pg, name)
        print(f"{len(latencies)} confirmations at {args.rate:.0f}/s, {args.hang_percent:.0f} % of requests hanging, "
              f"API answering after {args.latency_ms:.0f} ms: median {statistics.median(latencies):.2f} s, "
              f"p95 {_percentile(latencies, 0.95):.2f} s, p99 {_percentile(latencies, 0.99):.2f} s, "
              f"max {latencies[-1]:.2f} s; each sent once")
        api.shutdown()
        return
    print(f"fake Messages API answering after {args.latency_ms:.0f} ms")
    baseline = _run(None, 1, args.messages, api)
    print(f"baseline    raw httpx: {baseline:7.1f} requests/s")
    with tempfile.TemporaryDirectory() as tmp:
        rate = _run(f"sqlite:///{tmp}/bench.db", 1, args.messages, api)
        print(f"sqlite      1 worker : {rate:7.1f} messages/s ({args.messages} messages, "
              f"{rate / baseline:.2f} of baseline)")
    for workers in (1, 4):
        name = f"azukari_bench_outbox_{workers}"
        try:
            rate = _run(recreate_postgres_database(args.pg, name), workers, args.messages, api)
        finally:
            drop_postgres_database(args.pg, name)
        print(f"postgresql  {workers} worker{'s' if workers > 1 else ' '}: {rate:7.1f} messages/s "
              f"({args.messages} messages, {rate / baseline:.2f} of baseline)")
    api.shutdown()


if __name__ == "__main__":
    main()
