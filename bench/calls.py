"""Call webhooks under load: K concurrent simulated calls through the whole booking flow.

    .venv/bin/python bench/calls.py [--callers 10] [--calls-each 3] [--databases sqlite,postgresql]

For each database it runs `azukari migrate`, `import-facilities` and `import-households` (a
generated CSV), starts `azukari serve` on a free loopback port (PUBLIC_BASE_URL set to it, the
Twilio API base set to a closed loopback port so no text leaves the machine), then:
1. the bare stack: `GET /twilio/fallback.xml` (static TwiML) when the app mounts
   `azukari.ivr.static_routes`, else an unsigned `POST /twilio/voice` (403, no database);
2. the signed first webhook of a new call (one small transaction);
3. the flow: each caller makes `--calls-each` calls, language → no-ID verification → menu 1 →
   date → facility → unit → confirm 1 → next 9, every webhook signed as Twilio signs it.
Each phase runs the same callers at the same concurrency, in the same run.
It prints webhook latency p50/p99/max and webhooks/s per phase, and the ratios of the medians.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from calls_data import FACILITY_KEY, HouseholdSpec, facilities_toml, households, write_csv  # bench/ is on sys.path

from azukari.db import drop_postgres_database, recreate_postgres_database
from azukari.ivr.handset import Wire, new_sid

TOKEN = "bench-calls-auth-token"
ACCOUNT = "AC" + "be" * 16
BOT = "+815012345678"
ROOT = Path(__file__).resolve().parent.parent
AZUKARI = str(ROOT / ".venv" / "bin" / "azukari")
TOKYO = dt.timezone(dt.timedelta(hours=9))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`azukari serve` on loopback, with its own database and data, as an operator would run it."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.env = {**os.environ, "DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": TOKEN,
                    "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_FROM": BOT, "PUBLIC_BASE_URL": self.base_url,
                    # Nothing listens there: the outbox sender's attempts fail on loopback and retry.
                    "TWILIO_API_BASE_URL": f"http://127.0.0.1:{free_port()}", "STAFF_NUMBER": ""}
        self.process: subprocess.Popen[bytes] | None = None

    def run(self, *args: str) -> None:
        subprocess.run([AZUKARI, *args], env=self.env, check=True, capture_output=True, timeout=600)

    def start(self) -> None:
        log = (self.workdir / "serve.log").open("wb")
        self.process = subprocess.Popen([AZUKARI, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                        env=self.env, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError(f"azukari serve exited: {(self.workdir / 'serve.log').read_text()[-800:]}")
            try:
                httpx.post(self.base_url + "/twilio/voice", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("azukari serve did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


class Caller:
    """One caller's line: a keep-alive connection, signed posts, every webhook timed."""

    def __init__(self, server: Server) -> None:
        self.base_url = server.base_url
        self.client = httpx.Client(base_url=server.base_url, timeout=30)
        self.wire = Wire(base_url=server.base_url, auth_token=TOKEN, send=self._send)
        self.latencies: list[float] = []

    def fresh(self) -> None:
        """New connections for a new phase: uvicorn drops keep-alive connections idle for 5 s."""
        self.client.close()
        self.client = httpx.Client(base_url=self.base_url, timeout=30)
        self.latencies.clear()

    def _send(self, path: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        started = time.perf_counter()
        response = self.client.post(path, data=form, headers=headers)
        self.latencies.append(time.perf_counter() - started)
        return response.status_code, response.text

    def fetch_static(self, path: str) -> None:
        started = time.perf_counter()
        response = self.client.get(path)
        self.latencies.append(time.perf_counter() - started)
        response.raise_for_status()

    def fetch_forbidden(self, path: str, form: dict[str, str]) -> None:
        started = time.perf_counter()
        response = self.client.post(path, data=form)
        self.latencies.append(time.perf_counter() - started)
        assert response.status_code == 403, response.status_code

    def call(self, spec: HouseholdSpec, day: dt.date, unit_key: int, number: str) -> bool:
        """The whole booking flow; True when it reached `next` after confirming."""
        answers = {"language": {"Digits": "1"}, "id_choice": {"Digits": "2"},
                   "child_name": {"SpeechResult": spec.child_name, "Confidence": "0.9"},
                   "birthdate": {"Digits": spec.birthdate.strftime("%Y%m%d")},
                   "address": {"SpeechResult": spec.address, "Confidence": "0.9"},
                   "guardian_name": {"SpeechResult": spec.guardian_name, "Confidence": "0.9"},
                   "menu": {"Digits": "1"}, "date": {"Digits": day.strftime("%Y%m%d")},
                   "facility": {"Digits": str(FACILITY_KEY)}, "unit": {"Digits": str(unit_key)},
                   "confirm": {"Digits": "1"}, "next": {"Digits": "9"}}
        base = {"CallSid": new_sid("CA"), "AccountSid": ACCOUNT, "From": number, "To": BOT,
                "Direction": "inbound", "CallStatus": "in-progress", "ApiVersion": "2010-04-01"}
        posted = self.wire.post("/twilio/voice", base)
        asked: list[str] = []
        for _ in range(40):  # a bounded call: a flow that loops is a failure, not a hang
            if posted.status != 200:
                return False
            root = ET.fromstring(posted.body)
            gather, redirect = root.find("Gather"), root.find("Redirect")
            if gather is not None:
                step = urlsplit(gather.get("action", "")).path.rsplit("/", 1)[-1]
                if step not in answers or (asked and asked[-1] == step):
                    return False  # asked again (a refusal) or off the expected path
                asked.append(step)
                posted = self.wire.post(gather.get("action", ""), {**base, **answers[step]}, posted.url)
            elif redirect is not None and redirect.text:
                posted = self.wire.post(redirect.text.strip(), base, posted.url)
            else:
                return asked[-3:] == ["unit", "confirm", "next"]
        return False


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    at = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return at(0.50), at(0.99), ordered[-1] * 1000


def report(name: str, latencies: list[float], seconds: float) -> float:
    p50, p99, worst = percentiles(latencies)
    print(f"  {name:<34} {len(latencies):>6} webhooks  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
          f"max {worst:7.1f} ms  {len(latencies) / seconds:7.1f}/s")
    return p50


def bench(database: str, database_url: str, callers: int, calls_each: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"azukari-bench-calls-{database}-"))
    today = dt.datetime.now(TOKYO).date()
    specs = households(callers * calls_each, today)
    (workdir / "facilities.toml").write_text(facilities_toml(capacity=len(specs)), encoding="utf-8")
    write_csv(specs, workdir / "households.csv", today)
    server = Server(database_url, workdir)
    server.run("migrate")
    server.run("import-facilities", str(workdir / "facilities.toml"))
    server.run("import-households", str(workdir / "households.csv"))
    server.start()
    try:
        served = httpx.get(server.base_url + "/twilio/fallback.xml", timeout=5).status_code == 200
        lines = [Caller(server) for _ in range(callers)]
        per_caller = calls_each * 13  # webhooks in one booking call

        def bare(line: Caller) -> None:
            for _ in range(per_caller):
                if served:
                    line.fetch_static("/twilio/fallback.xml")
                else:  # unsigned: the stack parses, checks the signature and answers 403, no database
                    line.fetch_forbidden("/twilio/voice", {"CallSid": new_sid("CA"), "To": BOT})

        def first(line: Caller) -> None:
            for _ in range(per_caller):  # a new call's first webhook: signed, one small transaction
                line.wire.post("/twilio/voice", {"CallSid": new_sid("CA"), "AccountSid": ACCOUNT, "To": BOT,
                                                 "From": "+815012340009", "CallStatus": "ringing"})

        def flow(index: int) -> int:
            line, booked = lines[index], 0
            for n in range(calls_each):
                spec = specs[index * calls_each + n]
                booked += line.call(spec, today + dt.timedelta(days=2), 1 + (index + n) % 2,
                                    f"+8170{index:04d}{n:04d}")
            return booked

        results: list[tuple[str, list[float], float]] = []
        booked = 0
        for name, work in (("static TwiML (fallback.xml)" if served else "bare stack (unsigned -> 403)", bare),
                           ("first webhook of a call (signed)", first), ("booking flow (every webhook)", None)):
            for line in lines:
                line.fresh()
            started = time.perf_counter()
            with ThreadPoolExecutor(callers) as pool:
                if work is None:
                    booked = sum(pool.map(flow, range(callers)))
                else:
                    list(pool.map(work, lines))
            results.append((name, [x for line in lines for x in line.latencies], time.perf_counter() - started))
        print(f"{database}: {callers} concurrent callers x {calls_each} calls; {booked} of "
              f"{callers * calls_each} calls booked")
        medians = [report(name, latencies, seconds) for name, latencies, seconds in results]
        print(f"  p50 ratio flow / {results[0][0].split(' (')[0]}: {medians[2] / medians[0]:.1f}x; "
              f"flow / first webhook: {medians[2] / medians[1]:.1f}x")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, default=10)
    parser.add_argument("--calls-each", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    for database in args.databases.split(","):
        if database == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp(prefix='azukari-bench-calls-')}/calls.db"
        else:
            url = recreate_postgres_database(args.pg, "azukari_bench_calls")
        try:
            bench(database, url, args.callers, args.calls_each)
        finally:
            if database != "sqlite":
                drop_postgres_database(args.pg, "azukari_bench_calls")


if __name__ == "__main__":
    main()
