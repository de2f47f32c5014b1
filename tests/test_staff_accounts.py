"""Staff accounts: argon2 passwords, the password policy, and a login throttle that locks nobody out for everyone."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from staff_support import PASSWORD, add_staff, clock

from azukari.db import Database
from azukari.staff import accounts
from azukari.staff.models import StaffAccount
from azukari.staff.signin import passwords
from azukari.staff.signin.password_step import (
    CLIENT_FAILURES_PER_WINDOW,
    NAME_FAILURES_PER_WINDOW,
    LoginFailed,
    LoginOk,
    LoginRefusal,
    check_password,
)


def _refusal(outcome: LoginOk | LoginFailed) -> LoginRefusal | None:
    return outcome.refusal if isinstance(outcome, LoginFailed) else None


def test_a_password_is_stored_only_as_an_argon2_hash(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        session.commit()
    with database.unit_of_work() as session:
        stored = session.scalar(select(StaffAccount.password_hash))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_the_right_password_passes_the_first_step_and_a_wrong_one_is_refused(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        wrong = check_password(session, username="sato", password="nope", client="10.0.0.1", now=fixed.now())
        right = check_password(session, username="sato", password=PASSWORD, client="10.0.0.1", now=fixed.now())
    assert _refusal(wrong) is LoginRefusal.WRONG
    assert isinstance(right, LoginOk)


def test_wrong_passwords_from_one_client_do_not_lock_the_account_out_from_another(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="admin", role="admin", now=fixed.now())
        for _ in range(NAME_FAILURES_PER_WINDOW):
            check_password(session, username="admin", password="x", client="203.0.113.9", now=fixed.now())
        attacker = check_password(session, username="admin", password=PASSWORD, client="203.0.113.9",
                                  now=fixed.now())
        owner = check_password(session, username="admin", password=PASSWORD, client="10.0.0.1", now=fixed.now())
        fixed.advance(minutes=16)
        later = check_password(session, username="admin", password=PASSWORD, client="203.0.113.9", now=fixed.now())
    assert _refusal(attacker) is LoginRefusal.THROTTLED
    assert isinstance(owner, LoginOk) and isinstance(later, LoginOk)


def test_an_unknown_username_is_throttled_exactly_like_a_known_one(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="admin", role="admin", now=fixed.now())
        answers = {}
        for name in ("admin", "nobody"):
            answers[name] = [_refusal(check_password(session, username=name, password="x", client="203.0.113.9",
                                                     now=fixed.now())) for _ in range(NAME_FAILURES_PER_WINDOW + 1)]
    assert answers["admin"] == answers["nobody"] == [LoginRefusal.WRONG] * NAME_FAILURES_PER_WINDOW + [
        LoginRefusal.THROTTLED]


def test_one_client_failing_across_many_accounts_is_throttled(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        for n in range(CLIENT_FAILURES_PER_WINDOW):
            check_password(session, username=f"guess{n}", password="x", client="203.0.113.9", now=fixed.now())
        from_there = check_password(session, username="sato", password=PASSWORD, client="203.0.113.9",
                                    now=fixed.now())
        elsewhere = check_password(session, username="sato", password=PASSWORD, client="10.0.0.1", now=fixed.now())
    assert _refusal(from_there) is LoginRefusal.THROTTLED
    assert isinstance(elsewhere, LoginOk)


def test_a_deactivated_account_cannot_sign_in_with_the_right_password(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        account = add_staff(session, username="sato", role="centre", now=fixed.now())
        accounts.deactivate(session, account=account, now=fixed.now())
        outcome = check_password(session, username="sato", password=PASSWORD, client="10.0.0.1", now=fixed.now())
    assert _refusal(outcome) is LoginRefusal.WRONG


def test_an_account_past_its_end_date_cannot_sign_in_with_the_right_password(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        account = add_staff(session, username="sato", role="centre", now=fixed.now())
        accounts.set_end(session, account=account, ends_at=fixed.now() + dt.timedelta(hours=1), now=fixed.now())
        before = check_password(session, username="sato", password=PASSWORD, client="10.0.0.1", now=fixed.now())
        fixed.advance(hours=1)
        after = check_password(session, username="sato", password=PASSWORD, client="10.0.0.2", now=fixed.now())
    assert isinstance(before, LoginOk) and _refusal(after) is LoginRefusal.WRONG


@pytest.mark.parametrize("password", ["fourteen chars", "123456789qwerty", "sato-sato-sato-sato", "aaaaaaaaaaaaaaaaaa"])
def test_a_short_common_or_self_describing_password_is_refused(password: str) -> None:
    assert passwords.problem(password, username="sato") is not None


@pytest.mark.parametrize("password", ["123456789012345", "qwertyuiopasdfg", "passwordpassword", "abcdefghijklmno",
                                      "1q2w3e4r5t6y7u8i", "hunter2hunter2hunter2", "ABCDEFGHIJKLMNOP",
                                      "９８７６５４３２１０９８７６５"])
def test_a_sequential_repetitive_or_keyboard_walk_password_is_refused(password: str) -> None:
    assert passwords.problem(password, username="sato") is not None


@pytest.mark.parametrize("password", ["correct horse battery", "ねこはこたつでまるくなるのです",
                                      "no digits or symbols needed"])
def test_a_long_passphrase_in_any_script_needs_no_digits_or_symbols(password: str) -> None:
    assert passwords.problem(password, username="sato") is None


def test_a_full_width_password_typed_with_the_ime_on_matches_the_half_width_one(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        full_width = "".join(chr(ord(c) + 0xFEE0) if c != " " else "\u3000" for c in PASSWORD)
        outcome = check_password(session, username="sato", password=full_width, client="10.0.0.1", now=fixed.now())
    assert isinstance(outcome, LoginOk)
