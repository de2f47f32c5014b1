"""The audit trail: append-only, each entry hashing the previous one so tampering shows."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from azukari.oversight.models import AuditEntry

GENESIS = "0" * 64
# An arbitrary constant key for PostgreSQL's advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 0x617A756B  # "azuk"


def _digest(prev_hash: str, at: dt.datetime, actor: str, action: str, household_pk: int | None,
            detail: dict[str, object]) -> str:
    payload = json.dumps([prev_hash, at.astimezone(dt.UTC).isoformat(timespec="microseconds"), actor, action,
                          household_pk, detail], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(session: Session, *, actor: str, action: str, now: dt.datetime, household_pk: int | None = None,
           detail: dict[str, object] | None = None) -> AuditEntry:
    """Append one entry. `detail` holds ids and outcomes, never names, addresses or speech.

    Call it last in a transaction, after any row locks the use case takes: on PostgreSQL it
    holds the chain's advisory lock until commit, and taking row locks after it could deadlock
    with a booking that took them first.
    """
    if session.get_bind().dialect.name == "postgresql":
        # Two transactions appending at once would both chain onto the same last entry.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    # SQLite: every write transaction already holds the database's write lock (BEGIN IMMEDIATE).
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    prev_hash = last or GENESIS
    at = now.astimezone(dt.UTC)
    body = detail or {}
    entry = AuditEntry(at=at, actor=actor, action=action, household_pk=household_pk, detail=body,
                       prev_hash=prev_hash, hash=_digest(prev_hash, at, actor, action, household_pk, body))
    session.add(entry)
    session.flush()
    return entry


def first_broken_entry(session: Session) -> int | None:
    """The id of the first entry whose hash or link does not check out, or None if the chain is whole."""
    prev_hash = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        expected = _digest(prev_hash, entry.at, entry.actor, entry.action, entry.household_pk, entry.detail)
        if entry.prev_hash != prev_hash or entry.hash != expected:
            return entry.id
        prev_hash = entry.hash
    return None
