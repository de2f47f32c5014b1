"""Deleting the copies of our calls and messages that Twilio holds (contract §6, TWILIO_RETENTION_DAYS).

Queued when a call ends, an inbound text's conversation ends, or an outbound message or call reaches
its last status (`queue_deletion`), and when a household is purged; each is deleted when due, retried
until Twilio answers 204 (404: already gone). Error 20009 (the call or message is not final yet at
Twilio) is tried again later for up to about two weeks; a refusal (any other 4xx) and a failure that
outlasts the retries open a staff case.

Claim, delete and record are separate steps with a commit between each, as in the outbox
sender: the DELETE is I/O no transaction can roll back. Deleting twice is harmless (Twilio
answers 404 for a message already gone, which counts as done), so a lost claim only repeats it.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from azukari.clock import Clock
from azukari.db import Database
from azukari.messaging.models import ProviderDeletion
from azukari.messaging.twilio_http import classify
from azukari.oversight.escalations import open_escalation

_logger = logging.getLogger("azukari.erasure")

MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=5)
# Twilio's error 20009, "Cannot delete this resource before it is complete": "In rare cases, a message or
# call record may take up to 14 days to be finalized" (https://www.twilio.com/docs/api/errors/20009).
NOT_FINAL = "20009"
NOT_FINAL_ATTEMPTS = 26   # 1 minute doubling to a day: about 17 days of tries
# Answers that mean "try again": Twilio busy or down. Any other 4xx is a refusal, raised to staff at once.
_TRANSIENT = frozenset({408, 409, 429})


def resource_of(sid: str) -> str:
    """`call` for a CallSid (CA…), `message` for an SMS or MMS (SM…, MM…)."""
    return "call" if sid.startswith("CA") else "message"


def queue_deletion(session: Session, *, sid: str, due: dt.datetime, thread: str | None = None) -> None:
    """Delete Twilio's copy of `sid` at `due`; a SID already queued keeps its row (a redelivered callback).

    `thread` (a keyed digest, never a number) ties an inbound text to its conversation, so that the
    conversation's end can bring its texts' deletion forward (`due_with_thread`).
    """
    if not sid or len(sid) > 40:
        return
    existing = session.scalar(select(ProviderDeletion).where(ProviderDeletion.sid == sid))
    if existing is not None:
        if existing.status == "pending" and existing.deletion_record_id is None and thread is None:
            existing.next_attempt_at = min(existing.next_attempt_at, due)
        return
    try:
        with session.begin_nested():
            session.add(ProviderDeletion(resource=resource_of(sid), sid=sid, next_attempt_at=due, thread=thread))
    except IntegrityError:
        pass  # queued at the same moment by another instance: one row is what we want


def due_with_thread(session: Session, *, thread: str, due: dt.datetime) -> int:
    """Every text of a conversation still waiting is due at `due` (its end plus the retention)."""
    result = session.execute(update(ProviderDeletion)
                             .where(ProviderDeletion.thread == thread, ProviderDeletion.status == "pending")
                             .values(next_attempt_at=due).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def retry_delay(attempts: int) -> dt.timedelta:
    """10 minutes, doubling to a day: eight tries over about two days before staff are told."""
    return min(dt.timedelta(minutes=10 * 2 ** max(attempts - 1, 0)), dt.timedelta(days=1))


@dataclass(frozen=True)
class _Claim:
    id: int
    attempts: int
    resource: str
    sid: str
    deletion_record_id: int | None


class ProviderEraser:
    """Deletes due copies at Twilio; safe to run in several processes at once."""

    def __init__(self, *, database: Database, client: Client, clock: Clock) -> None:
        self.database, self.client, self.clock = database, client, clock

    def delete_due(self, limit: int = 50) -> int:
        """Claim up to `limit` due deletions and try each once; returns how many were tried."""
        claims = self._claim(limit)
        for claim in claims:
            try:
                self._delete(claim)
            except TwilioRestException as error:
                status, code = int(error.status), str(error.code or "")
                if status == 404:
                    self._record(claim, error=None)  # already gone at Twilio: that is what we wanted
                elif code == NOT_FINAL:
                    self._record(claim, error=classify(error).error, not_final=True)
                else:
                    refused = 400 <= status < 500 and status not in _TRANSIENT
                    self._record(claim, error=classify(error).error, refused=refused)
            except Exception as error:  # network trouble: retried like any other failure
                self._record(claim, error=classify(error).error)
            else:
                self._record(claim, error=None)
        return len(claims)

    def _claim(self, limit: int) -> list[_Claim]:
        now = self.clock.now()
        with self.database.unit_of_work() as session:
            rows = session.execute(select(ProviderDeletion.id, ProviderDeletion.attempts)
                                   .where(ProviderDeletion.status == "pending", ProviderDeletion.next_attempt_at <= now,
                                          or_(ProviderDeletion.claimed_until.is_(None),
                                              ProviderDeletion.claimed_until < now))
                                   .order_by(ProviderDeletion.id).limit(limit)).all()
            claims = []
            for row_id, attempts in rows:
                result = session.execute(update(ProviderDeletion)
                                         .where(ProviderDeletion.id == row_id, ProviderDeletion.attempts == attempts,
                                                ProviderDeletion.status == "pending")
                                         .values(attempts=attempts + 1, claimed_until=now + LEASE)
                                         .returning(ProviderDeletion.resource, ProviderDeletion.sid,
                                                    ProviderDeletion.deletion_record_id))
                claimed = result.first()
                if claimed is not None:
                    claims.append(_Claim(row_id, attempts + 1, claimed.resource, claimed.sid,
                                         claimed.deletion_record_id))
            session.commit()
        return claims

    def _delete(self, claim: _Claim) -> None:
        if claim.resource == "call":
            self.client.calls(claim.sid).delete()
        else:
            self.client.messages(claim.sid).delete()

    def _record(self, claim: _Claim, *, error: str | None, not_final: bool = False, refused: bool = False) -> None:
        now = self.clock.now()
        if error is None:
            values: dict[str, object] = {"status": "deleted", "done_at": now, "claimed_until": None, "last_error": ""}
        elif refused or claim.attempts >= (NOT_FINAL_ATTEMPTS if not_final else MAX_ATTEMPTS):
            values = {"status": "failed", "claimed_until": None, "last_error": error[:200]}
        else:
            # Not final yet at Twilio: "wait at least 1 minute", then several minutes (error 20009's page).
            delay = (min(dt.timedelta(minutes=2 ** max(claim.attempts - 1, 0)), dt.timedelta(days=1)) if not_final
                     else retry_delay(claim.attempts))
            values = {"next_attempt_at": now + delay, "claimed_until": None, "last_error": error[:200]}
        with self.database.unit_of_work() as session:
            still_ours = (ProviderDeletion.id == claim.id) & (ProviderDeletion.attempts == claim.attempts)
            result = session.execute(update(ProviderDeletion).where(still_ours)
                                     .values(**values).execution_options(synchronize_session=False))
            given_up = bool(cast(CursorResult[Any], result).rowcount) and values.get("status") == "failed"
            if given_up:
                # Staff see it among open cases; the certificate shows it as not deleted.
                open_escalation(session, kind="erasure_failed", channel="outbox", now=now,
                                details={"deletion_record_id": claim.deletion_record_id, "resource": claim.resource,
                                         "sid": claim.sid, "error": error},
                                dedupe_key=f"erasure_failed:{claim.id}")
            session.commit()
        if cast(CursorResult[Any], result).rowcount and error is not None:
            _logger.warning("deleting a %s at Twilio failed (attempt %d): %s", claim.resource, claim.attempts, error)
