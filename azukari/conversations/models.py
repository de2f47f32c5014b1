"""Conversation state per call or SMS thread, and receipts that make repeated webhooks harmless."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from azukari.db import Base, UTCDateTime, utcnow


class ConversationRecord(Base):
    """The state machine's state; holds ids and choices, never raw speech, names or addresses."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # voice | sms
    key: Mapped[str] = mapped_column(String(64))  # CallSid, or the sender's number for SMS
    state: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    ended: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookReceipt(Base):
    """The answer already given to (conversation, step, input): a redelivery gets it again."""

    __tablename__ = "webhook_receipts"
    __table_args__ = (UniqueConstraint("channel", "key", "step", "input_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(30))
    input_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SpentSid(Base):
    """A call that ended or a text that was answered: its signed webhooks are never acted on again.

    Twilio's signatures carry no time, so captured requests stay valid for ever; a CallSid or
    MessageSid is never reused, so remembering it (and nothing else) makes a replay harmless.
    """

    __tablename__ = "spent_sids"
    __table_args__ = (Index("ix_spent_sids_spent_at", "spent_at"),)

    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    spent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
