"""Helpers for the voice and SMS tests: a seeded database and a phone that plays Twilio toward the app."""
from __future__ import annotations

import datetime as dt
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import httpx
from facilities_files import DEMO_FACILITIES
from fastapi.testclient import TestClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from azukari.app import create_app
from azukari.booking.facilities_file import import_facilities
from azukari.clock import TOKYO, FixedClock
from azukari.db import Database
from azukari.messaging.models import OutboxMessage
from azukari.oversight.models import Escalation
from azukari.registration.service import ChildEntry, register_household
from azukari.settings import Settings

AUTH_TOKEN = "ivr-test-auth-token"
PUBLIC = "https://azukari.example.jp"
BOT = "+815012345678"
STAFF = "+81333334444"
ELSEWHERE = "+815099990000"
# Monday 10:00 in Tokyo, within the default staff hours; Tuesday 2 June is open everywhere.
MONDAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)
TUESDAY = dt.date(2026, 6, 2)


@dataclass(frozen=True)
class Family:
    household_pk: int
    household_id: str
    pin: str
    phone: str
    child: str
    birthdate: dt.date
    address: str
    guardian: str


def settings_for(database: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"database_url": database.url, "twilio_auth_token": AUTH_TOKEN,
                              "public_base_url": PUBLIC, "staff_number": STAFF}
    values.update(overrides)
    return Settings(**values)


def client_for(database: Database, clock: FixedClock, *, base_url: str = PUBLIC, **overrides: Any) -> TestClient:
    app = create_app(settings_for(database, **overrides), database=database, clock=clock)
    return TestClient(app, base_url=base_url)


def seed(database: Database, *, dv: bool = False, phone: str = "090-1111-0001",
         birthdate: dt.date = dt.date(2024, 3, 1), facilities: bool = True) -> Family:
    """The demo facilities and one household (committed, as the webhooks run their own units of work)."""
    now = MONDAY.astimezone(dt.UTC)
    with database.unit_of_work() as session:
        if facilities:
            import_facilities(session, DEMO_FACILITIES)
        household, pin = register_household(
            session, guardian_name="髙橋 美咲", guardian_kana="タカハシ ミサキ", phone=phone,
            address="東京都練馬区光が丘二丁目3番1-204号",
            children=[ChildEntry(name="髙橋 陽翔", kana="タカハシ ハルト", birthdate=birthdate, sex="M")],
            registered_on=MONDAY.date() - dt.timedelta(days=30), dv_flag=dv, now=now)
        session.commit()
        return Family(household.id, household.household_id, pin, household.phone, "髙橋 陽翔", birthdate,
                      household.address, "髙橋 美咲")


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(url, params))


def outbox(database: Database) -> list[OutboxMessage]:
    with database.unit_of_work() as session:
        messages = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
        return messages


def escalations(database: Database) -> list[Escalation]:
    with database.unit_of_work() as session:
        cases = list(session.scalars(select(Escalation).order_by(Escalation.id)))
        session.expunge_all()
        return cases


@dataclass
class Phone:
    """One call, answered the way Twilio does: signed posts to each <Gather action>, redirects followed."""

    client: TestClient
    caller: str | None = ELSEWHERE
    sid: str = "CA" + "0" * 31 + "1"
    transcript: list[str] = field(default_factory=list)
    current: ET.Element | None = None
    last: tuple[str, dict[str, str]] | None = None
    statuses: list[int] = field(default_factory=list)

    def params(self, **extra: str) -> dict[str, str]:
        out = {"CallSid": self.sid, "AccountSid": "AC" + "1" * 32, "To": BOT, "CallStatus": "in-progress"}
        if self.caller is not None:
            out["From"] = self.caller
        out.update(extra)
        return out

    def post(self, url: str, params: dict[str, str], *, signature: str | None = None) -> httpx.Response:
        url = urllib.parse.urljoin(PUBLIC + "/", url)
        headers = {"X-Twilio-Signature": signature if signature is not None else sign(url, params)}
        return self.client.post(url, data=params, headers=headers)

    def _take(self, response: httpx.Response) -> ET.Element:
        self.statuses.append(response.status_code)
        assert response.status_code == 200, response.text[:300]
        root = ET.fromstring(response.text)
        self.current = root
        self.transcript.extend((s.text or "") for s in root.iter("Say"))
        if self.gather() is None and (redirect := root.find("Redirect")) is not None:
            return self._take(self.post(redirect.text or "", self.params()))
        return root

    def start(self) -> ET.Element:
        return self._take(self.post("/twilio/voice", self.params(CallStatus="ringing")))

    def gather(self) -> ET.Element | None:
        return self.current.find("Gather") if self.current is not None else None

    @property
    def step(self) -> str | None:
        gather = self.gather()
        return None if gather is None else urllib.parse.urlparse(gather.get("action", "")).path.rsplit("/", 1)[-1]

    @property
    def says(self) -> list[str]:
        return [(s.text or "") for s in self.current.iter("Say")] if self.current is not None else []

    def answer(self, expected: str | None = None, *, digits: str | None = None,
               speech: str | None = None) -> ET.Element:
        gather = self.gather()
        assert gather is not None, "no <Gather> to answer"
        if expected is not None:
            assert self.step == expected, f"asked {self.step!r}, expected {expected!r}: {self.says}"
        extra = {"Digits": digits} if digits is not None else {}
        if speech is not None:
            extra.update(SpeechResult=speech, Confidence="0.9")
        url, params = gather.get("action", ""), self.params(**extra)
        self.last = (url, params)
        return self._take(self.post(url, params))

    def silence(self) -> ET.Element:
        assert self.current is not None
        redirect = self.current.find("Redirect")
        assert redirect is not None and redirect.text
        return self._take(self.post(redirect.text, self.params()))

    def dialled(self) -> list[str]:
        dial = self.current.find("Dial") if self.current is not None else None
        return [(n.text or "") for n in dial.iter("Number")] if dial is not None else []

    @property
    def hung_up(self) -> bool:
        return self.current is not None and self.current.find("Hangup") is not None

    def verify_by_knowledge(self, family: Family, *, child: str | None = None, birthdate: dt.date | None = None,
                            address: str | None = None, guardian: str | None = None) -> None:
        self.answer("id_choice", digits="2")
        self.answer("child_name", speech=child or family.child)
        self.answer("birthdate", digits=(birthdate or family.birthdate).strftime("%Y%m%d"))
        self.answer("address", speech=address or family.address)
        self.answer("guardian_name", speech=guardian or family.guardian)

    def verify_by_id(self, family: Family, *, pin: str | None = None) -> None:
        self.answer("id_choice", digits="1")
        self.answer("household_id", digits=family.household_id + "#")
        self.answer("pin", digits=(pin or family.pin) + "#")
        self.answer("birthdate", digits=family.birthdate.strftime("%Y%m%d"))

    def choose(self, day: dt.date, facility: int, unit: int) -> None:
        self.answer("menu", digits="1")
        self.answer("date", digits=day.strftime("%Y%m%d"))
        self.answer("facility", digits=str(facility))
        self.answer("unit", digits=str(unit))


@dataclass
class Texter:
    """One SMS thread from one number."""

    client: TestClient
    sender: str = ELSEWHERE
    count: int = 0
    replies: list[str] = field(default_factory=list)

    def send(self, body: str, *, sid: str | None = None) -> str:
        self.count += 1
        sid = sid or f"SM{self.sender[-6:]}{self.count:026d}"
        params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "1" * 32, "From": self.sender,
                  "To": BOT, "Body": body, "NumMedia": "0"}
        url = PUBLIC + "/twilio/sms"
        response = self.client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)})
        assert response.status_code == 200, response.text[:300]
        root = ET.fromstring(response.text)
        text = "\n".join("".join(m.itertext()) for m in root.iter("Message"))
        self.replies.append(text)
        return text
