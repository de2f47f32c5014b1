"""A waiting message goes to the number on file when it is sent; a DV household's is held for staff (§6)."""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from outbox_support import API, PHONE, START, message_of, queue_texts
from sqlalchemy import select
from test_messaging_sender import _created, _messages_path, _settings

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.messaging.sender import OutboxSender
from azukari.oversight.models import Escalation

NEW_PHONE = "+819087654321"


@pytest.fixture
def clock() -> FixedClock:  # the outbox's own start (1 May), not tests/conftest.py's Monday in June
    return FixedClock(START)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=API, assert_all_called=False) as router:
        yield router


def _staff_edit(database: Database, *, phone: str | None = None, dv: bool | None = None) -> None:
    with database.unit_of_work() as session:
        household = session.scalars(select(Household)).one()
        if phone is not None:
            household.phone = phone
        if dv is not None:
            household.dv_flag = dv
        session.commit()


def _refused_once_then_sent(api: respx.MockRouter) -> respx.Route:
    settings = _settings()
    responses = iter([httpx.Response(503, json={"code": 20500, "message": "down", "status": 503})])
    return api.post(_messages_path(settings)).mock(side_effect=lambda r: next(responses, None) or _created(r))


def test_a_message_waiting_for_a_retry_goes_to_the_number_staff_put_on_file_meanwhile(
        database: Database, clock: FixedClock, api: respx.MockRouter) -> None:
    route = _refused_once_then_sent(api)
    [outbox_id] = queue_texts(database, clock)
    sender = OutboxSender(database=database, settings=_settings(), clock=clock)
    sender.send_due()  # refused: it waits for a retry, queued to the old number
    _staff_edit(database, phone=NEW_PHONE)
    clock.advance(minutes=10)
    sender.send_due()
    assert parse_qs(route.calls.last.request.content.decode())["To"] == [NEW_PHONE]
    assert [parse_qs(c.request.content.decode())["To"] for c in route.calls] == [[PHONE], [NEW_PHONE]]
    assert message_of(database, outbox_id).status == "sent"


def test_a_message_waiting_when_staff_set_the_dv_flag_and_change_the_number_is_held_for_staff_not_sent(
        database: Database, clock: FixedClock, api: respx.MockRouter) -> None:
    route = _refused_once_then_sent(api)
    [outbox_id] = queue_texts(database, clock)
    sender = OutboxSender(database=database, settings=_settings(), clock=clock)
    sender.send_due()
    _staff_edit(database, phone=NEW_PHONE, dv=True)
    clock.advance(minutes=10)
    sender.send_due()
    clock.advance(hours=1)
    sender.send_due()
    assert len(route.calls) == 1  # only the first, refused try
    assert message_of(database, outbox_id).status == "held"
    with database.unit_of_work() as session:
        cases = session.scalars(select(Escalation)).all()
        assert [(c.kind, c.dv, c.details.get("outbox_id")) for c in cases] == [("message_held", True, outbox_id)]
        assert NEW_PHONE not in str(cases[0].details) and PHONE not in str(cases[0].details)


def test_a_dv_households_new_message_is_never_sent(database: Database, clock: FixedClock,
                                                  api: respx.MockRouter) -> None:
    route = api.post(_messages_path(_settings())).mock(side_effect=_created)
    queue_texts(database, clock)
    _staff_edit(database, dv=True)
    OutboxSender(database=database, settings=_settings(), clock=clock).send_due()
    assert route.calls.call_count == 0
