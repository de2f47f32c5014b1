"""Conversation rows and webhook receipts: the row lock that orders one conversation's webhooks."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from azukari.ivr.models import ConversationRecord, SpentSid, WebhookReceipt

# How long call and text state outlives its last webhook. Long enough for Twilio's redeliveries
# and a 30-minute SMS thread; short, because it names a household and a child (product.md: minimum data).
STATE_KEPT = dt.timedelta(hours=2)
# How long an ended call's or an answered text's sid is remembered. A captured signed request never
# expires, so this is the ward's retention period for records (product.md: erased after 3 years);
# a row holds a Twilio id and a time, nothing about a person.
SPENT_KEPT = dt.timedelta(days=3 * 366)


def input_hash(secret: str, *parts: str | None) -> str:
    """A keyed digest of what was posted: receipts never hold what a caller said, and without
    AZUKARI_SECRET_KEY no one holding the table can test guesses (a PIN is only 10,000 of them)."""
    joined = "\x1f".join("" if p is None else p for p in parts)
    key = hashlib.sha256(b"azukari webhook receipts v2\x00" + secret.encode()).digest()
    return hmac.new(key, joined.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def spent(session: Session, *, channel: str, sid: str) -> bool:
    """Whether this call ended or this text was answered already: a replay of it does nothing."""
    return session.get(SpentSid, (channel, sid)) is not None


def spend(session: Session, *, channel: str, sid: str, now: dt.datetime) -> None:
    if spent(session, channel=channel, sid=sid):
        return
    try:
        with session.begin_nested():
            session.add(SpentSid(channel=channel, sid=sid, spent_at=now))
    except IntegrityError:
        pass  # another instance spent it a moment ago (two status callbacks of one call)


def _locked(session: Session, channel: str, key: str) -> ConversationRecord | None:
    # FOR UPDATE on PostgreSQL: two webhooks of one call (a redelivery racing the original)
    # queue here, so the second sees the first's receipt. SQLite serialises with BEGIN IMMEDIATE.
    return session.scalar(select(ConversationRecord).where(ConversationRecord.channel == channel,
                                                           ConversationRecord.key == key).with_for_update())


def conversation(session: Session, *, channel: str, key: str, now: dt.datetime) -> ConversationRecord:
    """The conversation row, locked for this unit of work, created on first contact."""
    record = _locked(session, channel, key)
    if record is not None:
        return record
    try:
        with session.begin_nested():
            session.add(ConversationRecord(channel=channel, key=key, state={}, ended=False, created_at=now,
                                           updated_at=now))
    except IntegrityError:
        pass  # another instance created it a moment ago; take it (and its lock) below
    record = _locked(session, channel, key)
    assert record is not None
    return record


def receipt(session: Session, *, channel: str, key: str, step: str, digest: str) -> str | None:
    """The answer already given to exactly this request, if any."""
    return session.scalar(select(WebhookReceipt.response).where(
        WebhookReceipt.channel == channel, WebhookReceipt.key == key, WebhookReceipt.step == step,
        WebhookReceipt.input_hash == digest))


def keep_receipt(session: Session, *, channel: str, key: str, step: str, digest: str, response: str,
                 now: dt.datetime) -> None:
    session.add(WebhookReceipt(channel=channel, key=key, step=step, input_hash=digest, response=response,
                               created_at=now))


def forget(session: Session, *, channel: str, key: str, now: dt.datetime) -> None:
    """Drop a finished call's state and receipts, remembering only that it ended."""
    if channel == "voice":
        spend(session, channel=channel, sid=key, now=now)
    session.execute(delete(WebhookReceipt).where(WebhookReceipt.channel == channel, WebhookReceipt.key == key))
    session.execute(delete(ConversationRecord).where(ConversationRecord.channel == channel,
                                                     ConversationRecord.key == key))


def forget_stale(session: Session, *, now: dt.datetime) -> int:
    """Drop every conversation and receipt idle for longer than STATE_KEPT; returns rows removed.

    A call idle that long is over even if its status callback never came: it is spent like one that did.
    """
    cutoff = now - STATE_KEPT
    for key in session.scalars(select(ConversationRecord.key).where(ConversationRecord.channel == "voice",
                                                                     ConversationRecord.updated_at < cutoff)):
        spend(session, channel="voice", sid=key, now=now)
    session.execute(delete(SpentSid).where(SpentSid.spent_at < now - SPENT_KEPT))
    receipts = session.execute(delete(WebhookReceipt).where(WebhookReceipt.created_at < cutoff))
    conversations = session.execute(delete(ConversationRecord).where(ConversationRecord.updated_at < cutoff))
    return int(getattr(receipts, "rowcount", 0) or 0) + int(getattr(conversations, "rowcount", 0) or 0)
