"""Conversation rows and webhook receipts: the row lock that orders one conversation's webhooks.

A call's webhooks go through `open_call`, `save` and `keep_receipt`: prepared Core statements on
the unit of work's connection, a few hundred microseconds a webhook that the ORM spent building
expressions and tracking objects (docs/benchmarks.md, "Calls"). Texts and the rarer voice
callbacks use the ORM row (`conversation`).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from azukari.conversations.models import ConversationRecord, SpentSid, WebhookReceipt

# How long call and text state outlives its last webhook. Long enough for Twilio's redeliveries
# and a 30-minute SMS thread; short, because it names a household and a child (product.md: minimum data).
STATE_KEPT = dt.timedelta(hours=2)
# How long an ended call's or an answered text's sid is remembered. A captured signed request never
# expires, so this is the ward's retention period for records (product.md: erased after 3 years);
# a row holds a Twilio id and a time, nothing about a person.
SPENT_KEPT = dt.timedelta(days=3 * 366)


@functools.lru_cache(maxsize=4)
def _receipt_key(secret: str) -> bytes:
    return hashlib.sha256(b"azukari webhook receipts v2\x00" + secret.encode()).digest()


def input_hash(secret: str, *parts: str | None) -> str:
    """A keyed digest of what was posted: receipts never hold what a caller said, and without
    AZUKARI_SECRET_KEY no one holding the table can test guesses (a PIN is only 10,000 of them)."""
    joined = "\x1f".join("" if p is None else p for p in parts)
    return hmac.new(_receipt_key(secret), joined.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


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


_conversations = cast(Table, ConversationRecord.__table__)
_receipts = cast(Table, WebhookReceipt.__table__)
_spent = cast(Table, SpentSid.__table__)
# Built once: SQLAlchemy then only looks up the compiled form. The spent flag rides on the row's read,
# so a call in progress costs one statement to open; a call's first webhook finds no row and asks apart.
_SPENT = exists().where(_spent.c.channel == bindparam("channel"), _spent.c.sid == bindparam("key"))
_OPEN = (select(_conversations.c.id, _conversations.c.state, _SPENT.label("spent"))
         .where(_conversations.c.channel == bindparam("channel"), _conversations.c.key == bindparam("key"))
         .with_for_update(of=_conversations))
_IS_SPENT = select(_SPENT)
_SAVE = (update(_conversations).where(_conversations.c.id == bindparam("row"))
         .values(state=bindparam("state"), ended=bindparam("ended"), updated_at=bindparam("now")))
_KEEP = insert(_receipts)
_RECEIPT = select(_receipts.c.response).where(
    _receipts.c.channel == bindparam("channel"), _receipts.c.key == bindparam("key"),
    _receipts.c.step == bindparam("step"), _receipts.c.input_hash == bindparam("digest"))


@functools.cache
def _create(dialect: str) -> Any:
    # INSERT ... ON CONFLICT DO NOTHING RETURNING id: a webhook of the same new call on another
    # instance may create the row first; then we wait for it (PostgreSQL) and take that row instead.
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_conversations)
    return statement.values(channel=bindparam("channel"), key=bindparam("key"), state={}, ended=False,
                            created_at=bindparam("now"), updated_at=bindparam("now")) \
        .on_conflict_do_nothing(index_elements=["channel", "key"]).returning(_conversations.c.id)


@dataclass(frozen=True)
class Opened:
    """A call's conversation row, locked for this unit of work (FOR UPDATE on PostgreSQL)."""

    row: int
    state: dict[str, Any]


def open_call(session: Session, *, key: str, now: dt.datetime) -> Opened | None:
    """The call's row, locked, created on its first webhook; None when the call has ended (spent)."""
    connection = session.connection()
    found = connection.execute(_OPEN, {"channel": "voice", "key": key}).first()
    if found is not None:
        # A row and a spent sid together only if a webhook raced the call's end: the end wins.
        return None if found.spent else Opened(found.id, found.state or {})
    if connection.execute(_IS_SPENT, {"channel": "voice", "key": key}).scalar():
        return None
    created = connection.execute(_create(connection.dialect.name),
                                 {"channel": "voice", "key": key, "now": now}).scalar()
    if created is not None:
        return Opened(created, {})
    found = connection.execute(_OPEN, {"channel": "voice", "key": key}).first()
    assert found is not None  # created a moment ago by another instance, and never deleted before its commit
    return None if found.spent else Opened(found.id, found.state or {})


def save(session: Session, *, row: int, state: dict[str, Any], ended: bool, now: dt.datetime) -> None:
    session.connection().execute(_SAVE, {"row": row, "state": state, "ended": ended, "now": now})


def receipt(session: Session, *, channel: str, key: str, step: str, digest: str) -> str | None:
    """The answer already given to exactly this request, if any."""
    return session.connection().execute(_RECEIPT, {"channel": channel, "key": key, "step": step,
                                                   "digest": digest}).scalar()


def keep_receipt(session: Session, *, channel: str, key: str, step: str, digest: str, response: str,
                 now: dt.datetime) -> None:
    session.connection().execute(_KEEP, {"channel": channel, "key": key, "step": step, "input_hash": digest,
                                         "response": response, "created_at": now})


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
