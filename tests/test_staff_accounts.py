"""Staff accounts: argon2 passwords and throttled logins."""
from __future__ import annotations

from sqlalchemy import select
from staff_support import PASSWORD, add_staff, clock

from azukari.db import Database
from azukari.staff import accounts
from azukari.staff.accounts import LoginOk, LoginRefusal
from azukari.staff.models import StaffAccount


def test_a_password_is_stored_only_as_an_argon2_hash(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        session.commit()
    with database.unit_of_work() as session:
        stored = session.scalar(select(StaffAccount.password_hash))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_the_right_password_signs_in_and_a_wrong_one_is_refused(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        wrong = accounts.authenticate(session, username="sato", password="nope", client="10.0.0.1", now=fixed.now())
        right = accounts.authenticate(session, username="sato", password=PASSWORD, client="10.0.0.1", now=fixed.now())
    assert wrong is LoginRefusal.WRONG
    assert isinstance(right, LoginOk)


def test_five_wrong_passwords_lock_the_account_even_against_the_right_password(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        for n in range(accounts.ACCOUNT_FAILURES_BEFORE_LOCK):
            accounts.authenticate(session, username="sato", password="x", client=f"10.0.0.{n}", now=fixed.now())
        locked = accounts.authenticate(session, username="sato", password=PASSWORD, client="10.0.1.1",
                                       now=fixed.now())
        fixed.advance(minutes=16)
        later = accounts.authenticate(session, username="sato", password=PASSWORD, client="10.0.1.1",
                                      now=fixed.now())
    assert locked is LoginRefusal.THROTTLED
    assert isinstance(later, LoginOk)


def test_one_client_failing_across_many_accounts_is_throttled(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        for n in range(accounts.CLIENT_FAILURES_PER_WINDOW):
            accounts.authenticate(session, username=f"guess{n}", password="x", client="203.0.113.9", now=fixed.now())
        from_there = accounts.authenticate(session, username="sato", password=PASSWORD, client="203.0.113.9",
                                           now=fixed.now())
        elsewhere = accounts.authenticate(session, username="sato", password=PASSWORD, client="10.0.0.1",
                                          now=fixed.now())
    assert from_there is LoginRefusal.THROTTLED
    assert isinstance(elsewhere, LoginOk)


def test_a_deactivated_account_cannot_sign_in_with_the_right_password(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        account = add_staff(session, username="sato", role="centre", now=fixed.now())
        accounts.deactivate(session, account=account, now=fixed.now())
        outcome = accounts.authenticate(session, username="sato", password=PASSWORD, client="10.0.0.1",
                                        now=fixed.now())
    assert outcome is LoginRefusal.WRONG
