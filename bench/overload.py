"""The line at twice its capacity: new calls hear "busy" within a second, calls in progress keep their pace.

    .venv/bin/python bench/overload.py [--limit 8] [--load 2] [--seconds 20] [--databases sqlite]

For each database, `azukari serve` runs twice on the same data, with MAX_WEBHOOKS_IN_FLIGHT set to
`--limit` and then to 0 (no guard). Each time, `--limit` x `--load` callers make whole booking calls
back to back for `--seconds`. It prints, per run: the first webhook's latency (what a new caller
waits for before hearing anything), the latency of the webhooks of calls in progress (p50/p99/max),
the share of new calls answered "busy", 5xx answers and timeouts (over Twilio's 15 s).
"""
from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from calls import TOKYO, Caller, Server, percentiles  # bench/ is on sys.path
from calls_data import facilities_toml, households, write_csv

from azukari.db import drop_postgres_database, recreate_postgres_database

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIAL_SECONDS = 2.0


class LoadCaller(Caller):
    """A caller whose first webhook is timed apart from the rest, and who notes busy, 5xx and timeouts."""

    def __init__(self, server: Server) -> None:
        super().__init__(server)
        self.client = httpx.Client(base_url=server.base_url, timeout=15)
        self.first: list[float] = []
        self.busy = self.errors = self.timeouts = self.booked = 0

    def _send(self, path: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        started = time.perf_counter()
        try:
            response = self.client.post(path, data=form, headers=headers)
        except httpx.TimeoutException:
            self.timeouts += 1
            return 599, ""
        spent = time.perf_counter() - started
        (self.first if path.endswith("/twilio/voice") else self.latencies).append(spent)
        if response.status_code >= 500:
            self.errors += 1
        if "busy_callback" in response.text:
            self.busy += 1
        return response.status_code, response.text


def run(database_url: str, workdir: Path, *, limit: int, callers: int, seconds: float) -> dict[str, float]:
    server = Server(database_url, workdir)
    server.env["MAX_WEBHOOKS_IN_FLIGHT"] = str(limit)
    server.start()
    today = dt.datetime.now(TOKYO).date()
    specs = households(callers * 60, today)
    lines = [LoadCaller(server) for _ in range(callers)]
    stop_at = time.perf_counter() + seconds
    try:
        def work(index: int) -> int:
            line, calls = lines[index], 0
            while time.perf_counter() < stop_at:
                spec = specs[(index * 60 + calls) % len(specs)]
                busy_before = line.busy
                line.booked += line.call(spec, today + dt.timedelta(days=2 + calls % 5), 1 + calls % 2,
                                         f"+8170{index:04d}{calls:04d}")
                calls += 1
                if line.busy > busy_before:
                    time.sleep(REDIAL_SECONDS)  # a parent who heard "busy" calls again a little later
            return calls

        with ThreadPoolExecutor(callers) as pool:
            calls = sum(pool.map(work, range(callers)))
    finally:
        server.stop()
    first = [x for line in lines for x in line.first]
    rest = [x for line in lines for x in line.latencies]
    f50, f99, fmax = percentiles(first)
    r50, r99, rmax = percentiles(rest) if rest else (0.0, 0.0, 0.0)
    busy = sum(line.busy for line in lines)
    return {"calls": calls, "booked": sum(line.booked for line in lines), "first_p50": f50, "first_p99": f99,
            "first_max": fmax, "flow_p50": r50, "flow_p99": r99,
            "flow_max": rmax, "busy_share": busy / max(calls, 1), "errors": sum(line.errors for line in lines),
            "timeouts": sum(line.timeouts for line in lines)}


def bench(database: str, limit: int, load: int, seconds: float) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"azukari-bench-overload-{database}-"))
    callers = limit * load
    today = dt.datetime.now(TOKYO).date()
    specs = households(callers * 60, today)
    (workdir / "facilities.toml").write_text(facilities_toml(capacity=min(1000, len(specs))), encoding="utf-8")
    write_csv(specs, workdir / "households.csv", today)
    name = f"azukari_bench_overload_{limit}"
    url = f"sqlite:///{workdir / 'azukari.db'}" if database == "sqlite" else recreate_postgres_database(PG_ADMIN, name)
    try:
        setup = Server(url, workdir)
        for args in (("migrate",), ("import-facilities", str(workdir / "facilities.toml")),
                     ("import-households", str(workdir / "households.csv"))):
            setup.run(*args)
        print(f"{database}: {callers} callers ({load}x a limit of {limit} webhooks in flight), {seconds:.0f} s each")
        for label, guard in (("with the busy guard", limit), ("without it", 0)):
            r = run(url, workdir, limit=guard, callers=callers, seconds=seconds)
            print(f"  {label:<20} {r['calls']:>5.0f} calls, {r['booked']:.0f} booked; "
                  f"first webhook p50 {r['first_p50']:6.1f} ms "
                  f"p99 {r['first_p99']:7.1f} ms; in-progress webhooks p50 {r['flow_p50']:6.1f} ms "
                  f"p99 {r['flow_p99']:7.1f} ms max {r['flow_max']:7.1f} ms; busy {r['busy_share']:5.1%}; "
                  f"5xx {r['errors']:.0f}; timeouts {r['timeouts']:.0f}")
    finally:
        if database != "sqlite":
            drop_postgres_database(PG_ADMIN, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--load", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--databases", default="sqlite")
    args = parser.parse_args()
    for database in args.databases.split(","):
        bench(database, args.limit, args.load, args.seconds)


if __name__ == "__main__":
    main()
