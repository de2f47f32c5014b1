"""Call webhooks under load, against a bare FastAPI + Twilio endpoint in the same run.

    .venv/bin/python bench/calls.py [--callers 16] [--calls-each 25] [--rounds 3] [--databases sqlite,postgresql]

For each database it runs `azukari migrate`, `import-facilities` and `import-households` (a
generated CSV, one household per call), then starts two servers on free loopback ports:
- `azukari serve` (PUBLIC_BASE_URL its port, the Twilio API base a closed loopback port so no text
  leaves the machine and the outbox sender's retries are part of the load);
- the bare endpoint (`bench/bare_app.py`: FastAPI reads the form, `twilio.request_validator` checks the
  signature, `VoiceResponse` answers a static `<Gather>`; uvicorn as `azukari serve` runs it).
After a warm-up call per caller, bare and azukari phases alternate `--rounds` times, the server not
being measured stopped with SIGSTOP. In azukari's phases each caller makes whole calls, language ->
no-ID verification (child name, birthdate, address, guardian name) -> menu 1 -> date -> facility ->
unit -> confirm 1 -> next 9, 13 webhooks a call; in the bare phases each caller posts as many signed
webhooks. Every webhook is signed as Twilio signs it and every answer parsed as XML. The callers are
threads of this process, each on its own keep-alive connection; the servers are other processes. It
prints webhooks/s and latency p50/p99/max of each server over all rounds, and azukari's throughput
and p99 as ratios of the bare endpoint's.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import socket
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from calls_data import FACILITY_KEY, HouseholdSpec, facilities_toml, households, write_csv  # bench/ is on sys.path

from azukari.db import drop_postgres_database, recreate_postgres_database
from azukari.phone.handset import Wire, new_sid

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

    def command(self) -> list[str]:
        return [AZUKARI, "serve", "--host", "127.0.0.1", "--port", str(self.port)]

    def start(self) -> None:
        log = (self.workdir / f"{self.port}.log").open("wb")
        self.process = subprocess.Popen(self.command(), env=self.env, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(300):
            if self.process.poll() is not None:
                tail = (self.workdir / f'{self.port}.log').read_text()[-800:]
                raise RuntimeError(f"{self.command()[1]} exited: {tail}")
            try:
                httpx.post(self.base_url + "/twilio/voice", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("azukari serve did not answer within 60 s")

    def pause(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.resume()
            self.process.terminate()
            self.process.wait(timeout=15)


class BareServer(Server):
    """`bench/bare_app.py`: the same signature check and uvicorn, static TwiML, no application."""

    def command(self) -> list[str]:
        return [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "bench" / "bare_app.py"), "--port", str(self.port)]


class Caller:
    """One caller's line: a keep-alive connection, signed posts, every webhook timed."""

    def __init__(self, server: Server) -> None:
        self.base_url = server.base_url
        self.client = httpx.Client(base_url=server.base_url, timeout=30)
        self.wire = Wire(base_url=server.base_url, auth_token=TOKEN, send=self._send)
        self.latencies: list[float] = []
        self.steps: list[str] = []  # the step of each latency (the last part of the path)

    def fresh(self) -> None:
        """New connections for a new phase: uvicorn drops keep-alive connections idle for 5 s."""
        self.client.close()
        self.client = httpx.Client(base_url=self.base_url, timeout=30)
        self.latencies.clear()
        self.steps.clear()

    def _send(self, path: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        started = time.perf_counter()
        response = self.client.post(path, data=form, headers=headers)
        self.latencies.append(time.perf_counter() - started)
        self.steps.append(urlsplit(path).path.rsplit("/", 1)[-1])
        return response.status_code, response.text

    def bare(self, webhooks: int) -> None:
        """Signed webhooks like a call's, to the bare endpoint; each answer parsed as the flow parses it."""
        base = {"CallSid": new_sid("CA"), "AccountSid": ACCOUNT, "From": "+817000000000", "To": BOT,
                "Direction": "inbound", "CallStatus": "in-progress", "ApiVersion": "2010-04-01"}
        for turn in range(webhooks):
            posted = self.wire.post(f"/twilio/voice/menu?t={turn}", {**base, "Digits": "1"})
            assert posted.status == 200, posted.status
            ET.fromstring(posted.body)

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


@dataclass(frozen=True)
class Phase:
    name: str
    latencies: list[float]
    seconds: float
    steps: list[str]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def by_step(self) -> dict[str, list[float]]:
        steps: dict[str, list[float]] = {}
        for step, latency in zip(self.steps, self.latencies, strict=True):
            steps.setdefault(step, []).append(latency)
        return steps

    def row(self, bare: Phase | None = None) -> str:
        p50, p99, worst = percentiles(self.latencies)
        ratios = f" | {self.rate / bare.rate:.2f} | {p99 / percentiles(bare.latencies)[1]:.1f}x" if bare else " | | "
        return (f"| {self.name} | {len(self.latencies)} | {self.rate:,.0f} | {p50:.1f} ms | {p99:.1f} ms | "
                f"{worst:.1f} ms{ratios} |")


def _timed(name: str, lines: list[Caller], work: Callable[[int], object]) -> Phase:
    for line in lines:
        line.fresh()
    started = time.perf_counter()
    with ThreadPoolExecutor(len(lines)) as pool:
        list(pool.map(work, range(len(lines))))
    return Phase(name, [x for line in lines for x in line.latencies], time.perf_counter() - started,
                 [x for line in lines for x in line.steps])


def _joined(name: str, phases: list[Phase]) -> Phase:
    return Phase(name, [x for phase in phases for x in phase.latencies], sum(phase.seconds for phase in phases),
                 [x for phase in phases for x in phase.steps])


def bench(database: str, database_url: str, callers: int, calls_each: int, rounds: int, pause: float,
          by_step: bool) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"azukari-bench-calls-{database}-"))
    today = dt.datetime.now(TOKYO).date()
    specs = households(callers * (calls_each + 1), today)  # one warm-up call per caller, then the measured ones
    (workdir / "facilities.toml").write_text(facilities_toml(capacity=len(specs)), encoding="utf-8")
    write_csv(specs, workdir / "households.csv", today)
    server, bare = Server(database_url, workdir), BareServer("sqlite://", workdir)
    server.run("migrate")
    server.run("import-facilities", str(workdir / "facilities.toml"))
    server.run("import-households", str(workdir / "households.csv"))
    booked = [0] * callers
    server.start()
    bare.start()
    try:
        lines = [Caller(server) for _ in range(callers)]
        bare_lines = [Caller(bare) for _ in range(callers)]

        def calls(index: int, first: int, count: int) -> None:
            for n in range(first, first + count):
                spec = specs[index * (calls_each + 1) + n]
                booked[index] += lines[index].call(spec, today + dt.timedelta(days=2), 1 + (index + n) % 2,
                                                   f"+8170{index:04d}{n:04d}")

        # Warm-up: a first call per caller (worker threads, caches), a few webhooks per bare line.
        _timed("warm-up", lines, lambda i: calls(i, 0, 1))
        _timed("warm-up", bare_lines, lambda i: bare_lines[i].bare(20))
        warm = sum(booked)
        # Rounds, so that both servers see the same moments of a shared machine; the server not being
        # measured is stopped (SIGSTOP), so its background work (the outbox sender's retries) costs nothing.
        done, bare_phases, flow_phases = 1, [], []
        for r in range(rounds):
            count = (calls_each * (r + 1)) // rounds - (done - 1)
            server.pause()
            bare_phases.append(_timed("bare", bare_lines, lambda i, n=count: bare_lines[i].bare(n * 13)))
            server.resume()
            bare.pause()
            if pause and r == 0:
                print(f"{database}: azukari serve is pid {server.pid}; its first measured phase starts in "
                      f"{pause:.0f} s", flush=True)
                time.sleep(pause)
            flow_phases.append(_timed("azukari", lines, lambda i, first=done, n=count: calls(i, first, n)))
            bare.resume()
            done += count
    finally:
        server.stop()
        bare.stop()
    base, flow = _joined("bare endpoint", bare_phases), _joined(f"azukari serve, {database}", flow_phases)
    print(f"\n{database}: {callers} concurrent callers x {calls_each} calls (13 webhooks each) in {rounds} rounds; "
          f"{sum(booked) - warm} of {callers * calls_each} calls booked")
    print("| server | webhooks | webhooks/s | p50 | p99 | max | throughput vs bare | p99 vs bare |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(base.row())
    print(flow.row(base))
    print("  per round, throughput vs bare: " + ", ".join(f"{f.rate / b.rate:.2f} ({b.rate:,.0f} vs {f.rate:,.0f}/s)"
                                                          for b, f in zip(bare_phases, flow_phases, strict=True)),
          flush=True)
    if by_step:
        print("  azukari by step, p50 / p99 ms: " + ", ".join(
            f"{step} {percentiles(times)[0]:.0f} / {percentiles(times)[1]:.0f}"
            for step, times in flow.by_step().items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, default=16)
    parser.add_argument("--calls-each", type=int, default=25)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=3, help="bare and azukari phases alternate this many times")
    parser.add_argument("--by-step", action="store_true", help="also print azukari's latency per step")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pause", type=float, default=0,
                        help="seconds to wait before the measured calls (to attach a profiler to the pid printed)")
    args = parser.parse_args()
    for database in args.databases.split(","):
        if database == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp(prefix='azukari-bench-calls-')}/calls.db"
        else:
            url = recreate_postgres_database(args.pg, "azukari_bench_calls")
        try:
            bench(database, url, args.callers, args.calls_each, args.rounds, args.pause, args.by_step)
        finally:
            if database != "sqlite":
                drop_postgres_database(args.pg, "azukari_bench_calls")


if __name__ == "__main__":
    main()
