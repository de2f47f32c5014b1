"""Call and text state is kept only while a conversation needs it."""
from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from ivr_support import MONDAY, Family, Phone, client_for
from sqlalchemy import func, select

from azukari.clock import FixedClock
from azukari.conversations import store
from azukari.conversations.models import ConversationRecord, SpentSid, WebhookReceipt
from azukari.db import Database


def _rows(database: Database) -> tuple[int, int]:
    with database.unit_of_work() as session:
        return (session.scalar(select(func.count()).select_from(ConversationRecord)) or 0,
                session.scalar(select(func.count()).select_from(WebhookReceipt)) or 0)


def _call_until_menu(client: TestClient, family: Family) -> Phone:
    phone = Phone(client)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_id(family)
    assert phone.step == "menu"
    return phone


def test_a_finished_call_leaves_no_state_or_receipts_behind(database: Database, family: Family) -> None:
    client = client_for(database, FixedClock(MONDAY.astimezone(dt.UTC)))
    phone = _call_until_menu(client, family)
    assert _rows(database)[0] == 1 and _rows(database)[1] > 0
    phone.post("/twilio/voice/status", phone.params(CallStatus="completed"))
    assert _rows(database) == (0, 0)
    with database.unit_of_work() as session:  # only that it ended: a replay of it must change nothing
        assert [(s.channel, s.sid) for s in session.scalars(select(SpentSid))] == [("voice", phone.sid)]


def test_a_status_callback_for_a_call_still_ringing_changes_nothing(database: Database, family: Family) -> None:
    client = client_for(database, FixedClock(MONDAY.astimezone(dt.UTC)))
    phone = _call_until_menu(client, family)
    before = _rows(database)
    phone.post("/twilio/voice/status", phone.params(CallStatus="in-progress"))
    assert _rows(database) == before


def test_state_idle_past_the_keeping_time_is_swept_and_fresh_state_stays(database: Database, family: Family) -> None:
    clock = FixedClock(MONDAY.astimezone(dt.UTC))
    _call_until_menu(client_for(database, clock), family)
    clock.advance(minutes=30)
    fresh = Phone(client_for(database, clock), sid="CA" + "5" * 32)
    fresh.start()
    with database.unit_of_work() as session:
        removed = store.forget_stale(session, now=clock.now() + store.STATE_KEPT - dt.timedelta(minutes=1))
        session.commit()
    assert removed > 0
    with database.unit_of_work() as session:
        assert session.scalars(select(ConversationRecord.key)).all() == ["CA" + "5" * 32]
