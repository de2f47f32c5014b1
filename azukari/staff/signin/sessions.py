"""Server-side staff sessions: the cookie carries a random token, the database only its sha256.

A login makes a pending row first (stage "code", "enrol" or "password"): it opens no page, only
the next login step, and lives five minutes. The row becomes a session ("ok") once both factors,
and any forced password change, are done, under a new token so a pending cookie never becomes one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from azukari.staff.accounts import usable
from azukari.staff.models import StaffAccount, StaffSession

IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=10)
PENDING_TIMEOUT = dt.timedelta(minutes=5)
COOKIE_NAME = "azukari_staff"
SIGNED_IN = "ok"
PENDING_STAGES = frozenset({"code", "enrol", "password"})


@dataclass(frozen=True)
class SignedIn:
    account: StaffAccount
    record: StaffSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, *, account: StaffAccount, now: dt.datetime, stage: str = SIGNED_IN) -> str:
    """A new session (or pending login) for the account; returns the cookie's token (never stored as is)."""
    token = secrets.token_urlsafe(32)
    lifetime = ABSOLUTE_TIMEOUT if stage == SIGNED_IN else PENDING_TIMEOUT
    session.add(StaffSession(token_hash=token_hash(token), staff_id=account.id, csrf_token=secrets.token_urlsafe(32),
                             created_at=now, last_seen_at=now, expires_at=now + lifetime, stage=stage, failures=0))
    session.flush()
    return token


def resume(session: Session, *, token: str | None, now: dt.datetime,
           stages: frozenset[str] = frozenset({SIGNED_IN}), touch: bool = True) -> SignedIn | None:
    """The live session behind a cookie, touched; an expired, revoked or ended one is deleted on sight.

    By default only a full session counts; the login steps ask for their pending stages. With
    `touch=False` (a page that only watches, read in a transaction that writes nothing) it is neither
    touched nor deleted: the idle clock runs on, and the next ordinary page deletes what has ended.
    """
    if not token:
        return None
    record = session.scalar(select(StaffSession).where(StaffSession.token_hash == token_hash(token)))
    if record is None:
        return None
    account = session.get(StaffAccount, record.staff_id)
    if account is None or not usable(account, now) or now >= record.expires_at \
            or now - record.last_seen_at >= IDLE_TIMEOUT:
        if touch:
            session.delete(record)
            session.flush()
        return None
    if record.stage not in stages:
        return None
    if touch:
        record.last_seen_at = now
        session.flush()
    return SignedIn(account, record)


def end(session: Session, *, token: str | None) -> None:
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))


def csrf_ok(record: StaffSession, submitted: str | None) -> bool:
    return bool(submitted) and secrets.compare_digest(record.csrf_token.encode(), (submitted or "").encode())
