"""Escalations for staff and the append-only, hash-chained audit trail."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from azukari.db import Base, UTCDateTime, utcnow


class Escalation(Base):
    """A case the bot hands to people: DV callers, failures, transfers, lost messages."""

    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # dv_caller | verification_failed | household_locked | dv_attempt | callback | transfer_unanswered
    # | message_undelivered | staff_requested
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(10))  # voice | sms | outbox | staff
    household_pk: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), nullable=True)
    dv: Mapped[bool] = mapped_column(Boolean, default=False)
    security_alert: Mapped[bool] = mapped_column(Boolean, default=False)
    calling_number: Mapped[str] = mapped_column(String(32), default="")
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)  # never spoken values
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | claimed | resolved
    claimed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True, nullable=True)


class AuditEntry(Base):
    """Append-only: each entry carries the hash of the one before it, so tampering shows."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_household_at", "household_pk", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(60))  # "bot", "staff:<id>", "system"
    action: Mapped[str] = mapped_column(String(60))
    household_pk: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChange(Base):
    """A field's value before and after a staff correction, beside the audit entry that records the change.

    Outside the chain on purpose: the entry (chained, kept for good) says which fields changed and holds no
    personal data; the values belong to the household and go with it (erasure, the three-year purge).
    Names, readings, addresses and numbers are kept masked even here (`audit.shown_value`).
    """

    __tablename__ = "audit_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("audit_log.id", ondelete="CASCADE"), index=True)
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    before: Mapped[str] = mapped_column(String(200))
    after: Mapped[str] = mapped_column(String(200))


class DeletionRecord(Base):
    """What is left of an erased household: no personal data, printable as a certificate."""

    __tablename__ = "deletion_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    household_hash: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(60), default="retention")
