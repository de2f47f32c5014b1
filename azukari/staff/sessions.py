"""Server-side staff sessions: the cookie carries a random token, the database only its sha256."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from azukari.staff.models import StaffAccount, StaffSession

IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=10)
COOKIE_NAME = "azukari_staff"


@dataclass(frozen=True)
class SignedIn:
    account: StaffAccount
    record: StaffSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, *, account: StaffAccount, now: dt.datetime) -> str:
    """A new session for the account; returns the token for the cookie (never stored as is)."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=token_hash(token), staff_id=account.id, csrf_token=secrets.token_urlsafe(32),
                             created_at=now, last_seen_at=now, expires_at=now + ABSOLUTE_TIMEOUT))
    session.flush()
    return token


def resume(session: Session, *, token: str | None, now: dt.datetime) -> SignedIn | None:
    """The live session behind a cookie, touched; an expired or revoked one is deleted on sight."""
    if not token:
        return None
    record = session.scalar(select(StaffSession).where(StaffSession.token_hash == token_hash(token)))
    if record is None:
        return None
    account = session.get(StaffAccount, record.staff_id)
    if account is None or not account.active or now >= record.expires_at \
            or now - record.last_seen_at >= IDLE_TIMEOUT:
        session.delete(record)
        session.flush()
        return None
    record.last_seen_at = now
    session.flush()
    return SignedIn(account, record)


def end(session: Session, *, token: str | None) -> None:
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))


def csrf_ok(record: StaffSession, submitted: str | None) -> bool:
    return bool(submitted) and secrets.compare_digest(record.csrf_token, submitted or "")
