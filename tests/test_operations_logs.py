"""LOG_FORMAT=json: one object per line, a request id per webhook or page, and never a caller's data."""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from ivr_support import ELSEWHERE, MONDAY, TUESDAY, Family, Phone, Texter, client_for, outbox, seed
from staff_support import add_staff, log_in
from staff_support import client_for as console_for

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.operations.logs import handler_for
from azukari.settings import Settings


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """Everything logged while the test runs, written by the handler `serve` installs."""
    stream = io.StringIO()
    handler = handler_for(Settings(log_format="json"))
    handler.setStream(stream)  # type: ignore[attr-defined]
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def _entries(stream: io.StringIO) -> list[dict[str, str]]:
    # httpx's lines are the test's own client (playing Twilio and the browser), not the service's.
    return [e for e in (json.loads(line) for line in stream.getvalue().splitlines()) if e["logger"] != "httpx"]


def _whole_day(database: Database) -> Family:
    """A call that books, an SMS thread that asks for the bookings, a staff member at the console."""
    family = seed(database)
    clock = FixedClock(MONDAY.astimezone(dt.UTC))
    client = client_for(database, clock)
    phone = Phone(client, caller=ELSEWHERE)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    phone.choose(TUESDAY, 1, 2)
    phone.answer("confirm", digits="1")
    thread = Texter(client, sender=family.phone)
    for body in ("予約", family.child, family.birthdate.strftime("%Y/%-m/%-d"), family.address, family.guardian,
                 "3", "終了"):
        thread.send(body)
    with database.unit_of_work() as session:
        add_staff(session, username="clerk", role="centre", now=clock.now())
        session.commit()
    console = console_for(database, clock)
    log_in(console, "clerk")
    console.get("/staff/households", params={"q": family.household_id})
    console.get(f"/staff/households/{family.household_pk}")
    return family


def test_every_line_is_one_json_object_with_a_request_id(database: Database, lines: io.StringIO) -> None:
    _whole_day(database)

    entries = _entries(lines)

    requests = [e for e in entries if e["logger"] == "azukari.requests"]
    assert len(requests) > 20
    assert all({"at", "level", "logger", "message", "request_id"} <= e.keys() for e in entries)
    assert len({e["request_id"] for e in requests}) == len(requests)  # one id per request


def test_a_webhooks_lines_share_its_request_id(database: Database, lines: io.StringIO) -> None:
    _whole_day(database)

    entries = _entries(lines)

    steps = [e for e in entries if e["logger"] == "azukari.webhooks" and e["message"].startswith("voice ")]
    assert steps
    for step in steps:
        same = [e for e in entries if e["request_id"] == step["request_id"]]
        assert any(e["logger"] == "azukari.requests" and "/twilio/voice" in e["message"] for e in same)


def test_no_line_carries_a_phone_number_name_address_pin_or_booking_number(
        database: Database, lines: io.StringIO) -> None:
    family = _whole_day(database)
    found = re.search(r"\d{8}", outbox(database)[0].body)
    assert found is not None

    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in _entries(lines))

    national = "0" + family.phone.removeprefix("+81")
    for secret in (family.phone, national, ELSEWHERE, ELSEWHERE.removeprefix("+"), family.household_id,
                   found.group(0), family.child, family.guardian, family.address, "髙橋", "タカハシ", "光が丘"):
        assert secret not in text
    assert not re.search(rf"\b{family.pin}\b", text)


def test_plain_text_lines_carry_the_request_id_too(database: Database) -> None:
    stream = io.StringIO()
    handler = handler_for(Settings())
    handler.setStream(stream)  # type: ignore[attr-defined]
    logger = logging.getLogger("azukari.requests")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        client_for(database, FixedClock(MONDAY.astimezone(dt.UTC))).get("/healthz")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    assert re.search(r"azukari\.requests INFO \[[0-9a-f]{16}\] GET /healthz 200 in \d+ ms", stream.getvalue())
