"""`serve --demo` sends texts and calls through the real sender into a sink in the process, never to Twilio."""
from __future__ import annotations

import datetime as dt
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
import respx
from fastapi.testclient import TestClient
from sqlalchemy import select
from staff_support import PASSWORD, add_facilities, add_household, add_staff, clock, csrf_of, log_in
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from azukari.app import app_for
from azukari.booking.models import Facility
from azukari.clock import SystemClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.messaging.demo_sink import DemoSink
from azukari.messaging.models import OutboxMessage
from azukari.messaging.outbox import enqueue
from azukari.messaging.twilio_http import HttpxTwilioClient
from azukari.oversight.models import AuditEntry
from azukari.runtime import build
from azukari.server import Listeners, prepare, serve, sinks_texts
from azukari.settings import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, Settings
from azukari.staff.demo import DEMO_PASSWORD as DEMO_STAFF_PASSWORD
from azukari.staff.demo import DEMO_TOTP_SECRET, DEMO_USERNAME

TEXT = "予約番号 4455667 6月2日 9:00-12:00 光が丘"
SPOKEN = "予約番号 7788990 6月2日 13:00-16:00 光が丘"
LANDLINE = "03-3993-1111"
VOICE_FROM = "+81312345678"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _queue_a_text_and_a_call(database: Database, now: dt.datetime | None = None) -> None:
    now = now or SystemClock().now()
    with database.unit_of_work() as session:
        mobile = add_household(session, now=now, phone="090-5555-0001")
        landline = add_household(session, now=now, phone=LANDLINE)
        enqueue(session, household=mobile, kind="confirmation", body=TEXT, now=now)
        enqueue(session, household=landline, kind="confirmation", body=SPOKEN, now=now)
        session.commit()


def _sent(database: Database) -> list[tuple[str, str]]:
    """(channel, SID) of each message sent, in the order queued."""
    with database.unit_of_work() as session:
        return [(channel, sid or "") for channel, sid in session.execute(
            select(OutboxMessage.channel, OutboxMessage.message_sid).where(OutboxMessage.status == "sent")
            .order_by(OutboxMessage.id))]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def log_lines() -> Iterator[_Lines]:
    # On the "azukari" logger, not the root: `serve` replaces the root's handlers with its own.
    handler, logger, root = _Lines(), logging.getLogger("azukari"), logging.getLogger()
    before = (list(root.handlers), root.level)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    root.handlers[:], root.level = before  # as pytest left them, for the tests after this one


def _log_in_as_the_demo(client: httpx.Client) -> None:
    form = client.get("/staff/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token is not None
    password = client.post("/staff/login", data={"username": DEMO_USERNAME, "password": DEMO_STAFF_PASSWORD,
                                                 "login_csrf": token.group(1)})
    assert password.headers.get("location") == "/staff/login/code", password.text[:300]
    page = client.get("/staff/login/code")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    done = client.post("/staff/login/code", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now(), "csrf": csrf.group(1)})
    assert done.status_code == 303 and "/staff/login" not in done.headers.get("location", ""), done.text[:300]


def test_serve_demo_without_a_twilio_base_url_sends_texts_and_calls_to_the_sink_and_nothing_to_twilio(
        tmp_path: Path, log_lines: _Lines) -> None:
    port = _free_port()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}", public_base_url=f"http://127.0.0.1:{port}",
                        twilio_voice_from=VOICE_FROM, outbox_poll_seconds=0.1)
    assert "twilio_api_base_url" not in settings.model_fields_set
    listening: list[Listeners] = []
    with respx.mock(assert_all_called=False) as network:
        twilio = network.route(host="api.twilio.com").respond(201, json={"sid": "SM" + "0" * 32})
        network.route(host="127.0.0.1").pass_through()  # this test's own requests to the service
        thread = threading.Thread(target=serve, args=(settings,), daemon=True,
                                  kwargs={"host": "127.0.0.1", "port": port, "demo": True, "listening": listening})
        thread.start()
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                for _ in range(300):
                    try:
                        if client.get("/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    time.sleep(0.1)
                database = listening[0].servers[0].config.app.state.runtime.database
                _queue_a_text_and_a_call(database)
                for _ in range(100):
                    if len(_sent(database)) == 2:
                        break
                    time.sleep(0.1)
                sent = _sent(database)
                _log_in_as_the_demo(client)
                page = client.get("/staff/demo/messages")
        finally:
            if listening:
                listening[0].stop()
            thread.join(30)
        assert not twilio.called
        assert {call.request.url.host for call in network.calls} == {"127.0.0.1"}
    assert [(channel, sid[:2]) for channel, sid in sent] == [("sms", "SM"), ("call", "CA")]
    assert page.status_code == 200
    assert TEXT in page.text and "7、7、8、8、9、9、0" in page.text and "03-3993-1111" in page.text
    assert all(sid in page.text for _channel, sid in sent)
    sunk = [line for line in log_lines.lines if line.startswith("demo sink:")]
    # The sender sends several at once, so the two may reach the sink in either order.
    assert sorted(sunk) == sorted([f"demo sink: sms {sent[0][1]} kept here, not sent (see /staff/demo/messages)",
                                   f"demo sink: call {sent[1][1]} kept here, not sent (see /staff/demo/messages)"])
    assert f"outbox 1 (confirmation) sent as {sent[0][1]}" in log_lines.lines  # its kind beside its SID
    everything = "\n".join(log_lines.lines)
    assert "4455667" not in everything and "7788990" not in everything and "3993" not in everything


@pytest.mark.parametrize("demo, base_url", [(False, None), (True, "https://api.twilio.com")])
def test_serve_sends_to_twilio_when_not_a_demo_or_when_the_demo_is_given_a_twilio_base_url(
        tmp_path: Path, demo: bool, base_url: str | None) -> None:
    chosen = {"twilio_api_base_url": base_url} if base_url else {}
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'azukari.db'}", twilio_voice_from=VOICE_FROM, **chosen)
    with respx.mock(assert_all_called=False) as network:
        messages = network.post(url__regex=r"https://api\.twilio\.com/.*/Messages\.json").respond(
            201, json={"sid": "SM" + "1" * 32, "status": "queued"})
        calls = network.post(url__regex=r"https://api\.twilio\.com/.*/Calls\.json").respond(
            201, json={"sid": "CA" + "1" * 32, "status": "queued"})
        with prepare(settings, demo=demo) as runtime:
            assert runtime.sink is None
            _queue_a_text_and_a_call(runtime.database)
            runtime.outbox_sender().send_due()
        assert messages.call_count == 1 and calls.call_count == 1


def _twilio_over(sink: DemoSink) -> tuple[Client, HttpxTwilioClient]:
    http = HttpxTwilioClient(transport=sink)
    return Client(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, http_client=http), http


def test_the_sink_keeps_texts_and_the_words_of_calls_and_forgets_what_is_deleted_at_twilio() -> None:
    sink = DemoSink(SystemClock())
    client, http = _twilio_over(sink)
    try:
        text = client.messages.create(to="+819055550001", from_="+15005550006", body=TEXT)
        twiml = "<Response><Gather><Say>予約番号 7 7</Say></Gather><Say>さようなら</Say></Response>"
        call = client.calls.create(to="+81339931111", from_=VOICE_FROM, twiml=twiml)
        assert text.sid.startswith("SM") and len(text.sid) == 34 and call.sid.startswith("CA")
        kept = sink.messages()
        assert [(m.channel, m.to, m.body) for m in kept] == [("call", "+81339931111", "予約番号 7 7\nさようなら"),
                                                              ("sms", "+819055550001", TEXT)]
        assert client.messages(text.sid).delete() is True
        assert client.calls(call.sid).delete() is True
        assert sink.messages() == []
        with pytest.raises(TwilioRestException) as unknown:
            client.messages(text.sid).fetch()  # the sink knows only what the sender does
        assert unknown.value.status == 404
    finally:
        http.close()


def _console(database: Database, *, demo_sink: bool) -> TestClient:
    settings = Settings(database_url=database.url, twilio_voice_from=VOICE_FROM)
    runtime = build(settings, database=database, clock=clock(), demo_sink=demo_sink)
    return TestClient(app_for(runtime), base_url="http://127.0.0.1:8000", follow_redirects=False,
                      client=("127.0.0.1", 50000))


def test_the_demo_messages_page_lists_what_the_sink_took_and_puts_the_view_in_each_households_trail(
        database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        add_facilities(session)
        add_staff(session, username="hoiku", role="facility", now=fixed.now(),
                  facility_id=session.scalar(select(Facility.id).limit(1)))
        session.commit()
    _queue_a_text_and_a_call(database, fixed.now())
    client = _console(database, demo_sink=True)
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    assert runtime.outbox_sender().send_due() == 2
    log_in(client, "sato")
    assert 'href="/staff/demo/messages"' in client.get("/staff/roster").text
    page = client.get("/staff/demo/messages")
    assert page.status_code == 200
    assert TEXT in page.text and "090-5555-0001" in page.text and "（予約の確認）" in page.text
    with database.unit_of_work() as session:
        households = {phone: pk for phone, pk in session.execute(select(Household.phone, Household.id))}
        trail = session.execute(select(AuditEntry.action, AuditEntry.household_pk).order_by(AuditEntry.id)).all()
    shown = {pk for action, pk in trail if action == "household.shown_in_demo_messages"}
    assert shown == set(households.values())
    assert ("demo.messages_viewed", None) in [tuple(row) for row in trail]
    facility = _console(database, demo_sink=True)
    log_in(facility, "hoiku")
    assert facility.get("/staff/demo/messages").status_code == 403


def test_without_the_sink_there_is_no_demo_messages_page_and_no_link_to_it(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        session.commit()
    client = _console(database, demo_sink=False)
    log_in(client, "sato", PASSWORD)
    assert "/staff/demo/messages" not in client.get("/staff/roster").text
    assert client.get("/staff/demo/messages").status_code == 404
    assert csrf_of(client)  # still signed in: the 404 is the page's absence, not a refusal


@pytest.mark.parametrize("demo, environment, sinks", [
    (True, {}, True),
    (True, {"TWILIO_ACCOUNT_SID": "AC" + "7" * 32, "TWILIO_AUTH_TOKEN": "a-real-looking-token"}, True),
    (True, {"TWILIO_API_BASE_URL": "http://127.0.0.1:4010"}, False),
    (True, {"TWILIO_API_BASE_URL": "https://api.twilio.com"}, False),  # the default, but asked for
    (False, {}, False),
])
def test_the_demo_sinks_its_messages_unless_a_twilio_base_url_is_set_in_the_environment(
        monkeypatch: pytest.MonkeyPatch, demo: bool, environment: dict[str, str], sinks: bool) -> None:
    for name in ("TWILIO_API_BASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert sinks_texts(Settings(), demo=demo) is sinks
