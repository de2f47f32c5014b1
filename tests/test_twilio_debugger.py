"""POST /twilio/debugger (contract §5): Twilio's errors counted by code and level, logged without personal data."""
from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from ivr_support import PUBLIC, Family, client_for, sign
from sqlalchemy import select

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.oversight.models import Escalation

TOKEN = "metrics-token-for-the-debugger"
CALLER = "+819012345678"
SAID = "ねりまくせきまちきた"


def _event(code: str, *, level: str = "ERROR", sid: str = "NO" + "1" * 32) -> dict[str, str]:
    url = PUBLIC + "/twilio/voice"
    payload = {"resource_sid": "CA" + "2" * 32, "service_sid": None, "error_code": code,
               "more_info": {"msg": f"An attempt to retrieve content from {url} returned 502", "url": url},
               "webhook": {"request": {"url": url, "method": "POST",
                                       "parameters": {"From": CALLER, "SpeechResult": SAID}},
                           "response": {"status_code": 502, "body": "Bad Gateway"}}}
    return {"AccountSid": "AC" + "0" * 32, "Sid": sid, "ParentAccountSid": "", "Timestamp": "2026-06-01T01:00:00Z",
            "Level": level, "PayloadType": "application/json", "Payload": json.dumps(payload)}


def _post(client: TestClient, event: dict[str, str], *, signed: bool = True) -> int:
    url = PUBLIC + "/twilio/debugger"
    headers = {"X-Twilio-Signature": sign(url, event)} if signed else {}
    return client.post(url, data=event, headers=headers).status_code


def _cases(database: Database) -> list[tuple[str, dict[str, object]]]:
    with database.unit_of_work() as session:
        return [(e.kind, dict(e.details)) for e in session.scalars(select(Escalation))]


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock, metrics_token=TOKEN)


def test_a_signed_webhook_failure_is_accepted_and_raised_to_staff_once(client: TestClient,
                                                                      database: Database) -> None:
    assert _post(client, _event("11200")) == 204
    assert _post(client, _event("11200")) == 204  # Twilio delivered it again
    cases = _cases(database)
    assert [kind for kind, _ in cases] == ["twilio_error"] and cases[0][1]["error_code"] == "11200"


def test_an_unsigned_debugger_event_is_refused_and_opens_nothing(client: TestClient, database: Database) -> None:
    assert _post(client, _event("11200"), signed=False) == 403
    assert _cases(database) == []


def test_each_event_is_counted_by_code_and_level(client: TestClient) -> None:
    _post(client, _event("11200"))
    _post(client, _event("13334", sid="NO" + "3" * 32))
    _post(client, _event("13334", level="WARNING", sid="NO" + "4" * 32))
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert 'azukari_twilio_debugger_events_total{code="11200",level="error"} 1.0' in text
    assert 'azukari_twilio_debugger_events_total{code="13334",level="error"} 1.0' in text
    assert 'azukari_twilio_debugger_events_total{code="13334",level="warning"} 1.0' in text


@pytest.mark.parametrize("code", ["13334", "13331", "30007", "30003", "21610"])
def test_errors_that_stop_a_call_or_a_text_open_a_case(client: TestClient, database: Database, code: str) -> None:
    assert _post(client, _event(code)) == 204
    assert [kind for kind, _ in _cases(database)] == ["twilio_error"]


def test_a_warning_that_stops_nothing_is_only_counted(client: TestClient, database: Database) -> None:
    assert _post(client, _event("15003", level="WARNING")) == 204
    assert _cases(database) == []


def test_the_log_and_the_case_hold_no_number_and_nothing_said(client: TestClient, database: Database,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        _post(client, _event("11200"))
    assert "11200" in caplog.text
    assert CALLER not in caplog.text and SAID not in caplog.text and "Bad Gateway" not in caplog.text
    stored = json.dumps(_cases(database), ensure_ascii=False)
    assert CALLER not in stored and SAID not in stored


def test_a_garbled_payload_is_counted_as_unknown_and_answered(client: TestClient) -> None:
    event = _event("11200") | {"Payload": "{not json", "Level": "<b>"}
    assert _post(client, event) == 204
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert 'azukari_twilio_debugger_events_total{code="unknown",level="other"} 1.0' in text
