"""Retention: erase households three years past their registration and their last booking, here and at Twilio."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

from azukari.booking.models import Reservation
from azukari.clock import tokyo_at, tokyo_date
from azukari.conversations.models import ConversationRecord, WebhookReceipt
from azukari.erasure.models import ErasureSecret
from azukari.households.models import Child, Household
from azukari.identity.models import VerificationAttempt
from azukari.messaging.models import OutboxMessage, ProviderDeletion
from azukari.oversight import audit
from azukari.oversight.models import DeletionRecord, Escalation

RETENTION_YEARS = 3
_SALT_NAME = "deletion_salt"
_COUNTED = (("children", Child), ("reservations", Reservation), ("verification_attempts", VerificationAttempt),
            ("outbox_messages", OutboxMessage), ("escalations", Escalation))


@dataclass
class PurgeReport:
    dry_run: bool
    cutoff: dt.date
    households: int = 0
    totals: dict[str, int] = field(default_factory=dict)
    record_ids: list[int] = field(default_factory=list)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def salt(session: Session) -> str:
    """A random salt made once and kept, so the same household ID always hashes the same here only."""
    value = session.scalar(select(ErasureSecret.value).where(ErasureSecret.name == _SALT_NAME))
    if value is None:
        value = secrets.token_hex(32)
        session.add(ErasureSecret(name=_SALT_NAME, value=value))
        session.flush()
    return value


def household_hash(salt_value: str, household_id: str) -> str:
    return hashlib.sha256(f"{salt_value}:{household_id}".encode()).hexdigest()


def due(session: Session, *, today: dt.date) -> list[Household]:
    """Registration expired more than three years ago, and no booking made or held in three years."""
    cutoff = years_before(today, RETENTION_YEARS)
    cutoff_at = tokyo_at(cutoff)
    recent_booking = exists().where(Reservation.household_pk == Household.id,
                                    or_(Reservation.day >= cutoff, Reservation.created_at >= cutoff_at))
    # registered_on < cutoff is necessary for valid_until < cutoff; the exact check follows in Python.
    candidates = session.scalars(select(Household).where(Household.registered_on < cutoff, ~recent_booking)
                                 .order_by(Household.id))
    return [h for h in candidates if h.valid_until() < cutoff]


def purge(session: Session, *, now: dt.datetime, dry_run: bool, actor: str = "system") -> PurgeReport:
    """Erase what is due (database cascades take the dependants) and leave one DeletionRecord each."""
    today = tokyo_date(now)
    report = PurgeReport(dry_run=dry_run, cutoff=years_before(today, RETENTION_YEARS))
    salt_value = "" if dry_run else salt(session)
    for household in due(session, today=today):
        counts = count_household(session, household)
        report.households += 1
        for name, count in counts.items():
            report.totals[name] = report.totals.get(name, 0) + count
        if dry_run:
            continue
        report.record_ids.append(erase_household(session, household, now=now, salt_value=salt_value,
                                                 counts=counts, reason="retention").id)
    if not dry_run and report.households:
        audit.record(session, actor=actor, action="retention.purged", now=now,
                     detail={"households": report.households, "deletion_records": report.record_ids})
    return report


def count_household(session: Session, household: Household) -> dict[str, int]:
    """What erasing the household takes away, by kind (the certificate's counts)."""
    counts = {name: session.scalar(select(func.count()).select_from(model)
                                   .where(model.household_pk == household.id)) or 0
              for name, model in _COUNTED}
    counts["provider_messages"] = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.household_pk == household.id, OutboxMessage.message_sid.is_not(None))) or 0
    counts["sms_conversations"] = session.scalar(select(func.count()).select_from(ConversationRecord).where(
        ConversationRecord.channel == "sms", ConversationRecord.key == household.phone)) or 0
    return counts


def erase_household(session: Session, household: Household, *, now: dt.datetime, salt_value: str,
                    counts: dict[str, int], reason: str) -> DeletionRecord:
    """Erase one household (database cascades take the dependants), queue Twilio's copies of its messages
    for deletion there, and leave one DeletionRecord: the purge's erasure and an erasure on request alike."""
    # Twilio keeps its own copy of every message we sent: the SIDs outlive the household
    # (and nothing else of it) so those copies are deleted there too, with retries.
    sids = list(session.execute(select(OutboxMessage.message_sid, OutboxMessage.channel).where(
        OutboxMessage.household_pk == household.id, OutboxMessage.message_sid.is_not(None))))
    # SMS threads are keyed by the number on file; calls by CallSid and expire on their own.
    session.execute(delete(ConversationRecord).where(ConversationRecord.channel == "sms",
                                                     ConversationRecord.key == household.phone))
    session.execute(delete(WebhookReceipt).where(WebhookReceipt.channel == "sms",
                                                 WebhookReceipt.key == household.phone))
    record = DeletionRecord(at=now, household_hash=household_hash(salt_value, household.household_id),
                            counts=counts, reason=reason)
    session.add(record)
    session.flush()
    for sid, channel in sids:
        resource = "call" if channel == "call" else "message"
        queued = session.scalar(select(ProviderDeletion).where(ProviderDeletion.sid == sid))
        if queued is None:
            session.add(ProviderDeletion(deletion_record_id=record.id, resource=resource, sid=sid,
                                         next_attempt_at=now))
        else:  # queued (or deleted) already at TWILIO_RETENTION_DAYS: the certificate lists it
            queued.deletion_record_id = queued.deletion_record_id or record.id
            if queued.status == "pending":
                queued.next_attempt_at = min(queued.next_attempt_at, now)
    session.execute(delete(Household).where(Household.id == household.id))
    session.flush()
    session.expunge(household)
    return record
