"""TWILIO_AUTH_TOKEN_SECONDARY (contract §1, §5): during a rotation both tokens sign; no third one does."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from ivr_support import AUTH_TOKEN, PUBLIC, Family, client_for
from twilio.request_validator import HMAC_SHA256, SIGNATURE_SETTINGS_HEADER, RequestValidator

from azukari.clock import FixedClock
from azukari.db import Database

SECONDARY = "secondary-token-being-rotated-in-0001"


def _call() -> dict[str, str]:
    return {"CallSid": "CA" + "5" * 32, "From": "+819011110001", "To": "+815012345678", "CallStatus": "ringing"}


def _post(client: TestClient, token: str, *, algorithm: str | None = None) -> int:
    url = PUBLIC + "/twilio/voice"
    headers = {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, _call(), algorithm=algorithm)}
    if algorithm:
        headers[SIGNATURE_SETTINGS_HEADER] = f"key=webhooks_sharedkey_1,algorithm={algorithm}"
    return client.post(url, data=_call(), headers=headers).status_code


@pytest.fixture
def rotating(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock, twilio_auth_token_secondary=SECONDARY)


def test_a_webhook_signed_with_the_secondary_token_is_answered(rotating: TestClient) -> None:
    assert _post(rotating, SECONDARY) == 200


def test_the_primary_token_still_signs_while_a_secondary_is_set(rotating: TestClient) -> None:
    assert _post(rotating, AUTH_TOKEN) == 200


def test_a_third_token_is_refused_while_two_are_set(rotating: TestClient) -> None:
    assert _post(rotating, "a-third-token-configured-nowhere") == 403


def test_without_a_secondary_token_only_the_primary_signs(database: Database, family: Family,
                                                          clock: FixedClock) -> None:
    client = client_for(database, clock)
    assert _post(client, SECONDARY) == 403 and _post(client, AUTH_TOKEN) == 200


def test_a_shared_key_signature_in_hmac_sha256_is_accepted_as_its_header_says(rotating: TestClient) -> None:
    assert _post(rotating, SECONDARY, algorithm=HMAC_SHA256) == 200


def test_a_sha256_signature_without_its_header_is_refused(rotating: TestClient) -> None:
    url = PUBLIC + "/twilio/voice"
    signature = RequestValidator(SECONDARY).compute_signature(url, _call(), algorithm=HMAC_SHA256)
    assert rotating.post(url, data=_call(), headers={"X-Twilio-Signature": signature}).status_code == 403


def test_an_unknown_signing_algorithm_is_refused(rotating: TestClient) -> None:
    url = PUBLIC + "/twilio/voice"
    headers = {"X-Twilio-Signature": RequestValidator(SECONDARY).compute_signature(url, _call()),
               SIGNATURE_SETTINGS_HEADER: "key=k,algorithm=HMAC_MD5"}
    assert rotating.post(url, data=_call(), headers=headers).status_code == 403
