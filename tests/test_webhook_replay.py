"""Captured signed webhooks replayed after their call or text is over change nothing (contract §5.1)."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi.testclient import TestClient
from ivr_support import ELSEWHERE, TUESDAY, Family, Phone, Texter, client_for, outbox
from sqlalchemy import select

from azukari.clock import FixedClock
from azukari.conversations import store
from azukari.conversations.models import WebhookReceipt
from azukari.db import Database

BOOKING_NUMBER = re.compile(r"予約番号 ([0-9]{6,8})")


@dataclass
class RecordingPhone(Phone):
    """A phone that keeps every signed request it posts, as someone on the wire could."""

    posted: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def post(self, url: str, params: dict[str, str], *, signature: str | None = None) -> httpx.Response:
        self.posted.append((url, dict(params)))
        return super().post(url, params, signature=signature)


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


def _booking_messages(database: Database) -> int:
    return len([m for m in outbox(database) if BOOKING_NUMBER.search(m.body)])


def _book_by_call(client: TestClient, family: Family) -> RecordingPhone:
    phone = RecordingPhone(client)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    phone.answer("next", digits="9")
    return phone


def _cancel_by_call(client: TestClient, family: Family, number: str) -> None:
    phone = Phone(client, sid="CA" + "7" * 32)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    phone.answer("menu", digits="2")
    phone.answer("cancel_ref", digits=number + "#")
    phone.answer("cancel_confirm", digits="1")


def _replay(phone: RecordingPhone) -> list[int]:
    replayer = Phone(phone.client)
    return [replayer.post(url, params).status_code for url, params in phone.posted]


def _number(database: Database) -> str:
    match = BOOKING_NUMBER.search(outbox(database)[0].body)
    assert match is not None
    return match.group(1)


def test_a_call_replayed_after_its_status_callback_books_nothing(
        client: TestClient, database: Database, family: Family) -> None:
    phone = _book_by_call(client, family)
    phone.post("/twilio/voice/status", phone.params(CallStatus="completed"))
    _cancel_by_call(client, family, _number(database))
    before = _booking_messages(database)
    assert set(_replay(phone)) == {200}
    assert _booking_messages(database) == before == 2


def test_a_call_whose_status_callback_never_came_is_spent_when_its_state_is_swept(
        client: TestClient, database: Database, family: Family, clock: FixedClock) -> None:
    phone = _book_by_call(client, family)
    clock.advance(minutes=int((store.STATE_KEPT / dt.timedelta(minutes=1)) + 10))
    with database.unit_of_work() as session:
        store.forget_stale(session, now=clock.now())
        session.commit()
    _cancel_by_call(client, family, _number(database))
    before = _booking_messages(database)
    _replay(phone)
    assert _booking_messages(database) == before == 2


def test_a_text_conversation_replayed_after_its_receipts_are_gone_books_nothing(
        client: TestClient, database: Database, family: Family, clock: FixedClock) -> None:
    bodies = ["予約", family.child, family.birthdate.strftime("%Y/%-m/%-d"), family.address, family.guardian,
              "1", f"{TUESDAY.month}月{TUESDAY.day}日", "11", "はい"]
    thread = Texter(client, sender=ELSEWHERE)
    for body in bodies:
        thread.send(body)
    assert _booking_messages(database) == 1
    clock.advance(minutes=int((store.STATE_KEPT / dt.timedelta(minutes=1)) + 10))
    with database.unit_of_work() as session:
        store.forget_stale(session, now=clock.now())
        session.commit()
    _cancel_by_call(client, family, _number(database))
    replayed = Texter(client, sender=ELSEWHERE)  # the same MessageSids, bodies and signatures, in order
    assert [replayed.send(body) for body in bodies] == [""] * len(bodies)
    assert _booking_messages(database) == 2


def test_a_receipt_does_not_let_anyone_holding_the_table_test_pin_guesses(
        client: TestClient, database: Database, family: Family) -> None:
    phone = Phone(client)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_id(family)
    with database.unit_of_work() as session:
        digests = set(session.scalars(select(WebhookReceipt.input_hash).where(WebhookReceipt.step == "pin")))
    assert digests
    # What an unkeyed digest would give for the right guess, at any turn: the attacker's 10,000 tries include it.
    guesses = {hashlib.sha256(f"{turn}\x1f\x1f{family.pin}#\x1f".encode()).hexdigest() for turn in range(40)}
    assert digests.isdisjoint(guesses)
    assert digests.isdisjoint({store.input_hash("another-secret", str(turn), "", family.pin + "#", None)
                               for turn in range(40)})
