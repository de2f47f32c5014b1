"""Booking race benchmark: N concurrent bookers on one unit and on many units, SQLite and PostgreSQL.

    .venv/bin/python bench/booking_race.py [--threads 8,32] [--attempts 400]

Each scenario runs single-threaded first (the baseline) and then with N threads, on a fresh set
of counters, and prints bookings/s, attempts/s, p50/p99 latency of one book+commit, and the
overbooking count read back from the database (must be 0).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import case, func, select, text

from azukari import migrate
from azukari.booking import service
from azukari.booking.facilities_file import import_facilities
from azukari.booking.models import Facility, Reservation, Unit, UnitDay
from azukari.clock import TOKYO
from azukari.db import Database, drop_postgres_database, recreate_postgres_database
from azukari.households.models import Child, Household
from azukari.settings import DEMO_SECRET_KEY

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO)
DAYS = [NOW.date() + dt.timedelta(days=d) for d in range(1, 29)]
PG_ADMIN = os.environ.get("AZUKARI_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BOOKING_TABLES = ("audit_log", "outbox_messages", "reservations", "unit_days", "child_days")


def facilities_toml(one_unit_capacity: int) -> str:
    """Facility 1: one big unit (the hot spot). Facilities 2-9: four units of 6 seats each."""
    head = ("[booking]\nhorizon_days = 30\nclosed_on_public_holidays = false\n"
            "[fees]\nunder_1 = 2000\nfrom_1 = 1500\n")
    hot = (f'[[facility]]\nkey = 1\nname = "本部"\nreading = "ほんぶ"\ncapacity = {one_unit_capacity}\n'
           f'infant_capacity = {one_unit_capacity // 5}\nunits = [ {{ key = 1, start = "09:00", end = "12:00" }} ]\n')
    units = ", ".join(f'{{ key = {k}, start = "{6 + 3 * k:02d}:00", end = "{9 + 3 * k:02d}:00" }}' for k in range(1, 5))
    many = "".join(f'[[facility]]\nkey = {key}\nname = "施設{key}"\nreading = "しせつ"\ncapacity = 6\n'
                   f"infant_capacity = 2\nunits = [ {units} ]\n" for key in range(2, 10))
    return head + hot + many


@dataclass(frozen=True)
class Result:
    backend: str
    scenario: str
    threads: int
    attempts: int
    booked: int
    seconds: float
    latencies: list[float]
    overbooked: int

    @property
    def per_second(self) -> float:
        return self.booked / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def seed(database: Database, attempts: int) -> list[int]:
    migrate.upgrade(database.engine)
    with database.unit_of_work() as session:
        path = Path(tempfile.mkdtemp()) / "facilities.toml"
        path.write_text(facilities_toml(attempts // 2), encoding="utf-8")
        import_facilities(session, path)
        for i in range(attempts):
            household = Household(household_id=f"{20000000 + i}", pin_hash="x", guardian_name="保護者",
                                  guardian_kana="ホゴシャ", phone=f"+8190{20000000 + i}", address="練馬区",
                                  registered_on=dt.date(2026, 4, 1))
            born = dt.date(2026, 6, 1) if i % 4 == 0 else dt.date(2022, 6, 1)
            session.add(Child(household=household, name="子", kana="コ", birthdate=born))
        session.commit()
        return list(session.scalars(select(Child.id).order_by(Child.id)))


def reset(database: Database) -> None:
    with database.engine.begin() as connection:
        for table in BOOKING_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


def overbooked(database: Database) -> int:
    """Seats held beyond capacity or infant cap, plus counters that disagree with live rows."""
    with database.unit_of_work() as session:
        live = (select(Reservation.unit_id, Reservation.day, func.count().label("n"),
                       func.sum(case((Reservation.infant, 1), else_=0)).label("inf"))
                .where(Reservation.status == "booked").group_by(Reservation.unit_id, Reservation.day).subquery())
        rows = session.execute(
            select(live.c.n, live.c.inf, Facility.capacity, Facility.infant_capacity, UnitDay.booked, UnitDay.infants)
            .join(Unit, Unit.id == live.c.unit_id).join(Facility, Facility.id == Unit.facility_id)
            .join(UnitDay, (UnitDay.unit_id == live.c.unit_id) & (UnitDay.day == live.c.day)))
        return sum(max(0, n - cap) + max(0, inf - icap) + abs(n - booked) + abs(inf - infants)
                   for n, inf, cap, icap, booked, infants in rows)


def run(database: Database, backend: str, scenario: str, children: list[int], threads: int) -> Result:
    reset(database)
    with database.unit_of_work() as session:
        hot = session.scalar(select(Unit.id).join(Facility).where(Facility.key == 1))
        spread = list(session.scalars(select(Unit.id).join(Facility).where(Facility.key > 1)))
    assert hot is not None
    rng = random.Random(7)
    plan = [(child, hot if scenario == "one unit" else rng.choice(spread),
             DAYS[0] if scenario == "one unit" else rng.choice(DAYS)) for child in children]
    latencies: list[float] = []
    booked = [0]
    lock = threading.Lock()

    def worker(jobs: list[tuple[int, int, dt.date]]) -> None:
        mine: list[float] = []
        wins = 0
        for child, unit, day in jobs:
            started = time.perf_counter()
            with database.unit_of_work() as session:
                outcome = service.book(session, child_id=child, unit_id=unit, day=day, channel="voice",
                                       language="ja", now=NOW)
                session.commit()
            mine.append(time.perf_counter() - started)
            wins += isinstance(outcome, service.Booked)
        with lock:
            latencies.extend(mine)
            booked[0] += wins

    pool = [threading.Thread(target=worker, args=(plan[i::threads],)) for i in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    seconds = time.perf_counter() - started
    return Result(backend, scenario, threads, len(plan), booked[0], seconds, latencies, overbooked(database))


def bench(database: Database, backend: str, attempts: int, thread_counts: list[int]) -> list[Result]:
    children = seed(database, attempts)
    results = []
    for scenario in ("one unit", "many units"):
        baseline = run(database, backend, scenario, children, 1)
        print(_line(baseline, None), flush=True)
        results.append(baseline)
        for threads in thread_counts:
            results.append(run(database, backend, scenario, children, threads))
            print(_line(results[-1], baseline), flush=True)
    return results


def _line(r: Result, baseline: Result | None) -> str:
    ratio = f"{r.per_second / baseline.per_second:5.2f}x" if baseline else "  base"
    return (f"{r.backend:<10} {r.scenario:<10} {r.threads:>3} thr {r.attempts:>5} tries {r.booked:>5} booked "
            f"{r.per_second:8.1f} bookings/s {r.attempts / r.seconds:8.1f} tries/s "
            f"p50 {r.percentile(0.5):6.1f} ms p99 {r.percentile(0.99):7.1f} ms overbooked {r.overbooked} {ratio}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="8,32")
    parser.add_argument("--attempts", type=int, default=400)
    args = parser.parse_args()
    thread_counts = [int(t) for t in args.threads.split(",")]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus; {args.attempts} booking attempts per run; "
          f"'one unit' capacity {args.attempts // 2}; 'many units' = 32 units x {len(DAYS)} days of 6 seats")
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = Database(f"sqlite:///{tmp}/bench.db", pool_size=max(thread_counts) + 2, secret_key=DEMO_SECRET_KEY)
        try:
            results += bench(sqlite, "sqlite", args.attempts, thread_counts)
        finally:
            sqlite.dispose()
    pg = Database(recreate_postgres_database(PG_ADMIN, "azukari_bench"), pool_size=max(thread_counts) + 2,
                  secret_key=DEMO_SECRET_KEY)
    try:
        results += bench(pg, "postgresql", args.attempts, thread_counts)
    finally:
        pg.dispose()
        drop_postgres_database(PG_ADMIN, "azukari_bench")
    total = sum(r.overbooked for r in results)
    print(f"overbooking across all runs: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
