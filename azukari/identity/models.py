"""Verification attempts: the audit of every verification and the source of throttling."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
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


class MatchKeys(Base):
    """A child's name, its guardian's name and its address as verification compares them, worked out when
    they were registered (`identity.keys`, `identity.stored_keys`): one row per child.

    Derived from the registry and erased with it (the foreign keys cascade). Rows are kept in birthdate
    order (the primary key leads with it; SQLite stores the table in that order), so the candidates of one
    birthdate are read together rather than one page each. `version` is the key format and dictionaries
    that made the row (`keys.keys_version`): a row of another version is not used. `source` is a digest of
    the values it was made from, so a writer can tell which rows changed.
    """

    __tablename__ = "match_keys"
    __table_args__ = (
        Index("ix_match_keys_child_id", "child_id", unique=True),
        Index("ix_match_keys_household_pk", "household_pk"),
        {"sqlite_with_rowid": False},
    )

    birthdate: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), primary_key=True)
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(Text)
    guardian: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)
