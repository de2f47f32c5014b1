"""The password step of a staff login, throttled per client and per client and name typed.

Never per account alone: five wrong passwords from one place must not lock the admin out
everywhere, and a name that does not exist is throttled exactly like one that does, so neither
the answer nor the throttle tells which usernames exist.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from azukari.staff.accounts import password_matches, usable
from azukari.staff.models import StaffAccount, StaffLoginFailure

NAME_FAILURES_PER_WINDOW = 5     # one client, one username typed
CLIENT_FAILURES_PER_WINDOW = 20  # one client, any usernames
WINDOW = dt.timedelta(minutes=15)


class LoginRefusal(StrEnum):
    WRONG = "wrong"        # unknown user, wrong password, deactivated or ended: one answer for all
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginOk:
    account: StaffAccount


@dataclass(frozen=True)
class LoginFailed:
    refusal: LoginRefusal
    account: StaffAccount | None  # for the audit trail only; never shown to the client


def client_hash(client: str) -> str:
    return hashlib.sha256(f"staff-login:{client}".encode()).hexdigest()


def name_hash(client: str, username: str) -> str:
    return hashlib.sha256(f"staff-login:{client}:{username.strip().casefold()}".encode()).hexdigest()


def _recent(session: Session, column: Any, value: str, now: dt.datetime) -> int:
    return session.scalar(select(func.count()).select_from(StaffLoginFailure).where(
        column == value, StaffLoginFailure.at > now - WINDOW)) or 0


def record_failure(session: Session, *, client: str, username: str, now: dt.datetime) -> None:
    """Also for a wrong second factor: a guessed code counts against the same client and name."""
    session.add(StaffLoginFailure(at=now, client_hash=client_hash(client), name_hash=name_hash(client, username)))
    session.flush()


def throttled(session: Session, *, client: str, username: str, now: dt.datetime) -> bool:
    return (_recent(session, StaffLoginFailure.client_hash, client_hash(client), now) >= CLIENT_FAILURES_PER_WINDOW
            or _recent(session, StaffLoginFailure.name_hash, name_hash(client, username), now)
            >= NAME_FAILURES_PER_WINDOW)


def check_password(session: Session, *, username: str, password: str, client: str,
                   now: dt.datetime) -> LoginOk | LoginFailed:
    """The first factor. A throttled client is not told whether the password was right."""
    # No account's name holds a NUL, and PostgreSQL refuses one in any text it is asked to compare.
    account = None if "\x00" in username else session.scalar(
        select(StaffAccount).where(StaffAccount.username == username.strip()))
    if throttled(session, client=client, username=username, now=now):
        return LoginFailed(LoginRefusal.THROTTLED, account)
    if not password_matches(account, password) or account is None or not usable(account, now):
        record_failure(session, client=client, username=username, now=now)
        return LoginFailed(LoginRefusal.WRONG, account)
    session.flush()
    return LoginOk(account)


def forget_old_failures(session: Session, *, now: dt.datetime) -> None:
    session.execute(delete(StaffLoginFailure).where(StaffLoginFailure.at < now - WINDOW))
