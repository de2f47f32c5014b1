"""`azukari check` at a ward's size: 30,000 households and a year of bookings, on SQLite and PostgreSQL.

    .venv/bin/python bench/check.py [--households 30000] [--facilities 10] [--runs 3] [--pg postgresql+psycopg://…/postgres]

Fills a migrated database straight through Core (a booking, its counter, its confirmation and
its audit entry, one in ten later cancelled), so the data is what the service would have
written; then times `problems()` and requires it to find none.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from typing import Any

from sqlalchemy import insert

from azukari import migrate
from azukari.booking.models import ChildMonth, Facility, Reservation, Unit, UnitDay
from azukari.db import Database, drop_postgres_database, recreate_postgres_database
from azukari.households.models import Child, Household
from azukari.messaging.models import OutboxMessage
from azukari.operations.check import problems
from azukari.oversight.audit import GENESIS, _digest, chain_key
from azukari.oversight.models import AuditEntry

KEY = "bench-secret-key-for-the-check"
START = dt.date(2025, 4, 1)  # a fiscal year
NOW = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
UNITS = (("09:00", "12:00"), ("13:00", "16:00"), ("09:00", "17:00"))
CAPACITY = 10


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> Any:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def fill(database: Database, households: int, facilities: int) -> dict[str, int]:
    rng = random.Random(7)
    with database.engine.begin() as connection:
        def put(table: Any, rows: list[dict[str, Any]]) -> None:
            for chunk in _chunks(rows):
                connection.execute(insert(table), chunk)

        put(Facility, [{"id": f + 1, "key": f + 1, "name": f"施設{f + 1}", "reading": "しせつ", "capacity": CAPACITY,
                        "infant_capacity": 3, "closed_weekdays": "sat,sun", "active": True}
                       for f in range(facilities)])
        units = [(f * len(UNITS) + u + 1, f + 1, starts, ends) for f in range(facilities)
                 for u, (starts, ends) in enumerate(UNITS)]
        put(Unit, [{"id": uid, "facility_id": fid, "key": uid - (fid - 1) * len(UNITS), "starts": s, "ends": e,
                    "active": True} for uid, fid, s, e in units])
        put(Household, [{"id": h + 1, "household_id": f"{10000000 + h}", "pin_hash": "-", "guardian_name": "-",
                         "guardian_kana": "-", "phone": f"+8190{h:08d}", "address": "-",
                         "registered_on": START, "dv_flag": False, "created_at": NOW, "updated_at": NOW}
                        for h in range(households)])
        children = [(c + 1, c % households + 1) for c in range(int(households * 1.3))]
        put(Child, [{"id": cid, "household_pk": hpk, "name": "-", "kana": "-", "birthdate": dt.date(2022, 1, 1),
                     "sex": ""} for cid, hpk in children])
        bookings: list[dict[str, Any]] = []
        counters: list[dict[str, Any]] = []
        for offset in range(365):
            day = START + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            taken = rng.sample(children, len(units) * CAPACITY)  # a child at most once a day
            for n, (uid, fid, starts, _ends) in enumerate(units):
                seats = rng.randint(CAPACITY // 2, CAPACITY)
                live = 0
                for cid, hpk in taken[n * CAPACITY:n * CAPACITY + seats]:
                    at = dt.datetime.combine(day, dt.time(int(starts[:2]) - 9), tzinfo=dt.UTC)
                    cancelled = rng.random() < 0.1
                    live += not cancelled
                    bookings.append({"id": len(bookings) + 1, "booking_number": f"{len(bookings) + 1:08d}",
                                     "household_pk": hpk, "child_id": cid, "facility_id": fid, "unit_id": uid,
                                     "day": day, "starts_at": at, "ends_at": at + dt.timedelta(hours=3),
                                     "infant": False, "fee": 1500, "status": "cancelled" if cancelled else "booked",
                                     "channel": "voice", "language": "ja", "created_at": at - dt.timedelta(days=3),
                                     "cancelled_at": at - dt.timedelta(days=1) if cancelled else None})
                counters.append({"unit_id": uid, "day": day, "booked": live, "infants": 0})
        put(Reservation, bookings)
        put(UnitDay, counters)
        months: dict[tuple[int, dt.date], int] = {}  # the monthly limit's counters, equal to live bookings
        for b in bookings:
            key = (b["child_id"], b["day"].replace(day=1))
            months[key] = months.get(key, 0) + (b["status"] == "booked")
        put(ChildMonth, [{"child_id": cid, "month": month, "booked": n} for (cid, month), n in months.items()])
        put(OutboxMessage, [{"kind": "confirmation", "household_pk": b["household_pk"], "reservation_id": b["id"],
                             "to_number": "+819000000000", "body": "-", "status": "delivered", "attempts": 1,
                             "next_attempt_at": b["created_at"], "created_at": b["created_at"],
                             "updated_at": b["created_at"]} for b in bookings])
        mac, prev, entries = chain_key(KEY), GENESIS, []
        for b in bookings:
            for action, at in (("booking.created", b["created_at"]), ("booking.cancelled", b["cancelled_at"])):
                if at is None:
                    continue
                detail: dict[str, object] = {"reservation_id": b["id"]}
                digest = _digest(mac, prev, at, "voice", action, b["household_pk"], detail)
                entries.append({"at": at, "actor": "voice", "action": action, "household_pk": b["household_pk"],
                                "detail": detail, "prev_hash": prev, "hash": digest})
                prev = digest
        put(AuditEntry, entries)
    return {"households": households, "children": len(children), "bookings": len(bookings),
            "counters": len(counters), "month counters": len(months), "audit entries": len(entries)}


def measure(url: str, args: argparse.Namespace) -> None:
    database = Database(url, secret_key=KEY)
    try:
        migrate.upgrade(database.engine)
        began = time.perf_counter()
        sizes = fill(database, args.households, args.facilities)
        print(f"{database.dialect}: filled in {time.perf_counter() - began:.0f} s: "
              + ", ".join(f"{v} {k}" for k, v in sizes.items()))
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            found = problems(database, secret_key=KEY, now=NOW)
            times.append(time.perf_counter() - began)
            assert found == [], found[:5]
        print(f"{database.dialect}: azukari check {statistics.median(times):.2f} s median of {args.runs} "
              f"(min {min(times):.2f}, max {max(times):.2f}), no problems")
    finally:
        database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--facilities", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{tmp}/bench.db", args)
    try:
        measure(recreate_postgres_database(args.pg, "azukari_bench_check"), args)
    finally:
        drop_postgres_database(args.pg, "azukari_bench_check")


if __name__ == "__main__":
    main()
