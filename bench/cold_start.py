"""The first verification after a cold start, against the ones after it (issue 23.11).

    .venv/bin/python bench/cold_start.py [--runs 3] [--azukari PATH]

Each run makes a fresh SQLite database with `migrate`, `import-facilities` and `import-households`,
starts `azukari serve` and waits until `GET /healthz` answers `ok` (the seconds that takes are
printed: the dictionaries load before the port opens), then makes the same no-ID verification twice,
each by a new caller, as Twilio posts it: an English caller (language 2, the names and the address
in romaji, `Hikarigaoka 3-1-4, Nerima-ku, Tokyo`), then a Japanese one. It prints the slowest
verification webhook of the first call and of the second, per language. `--azukari` runs another
build's command (e.g. a checkout of main, to see the cold start before the warm-up).
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from calls import Server, free_port  # bench/ is on sys.path
from calls_data import HouseholdSpec, facilities_toml, households, write_csv

from azukari.language.readings import romanised
from azukari.phone.handset import Wire, new_sid

TOKEN, ACCOUNT, BOT = "bench-calls-auth-token", "AC" + "be" * 16, "+815012345678"
_VERIFY = ("child_name", "birthdate", "address", "guardian_name")


def _latin(kana: str) -> str:
    """"サトウ ハルト" as an English speaker says it: "Haruto Sato"."""
    family, given = (romanised(part).capitalize() for part in kana.split())
    return f"{given} {family}"


def _romaji_address(address: str) -> str:
    # 東京都練馬区光が丘{c}丁目{b}番{g}号 -> "Hikarigaoka c-b-g, Nerima-ku, Tokyo"
    numbers = address.split("光が丘", 1)[1].replace("丁目", " ").replace("番", " ").replace("号", "").split()
    return f"Hikarigaoka {'-'.join(numbers)}, Nerima-ku, Tokyo"


def verify(base_url: str, spec: HouseholdSpec, *, english: bool) -> dict[str, float]:
    """One caller to the menu; the seconds each verification webhook took, by step."""
    client = httpx.Client(base_url=base_url, timeout=30)
    took: dict[str, float] = {}

    def send(path: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        started = time.perf_counter()
        response = client.post(path, data=form, headers=headers)
        took[urlsplit(path).path.rsplit("/", 1)[-1]] = time.perf_counter() - started
        return response.status_code, response.text

    wire = Wire(base_url=base_url, auth_token=TOKEN, send=send)
    said = ({"child_name": _latin(spec.child_kana), "address": _romaji_address(spec.address),
             "guardian_name": _latin(spec.guardian_kana)} if english else
            {"child_name": spec.child_name, "address": spec.address.removeprefix("東京都"),
             "guardian_name": spec.guardian_name})
    answers = {"language": {"Digits": "2" if english else "1"}, "id_choice": {"Digits": "2"},
               "child_name": {"SpeechResult": said["child_name"], "Confidence": "0.9"},
               "birthdate": {"Digits": spec.birthdate.strftime("%Y%m%d")},
               "address": {"SpeechResult": said["address"], "Confidence": "0.9"},
               "guardian_name": {"SpeechResult": said["guardian_name"], "Confidence": "0.9"}}
    base = {"CallSid": new_sid("CA"), "AccountSid": ACCOUNT, "From": "+817000000001", "To": BOT,
            "Direction": "inbound", "CallStatus": "in-progress", "ApiVersion": "2010-04-01"}
    posted = wire.post("/twilio/voice", base)
    for _ in range(20):
        gather = ET.fromstring(posted.body).find("Gather")
        step = urlsplit(gather.get("action", "")).path.rsplit("/", 1)[-1] if gather is not None else ""
        if step == "menu":
            return {name: took[name] for name in _VERIFY}
        if step not in answers:
            raise RuntimeError(f"the caller was not verified: asked {step!r}: {posted.body[:300]}")
        posted = wire.post(gather.get("action", "") if gather is not None else "", {**base, **answers[step]},
                           posted.url)
    raise RuntimeError("the call did not reach the menu")


def run(azukari: str) -> tuple[float, dict[str, tuple[float, float]]]:
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        today = dt.date.today()
        specs = households(4, today)
        (workdir / "facilities.toml").write_text(facilities_toml(capacity=4), encoding="utf-8")
        write_csv(specs, workdir / "households.csv", today)
        server = Server(f"sqlite:///{workdir / 'bench.db'}", workdir)
        server.env.update(TWILIO_AUTH_TOKEN=TOKEN, TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_FROM=BOT,
                          TWILIO_API_BASE_URL=f"http://127.0.0.1:{free_port()}")
        server.command = lambda: [azukari, "serve", "--host", "127.0.0.1", "--port", str(server.port)]  # type: ignore[method-assign]
        for args in (("migrate",), ("import-facilities", str(workdir / "facilities.toml")),
                     ("import-households", str(workdir / "households.csv"))):
            subprocess.run([azukari, *args], env=server.env, check=True, capture_output=True, timeout=600)
        started = time.perf_counter()
        server.start()
        try:
            while httpx.get(server.base_url + "/healthz", timeout=5).text != "ok":
                time.sleep(0.1)
            ready = time.perf_counter() - started
            out = {}
            for language, english, (first, second) in (("en", True, specs[:2]), ("ja", False, specs[2:4])):
                out[language] = (max(verify(server.base_url, first, english=english).values()),
                                 max(verify(server.base_url, second, english=english).values()))
            return ready, out
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--azukari", default=str(Path(__file__).resolve().parent.parent / ".venv/bin/azukari"))
    args = parser.parse_args()
    results = [run(args.azukari) for _ in range(args.runs)]
    print(f"start until /healthz ok: median {statistics.median(r[0] for r in results):.1f} s")
    for language in ("en", "ja"):
        firsts = [r[1][language][0] for r in results]
        seconds = [r[1][language][1] for r in results]
        print(f"{language}: slowest verification webhook, first caller median {statistics.median(firsts):.2f} s "
              f"(max {max(firsts):.2f}), second caller median {statistics.median(seconds):.2f} s")


if __name__ == "__main__":
    main()
