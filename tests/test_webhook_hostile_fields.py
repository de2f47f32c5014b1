"""Signed but hostile webhook fields (NUL bytes, over-long ids and paths) get TwiML on both databases, never a 5xx."""
from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from ivr_support import MONDAY, PUBLIC, Phone, Texter, client_for, seed, sign

from azukari.clock import FixedClock
from azukari.db import Database

NUL_SID = "CA\x00" + "1" * 31


@pytest.fixture
def client(database: Database) -> TestClient:
    seed(database)
    return client_for(database, FixedClock(MONDAY.astimezone(dt.UTC)))


def _post(client: TestClient, path: str, params: dict[str, str]) -> int:
    url = PUBLIC + path
    return client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)}).status_code


@pytest.mark.parametrize("path", ["/twilio/voice", "/twilio/voice/language", "/twilio/voice/status",
                                  "/twilio/voice/transfer_done", "/twilio/voice/whisper_accept"])
def test_a_nul_byte_in_a_call_sid_is_answered_with_twiml(client: TestClient, path: str) -> None:
    params = {"CallSid": NUL_SID, "ParentCallSid": NUL_SID, "From": "+8190\x0012345678", "Digits": "1\x00",
              "CallStatus": "completed"}
    assert _post(client, path, params) == 200


@pytest.mark.parametrize("path", ["/twilio/sms", "/twilio/sms/status"])
def test_a_nul_byte_in_a_message_sid_or_body_is_answered_with_twiml(client: TestClient, path: str) -> None:
    params = {"MessageSid": "SM\x00" + "2" * 31, "From": "+819011110001", "Body": "予約\x00",
              "MessageStatus": "delivered\x00"}
    assert _post(client, path, params) == 200


@pytest.mark.parametrize("length", [31, 35, 40, 200])
def test_a_step_path_longer_than_any_step_is_answered_by_asking_again(client: TestClient, length: int) -> None:
    phone = Phone(client)
    phone.start()
    phone.post(f"/twilio/voice/{'x' * length}?t=1", phone.params(Digits="1"))
    response = phone.post(f"/twilio/voice/{'x' * length}?t=1", phone.params(Digits="1"))
    assert response.status_code == 200 and "<Gather" in response.text


def test_a_whole_text_thread_of_nul_bytes_is_answered(client: TestClient) -> None:
    thread = Texter(client)
    assert thread.send("\x00\x00") != "" and thread.send("\x00") is not None
