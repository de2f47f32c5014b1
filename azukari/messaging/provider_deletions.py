"""Deleting the copies of our messages that Twilio holds, after their household is purged.

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
                if int(error.status) == 404:
                    self._record(claim, error=None)  # already gone at Twilio: that is what we wanted
                else:
                    self._record(claim, error=classify(error).error)
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

    def _record(self, claim: _Claim, *, error: str | None) -> None:
        now = self.clock.now()
        if error is None:
            values: dict[str, object] = {"status": "deleted", "done_at": now, "claimed_until": None, "last_error": ""}
        elif claim.attempts >= MAX_ATTEMPTS:
            values = {"status": "failed", "claimed_until": None, "last_error": error[:200]}
        else:
            values = {"next_attempt_at": now + retry_delay(claim.attempts), "claimed_until": None,
                      "last_error": error[:200]}
        with self.database.unit_of_work() as session:
            still_ours = (ProviderDeletion.id == claim.id) & (ProviderDeletion.attempts == claim.attempts)
            result = session.execute(update(ProviderDeletion).where(still_ours)
                                     .values(**values).execution_options(synchronize_session=False))
            given_up = bool(cast(CursorResult[Any], result).rowcount) and values.get("status") == "failed"
            if given_up:
                # Staff see it among open cases; the certificate shows it as not deleted.
                open_escalation(session, kind="erasure_failed", channel="outbox", now=now,
                                details={"deletion_record_id": claim.deletion_record_id, "resource": claim.resource},
                                dedupe_key=f"erasure_failed:{claim.id}")
            session.commit()
        if cast(CursorResult[Any], result).rowcount and error is not None:
            _logger.warning("deleting a %s at Twilio failed (attempt %d): %s", claim.resource, claim.attempts, error)
