"""A webhook whose database connection is cut mid-request still answers Twilio 200 TwiML, and acts once.

PostgreSQL only: the connection is cut the way a failover cuts it, pg_terminate_backend from another
connection, just before the webhook's commit.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from ivr_support import PUBLIC, Texter, client_for, seed, sign
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.orm import Session

from azukari.clock import FixedClock
from azukari.conversations.models import ConversationRecord
from azukari.db import Database
from azukari.messaging.models import OutboxMessage
from azukari.oversight.models import Escalation


class _Cutter:
    """Terminates the backend of the next `times` commits of sessions on `database`'s engine."""

    def __init__(self, database: Database) -> None:
        self.times = 0
        self.cut = 0
        self._engine = database.engine
        self._admin = create_engine(database.url, isolation_level="AUTOCOMMIT")
        event.listen(Session, "before_commit", self._cut)

    def _cut(self, session: Session) -> None:
        if self.times <= 0 or session.get_bind() is not self._engine:
            return
        self.times -= 1
        pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with self._admin.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        self.cut += 1

    def close(self) -> None:
        event.remove(Session, "before_commit", self._cut)
        self._admin.dispose()


@pytest.fixture
def own(pg_database: Database) -> Iterator[tuple[Database, _Cutter]]:
    cutter = _Cutter(pg_database)
    yield pg_database, cutter
    cutter.close()


def test_a_text_whose_connection_is_cut_before_its_commit_is_answered_and_counted_once(
        own: tuple[Database, _Cutter], clock: FixedClock) -> None:
    database, cutter = own
    seed(database)
    texter = Texter(client_for(database, clock))
    cutter.times = 1

    reply = texter.send("予約", sid="SM" + "7" * 32)

    assert cutter.cut == 1 and reply  # a 200 with the bot's question, not a 5xx
    assert texter.send("予約", sid="SM" + "7" * 32) == reply  # Twilio's redelivery: the same answer
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(ConversationRecord)) == 1


def test_a_status_callback_whose_connection_is_cut_is_recorded_once(
        own: tuple[Database, _Cutter], clock: FixedClock) -> None:
    database, cutter = own
    family = seed(database)
    with database.unit_of_work() as session:
        session.add(OutboxMessage(kind="confirmation", household_pk=family.household_pk, to_number="+819011110001",
                                  body="-", status="sent", message_sid="SM" + "5" * 32, attempts=1,
                                  created_at=clock.now(), next_attempt_at=clock.now(),
                                  sent_at=clock.now() - dt.timedelta(seconds=5)))
        session.commit()
    client = client_for(database, clock)
    cutter.times = 1
    url = PUBLIC + "/twilio/sms/status"
    params = {"MessageSid": "SM" + "5" * 32, "MessageStatus": "undelivered", "ErrorCode": "30003"}

    response = client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)})

    assert cutter.cut == 1 and response.status_code == 200 and "<Response" in response.text
    with database.unit_of_work() as session:
        assert session.scalars(select(OutboxMessage.status)).all() == ["undelivered"]
        assert session.scalars(select(Escalation.kind)).all() == ["message_undelivered"]

