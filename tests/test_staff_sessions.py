"""Server-side sessions: hashed tokens, idle and absolute expiry, revocation by deactivation."""
from __future__ import annotations

import hashlib

from sqlalchemy import select
from staff_support import add_staff, clock

from azukari.db import Database
from azukari.staff import accounts
from azukari.staff.models import StaffSession
from azukari.staff.signin import sessions


def test_the_database_holds_only_the_hash_of_the_session_token(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        token = sessions.start(session, account=add_staff(session, username="sato", role="centre", now=fixed.now()),
                               now=fixed.now())
        stored = session.scalar(select(StaffSession.token_hash))
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in (stored or "")


def test_a_session_left_idle_past_the_timeout_ends(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        token = sessions.start(session, account=add_staff(session, username="sato", role="centre", now=fixed.now()),
                               now=fixed.now())
        fixed.advance(minutes=20)
        still = sessions.resume(session, token=token, now=fixed.now())
        fixed.advance(minutes=31)
        gone = sessions.resume(session, token=token, now=fixed.now())
    assert still is not None and gone is None


def test_a_session_ends_at_its_absolute_expiry_even_when_in_use(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        token = sessions.start(session, account=add_staff(session, username="sato", role="centre", now=fixed.now()),
                               now=fixed.now())
        alive = []
        for _ in range(21):  # every 29 minutes for ten and a half hours
            fixed.advance(minutes=29)
            alive.append(sessions.resume(session, token=token, now=fixed.now()) is not None)
    assert alive[0] and not alive[-1]


def test_deactivating_an_account_ends_its_open_sessions(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        account = add_staff(session, username="sato", role="centre", now=fixed.now())
        token = sessions.start(session, account=account, now=fixed.now())
        accounts.deactivate(session, account=account, now=fixed.now())
        resumed = sessions.resume(session, token=token, now=fixed.now())
        left = session.scalars(select(StaffSession)).all()
    assert resumed is None and left == []
