"""The outbox's tests share these: one household's texts queued, a row read back, a sender that dies."""
from __future__ import annotations

import datetime as dt

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.messaging.models import OutboxMessage
from azukari.messaging.outbox import enqueue

API = "http://twilio.test"
PHONE = "+819012345678"
BODY = "一時預かりのご予約を承りました。予約番号 12345678"
START = dt.datetime(2026, 5, 1, 1, 0, tzinfo=dt.UTC)


class Killed(BaseException):
    """The sender's process dying: not an Exception, so nothing in the sender catches it."""


def queue_texts(database: Database, clock: FixedClock, count: int = 1) -> list[int]:
    """`count` confirmations (`BODY #n`) for one household at PHONE; their outbox ids."""
    with database.unit_of_work() as session:
        household = Household(household_id="10000001", pin_hash="x", guardian_name="-", guardian_kana="-",
                              phone=PHONE, address="-", registered_on=dt.date(2026, 4, 1))
        session.add(household)
        session.flush()
        ids = [enqueue(session, household=household, kind="confirmation", body=f"{BODY} #{n}",
                       now=clock.now()).id for n in range(count)]
        session.commit()
    return ids


def message_of(database: Database, outbox_id: int) -> OutboxMessage:
    with database.unit_of_work() as session:
        message = session.get_one(OutboxMessage, outbox_id)
        session.expunge(message)  # keep its loaded values past the unit of work's rollback
        return message
