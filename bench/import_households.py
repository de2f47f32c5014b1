"""`azukari import-households` at ward scale: 30,000 households, SQLite and PostgreSQL, fresh and again.

    .venv/bin/python bench/import_households.py [--households 30000] [--engines sqlite postgresql]
        [--again] [--compare 600] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Writes a households.csv of invented households as the demo makes them (12 % with a sibling), in
CP932 with slash dates as Excel writes it in Japan, then runs the command an operator runs
(`azukari import-households FILE`, a process of its own, progress lines on stdout) against a fresh
migrated database per engine, timing it from start to exit (wall time, and the CPU seconds of all its
threads: on an idle machine with C cores the hashing part takes about CPU/C). With --again the same file is imported
a second time: every household unchanged, which still costs one argon2 verify per household.
--compare N times the PIN work alone on N PINs in this process: one thread, the importer's thread
pool, and a process pool, in three rounds taken in turn (the best of each kept), so the pool's gain is
measured in the same run. The machine's load
average is printed before and after each step: on a shared machine the figures move with it.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import phonenumbers

from azukari import migrate
from azukari.clock import SystemClock, tokyo_today
from azukari.db import Database, drop_postgres_database, recreate_postgres_database
from azukari.households.pins import settle_pin
from azukari.registration.demo import made_up_households
from azukari.registration.households_csv import COLUMNS


def _slashed(day: dt.date) -> str:
    return f"{day.year}/{day.month}/{day.day}"


def write_csv(path: Path, households: int, today: dt.date) -> int:
    rng = random.Random(7)
    rows = 0
    with path.open("w", encoding="cp932", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for h in made_up_households(households, today=today):
            phone = phonenumbers.format_number(phonenumbers.parse(h.phone), phonenumbers.PhoneNumberFormat.NATIONAL)
            pin = str(rng.randrange(10 ** 3, 10 ** rng.choice((4, 5, 6))))
            for child in h.children:
                writer.writerow((h.household_id, pin, h.guardian_name, h.guardian_kana, phone, h.address, child.name,
                                 child.kana, _slashed(child.birthdate), child.sex, _slashed(h.registered_on),
                                 "1" if h.dv_flag else "0"))
                rows += 1
    return rows


def load() -> str:
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed_import(url: str, path: Path) -> tuple[float, str]:
    """Wall time, then CPU seconds of the command (all its threads) and its summary line."""
    env = {**os.environ, "DATABASE_URL": url}
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "azukari.cli", "import-households", str(path)], env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import failed: {done.stderr.strip()}\n{done.stdout[-2000:]}")
    return elapsed, f"{_children_cpu() - cpu:.0f} CPU-s; {done.stdout.strip().splitlines()[-1]}"


def run(engine: str, url: str, path: Path, *, again: bool) -> None:
    migrate.upgrade(Database(url).engine)
    print(f"[{engine}] before: {load()}", flush=True)
    elapsed, summary = timed_import(url, path)
    print(f"[{engine}] first import: {elapsed:.1f} s ({elapsed / 60:.1f} min) — {summary}; after: {load()}",
          flush=True)
    if again:
        elapsed, summary = timed_import(url, path)
        print(f"[{engine}] same file again: {elapsed:.1f} s ({elapsed / 60:.1f} min) — {summary}; after: {load()}",
              flush=True)


def compare(count: int, rounds: int = 3) -> None:
    tasks = [(f"{1000 + i}", None) for i in range(count)]
    pins, stored = [t[0] for t in tasks], [t[1] for t in tasks]
    workers = os.cpu_count() or 1

    def one_thread() -> object:
        return [settle_pin(pin, None) for pin in pins]

    def threads() -> object:
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(settle_pin, pins, stored))

    def processes() -> object:
        with ProcessPoolExecutor(workers) as pool:
            return list(pool.map(settle_pin, pins, stored, chunksize=max(1, count // (workers * 8))))

    times: dict[str, list[float]] = {}
    ways: list[tuple[str, Callable[[], object]]] = [
        ("one thread", one_thread), (f"thread pool ({workers})", threads), (f"process pool ({workers})", processes)]
    # Rounds in turn, each way's best round kept: on a shared machine a burst of load hits one round,
    # not the same way every time.
    for round_ in range(rounds):
        for name, work in ways[round_ % len(ways):] + ways[:round_ % len(ways)]:
            started = time.perf_counter()
            work()
            times.setdefault(name, []).append(time.perf_counter() - started)
    base = min(times["one thread"])
    for name, seconds in times.items():
        best = min(seconds)
        print(f"[PINs] {name}: {count} hashes, best of {rounds} rounds {best:.2f} s ({best / count * 1000:.1f} ms "
              f"each), {base / best:.2f}× one thread; rounds {', '.join(f'{t:.1f}' for t in seconds)} s; {load()}",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--engines", nargs="*", default=["sqlite", "postgresql"], help="none: --compare only")
    parser.add_argument("--again", action="store_true", help="import the same file a second time (all unchanged)")
    parser.add_argument("--compare", type=int, default=0, metavar="N", help="time the PIN work alone on N PINs")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {load()}", flush=True)
    if args.compare:
        compare(args.compare)
    if not args.engines:
        return
    with tempfile.TemporaryDirectory(prefix="azukari-bench-") as folder:
        path = Path(folder) / "households.csv"
        rows = write_csv(path, args.households, tokyo_today(SystemClock()))
        print(f"households.csv: {args.households:,} households, {rows:,} rows, CP932, "
              f"{path.stat().st_size / 1e6:.1f} MB", flush=True)
        for engine in args.engines:
            if engine == "sqlite":
                run(engine, f"sqlite:///{folder}/import.db", path, again=args.again)
                continue
            name = "azukari_bench_import"
            try:
                run(engine, recreate_postgres_database(args.pg, name), path, again=args.again)
            finally:
                drop_postgres_database(args.pg, name)


if __name__ == "__main__":
    main()
