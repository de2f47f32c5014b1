"""Staff accounts: argon2 passwords, roles, creation, deactivation and throttled login."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from azukari.staff.models import StaffAccount, StaffLoginFailure, StaffSession

ROLES = ("facility", "centre", "admin")
ROLE_LABELS = {"facility": "施設職員", "centre": "センター職員", "admin": "管理者"}
ACCOUNT_FAILURES_BEFORE_LOCK = 5
ACCOUNT_LOCK = dt.timedelta(minutes=15)
CLIENT_FAILURES_PER_WINDOW = 20
CLIENT_WINDOW = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

# OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): logins stay fast on a shared office
# server while an offline guess still costs memory; check_needs_rehash upgrades old hashes.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("azukari-no-such-account")


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why, in Japanese."""


class LoginRefusal(StrEnum):
    WRONG = "wrong"        # unknown user, wrong password or deactivated: one answer for all
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginOk:
    account: StaffAccount


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_account(session: Session, *, username: str, display_name: str, password: str, role: str,
                   facility_id: int | None, now: dt.datetime) -> StaffAccount:
    username = username.strip()
    if not username or len(username) > 60 or not username.isascii() or " " in username:
        raise AccountError("ユーザー名は空白を含まない半角60文字以内です")
    if role not in ROLES:
        raise AccountError(f"役割は {', '.join(ROLES)} のいずれかです")
    if role == "facility" and facility_id is None:
        raise AccountError("施設職員には施設を指定してください")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください")
    if session.scalar(select(StaffAccount.id).where(StaffAccount.username == username)) is not None:
        raise AccountError("そのユーザー名は使われています")
    account = StaffAccount(username=username, display_name=(display_name.strip() or username)[:100],
                           password_hash=hash_password(password), role=role,
                           facility_id=facility_id if role == "facility" else None,
                           active=True, created_at=now, failed_logins=0)
    session.add(account)
    session.flush()
    return account


def deactivate(session: Session, *, account: StaffAccount, now: dt.datetime) -> None:
    """Takes effect at once: the account's sessions are deleted and any straggler is refused on use."""
    account.active = False
    account.deactivated_at = now
    session.execute(delete(StaffSession).where(StaffSession.staff_id == account.id))
    session.flush()


def client_hash(client: str) -> str:
    return hashlib.sha256(f"staff-login:{client}".encode()).hexdigest()


def authenticate(session: Session, *, username: str, password: str, client: str,
                 now: dt.datetime) -> LoginOk | LoginRefusal:
    """Check a login, throttled per account (lock after repeated failures) and per client."""
    key = client_hash(client)
    recent = session.scalar(select(func.count()).select_from(StaffLoginFailure).where(
        StaffLoginFailure.client_hash == key, StaffLoginFailure.at > now - CLIENT_WINDOW)) or 0
    if recent >= CLIENT_FAILURES_PER_WINDOW:
        return LoginRefusal.THROTTLED
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == username.strip()))
    if account is not None and account.locked_until is not None and account.locked_until > now:
        return LoginRefusal.THROTTLED
    if not _password_matches(account.password_hash if account else _DUMMY_HASH, password) \
            or account is None or not account.active:
        session.add(StaffLoginFailure(at=now, client_hash=key))
        if account is not None:
            account.failed_logins += 1
            if account.failed_logins >= ACCOUNT_FAILURES_BEFORE_LOCK:
                account.locked_until = now + ACCOUNT_LOCK
                account.failed_logins = 0
        session.flush()
        return LoginRefusal.WRONG
    account.failed_logins = 0
    account.locked_until = None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    session.flush()
    return LoginOk(account)


def _password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def forget_old_failures(session: Session, *, now: dt.datetime) -> None:
    session.execute(delete(StaffLoginFailure).where(StaffLoginFailure.at < now - CLIENT_WINDOW))
