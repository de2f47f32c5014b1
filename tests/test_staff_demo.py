"""`serve --demo`: it says how to log in, and only a database it filled has the demo staff account."""
from __future__ import annotations

import datetime as dt

import pyotp
from sqlalchemy import select

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.runtime import build
from azukari.server import load_demo_data
from azukari.settings import Settings
from azukari.staff import accounts
from azukari.staff.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME
from azukari.staff.models import StaffAccount
from azukari.staff.signin import second_factor

NOW = dt.datetime(2026, 4, 10, 1, 0, tzinfo=dt.UTC)
URL = "http://127.0.0.1:8000/staff/"


def serve_demo(database: Database) -> list[str]:
    with build(Settings(database_url=database.url), database=database, clock=FixedClock(NOW)) as runtime:
        return load_demo_data(runtime, console_url=URL)


def demo_account(database: Database) -> StaffAccount | None:
    with database.unit_of_work() as session:
        found = session.scalar(select(StaffAccount).where(StaffAccount.username == DEMO_USERNAME))
        if found is not None:
            session.expunge(found)
        return found


def test_serve_demo_on_an_empty_database_prints_a_login_that_passes_both_factors(database: Database) -> None:
    printed = "\n".join(serve_demo(database))
    assert URL in printed and f"user {DEMO_USERNAME}, password {DEMO_PASSWORD}" in printed
    assert DEMO_TOTP_SECRET in printed and "household ID 10000001, phone PIN 4821" in printed
    account = demo_account(database)
    assert account is not None and account.role == "admin"
    assert accounts.password_matches(account, DEMO_PASSWORD)
    code = pyotp.TOTP(DEMO_TOTP_SECRET).at(NOW)
    assert second_factor.check_code(account, code, secret_key=Settings().azukari_secret_key, now=NOW)


def test_serve_demo_again_loads_nothing_and_still_says_how_to_log_in(database: Database) -> None:
    serve_demo(database)
    again = serve_demo(database)
    assert again[0] == "demo: the database already has data; nothing loaded"
    assert f"  user {DEMO_USERNAME}, password {DEMO_PASSWORD}" in again


def test_a_database_with_staff_of_its_own_never_gets_the_demo_account(database: Database) -> None:
    with database.unit_of_work() as session:
        accounts.create_account(session, username="sato", display_name="佐藤", password="a long pass phrase here",
                                role="admin", facility_id=None, now=NOW)
        session.commit()
    printed = serve_demo(database)
    assert demo_account(database) is None
    assert not [line for line in printed if DEMO_PASSWORD in line or DEMO_TOTP_SECRET in line]
    assert printed[-1].startswith("no demo staff account in this database")


def test_a_demo_account_whose_password_was_changed_is_not_advertised(database: Database) -> None:
    serve_demo(database)
    with database.unit_of_work() as session:
        account = session.scalars(select(StaffAccount).where(StaffAccount.username == DEMO_USERNAME)).one()
        account.password_hash = accounts.hash_password("another long pass phrase")
        session.commit()
    assert not [line for line in serve_demo(database) if DEMO_PASSWORD in line]
