"""The outbox: every message to a parent, written in the same transaction as what caused it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from azukari.db import Base, UTCDateTime, utcnow


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # confirmation | cancellation | listing | notice | reminder
    household_pk: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), nullable=True)
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), nullable=True)
    to_number: Mapped[str] = mapped_column(String(20))  # always the number on file
    body: Mapped[str] = mapped_column(Text)
    # pending -> sending -> sent -> delivered | undelivered | failed ; or given_up, or withdrawn
    # (a reminder of a booking cancelled before it went out)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    message_sid: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # How it went out, decided when sending: `call` for a number on file that cannot take SMS.
    channel: Mapped[str] = mapped_column(String(5), default="sms", server_default="sms")
    # The parent's own call this message answers: by call it waits until that call has ended.
    after_call: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # A send whose outcome we never learnt (a sender killed between Twilio's answer and the record, a
    # request that timed out): before it is sent again it is looked up at the provider.
    maybe_sent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Calls that rang without an answer (busy, no-answer): only those retries wait out the quiet hours.
    unanswered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ProviderDeletion(Base):
    """A copy of one of our calls or messages held by Twilio, deleted there TWILIO_RETENTION_DAYS after it ended.

    The row carries only Twilio's SID (no number, no text) and outlives the household, so the
    deletion can be retried and reported on the deletion certificate.
    """

    __tablename__ = "provider_deletions"
    __table_args__ = (Index("ix_provider_deletions_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deletion_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("deletion_records.id", ondelete="SET NULL"), nullable=True, index=True)
    resource: Mapped[str] = mapped_column(String(10), default="message")  # message | call
    sid: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | deleted | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # An inbound text's conversation, as a keyed digest (never the number): its end makes the texts due.
    thread: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
