"""Staff accounts: argon2 passwords, roles, creation, moves, end dates, deactivation, own password changes."""
from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from azukari.staff.models import StaffAccount, StaffSession
from azukari.staff.signin import passwords

ROLES = ("facility", "centre", "admin")
ROLE_LABELS = {"facility": "施設職員", "centre": "センター職員", "admin": "管理者"}

# OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): logins stay fast on a shared office
# server while an offline guess still costs memory; check_needs_rehash upgrades old hashes.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
DUMMY_HASH = _hasher.hash("azukari-no-such-account")


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why, in Japanese."""


def hash_password(password: str) -> str:
    return _hasher.hash(passwords.normalised(password))


def password_matches(account: StaffAccount | None, password: str) -> bool:
    """Constant work whether or not the account exists; upgrades an old hash on success."""
    stored = account.password_hash if account is not None else DUMMY_HASH
    for candidate in dict.fromkeys((passwords.normalised(password), password)):  # raw: hashes from before NFKC
        try:
            if _hasher.verify(stored, candidate):
                if account is not None and (_hasher.check_needs_rehash(stored) or candidate != password):
                    account.password_hash = hash_password(password)
                return account is not None
        except (VerificationError, InvalidHashError):
            continue
    return False


def _check_role(role: str, facility_id: int | None) -> None:
    if role not in ROLES:
        raise AccountError(f"役割は {', '.join(ROLES)} のいずれかです")
    if role == "facility" and facility_id is None:
        raise AccountError("施設職員には施設を指定してください")


def create_account(session: Session, *, username: str, display_name: str, password: str, role: str,
                   facility_id: int | None, now: dt.datetime, set_by_admin: bool = False,
                   ends_at: dt.datetime | None = None) -> StaffAccount:
    """`set_by_admin`: someone else chose the password, so its owner must replace it at first login."""
    username = username.strip()
    if not username or len(username) > 60 or not username.isascii() or " " in username:
        raise AccountError("ユーザー名は空白を含まない半角60文字以内です")
    if len(display_name.strip()) > 100:
        raise AccountError("氏名は100文字以内で入力してください")
    _check_role(role, facility_id)
    if (why := passwords.problem(password, username=username)) is not None:
        raise AccountError(why)
    if session.scalar(select(StaffAccount.id).where(StaffAccount.username == username)) is not None:
        raise AccountError("そのユーザー名は使われています")
    account = StaffAccount(username=username, display_name=display_name.strip() or username,
                           password_hash=hash_password(password), role=role,
                           facility_id=facility_id if role == "facility" else None, active=True, created_at=now,
                           must_change_password=set_by_admin, ends_at=ends_at)
    session.add(account)
    session.flush()
    return account


def change_password(session: Session, *, account: StaffAccount, current: str | None, new: str,
                    keep_session: StaffSession | None) -> None:
    """The owner's change; `current` is required except in the forced change right after logging in.

    Every other session of the account ends: a password someone else learnt stops working there too.
    """
    if current is not None and not password_matches(account, current):
        raise AccountError("現在のパスワードが違います")
    if (why := passwords.problem(new, username=account.username)) is not None:
        raise AccountError(why)
    if password_matches(account, new):
        raise AccountError("今のパスワードとは別のものにしてください")
    account.password_hash = hash_password(new)
    account.must_change_password = False
    others = delete(StaffSession).where(StaffSession.staff_id == account.id)
    if keep_session is not None:
        others = others.where(StaffSession.id != keep_session.id)
    session.execute(others)
    session.flush()


def move(session: Session, *, account: StaffAccount, role: str, facility_id: int | None) -> dict[str, object]:
    """Another role or facility (a transfer); returns what changed, for the audit trail."""
    _check_role(role, facility_id)
    facility_id = facility_id if role == "facility" else None
    changed: dict[str, object] = {}
    if role != account.role:
        changed.update(role_from=account.role, role_to=role)
    if facility_id != account.facility_id:
        changed.update(facility_from=account.facility_id, facility_to=facility_id)
    account.role, account.facility_id = role, facility_id
    if changed:
        # Pages already open were rendered for the old role and facility: start again.
        session.execute(delete(StaffSession).where(StaffSession.staff_id == account.id))
    session.flush()
    return changed


def set_end(session: Session, *, account: StaffAccount, ends_at: dt.datetime | None, now: dt.datetime) -> None:
    account.ends_at = ends_at
    if ends_at is not None and ends_at <= now:
        session.execute(delete(StaffSession).where(StaffSession.staff_id == account.id))
    session.flush()


def usable(account: StaffAccount | None, now: dt.datetime) -> bool:
    """Active and not past its end date: otherwise it cannot log in and its sessions end."""
    return account is not None and account.active and (account.ends_at is None or now < account.ends_at)


def deactivate(session: Session, *, account: StaffAccount, now: dt.datetime) -> None:
    """Takes effect at once: the account's sessions are deleted and any straggler is refused on use."""
    account.active = False
    account.deactivated_at = now
    session.execute(delete(StaffSession).where(StaffSession.staff_id == account.id))
    session.flush()
