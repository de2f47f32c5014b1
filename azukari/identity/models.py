"""Verification attempts: the audit of every verification and the source of throttling."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from azukari.db import Base, UTCDateTime, utcnow


class VerificationAttempt(Base):
    """One verification decision. Holds which fields matched, never what was said."""

    __tablename__ = "verification_attempts"
    __table_args__ = (
        Index("ix_verification_attempts_number_at", "calling_number", "at"),
        Index("ix_verification_attempts_household_at", "household_pk", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(10))  # voice | sms | staff (a lift)
    method: Mapped[str] = mapped_column(String(10))  # knowledge | id | staff (a lift)
    outcome: Mapped[str] = mapped_column(String(10))  # verified | refused | reset (staff lifted a lock)
    reason: Mapped[str] = mapped_column(String(40))  # the real reason; never shown to the caller
    fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # {"child_name": "near", ...}
    calling_number: Mapped[str] = mapped_column(String(32))  # E.164, or "anonymous"
    # The household the attempt named, when the facts pointed at one (for per-household limits).
    household_pk: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), nullable=True)
    conversation_key: Mapped[str] = mapped_column(String(64), default="")
