"""The outbox sender: claims due messages, hands them to the SMS provider, records what happened.

Claim, send and record are three steps with a commit between each, because the send is I/O
to Twilio that no database transaction can roll back. A sender killed (or a connection lost)
after Twilio accepted a message but before its MessageSid was recorded must not text the parent
twice, so the gap is closed three ways:

- the status callback's URL names the outbox row (`?m=<id>`, signed with the rest of the URL), so
  the first send's own callback records its SID even when the sender never did;
- a pass that fails hands its claim back at once, marked as maybe sent, rather than leaving it to
  wait out its lease;
- a row whose send may have gone out (`maybe_sent`, or a claim whose lease ran out) is looked up at
  the provider before it is sent again, and recorded as sent if the provider holds the copy.

What is left is a copy the provider does not list yet when the lookup runs: the duplicate is the
lesser harm, as marking a message sent before sending it could lose a confirmation.

A message that goes by call (a landline) is closed the same first two ways: the call's status callback
names its row too, and a call that may have been placed waits CALLBACK_WAIT for that callback before it
is placed again (a call carries no body to look up by, and a second call rings the whole house again).

Sends run on a small thread pool, so one hung request delays only its own message.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select, update
from twilio.rest import Client

from azukari.clock import Clock
from azukari.db import Database
from azukari.households.phone import can_take_sms
from azukari.messaging.call_delivery import call_wait
from azukari.messaging.models import OutboxMessage
from azukari.messaging.outbox import recipient_now
from azukari.messaging.sms_provider import SmsProvider, make_sms_provider
from azukari.messaging.spoken_messages import announcement
from azukari.messaging.status import escalate_undelivered
from azukari.messaging.twilio_http import SendFailure, classify, make_twilio_client
from azukari.oversight.audit import record
from azukari.oversight.escalations import open_escalation
from azukari.settings import Settings

_logger = logging.getLogger("azukari.outbox")

MAX_ATTEMPTS = 12
FIRST_RETRY_SECONDS = 2.0
RETRY_CAP_SECONDS = 300.0
# Requests to the provider in flight at once per sender: one hung request holds one slot, not the outbox.
SEND_CONCURRENCY = 8


def retry_delay(attempts: int) -> dt.timedelta:
    """2 s, 4 s, 8 s … capped at 5 minutes: ~23 minutes in all before a message is given up."""
    return dt.timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), RETRY_CAP_SECONDS))


@dataclass(frozen=True)
class _Claim:
    id: int
    attempts: int  # the claim's token: a later claim of the same row has a higher count
    to_number: str
    body: str
    kind: str = "notice"
    created_at: dt.datetime | None = None
    after_call: str | None = None
    maybe_sent: bool = False  # an earlier try may have gone out: look it up before sending
    unanswered: int = 0       # calls of this message that rang unanswered
    waited: bool = False      # a call that may have been placed has waited CALLBACK_WAIT for its callback


# A delivery call rings for at most a minute and reads its message in about one more: by then its status
# callback has come, if the call was placed at all.
CALLBACK_WAIT = dt.timedelta(minutes=5)
WAITED_FOR_CALLBACK = "the last call may have been placed: waited for its status callback"


class OutboxSender:
    """Sends what the outbox holds; safe to run in several processes at once."""

    def __init__(self, *, database: Database, settings: Settings, clock: Clock,
                 client: Client | None = None, counted: Callable[[str], None] | None = None,
                 sms: SmsProvider | None = None, concurrency: int = SEND_CONCURRENCY) -> None:
        self.database = database
        # Told each try's result ("sent", "retry", "failed"): the process's metrics count them.
        self._counted = counted or (lambda _result: None)
        self.settings = settings
        self.clock = clock
        self.client = client or make_twilio_client(settings)
        self.sms = sms or make_sms_provider(settings, self.client)
        self.status_callback = f"{settings.public_base_url}/twilio/sms/status"
        self.call_status_callback = f"{settings.public_base_url}/twilio/voice/status"
        # Set by whoever runs us (a signal, `serve` shutting down): the batch stops after the
        # message in hand and hands back the rest, rather than leaving them to wait out a lease.
        self.stopping = threading.Event()
        self.concurrency = max(1, concurrency)
        self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="outbox-send")
        self._slots = threading.Semaphore(self.concurrency)
        self._slot_freed = threading.Event()

    def lease(self, limit: int) -> dt.timedelta:
        # Long enough for a whole batch to time out one request after another.
        return dt.timedelta(seconds=60 + 15 * limit)

    def status_callback_for(self, outbox_id: int) -> str:
        """The status callback names its row, so even a send never recorded is recorded by its callback."""
        return f"{self.status_callback}?m={outbox_id}"

    def call_status_callback_for(self, outbox_id: int) -> str:
        """As `status_callback_for`, for a call that carries the message."""
        return f"{self.call_status_callback}?m={outbox_id}"

    def send_due(self, limit: int = 20) -> int:
        """Claim up to `limit` due messages and try each once (several at a time); how many were tried."""
        claims = self._claim(limit)
        tries = [self._pool.submit(self._try, claim) for claim in claims]
        wait_for(tries)
        return sum(1 for done in tries if done.exception() is not None or done.result())

    def start_due(self) -> int:
        """Claim as many due messages as there are free sending slots and start them; don't wait.

        The background loop calls this: a slow request holds its own slot while the others go on.
        """
        slots = 0
        while slots < self.concurrency and self._slots.acquire(blocking=False):
            slots += 1
        if not slots:
            return 0
        try:
            claims = self._claim(slots)
        except Exception:
            for _ in range(slots):
                self._slots.release()
            raise
        for _ in range(slots - len(claims)):
            self._slots.release()
        for claim in claims:
            self._pool.submit(self._try, claim).add_done_callback(self._free_slot)
        return len(claims)

    def _free_slot(self, _future: Future[bool]) -> None:
        self._slots.release()
        self._slot_freed.set()

    def wait_for_work(self, seconds: float) -> None:
        """Sleep until a sending slot frees up or `seconds` pass (or we are stopping)."""
        self._slot_freed.clear()
        if self.stopping.wait(0):
            return
        self._slot_freed.wait(seconds)

    def settle(self, timeout: float = 15.0) -> None:
        """Wait (at most `timeout`) until no send is in hand: each ends by its request timeout."""
        taken = 0
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=timeout)
        while taken < self.concurrency:
            left = (deadline - dt.datetime.now(dt.UTC)).total_seconds()
            if left <= 0 or not self._slots.acquire(timeout=left):
                break
            taken += 1
        for _ in range(taken):
            self._slots.release()

    def close(self, timeout: float | None = None) -> None:
        """Let the sends in hand finish (each ends by its request timeout), then free the pool."""
        self._pool.shutdown(wait=timeout is None or timeout > 0, cancel_futures=False)

    def _try(self, claim: _Claim) -> bool:
        """One try of one claimed message, settled or handed back whatever goes wrong; False if not tried."""
        if self.stopping.is_set():
            self._release([claim])
            return False
        try:
            if not can_take_sms(claim.to_number):
                self._deliver_by_call(claim)
            else:
                self._send_text(claim)
        except Exception as error:  # a record lost its connection, or a bug: hand the row back now
            _logger.error("outbox %s: try failed before its record (%s); handing it back", claim.id,
                          type(error).__name__)
            try:
                self._hand_back(claim, error)
            except Exception as again:  # the database is away: the lease brings it back instead
                _logger.error("outbox %s: could not hand it back (%s)", claim.id, type(again).__name__)
        return True

    def _send_text(self, claim: _Claim) -> None:
        if claim.maybe_sent:
            try:
                found = self.sms.find_sent(to=claim.to_number, body=claim.body,
                                           since=claim.created_at or self.clock.now())
            except Exception as error:  # no answer: never send blind, try the lookup again later
                self._record_failure(claim, classify(error), maybe_sent=True)
                return
            if found is not None:
                _logger.info("outbox %s: found at the provider as %s; not sent again", claim.id, found)
                self._record_sent(claim, found)
                return
        try:
            sid = self._send(claim)
        except Exception as error:  # every failure is classified, none is lost
            failure = classify(error)
            self._record_failure(claim, failure, maybe_sent=claim.maybe_sent or failure.maybe_sent)
        else:
            self._record_sent(claim, sid)

    def _deliver_by_call(self, claim: _Claim) -> None:
        """A number on file that cannot take SMS hears the message by a call; nothing is texted to it."""
        now = self.clock.now()
        if not self.settings.twilio_voice_from:
            self._to_staff(claim)
            return
        # Only a call that rang unanswered makes the next try a retry that waits out the night; an API
        # error, or a sender that died holding the call, never rang anyone: that call is made at once.
        wait = call_wait(kind=claim.kind, attempts=claim.unanswered + 1, created_at=claim.created_at or now,
                         after_call=claim.after_call, now=now, quiet=self.settings.quiet_hours)
        if wait is not None:
            self._postpone(claim, until=wait)
            return
        if claim.maybe_sent and not claim.waited:
            # An earlier try's call may be ringing now: its own status callback records it (`?m=`); only a
            # call no callback came for is placed again.
            self._postpone(claim, until=now + CALLBACK_WAIT, waiting_for_callback=True)
            return
        try:
            call = self.client.calls.create(
                to=claim.to_number, from_=self.settings.twilio_voice_from,
                twiml=announcement(claim.body, repeat_action=self.outbound_action(claim.id), kind=claim.kind),
                status_callback=self.call_status_callback_for(claim.id))
        except Exception as error:
            failure = classify(error)  # a request that timed out may have placed the call
            self._record_failure(claim, failure, maybe_sent=failure.maybe_sent)
        else:
            self._record_sent(claim, str(call.sid), channel="call")

    def _to_staff(self, claim: _Claim) -> None:
        # Without a voice number nothing can reach this family but a person: staff call them.
        with self.database.unit_of_work() as session:
            now = self.clock.now()
            updated = session.execute(update(OutboxMessage).where(self._still_ours(claim)).values(
                status="failed", claimed_until=None, last_error="no SMS on this number and no TWILIO_VOICE_FROM"))
            self._counted("failed")
            if updated.rowcount:  # type: ignore[attr-defined]
                message = session.get_one(OutboxMessage, claim.id)
                open_escalation(session, kind="callback", channel="outbox", now=now,
                                household_pk=message.household_pk, dedupe_key=f"callback:outbox:{message.id}",
                                details={"outbox_id": message.id, "kind": message.kind,
                                         "reservation_id": message.reservation_id, "reason": "no_sms_no_voice_sender"})
            session.commit()

    def outbound_action(self, outbox_id: int) -> str:
        return f"{self.settings.public_base_url}/twilio/voice/outbound?m={outbox_id}"

    def _postpone(self, claim: _Claim, *, until: dt.datetime, waiting_for_callback: bool = False) -> None:
        # Not a try: the attempt the claim counted is handed back.
        values: dict[str, object] = {"status": "retry", "claimed_until": None, "attempts": claim.attempts - 1,
                                     "next_attempt_at": until}
        if waiting_for_callback:  # still maybe sent (its callback may record it); the next claim calls
            values["last_error"] = WAITED_FOR_CALLBACK
        with self.database.unit_of_work() as session:
            session.execute(update(OutboxMessage).where(self._still_ours(claim)).values(**values))
            session.commit()

    def _claim(self, limit: int) -> list[_Claim]:
        with self.database.unit_of_work() as session:
            now = self.clock.now()
            due = or_(and_(OutboxMessage.status.in_(("pending", "retry")), OutboxMessage.next_attempt_at <= now),
                      and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until <= now))
            query = select(OutboxMessage).where(due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            if self.database.dialect == "postgresql":
                # Concurrent workers skip each other's rows instead of waiting and sending them again.
                # SQLite needs nothing here: BEGIN IMMEDIATE already serialises whole claim transactions.
                query = query.with_for_update(skip_locked=True)
            messages = session.scalars(query.limit(limit)).all()
            until = now + self.lease(limit)
            claims = []
            for message in messages:
                to_number = recipient_now(session, message=message, now=now)
                if to_number is None:
                    continue  # a DV household's message: held for staff, never sent
                if message.status == "sending":  # its sender died holding it: the send may have gone out
                    message.maybe_sent = True
                message.status, message.claimed_until = "sending", until
                message.attempts += 1
                claims.append(_Claim(message.id, message.attempts, to_number, message.body, message.kind,
                                     message.created_at, message.after_call, message.maybe_sent,
                                     message.unanswered, waited=message.last_error == WAITED_FOR_CALLBACK))
            session.commit()
        return claims

    def _send(self, claim: _Claim) -> str:
        return self.sms.send(to=claim.to_number, body=claim.body, status_callback=self.status_callback_for(claim.id))

    def _still_ours(self, claim: _Claim) -> ColumnElement[bool]:
        # Another worker may have re-claimed the row after our lease ran out; its record wins.
        return and_(OutboxMessage.id == claim.id, OutboxMessage.status == "sending",
                    OutboxMessage.attempts == claim.attempts)

    def _release(self, claims: list[_Claim]) -> None:
        with self.database.unit_of_work() as session:
            for claim in claims:
                session.execute(update(OutboxMessage).where(self._still_ours(claim)).values(
                    status="retry", claimed_until=None, attempts=claim.attempts - 1))
            session.commit()

    def _hand_back(self, claim: _Claim, error: Exception) -> None:
        """Due again at once, marked as maybe sent: the next try looks it up before sending.

        A fault that keeps coming back (a bug, not a dropped connection) backs off like any failed
        try after the first, and is given up to staff at the last attempt.
        """
        if claim.attempts >= MAX_ATTEMPTS:
            self._record_failure(claim, SendFailure(True, f"unexpected {type(error).__name__}", None), maybe_sent=True)
            return
        now = self.clock.now()
        due = now if claim.attempts <= 1 else now + retry_delay(claim.attempts - 1)
        with self.database.unit_of_work() as session:
            session.execute(update(OutboxMessage).where(self._still_ours(claim)).values(
                status="retry", claimed_until=None, maybe_sent=True, next_attempt_at=due))
            session.commit()

    def _record_sent(self, claim: _Claim, sid: str, *, channel: str = "sms") -> None:
        self._counted("sent")  # Twilio took it, whether or not the row is still ours to record
        with self.database.unit_of_work() as session:
            now = self.clock.now()
            message = session.scalar(select(OutboxMessage).where(self._still_ours(claim)))
            if message is None:
                if session.scalar(select(OutboxMessage.message_sid).where(OutboxMessage.id == claim.id)) != sid:
                    _logger.warning("outbox %s: sent again after its lease ran out (%s)", claim.id, sid)
                return  # else its status callback recorded it first
            message.status, message.message_sid, message.sent_at = "sent", sid, now
            message.channel, message.maybe_sent = channel, False
            message.claimed_until, message.last_error = None, ""
            record(session, actor="system", action="message_sent", now=now, household_pk=message.household_pk,
                   detail={"outbox_id": message.id, "kind": message.kind, "reservation_id": message.reservation_id,
                           "message_sid": sid, "attempts": message.attempts})
            session.commit()
        _logger.info("outbox %s (%s) sent as %s", claim.id, claim.kind, sid)  # the kind is a word of ours

    def _record_failure(self, claim: _Claim, failure: SendFailure, *, maybe_sent: bool = False) -> None:
        with self.database.unit_of_work() as session:
            now = self.clock.now()
            give_up = not failure.transient or claim.attempts >= MAX_ATTEMPTS
            values: dict[str, object] = {"claimed_until": None, "last_error": failure.error[:200],
                                         "maybe_sent": maybe_sent}
            if give_up:
                values["status"] = "failed"
            else:
                values.update(status="retry", next_attempt_at=now + retry_delay(claim.attempts))
            updated = session.execute(update(OutboxMessage).where(self._still_ours(claim))
                                      .values(**values))
            if give_up and updated.rowcount:  # type: ignore[attr-defined]
                message = session.get_one(OutboxMessage, claim.id)
                escalate_undelivered(session, message=message, now=now, error_code=failure.code,
                                     reason="refused" if not failure.transient else "gave_up")
            session.commit()
        self._counted("failed" if give_up else "retry")
        _logger.warning("outbox %s attempt %s failed: %s%s", claim.id, claim.attempts, failure.error,
                        " — given up, staff alerted" if give_up else "")


class BackgroundSender:
    """A daemon thread polling the outbox; `azukari serve` runs one in-process."""

    def __init__(self, sender: OutboxSender, poll_seconds: float) -> None:
        self._sender = sender
        self._thread = threading.Thread(target=run_until_stopped, args=(sender, poll_seconds),
                                        name="outbox-sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the messages in hand, then end; returns when the thread has (or after `timeout`)."""
        self._sender.stopping.set()
        self._thread.join(timeout)
        self._sender.close(timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()


def run_until_stopped(sender: OutboxSender, poll_seconds: float) -> None:
    """Send while there is work, sleep `poll_seconds` when there is none, until `sender.stopping` is set."""
    stopping = sender.stopping
    while not stopping.is_set():
        try:
            busy = sender.start_due() > 0
        except Exception as error:  # a dead sender thread would lose every later message
            _logger.error("outbox pass failed: %s", type(error).__name__)
            busy = False
        if not busy:
            sender.wait_for_work(poll_seconds)
    sender.settle()  # the messages in hand are sent and recorded; those not started were handed back


def start_background(sender: OutboxSender, poll_seconds: float) -> BackgroundSender:
    """Run `sender` on a daemon thread until the handle's `.stop()`."""
    return BackgroundSender(sender, poll_seconds)
