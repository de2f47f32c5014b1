"""TWILIO_RETENTION_DAYS (contract §6): Twilio's copies of calls and texts, inbound ones included, are deleted."""
from __future__ import annotations

import datetime as dt

import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from ivr_support import PUBLIC, Family, client_for, sign
from sqlalchemy import select

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.erasure import erase_all
from azukari.messaging.models import OutboxMessage, ProviderDeletion
from azukari.messaging.provider_deletions import ProviderEraser
from azukari.messaging.twilio_http import HttpxTwilioClient, make_twilio_client
from azukari.oversight.models import Escalation
from azukari.settings import Settings

API = "http://twilio.test"
ACCOUNT = Settings().twilio_account_sid
CALL = "CA" + "7" * 32
TEXTS = ["SM" + str(i) * 32 for i in range(1, 4)]


def _post(client: TestClient, path: str, params: dict[str, str]) -> int:
    url = PUBLIC + path
    return client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)}).status_code


def _text(client: TestClient, sid: str, body: str, sender: str = "+819055550001") -> None:
    assert _post(client, "/twilio/sms", {"MessageSid": sid, "From": sender, "To": "+815012345678",
                                         "Body": body}) == 200


def _hang_up(client: TestClient, sid: str = CALL, status: str = "completed") -> None:
    assert _post(client, "/twilio/voice/status", {"CallSid": sid, "CallStatus": status}) == 200


def _queued(database: Database) -> dict[str, tuple[str, str, dt.datetime]]:
    with database.unit_of_work() as session:
        return {d.sid: (d.resource, d.status, d.next_attempt_at) for d in session.scalars(select(ProviderDeletion))}


def _eraser(database: Database, clock: FixedClock) -> ProviderEraser:
    settings = Settings(twilio_api_base_url=API)
    return ProviderEraser(database=database, clock=clock,
                          client=make_twilio_client(settings, HttpxTwilioClient(base_url=API)))


def _calls(router: respx.MockRouter, sid: str) -> respx.Route:
    return router.delete(f"{API}/2010-04-01/Accounts/{ACCOUNT}/Calls/{sid}.json")


def _messages(router: respx.MockRouter, sid: str) -> respx.Route:
    return router.delete(f"{API}/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}.json")


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


def test_an_inbound_calls_copy_is_due_retention_days_after_the_call_ends(client: TestClient, database: Database,
                                                                           clock: FixedClock) -> None:
    _hang_up(client)
    resource, status, due = _queued(database)[CALL]
    assert (resource, status) == ("call", "pending") and due == clock.now() + dt.timedelta(days=7)


def test_a_call_still_ringing_queues_nothing(client: TestClient, database: Database) -> None:
    _hang_up(client, status="ringing")
    assert _queued(database) == {}


def test_a_redelivered_end_of_call_queues_one_deletion(client: TestClient, database: Database) -> None:
    _hang_up(client)
    _hang_up(client)
    assert list(_queued(database)) == [CALL]


def test_the_call_is_deleted_through_the_calls_endpoint_once_due(client: TestClient, database: Database,
                                                                 clock: FixedClock) -> None:
    _hang_up(client)
    with respx.mock(assert_all_called=True) as router:
        route = _calls(router, CALL).mock(return_value=httpx.Response(204))
        assert _eraser(database, clock).delete_due() == 0  # not due for 7 days
        clock.advance(days=7)
        assert _eraser(database, clock).delete_due() == 1 and route.call_count == 1
    assert _queued(database)[CALL][1] == "deleted"


def test_texts_of_a_conversation_that_ended_are_due_retention_days_after_its_end(
        client: TestClient, database: Database, clock: FixedClock) -> None:
    _text(client, TEXTS[0], "予約")
    clock.advance(minutes=3)
    _text(client, TEXTS[1], "終了")
    queued = _queued(database)
    assert {queued[sid][2] for sid in TEXTS[:2]} == {clock.now() + dt.timedelta(days=7)}
    assert {queued[sid][0] for sid in TEXTS[:2]} == {"message"}


def test_texts_of_a_conversation_under_way_wait_for_its_end(client: TestClient, database: Database,
                                                            clock: FixedClock) -> None:
    _text(client, TEXTS[0], "予約")
    clock.advance(minutes=10)
    _text(client, TEXTS[1], "予約")
    queued = _queued(database)
    # Each new text moves the whole thread on: no text is due before 30 minutes of silence after the last.
    assert {queued[sid][2] for sid in TEXTS[:2]} == {clock.now() + dt.timedelta(days=7, minutes=30)}


def test_ending_one_familys_conversation_leaves_anothers_texts_waiting(client: TestClient, database: Database,
                                                                       clock: FixedClock) -> None:
    _text(client, TEXTS[0], "予約", sender="+819055550002")
    _text(client, TEXTS[1], "予約")
    _text(client, TEXTS[2], "終了")
    queued = _queued(database)
    assert queued[TEXTS[0]][2] == clock.now() + dt.timedelta(days=7, minutes=30)


def test_with_retention_zero_the_texts_go_at_the_next_pass(database: Database, family: Family,
                                                          clock: FixedClock) -> None:
    client = client_for(database, clock, twilio_retention_days=0)
    _text(client, TEXTS[0], "予約")
    _text(client, TEXTS[1], "終了")
    with respx.mock(assert_all_called=True) as router:
        routes = [_messages(router, sid).mock(return_value=httpx.Response(204)) for sid in TEXTS[:2]]
        assert _eraser(database, clock).delete_due() == 2
    assert all(route.call_count == 1 for route in routes)


def test_an_outbound_texts_copy_is_queued_at_its_last_status_only(client: TestClient, database: Database) -> None:
    sid = "SM" + "9" * 32
    assert _post(client, "/twilio/sms/status", {"MessageSid": sid, "MessageStatus": "sent"}) == 200
    assert _queued(database) == {}
    assert _post(client, "/twilio/sms/status", {"MessageSid": sid, "MessageStatus": "delivered"}) == 200
    assert _queued(database)[sid][:2] == ("message", "pending")


def test_not_final_yet_at_twilio_is_tried_again_later_and_not_raised(client: TestClient, database: Database,
                                                                     clock: FixedClock) -> None:
    _hang_up(client)
    clock.advance(days=7)
    not_final = httpx.Response(400, json={"code": 20009, "status": 400,
                                          "message": "Cannot delete this resource before it is complete"})
    with respx.mock() as router:
        route = _calls(router, CALL).mock(return_value=not_final)
        eraser = _eraser(database, clock)
        for _ in range(12):  # twelve tries over about a day and a half: never given up
            eraser.delete_due()
            clock.advance(days=1)
        assert route.call_count == 12
    assert _queued(database)[CALL][1] == "pending"
    with database.unit_of_work() as session:
        assert session.scalars(select(Escalation.kind)).all() == []


def test_a_deletion_twilio_refuses_is_raised_to_staff_at_once(client: TestClient, database: Database,
                                                              clock: FixedClock) -> None:
    _hang_up(client)
    clock.advance(days=7)
    with respx.mock() as router:
        _calls(router, CALL).mock(return_value=httpx.Response(403, json={"code": 20003, "status": 403,
                                                                         "message": "Permission denied"}))
        _eraser(database, clock).delete_due()
    assert _queued(database)[CALL][1] == "failed"
    with database.unit_of_work() as session:
        assert session.scalars(select(Escalation.kind)).all() == ["erasure_failed"]


def test_erase_all_deletes_an_outbound_call_through_the_calls_endpoint(database: Database, family: Family,
                                                                       clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        session.add(OutboxMessage(kind="confirmation", household_pk=family.household_pk, to_number="+81312345678",
                                  body="x", status="delivered", message_sid=CALL, channel="call"))
        session.commit()
    with database.unit_of_work() as session:
        erase_all.queue_provider_copies(session, now=clock.now())
        session.commit()
    with respx.mock(assert_all_called=True) as router:
        route = _calls(router, CALL).mock(return_value=httpx.Response(204))
        assert _eraser(database, clock).delete_due() == 1 and route.call_count == 1
    assert _queued(database)[CALL][:2] == ("call", "deleted")


def test_erase_all_deletes_copies_still_waiting_out_the_retention_now(client: TestClient, database: Database,
                                                                      clock: FixedClock) -> None:
    _hang_up(client)
    with database.unit_of_work() as session:
        erase_all.queue_provider_copies(session, now=clock.now())
        session.commit()
    assert _queued(database)[CALL][2] == clock.now()
