"""Forged, replayed and malformed webhooks: 403 with no effect, the same answer once, TwiML never a 5xx."""
from __future__ import annotations

import datetime as dt
import re
import tempfile

import pytest
from fastapi.testclient import TestClient
from ivr_support import AUTH_TOKEN, MONDAY, PUBLIC, STAFF, TUESDAY, Family, Phone, client_for, outbox, sign
from sqlalchemy import func, select

from azukari.app import create_app
from azukari.booking.models import Reservation
from azukari.clock import FixedClock
from azukari.conversations.models import ConversationRecord
from azukari.db import Database
from azukari.ivr.static_routes import FALLBACK_PATH
from azukari.settings import Settings

MONDAY_UTC = MONDAY.astimezone(dt.UTC)


def _webhook_paths() -> list[str]:
    """Every path the app mounts under /twilio/ for Twilio to post to, read from the app itself, so a
    webhook added later is in the list without anyone remembering to add it. The static fallback
    TwiML is left out: it changes nothing and answers anyone, by design (ivr/static_routes.py)."""
    unused = Database(f"sqlite:///{tempfile.gettempdir()}/azukari-routes-never-opened.db")  # never connected
    try:
        app = create_app(Settings(database_url=unused.url), database=unused)
    finally:
        unused.dispose()
    # The app's own OpenAPI description lists every route its routers mount (the app does not serve it).
    paths = sorted(path.replace("{step}", "menu") for path, methods in app.openapi()["paths"].items()
                   if path.startswith("/twilio/") and "post" in methods and path != FALLBACK_PATH)
    assert not [p for p in paths if re.search(r"[{}]", p)], "give the new path parameter a real value here"
    return paths


PATHS = _webhook_paths()


def test_the_signature_tests_cover_every_webhook_including_the_staff_whisper() -> None:
    assert {"/twilio/voice", "/twilio/voice/menu", "/twilio/voice/whisper", "/twilio/voice/whisper_accept",
            "/twilio/voice/transfer_done", "/twilio/voice/status", "/twilio/sms", "/twilio/sms/status"} <= set(PATHS)


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


def _count(database: Database, model: type[ConversationRecord] | type[Reservation]) -> int:
    with database.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _form() -> dict[str, str]:
    return {"CallSid": "CA" + "3" * 32, "MessageSid": "SM" + "3" * 32, "From": "+819011110001",
            "To": "+815012345678", "Body": "予約", "Digits": "1", "ParentCallSid": "CA" + "3" * 32}


@pytest.mark.parametrize("path", PATHS)
def test_an_unsigned_webhook_is_refused_and_changes_nothing(client: TestClient, database: Database,
                                                              path: str) -> None:
    assert client.post(PUBLIC + path, data=_form()).status_code == 403
    assert _count(database, ConversationRecord) == 0


@pytest.mark.parametrize("path", PATHS)
def test_a_webhook_signed_with_another_token_is_refused(client: TestClient, database: Database, path: str) -> None:
    url = PUBLIC + path
    forged = sign(url, _form(), token=AUTH_TOKEN + "x")
    assert client.post(url, data=_form(), headers={"X-Twilio-Signature": forged}).status_code == 403
    assert _count(database, ConversationRecord) == 0


def test_a_signature_for_other_form_values_is_refused(client: TestClient) -> None:
    url = PUBLIC + "/twilio/voice"
    signature = sign(url, _form())
    tampered = {**_form(), "Digits": "2"}
    assert client.post(url, data=tampered, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_behind_a_proxy_a_request_signed_for_the_public_url_is_accepted(database: Database, family: Family) -> None:
    inside = client_for(database, FixedClock(MONDAY_UTC), base_url="http://10.0.0.7:8080")
    params = {"CallSid": "CA" + "4" * 32, "To": "+815012345678"}
    signature = sign(PUBLIC + "/twilio/voice", params)
    response = inside.post("http://10.0.0.7:8080/twilio/voice", data=params,
                           headers={"X-Twilio-Signature": signature, "Host": "10.0.0.7:8080"})
    assert response.status_code == 200 and "<Gather" in response.text


def test_behind_a_proxy_a_request_signed_for_the_internal_url_is_refused(database: Database, family: Family) -> None:
    inside = client_for(database, FixedClock(MONDAY_UTC), base_url="http://10.0.0.7:8080")
    params = {"CallSid": "CA" + "4" * 32}
    signature = sign("http://10.0.0.7:8080/twilio/voice", params)
    assert inside.post("/twilio/voice", data=params, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_a_forged_confirm_books_nothing(client: TestClient, database: Database, family: Family) -> None:
    phone = Phone(client)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    phone.choose(TUESDAY, 1, 1)
    gather = phone.gather()
    assert gather is not None
    response = phone.post(gather.get("action", ""), phone.params(Digits="1"), signature="bm90IGEgc2lnbmF0dXJl")
    assert response.status_code == 403 and _count(database, Reservation) == 0 and outbox(database) == []


def test_a_confirm_delivered_twice_books_once_and_answers_the_same(client: TestClient, database: Database,
                                                                   family: Family) -> None:
    phone = Phone(client)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    phone.choose(TUESDAY, 1, 1)
    first = phone.answer("confirm", digits="1")
    assert phone.last is not None
    again = phone.post(*phone.last)
    assert again.status_code == 200 and again.text.encode() == _xml(first)
    assert _count(database, Reservation) == 1 and len(outbox(database)) == 1


def test_a_calls_first_webhook_delivered_twice_answers_the_same_from_one_conversation(
        client: TestClient, database: Database) -> None:
    phone = Phone(client)
    first = phone.post("/twilio/voice", phone.params(CallStatus="ringing"))
    phone.start()  # the same request again, as Twilio redelivers it
    again = phone.post("/twilio/voice", phone.params(CallStatus="ringing"))
    assert first.status_code == again.status_code == 200 and first.text == again.text
    assert "/twilio/voice/language?t=1" in first.text and _count(database, ConversationRecord) == 1
    phone.answer("language", digits="1")  # and the call goes on from the question the first answer asked
    assert phone.step == "id_choice"


def _xml(element: object) -> bytes:
    import xml.etree.ElementTree as ET

    assert isinstance(element, ET.Element)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(element, encoding="utf-8").split(b"?>", 1)[-1]


def test_the_same_key_at_a_later_turn_is_a_new_answer(client: TestClient) -> None:
    phone = Phone(client)
    phone.start()
    phone.answer("language", digits="7")
    assert phone.step == "language"
    phone.answer("language", digits="7")  # the second unusable answer in a row: not a redelivery of the first
    assert phone.dialled() == [STAFF]


def test_an_answer_to_an_old_question_asks_the_current_one_again(client: TestClient, database: Database,
                                                                  family: Family) -> None:
    phone = Phone(client)
    phone.start()
    old = phone.gather()
    assert old is not None
    phone.answer("language", digits="1")
    stale = phone.post(old.get("action", ""), phone.params(Digits="2"))
    assert stale.status_code == 200 and "/twilio/voice/id_choice" in stale.text


@pytest.mark.parametrize("params", [
    {},
    {"CallSid": "CA" + "6" * 32, "Digits": "abc"},
    {"CallSid": "CA" + "6" * 32, "Digits": "1\x002"},
    {"CallSid": "CA" + "6" * 32, "SpeechResult": "あ" * 10_000},
    {"CallSid": "CA" + "6" * 32, "Digits": "9" * 5000},
    {"CallSid": "x" * 500},
])
def test_malformed_voice_input_gets_twiml_never_an_error(client: TestClient, params: dict[str, str]) -> None:
    for path in ("/twilio/voice", "/twilio/voice/language?t=1", "/twilio/voice/child_name?t=9",
                 "/twilio/voice/nonsense"):
        url = PUBLIC + path
        response = client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)})
        assert response.status_code == 200 and response.text.startswith("<?xml") and "<Response" in response.text


def test_ten_kilobytes_of_speech_is_taken_as_an_answer_and_the_call_goes_on(client: TestClient) -> None:
    phone = Phone(client)
    phone.start()
    phone.answer("language", digits="1")
    phone.answer("id_choice", digits="2")
    phone.answer("child_name", speech="あ" * 10_000 + "\x00")
    assert phone.step == "birthdate"


@pytest.mark.parametrize("params", [{}, {"MessageSid": "SM" + "6" * 32, "Body": "\x00" * 100},
                                    {"MessageSid": "SM" + "6" * 32, "From": "+819011110009", "Body": "x" * 10_000}])
def test_malformed_sms_input_gets_twiml_never_an_error(client: TestClient, params: dict[str, str]) -> None:
    url = PUBLIC + "/twilio/sms"
    response = client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)})
    assert response.status_code == 200 and "<Response" in response.text


def test_status_callbacks_are_accepted(client: TestClient) -> None:
    for path, params in (("/twilio/voice/status", {"CallSid": "CA" + "1" * 32, "CallStatus": "completed"}),
                         ("/twilio/sms/status", {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered"})):
        url = PUBLIC + path
        assert client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)}).status_code == 200
