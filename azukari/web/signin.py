"""Parents' sign-in: one answer and one cost for every failure, throttles, server-side sessions.

Unknown ID, wrong password, a locked household and web access turned off all run one argon2 verify
(a dummy hash when there is no usable row) and get the same words. Failures are verification attempts
(channel "web"), so they count towards the household's lock as the phone's do, and the phone's towards
the web's; a client is counted by a digest of its address, never the address itself.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from azukari.households import web_access
from azukari.households.models import Household
from azukari.identity import throttling
from azukari.identity.models import VerificationAttempt
from azukari.web.models import ParentSession

IDLE_TIMEOUT = dt.timedelta(minutes=30)
COOKIE_NAME = "azukari_web"
# A client (one address) gets this many failures an hour; the household's own limit is the phone's.
CLIENT_LIMIT = 10
CLIENT_WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Parent:
    household_pk: int
    record: ParentSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_key(address: str | None, secret: str) -> str:
    """What the attempt row stores for a web client: a keyed digest, never the address."""
    digest = hashlib.blake2b((address or "unknown").encode(), key=secret.encode()[:64], digest_size=12).hexdigest()
    return f"web:{digest}"


def client_locked(session: Session, *, client: str, now: dt.datetime) -> bool:
    failed = session.scalar(select(func.count(VerificationAttempt.id)).where(
        VerificationAttempt.calling_number == client, VerificationAttempt.outcome == "refused",
        VerificationAttempt.reason.not_in(throttling.NOT_COUNTED), VerificationAttempt.at > now - CLIENT_WINDOW))
    return int(failed or 0) >= CLIENT_LIMIT


def _record(session: Session, *, outcome: str, reason: str, client: str, household_pk: int | None,
            now: dt.datetime) -> None:
    session.add(VerificationAttempt(at=now, channel="web", method="password", outcome=outcome, reason=reason,
                                    fields={}, calling_number=client, household_pk=household_pk,
                                    conversation_key=""))
    session.flush()


def sign_in(session: Session, *, household_id: str, password: str, client: str, now: dt.datetime) -> str | None:
    """A new session's token, or None for any failure (the caller says the same words for all)."""
    typed = household_id.strip()[:20]
    household = session.scalar(select(Household).where(Household.household_id == typed)) if typed else None
    access = web_access.of(session, household_pk=household.id) if household is not None else None
    matched = web_access.check(access, password[:128])  # always one argon2 verify, whatever is missing
    pk = household.id if household is not None else None
    if client_locked(session, client=client, now=now):
        reason = "locked_number"
    elif household is None:
        reason = "unknown_id"
    elif throttling.household_locked(session, household_pk=household.id, now=now):
        reason = "locked_household"
    elif access is None or not access.enabled:
        reason = "web_off"
    elif not matched:
        reason = "wrong_password"
    else:
        reason = "verified"
    if reason != "verified" or access is None:
        # Only a wrong password counts against the household; every failure counts against the client.
        _record(session, outcome="refused", reason=reason, client=client,
                household_pk=pk if reason == "wrong_password" else None, now=now)
        return None
    _record(session, outcome="verified", reason="verified", client=client, household_pk=pk, now=now)
    return start(session, household_pk=access.household_pk, now=now, must_change=access.must_change)


def start(session: Session, *, household_pk: int, now: dt.datetime, must_change: bool = False) -> str:
    """A new session; returns the cookie's token (only its digest is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(ParentSession(token_hash=token_hash(token), household_pk=household_pk,
                              csrf_token=secrets.token_urlsafe(32), must_change=must_change,
                              created_at=now, last_seen_at=now))
    session.flush()
    return token


def resume(session: Session, *, token: str | None, now: dt.datetime) -> Parent | None:
    """The live session behind a cookie, touched; an idle, disabled or locked one is ended on sight."""
    if not token:
        return None
    record = session.scalar(select(ParentSession).where(ParentSession.token_hash == token_hash(token)))
    if record is None:
        return None
    access = web_access.of(session, household_pk=record.household_pk)
    # A reissued or changed password ends every session opened before it (staff cannot reach this table).
    if now - record.last_seen_at >= IDLE_TIMEOUT or access is None or not access.enabled \
            or record.created_at < (access.changed_at or access.issued_at):
        session.delete(record)
        session.flush()
        return None
    record.last_seen_at = now
    session.flush()
    return Parent(record.household_pk, record)


def end(session: Session, *, token: str | None) -> None:
    if token:
        session.execute(delete(ParentSession).where(ParentSession.token_hash == token_hash(token)))


def end_all(session: Session, *, household_pk: int) -> None:
    """Every session of the household: after a password change elsewhere, a reissue, or access turned off."""
    session.execute(delete(ParentSession).where(ParentSession.household_pk == household_pk))


def csrf_ok(expected: str, submitted: str | None) -> bool:
    return bool(submitted) and secrets.compare_digest(expected, submitted or "")
