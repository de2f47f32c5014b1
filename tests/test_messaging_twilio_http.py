"""The SDK's transport on httpx: where requests go, and which failures are worth a retry."""
from __future__ import annotations

import httpx
import pytest
import respx
from twilio.base.exceptions import TwilioRestException

from azukari.messaging.twilio_http import HttpxTwilioClient, classify, make_twilio_client
from azukari.settings import Settings


def test_requests_for_api_twilio_com_go_to_the_configured_base_url() -> None:
    settings = Settings(twilio_api_base_url="http://127.0.0.1:9999")
    with respx.mock(base_url="http://127.0.0.1:9999") as api:
        route = api.post(f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json").mock(
            return_value=httpx.Response(201, json={"sid": "SM" + "0" * 32, "status": "queued"}))

        make_twilio_client(settings).messages.create(to="+819012345678", body="-", from_=settings.twilio_from)

    assert route.call_count == 1
    assert route.calls.last.request.headers["Authorization"].startswith("Basic ")


def test_a_refusal_with_a_twilio_code_reaches_the_caller_as_the_sdks_exception() -> None:
    settings = Settings(twilio_api_base_url="http://twilio.test")
    with respx.mock(base_url="http://twilio.test") as api:
        api.post(f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json").mock(
            return_value=httpx.Response(400, json={"code": 21211, "message": "invalid 'To'", "status": 400}))

        with pytest.raises(TwilioRestException) as refused:
            make_twilio_client(settings).messages.create(to="+81", body="-", from_=settings.twilio_from)

    assert (refused.value.status, refused.value.code) == (400, 21211)


def test_a_request_that_outlives_the_timeout_raises_instead_of_hanging() -> None:
    client = HttpxTwilioClient(base_url="http://twilio.test", timeout=httpx.Timeout(0.05))
    with respx.mock(base_url="http://twilio.test") as api:
        api.post("/x").mock(side_effect=httpx.ReadTimeout("too slow"))

        with pytest.raises(httpx.TimeoutException):
            client.request("POST", "https://api.twilio.com/x", data={"a": "b"})


@pytest.mark.parametrize(("status", "code", "transient"), [
    (500, 20500, True), (503, 20503, True), (429, 20429, True), (401, 20003, True),
    (400, 21614, False), (400, 21211, False), (400, 21610, False)])
def test_server_errors_and_rate_limits_are_retried_and_message_refusals_are_not(
        status: int, code: int, transient: bool) -> None:
    failure = classify(TwilioRestException(status, "uri", "msg", code))

    assert (failure.transient, failure.code) == (transient, str(code))


def test_network_errors_are_retried() -> None:
    assert classify(httpx.ConnectError("refused")).transient
    assert classify(httpx.ReadTimeout("slow")).transient
