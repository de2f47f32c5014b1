"""`azukari erase-all --confirm`: everything erased at a contract's end, Twilio's copies too, with a certificate."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from azukari.messaging.models import OutboxMessage, ProviderDeletion
from azukari.oversight import audit
from azukari.oversight.models import DeletionRecord
from azukari.schema import metadata

# Kept through the erase: the certificate itself, and the Twilio copies not yet deleted (only SIDs).
_KEPT = {"deletion_records", "provider_deletions"}


@dataclass(frozen=True)
class EraseReport:
    record_id: int
    counts: dict[str, int]
    provider_pending: int


def queue_provider_copies(session: Session, *, now: dt.datetime) -> int:
    """Every message SID we hold that is not yet queued for deletion at Twilio; returns how many were added."""
    queued = set(session.scalars(select(ProviderDeletion.sid)))
    added = 0
    for sid, channel in session.execute(select(OutboxMessage.message_sid, OutboxMessage.channel)
                                        .where(OutboxMessage.message_sid.is_not(None))):
        if sid and sid not in queued:
            # A message that went out by call has a CallSid: it is deleted through the Calls endpoint.
            resource = "call" if channel == "call" else "message"
            session.add(ProviderDeletion(resource=resource, sid=sid, next_attempt_at=now))
            queued.add(sid)
            added += 1
    # Copies waiting out TWILIO_RETENTION_DAYS are deleted now too: nothing of the contract stays at Twilio.
    session.execute(update(ProviderDeletion).where(ProviderDeletion.status == "pending")
                    .values(next_attempt_at=now).execution_options(synchronize_session=False))
    session.flush()
    return added


def erase_everything(session: Session, *, now: dt.datetime) -> EraseReport:
    """Delete every row of every table but the certificates and pending Twilio deletions. Never commits."""
    counts: dict[str, int] = {}
    for table in reversed(metadata.sorted_tables):
        if table.name in _KEPT:
            continue
        counts[table.name] = session.scalar(select(func.count()).select_from(table)) or 0
        session.execute(delete(table))
    deleted_at_twilio = session.scalar(select(func.count()).select_from(ProviderDeletion)
                                       .where(ProviderDeletion.status == "deleted")) or 0
    session.execute(delete(ProviderDeletion).where(ProviderDeletion.status == "deleted"))
    pending = session.scalar(select(func.count()).select_from(ProviderDeletion)) or 0
    counts["provider_messages_not_yet_deleted"] = pending
    counts["provider_messages_deleted"] = deleted_at_twilio
    record = DeletionRecord(at=now, household_hash="-" * 64, counts=counts, reason="end_of_contract")
    session.add(record)
    session.flush()
    # A new chain starts with the erase itself, so the audit trail after it is not empty.
    audit.record(session, actor="cli", action="data.erased_all", now=now, detail={"deletion_record_id": record.id})
    return EraseReport(record.id, counts, pending)
