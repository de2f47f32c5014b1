"""No request body bigger than the cap is read, declared or chunked, on any route (issue: 2.6 GB from one request)."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from fastapi.testclient import TestClient
from ivr_support import MONDAY, client_for

from azukari.body_limit import MAX_REQUEST_BYTES
from azukari.clock import FixedClock
from azukari.db import Database

CHUNK = 64 * 1024
FIFTY_MB = 50 * 1024 * 1024


def _chunked_post(app: object, path: str, total: int) -> tuple[int, int]:
    """Post `total` bytes with no Content-Length, as chunked transfer does; (status, bytes the app pulled)."""
    pulled = 0
    statuses: list[int] = []

    async def receive() -> dict[str, object]:
        nonlocal pulled
        if pulled >= total:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += CHUNK
        return {"type": "http.request", "body": b"&f=" + b"x" * (CHUNK - 3), "more_body": True}  # many fields

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(int(message["status"]))  # type: ignore[call-overload]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "https",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"azukari.example.jp"), (b"content-type", b"application/x-www-form-urlencoded"),
                         (b"x-twilio-signature", b"forged"), (b"transfer-encoding", b"chunked")],
             "client": ("127.0.0.1", 40000), "server": ("azukari.example.jp", 443)}
    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    return statuses[0], pulled


@pytest.mark.parametrize("path", ["/twilio/voice", "/twilio/sms", "/staff/login"])
def test_a_chunked_fifty_megabyte_body_is_refused_with_413_after_reading_no_more_than_the_cap(
        database: Database, path: str) -> None:
    app = client_for(database, FixedClock(MONDAY.astimezone(dt.UTC))).app
    status, pulled = _chunked_post(app, path, FIFTY_MB)
    assert status == 413
    assert pulled <= MAX_REQUEST_BYTES + CHUNK


def test_a_declared_length_over_the_cap_is_refused_before_a_byte_is_read(database: Database) -> None:
    client: TestClient = client_for(database, FixedClock(MONDAY.astimezone(dt.UTC)))
    response = client.post("/twilio/voice", content=b"x" * (MAX_REQUEST_BYTES + 1),
                           headers={"content-type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"})
    assert response.status_code == 413


def test_a_body_under_the_cap_still_reaches_the_signature_check(database: Database) -> None:
    client: TestClient = client_for(database, FixedClock(MONDAY.astimezone(dt.UTC)))
    response = client.post("/twilio/voice", data={"CallSid": "CA" + "1" * 32}, headers={"X-Twilio-Signature": "x"})
    assert response.status_code == 403
