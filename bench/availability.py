"""The parents' availability page (GET /, no sign-in) under load, beside the call webhooks.

    .venv/bin/python bench/availability.py [--clients 8] [--requests 100] [--databases sqlite,postgresql]
        [--with-calls]

For each database: `azukari migrate`, five facilities of three units each (`import-facilities`), and every
unit-day of this month and next given a counter row (`unit_days`) with seats taken — a busy two months,
the most rows the page's one counters query can read — then `azukari serve` on a free loopback port.
After a warm-up, `--clients` threads, each on its own keep-alive connection, GET / `--requests` times
and check each answer is the calendar. It prints requests/s and latency p50/p99/max.

With `--with-calls`, `bench/calls.py` runs at the same time on the same machine (its own servers and
database), so both sets of figures are of one shared, loaded machine: the page must not slow the webhooks.
"""
from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from calls import ROOT, TOKYO, Server, percentiles  # bench/ is on sys.path
from sqlalchemy import select

from azukari.booking.availability import months_shown
from azukari.booking.models import Unit, UnitDay
from azukari.db import Database, drop_postgres_database, recreate_postgres_database

FACILITIES = 5
CAPACITY = 12


def facilities_toml() -> str:
    head = """[booking]
horizon_days = 60
closed_on_public_holidays = true

[fees]
under_1 = 2000
from_1 = 1500
"""
    names = ["光が丘", "石神井", "大泉", "練馬", "平和台"]
    readings = ["ひかりがおか", "しゃくじい", "おおいずみ", "ねりま", "へいわだい"]
    blocks = [f"""
[[facility]]
key = {n + 1}
name = "{names[n]}子ども家庭支援センター"
reading = "{readings[n]}こどもかていしえんせんたー"
capacity = {CAPACITY}
infant_capacity = 3
closed_weekdays = ["sun"]
units = [ {{ key = 1, start = "09:00", end = "12:00" }},
          {{ key = 2, start = "12:00", end = "15:00" }},
          {{ key = 3, start = "15:00", end = "18:00" }} ]
""" for n in range(FACILITIES)]
    return head + "".join(blocks)


def fill(database_url: str, today: dt.date) -> int:
    """A counter row for every unit and day shown, seats taken spread over free, few and full."""
    first, last = months_shown(today)
    database = Database(database_url)
    rows = 0
    with database.unit_of_work() as session:
        units = list(session.scalars(select(Unit.id)))
        day = first
        while day <= last:
            for n, unit_id in enumerate(units):
                session.add(UnitDay(unit_id=unit_id, day=day, booked=(day.toordinal() + n) % (CAPACITY + 1),
                                    infants=0))
                rows += 1
            day += dt.timedelta(days=1)
        session.commit()
    database.dispose()
    return rows


def bench(database: str, url: str, clients: int, requests: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"azukari-bench-availability-{database}-"))
    (workdir / "facilities.toml").write_text(facilities_toml(), encoding="utf-8")
    server = Server(url, workdir)
    server.run("migrate")
    server.run("import-facilities", str(workdir / "facilities.toml"))
    rows = fill(url, dt.datetime.now(TOKYO).date())
    server.start()
    latencies: list[list[float]] = [[] for _ in range(clients)]

    def load(index: int, count: int) -> None:
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            for _ in range(count):
                started = time.perf_counter()
                response = client.get("/")
                latencies[index].append(time.perf_counter() - started)
                if response.status_code != 200 or 'class="calendar"' not in response.text:
                    raise RuntimeError(f"not the calendar: {response.status_code}")

    try:
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(lambda i: load(i, 5), range(clients)))
        for line in latencies:
            line.clear()
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(lambda i: load(i, requests), range(clients)))
        seconds = time.perf_counter() - started
    finally:
        server.stop()
    every = [x for line in latencies for x in line]
    p50, p99, worst = percentiles(every)
    print(f"\n{database}: {FACILITIES} facilities x 3 units, {rows} unit-day rows; "
          f"{clients} clients x {requests} GET /")
    print("| database | requests | requests/s | p50 | p99 | max |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| {database} | {len(every)} | {len(every) / seconds:,.0f} | {p50:.1f} ms | {p99:.1f} ms | {worst:.1f} ms |",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--with-calls", action="store_true", help="run bench/calls.py at the same time")
    args = parser.parse_args()
    calls = subprocess.Popen([sys.executable, str(ROOT / "bench" / "calls.py"), "--databases", args.databases,
                              "--callers", "8", "--calls-each", "10", "--rounds", "2"]) if args.with_calls else None
    try:
        for database in args.databases.split(","):
            if database == "sqlite":
                url = f"sqlite:///{tempfile.mkdtemp(prefix='azukari-bench-availability-')}/availability.db"
            else:
                url = recreate_postgres_database(args.pg, "azukari_bench_availability")
            try:
                bench(database, url, args.clients, args.requests)
            finally:
                if database != "sqlite":
                    drop_postgres_database(args.pg, "azukari_bench_availability")
    finally:
        if calls is not None:
            calls.wait()


if __name__ == "__main__":
    main()
