"""Notices before a registration ends: 30 and 7 days ahead, once each, to the number on file, by text or call."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select, update
from staff_support import add_household

from azukari.clock import TOKYO, FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.jobs import run_once
from azukari.messaging.models import OutboxMessage
from azukari.registration.expiry import notice_due, queue_expiry_notices
from azukari.runtime import build
from azukari.settings import Settings

REGISTERED = dt.date(2026, 1, 10)  # valid until 2027-01-09
NOON = dt.time(12, 0)


def _at(day: dt.date, time: dt.time = NOON) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=TOKYO)


def _household(database: Database, *, dv: bool = False, phone: str = "090-1234-5678") -> int:
    with database.unit_of_work() as session:
        household = add_household(session, now=_at(REGISTERED), registered_on=REGISTERED, dv=dv, phone=phone,
                                  birthdate=dt.date(2025, 5, 1))
        session.commit()
        return household.id


def _queue(database: Database, now: dt.datetime) -> int:
    with database.unit_of_work() as session:
        count = queue_expiry_notices(session, now=now)
        session.commit()
        return count


def _messages(database: Database) -> list[tuple[str, str, str]]:
    with database.unit_of_work() as session:
        messages = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(m.kind, m.to_number, m.body) for m in messages]


@pytest.mark.parametrize(("days_left", "due"), [(31, None), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)])
def test_which_notice_is_due_by_the_days_left(days_left: int, due: int | None) -> None:
    valid_until = dt.date(2027, 1, 9)
    assert notice_due(valid_until, valid_until - dt.timedelta(days=days_left)) == due


def test_thirty_days_ahead_the_number_on_file_is_told_to_renew_at_the_counter(database: Database) -> None:
    _household(database)
    assert _queue(database, _at(dt.date(2026, 12, 10))) == 1
    ((kind, to, body),) = _messages(database)
    assert (kind, to) == ("expiry_notice", "+819012345678")
    assert "1月9日" in body and "窓口で更新" in body and len(body) <= 134


def test_each_notice_goes_once_and_the_seven_day_one_follows(database: Database) -> None:
    _household(database)
    assert _queue(database, _at(dt.date(2026, 12, 10))) == 1
    assert _queue(database, _at(dt.date(2026, 12, 11))) == 0
    assert _queue(database, _at(dt.date(2027, 1, 2))) == 1
    assert _queue(database, _at(dt.date(2027, 1, 3))) == 0
    assert len(_messages(database)) == 2


def test_after_downtime_only_the_latest_due_notice_goes(database: Database) -> None:
    _household(database)
    assert _queue(database, _at(dt.date(2027, 1, 4))) == 1
    assert _queue(database, _at(dt.date(2027, 1, 5))) == 0


def test_a_renewed_registration_gets_its_notices_again_a_year_later(database: Database) -> None:
    household_pk = _household(database)
    _queue(database, _at(dt.date(2026, 12, 10)))
    with database.unit_of_work() as session:
        renewed = dt.date(2026, 12, 15)
        session.execute(update(Household).where(Household.id == household_pk).values(registered_on=renewed))
        session.commit()
    assert _queue(database, _at(dt.date(2027, 11, 14))) == 1


def test_notices_go_in_the_daytime_only(database: Database) -> None:
    _household(database)
    assert _queue(database, _at(dt.date(2026, 12, 10), dt.time(21, 0))) == 0
    assert _queue(database, _at(dt.date(2026, 12, 10), dt.time(9, 59))) == 0


def test_a_dv_household_gets_no_automated_notice(database: Database) -> None:
    _household(database, dv=True)
    assert _queue(database, _at(dt.date(2026, 12, 10))) == 0


def test_instances_racing_queue_each_notice_once(database: Database) -> None:
    _household(database)
    barrier = threading.Barrier(4)

    def instance() -> None:
        barrier.wait()
        with build(Settings(database_url=database.url), database=database,
                   clock=FixedClock(_at(dt.date(2026, 12, 10)).astimezone(dt.UTC))) as runtime:
            run_once(runtime)

    threads = [threading.Thread(target=instance) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [kind for kind, _to, _body in _messages(database)] == ["expiry_notice"]
