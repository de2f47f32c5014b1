"""What the bot says in one whole booking by phone: characters said, per path and language.

    .venv/bin/python bench/prompt_length.py [--show]

It builds the app in-process on a scratch SQLite file with the demo facilities and one household,
then plays two calls per language as Twilio would (signed webhooks, TwiML followed):
- knowledge path: language → id_choice 2 → child name → birthdate → address → guardian name;
- ID path: language → id_choice 1 → household ID → PIN → birthdate;
both then menu 1 → date → facility → unit → confirm 1 → next 9. Every <Say> of the call is
counted (whitespace left out; the Japanese count is characters as written, English letters
and punctuation). `--show` prints each call's transcript. Seconds are estimated at 7 kana a
second for Japanese and 15 characters a second for English (Polly at its default rate).
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from azukari import migrate
from azukari.app import create_app
from azukari.booking.facilities_file import import_facilities
from azukari.clock import TOKYO, FixedClock
from azukari.db import Database
from azukari.registration.service import ChildEntry, register_household
from azukari.settings import DEMO_SECRET_KEY, Settings

ROOT = Path(__file__).resolve().parent.parent
FACILITIES = ROOT / "azukari" / "registration" / "demo" / "facilities.toml"
TOKEN = "bench-prompt-length-token"
PUBLIC = "https://azukari.example.jp"
NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)   # a Monday within staff hours
DAY = "0602"                                           # Tuesday 2 June: every demo facility is open
_SPACES = re.compile(r"\s+")
_RATE = {"ja": 7.0, "en": 15.0}


@dataclass(frozen=True)
class Household:
    household_id: str
    pin: str


def _seed(database: Database) -> Household:
    with database.unit_of_work() as session:
        import_facilities(session, FACILITIES)
        household, pin = register_household(
            session, guardian_name="髙橋 美咲", guardian_kana="タカハシ ミサキ", phone="090-1111-0001",
            address="東京都練馬区光が丘二丁目3番1-204号",
            children=[ChildEntry(name="髙橋 陽翔", kana="タカハシ ハルト", birthdate=dt.date(2024, 3, 1), sex="M")],
            registered_on=NOW.date() - dt.timedelta(days=30), dv_flag=False, now=NOW.astimezone(dt.UTC))
        session.commit()
        return Household(household.household_id, pin)


class _Call:
    def __init__(self, client: TestClient, sid: str) -> None:
        self.client, self.sid, self.said = client, sid, []
        self.validator = RequestValidator(TOKEN)
        self.root: ET.Element | None = None

    def _post(self, url: str, extra: dict[str, str]) -> None:
        url = urljoin(PUBLIC + "/", url)
        params = {"CallSid": self.sid, "From": "+815099990000", "To": "+815012345678", **extra}
        parts = urlsplit(url)
        response = self.client.post(parts.path + (f"?{parts.query}" if parts.query else ""), data=params,
                                    headers={"X-Twilio-Signature": self.validator.compute_signature(url, params)})
        self.root = ET.fromstring(response.text)
        self.said += ["".join(say.itertext()) for say in self.root.iter("Say")]

    def start(self) -> None:
        self._post("/twilio/voice", {})

    def answer(self, step: str, **given: str) -> None:
        assert self.root is not None
        gather = self.root.find("Gather")
        assert gather is not None, f"the call ended before {step}: {self.said[-2:]}"
        action = gather.get("action", "")
        assert urlsplit(action).path.endswith("/" + step), f"asked {action}, not {step}: {self.said[-2:]}"
        self._post(action, {"Digits": given["digits"]} if "digits" in given else
                   {"SpeechResult": given["speech"], "Confidence": "0.9"})


def _booking(client: TestClient, sid: str, *, language: str, path: str, household: Household) -> list[str]:
    call = _Call(client, sid)
    call.start()
    call.answer("language", digits="1" if language == "ja" else "2")
    if path == "knowledge":
        call.answer("id_choice", digits="2")
        call.answer("child_name", speech="たかはし はると")
        call.answer("birthdate", digits="20240301")
        call.answer("address", speech="東京都練馬区光が丘2丁目3番1の204")
        call.answer("guardian_name", speech="たかはし みさき")
    else:
        call.answer("id_choice", digits="1")
        call.answer("household_id", digits=household.household_id)
        call.answer("pin", digits=household.pin)
        call.answer("birthdate", digits="20240301")
    call.answer("menu", digits="1")
    call.answer("date", digits=DAY)
    call.answer("facility", digits="1")
    call.answer("unit", digits="1")
    call.answer("confirm", digits="1")
    call.answer("next", digits="9")
    assert call.root is not None and call.root.find("Gather") is None, "the call did not end"
    return call.said


def _measure_one(language: str, path: str, scratch: str) -> list[str]:
    # A fresh database per call: the child's earlier booking must not change the next call.
    database = Database(f"sqlite:///{scratch}/{language}-{path}.db", secret_key=DEMO_SECRET_KEY)
    migrate.upgrade(database.engine)
    household = _seed(database)
    settings = Settings(database_url=database.url, twilio_auth_token=TOKEN, public_base_url=PUBLIC,
                        staff_number="+81333334444")
    client = TestClient(create_app(settings, database=database, clock=FixedClock(NOW)), base_url=PUBLIC)
    try:
        return _booking(client, "CA" + "0" * 32, language=language, path=path, household=household)
    finally:
        database.engine.dispose()


def measure(show: bool) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for language, path in (("ja", "knowledge"), ("ja", "id"), ("en", "knowledge"), ("en", "id")):
            said = _measure_one(language, path, scratch)
            counts[(language, path)] = sum(len(_SPACES.sub("", s)) for s in said)
            if show:
                print(f"--- {language} {path}", *said, sep="\n", file=sys.stderr)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print what each call said")
    args = parser.parse_args()
    print("| language | path | characters said | about |")
    print("|---|---|---|---|")
    for (language, path), chars in measure(args.show).items():
        print(f"| {language} | {path} | {chars} | {chars / _RATE[language]:.0f} s |")


if __name__ == "__main__":
    main()
