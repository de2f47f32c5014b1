"""Nothing a parent told us reaches a log: every record of a call, a text thread, a console session and a
failing outbox run, at DEBUG on every logger (ours, SQLAlchemy's, uvicorn's, httpx's), is searched for
the family's names, address, phone numbers, PIN, birthdate and booking numbers.

The app runs under a real uvicorn (access log on, which is stricter than `azukari serve`), driven
over HTTP as Twilio and a browser would; only Twilio's Messages API is stood in for, at its edge.
"""
from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from ivr_support import BOT, ELSEWHERE, MONDAY, PUBLIC, TUESDAY, Family, Phone, Texter, outbox, settings_for
from staff_support import add_staff, csrf_of, log_in

from azukari.app import create_app
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.messaging.sender import OutboxSender
from azukari.messaging.twilio_http import HttpxTwilioClient, make_twilio_client

LOGGERS = ["", "azukari", "sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "uvicorn", "uvicorn.error",
           "uvicorn.access", "httpx", "httpcore", "twilio", "multipart", "fastapi", "starlette"]
API = "http://twilio.test"
BOOKING_NUMBER = re.compile(r"予約番号 ([0-9]{6,8})")
TEXTER = "+818077776666"
NEW_ADDRESS = "東京都練馬区高野台五丁目8番13号"


@dataclass
class Running:
    url: str
    http: httpx.Client  # speaks to uvicorn, whatever host the URL names (Twilio signs the public one)


class _ToLocal(httpx.HTTPTransport):
    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # A copy goes on the wire: cookies stay with the public host the client believes it spoke to.
        wire = httpx.Request(request.method, request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port),
                             headers=request.headers, content=request.read())
        return super().handle_request(wire)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


@pytest.fixture
def app(database: Database, clock: FixedClock, family: Family, logs: pytest.LogCaptureFixture) -> Iterator[Running]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # log_config=None: uvicorn's records go to the root logger (and the capture), not its own handlers.
    web = create_app(settings_for(database), database=database, clock=clock)
    server = uvicorn.Server(uvicorn.Config(web,
                                           host="127.0.0.1", port=port, log_config=None, log_level="debug",
                                           access_log=True))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    with httpx.Client(transport=_ToLocal(port), base_url=PUBLIC, follow_redirects=False, timeout=30) as http:
        http.app = web  # type: ignore[attr-defined]  # the second factor's code is computed at the app's clock
        yield Running(PUBLIC, http)
    server.should_exit = True
    thread.join(timeout=10)


def _sender(database: Database, clock: FixedClock, handler: httpx.MockTransport) -> OutboxSender:
    settings = settings_for(database, twilio_api_base_url=API, twilio_from=BOT)
    client = make_twilio_client(settings, HttpxTwilioClient(base_url=API, transport=handler))
    return OutboxSender(database=database, settings=settings, clock=clock, client=client)


def _secrets(database: Database, family: Family, *extra: str) -> dict[str, re.Pattern[str]]:
    """What must never be logged, each as a pattern that finds it in any of its usual spellings."""
    national = family.phone.removeprefix("+81")  # 9011110001: inside +819011110001 and 090-1111-0001 alike
    phones = {n: n.removeprefix("+81") for n in (family.phone, ELSEWHERE, TEXTER)}
    found: dict[str, re.Pattern[str]] = {}
    for words in ("髙橋 美咲", "タカハシ ミサキ", "髙橋 陽翔", "タカハシ ハルト", "たかはし"):
        for word in words.split():
            found[word] = re.compile(re.escape(word))
    for address in (family.address, "光が丘二丁目", "2-3-1-204", "1-204", NEW_ADDRESS, "高野台五丁目"):
        found[address] = re.compile(re.escape(address))
    for number, digits in phones.items():
        # Any spacing or punctuation between the digits: +81 90-1111-0001, (090) 1111 0001, ...
        found[number] = re.compile(r"\D?".join(digits))
    found["national " + national] = re.compile("0" + r"\D?".join(national))
    born = family.birthdate
    for spelling in (born.isoformat(), born.strftime("%Y%m%d"), f"{born.year}/{born.month}/{born.day}",
                     f"{born.year}年{born.month}月{born.day}日"):
        found[spelling] = re.compile(re.escape(spelling))
    for secret in (family.pin, family.household_id, *extra):
        found[secret] = re.compile(rf"(?<!\d){re.escape(secret)}(?!\d)")
    for message in outbox(database):
        for number in BOOKING_NUMBER.findall(message.body):
            found["booking " + number] = re.compile(rf"(?<!\d){number}(?!\d)")
    return found


def _text_of(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), record.name, str(record.exc_text or "")]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append(repr(record.exc_info[1]))
    parts.extend(repr(value) for key, value in vars(record).items() if key not in logging.LogRecord(
        "", 0, "", 0, "", None, None).__dict__ and key not in ("message", "asctime"))
    return "\n".join(parts)


def _assert_nothing_personal(logs: pytest.LogCaptureFixture, secrets: dict[str, re.Pattern[str]],
                             *, expect: list[str]) -> None:
    texts = [_text_of(record) for record in logs.records]
    everything = "\n".join(texts)
    # Not vacuous: the run was logged, down to the SQL and the HTTP traffic.
    for sign_of_life in ["SELECT", *expect]:
        assert sign_of_life in everything, f"nothing logged mentions {sign_of_life!r}"
    leaks = [(what, text[:200]) for text in texts for what, pattern in secrets.items() if pattern.search(text)]
    assert not leaks, json.dumps(leaks[:5], ensure_ascii=False)


def test_a_whole_call_logs_no_personal_data(app: Running, database: Database, family: Family,
                                            logs: pytest.LogCaptureFixture) -> None:
    booker = Phone(app.http, caller=ELSEWHERE)  # type: ignore[arg-type]  # an httpx.Client, as TestClient is
    booker.start()
    booker.answer("language", digits="1")
    booker.verify_by_knowledge(family)
    booker.choose(TUESDAY, 1, 1)
    booker.answer("confirm", digits="1")
    (number,) = BOOKING_NUMBER.findall(outbox(database)[0].body)
    canceller = Phone(app.http, caller=family.phone, sid="CA" + "8" * 32)  # type: ignore[arg-type]
    canceller.start()
    canceller.answer("language", digits="1")
    canceller.verify_by_id(family)
    canceller.answer("menu", digits="2")
    canceller.answer("cancel_ref", digits=number + "#")
    canceller.answer("cancel_confirm", digits="1")
    assert [m.kind for m in outbox(database)] == ["confirmation", "cancellation"]
    _assert_nothing_personal(logs, _secrets(database, family), expect=["voice CA", "POST /twilio/voice"])


def test_a_text_thread_logs_no_personal_data(app: Running, database: Database, family: Family,
                                             logs: pytest.LogCaptureFixture) -> None:
    thread = Texter(app.http, sender=TEXTER)  # type: ignore[arg-type]
    for body in ("予約", family.child, family.birthdate.strftime("%Y/%-m/%-d"), family.address, family.guardian,
                 "1", f"{TUESDAY.month}月{TUESDAY.day}日", "11", "はい"):
        thread.send(body)
    (number,) = BOOKING_NUMBER.findall(outbox(database)[0].body)
    for body in ("2", number, "はい"):
        thread.send(body)
    assert [m.kind for m in outbox(database)] == ["confirmation", "cancellation"]
    _assert_nothing_personal(logs, _secrets(database, family), expect=["POST /twilio/sms"])


def test_a_console_session_logs_no_personal_data(app: Running, database: Database, family: Family,
                                                 clock: FixedClock, logs: pytest.LogCaptureFixture) -> None:
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=clock.now())
        session.commit()
    staff = app.http  # the same browser-like client: cookies kept, redirects not followed
    log_in(staff, "sato")  # type: ignore[arg-type]
    csrf = csrf_of(staff)  # type: ignore[arg-type]
    home = f"/staff/households/{family.household_pk}"
    for query in (family.guardian, family.household_id, family.phone):
        assert staff.post("/staff/households/find", data={"csrf": csrf, "query": query}).status_code == 200
    staff.get(home)
    staff.post(f"{home}/edit", data={"csrf": csrf, "guardian_name": family.guardian, "guardian_kana": "タカハシ ミサキ",
                                     "phone": "090-1111-0001", "address": NEW_ADDRESS})
    child_id = re.search(r'name="child_id" value="(\d+)"', staff.get(home).text)
    assert child_id is not None
    staff.post(f"{home}/options", data={"csrf": csrf, "child_id": child_id.group(1), "day": TUESDAY.isoformat()})
    letter = staff.post("/staff/households/new", data={
        "csrf": csrf, "guardian_name": "髙橋 美咲", "guardian_kana": "タカハシ ミサキ", "phone": ELSEWHERE,
        "address": NEW_ADDRESS, "registered_on": MONDAY.date().isoformat(), "child_name": "髙橋 陽翔",
        "child_kana": "タカハシ ハルト", "child_birthdate": family.birthdate.isoformat(), "child_sex": "M"}).text
    new = re.search(r'id="household-id">(\d+)<.*?id="pin">(\d+)<', letter, flags=re.DOTALL)
    assert new is not None
    staff.get("/staff/roster")
    staff.get("/staff/escalations")
    _assert_nothing_personal(logs, _secrets(database, family, *new.groups()),
                             expect=["POST /staff/households/find", "GET /staff/roster"])


def test_an_outbox_run_with_failures_logs_no_personal_data(app: Running, database: Database, family: Family,
                                                           clock: FixedClock, logs: pytest.LogCaptureFixture) -> None:
    thread = Texter(app.http, sender=family.phone)  # type: ignore[arg-type]
    for body in ("予約", family.child, family.birthdate.isoformat(), family.address, family.guardian, "1",
                 TUESDAY.strftime("%Y%m%d"), "11", "はい", "1", TUESDAY.strftime("%Y%m%d"), "21", "はい"):
        thread.send(body)
    assert len(outbox(database)) == 2
    # Twilio's own error text names the number; then it is down; then the network fails; then it works.
    answers = iter([
        httpx.Response(400, json={"code": 21211, "status": 400, "more_info": "https://www.twilio.com/docs/errors/21211",
                                  "message": f"The 'To' number {family.phone} is not a valid phone number."}),
        httpx.Response(500, json={"code": 20500, "message": "Internal Server Error", "status": 500}),
        httpx.ConnectError(f"connection to {API} refused"),
        httpx.Response(201, json={"sid": "SM" + "c" * 32, "status": "queued"}),
    ])

    def twilio(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    sender = _sender(database, clock, httpx.MockTransport(twilio))
    for _ in range(3):
        sender.send_due()
        clock.advance(minutes=10)  # past any backoff
    status = {"MessageSid": "SM" + "c" * 32, "MessageStatus": "undelivered", "ErrorCode": "30005",
              "AccountSid": "AC" + "1" * 32, "From": BOT, "To": family.phone}
    Phone(app.http).post("/twilio/sms/status", status)  # type: ignore[arg-type]
    assert {m.status for m in outbox(database)} == {"failed", "undelivered"}
    _assert_nothing_personal(logs, _secrets(database, family), expect=["outbox 1 attempt 1 failed", "21211"])
