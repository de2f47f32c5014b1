"""Prometheus metrics, one registry per runtime: what happened here, and what the database holds now.

No label ever carries a phone number, a name, a household or a booking number: labels are
routes, steps, channels, outcomes, kinds and job names, all from small fixed sets.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from azukari.booking.models import SeatOffer
from azukari.clock import Clock
from azukari.conversations.models import ConversationRecord
from azukari.db import Database
from azukari.identity.models import VerificationAttempt
from azukari.messaging.models import OutboxMessage
from azukari.oversight.models import AuditEntry, Escalation

# Twilio gives up on a voice webhook after 15 s: the top buckets show how near we come.
WEBHOOK_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 15.0, 30.0)
UNSENT = ("pending", "sending")
# A conversation is in progress while it has not ended and was answered recently.
IN_PROGRESS = {"voice": dt.timedelta(minutes=10), "sms": dt.timedelta(minutes=30)}
_FACTS = "azukari.metrics.facts"


def channel_of(actor: str) -> str:
    """An audit actor (`voice`, `sms`, `staff:12`, `cli`) as a label: never the staff member."""
    head = actor.split(":", 1)[0]
    return head if head in ("voice", "sms", "staff", "cli", "web") else "other"


class Metrics:
    """The counters and histograms of one process, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.webhook_seconds = Histogram(
            "azukari_webhook_seconds", "Time to answer a Twilio webhook", ["route", "step"],
            buckets=WEBHOOK_BUCKETS, registry=self.registry)
        self.bookings = Counter("azukari_bookings", "Bookings made", ["channel"], registry=self.registry)
        self.cancels = Counter("azukari_cancels", "Bookings cancelled", ["channel"], registry=self.registry)
        self.verifications = Counter("azukari_verifications", "Verification decisions", ["outcome"],
                                     registry=self.registry)
        self.job_runs = Counter("azukari_job_runs", "Periodic job runs", ["job", "result"], registry=self.registry)
        self.outbox_sends = Counter("azukari_outbox_sends", "Tries to send a text or make a call, by result",
                                    ["result"], registry=self.registry)
        for result in ("sent", "retry", "failed"):  # present at 0 from the start, so rate() and alerts see them
            self.outbox_sends.labels(result)
        # Twilio's Debugger events (POST /twilio/debugger) by Twilio error code and level (error | warning).
        self.twilio_debugger_events = Counter("azukari_twilio_debugger_events",
                                              "Errors and warnings Twilio's Debugger reported", ["code", "level"],
                                              registry=self.registry)

    def count_send(self, result: str) -> None:
        """One try of the outbox sender in this process: sent, retry (later) or failed (raised to staff)."""
        self.outbox_sends.labels(result if result in ("sent", "retry", "failed") else "other").inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def watch(self, database: Database, clock: Clock) -> None:
        """Count committed bookings, cancels and verifications; export what the database holds at scrape."""
        event.listen(database.sessions, "after_flush", _note_facts)
        event.listen(database.sessions, "after_commit", self._count_facts)
        event.listen(database.sessions, "after_rollback", _forget_facts)
        self.registry.register(DatabaseCollector(database, clock))

    def _count_facts(self, session: Session) -> None:
        for counter, label in session.info.pop(_FACTS, []):
            {"booking": self.bookings, "cancel": self.cancels, "verification": self.verifications}[counter] \
                .labels(label).inc()


def _note_facts(session: Session, _context: Any) -> None:
    # Audit entries and verification attempts are written by every channel in the same unit of
    # work as the fact itself, so counting them at commit counts exactly what was committed.
    facts: list[tuple[str, str]] = session.info.setdefault(_FACTS, [])
    for row in session.new:
        if isinstance(row, AuditEntry) and row.action in ("booking.created", "booking.cancelled"):
            facts.append(("booking" if row.action == "booking.created" else "cancel", channel_of(row.actor)))
        elif isinstance(row, VerificationAttempt):
            facts.append(("verification", row.outcome))


def _forget_facts(session: Session) -> None:
    session.info.pop(_FACTS, None)


Query = Callable[[Session, dt.datetime], Iterator[GaugeMetricFamily]]


class DatabaseCollector(Collector):
    """Gauges read from the database at each scrape; every instance reports the same shared truth."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self.clock.now()
        with self.database.unit_of_work() as session:
            yield from _conversations(session, now)
            yield from _outbox(session, now)
            yield from _escalations(session)
            yield from _seat_offers(session)


def _conversations(session: Session, now: dt.datetime) -> Iterator[GaugeMetricFamily]:
    gauge = GaugeMetricFamily("azukari_conversations_in_progress", "Calls and SMS threads under way",
                              labels=["channel"])
    for channel, idle in IN_PROGRESS.items():
        count = session.scalar(select(func.count()).select_from(ConversationRecord).where(
            ConversationRecord.channel == channel, ConversationRecord.ended.is_(False),
            ConversationRecord.updated_at >= now - idle)) or 0
        gauge.add_metric([channel], count)
    yield gauge


def _outbox(session: Session, now: dt.datetime) -> Iterator[GaugeMetricFamily]:
    backlog, oldest = session.execute(select(func.count(), func.min(OutboxMessage.created_at))
                                      .where(OutboxMessage.status.in_(UNSENT))).one()
    yield GaugeMetricFamily("azukari_outbox_backlog", "Texts waiting to be sent", value=backlog or 0)
    age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    yield GaugeMetricFamily("azukari_outbox_oldest_unsent_seconds", "Age of the oldest text not yet sent",
                            value=age)
    # Waiting for their next try: after a failed send (Twilio down, say), or a call unanswered or kept
    # out of the night. Apart from the backlog, whose age would jump every night with landline calls.
    retrying = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == "retry")) or 0
    yield GaugeMetricFamily("azukari_outbox_retrying", "Texts and calls waiting for their next try",
                            value=retrying)
    failed = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status.in_(("failed", "undelivered", "given_up")))) or 0
    yield GaugeMetricFamily("azukari_outbox_failed", "Texts that failed, were undelivered or given up",
                            value=failed)


def _escalations(session: Session) -> Iterator[GaugeMetricFamily]:
    gauge = GaugeMetricFamily("azukari_escalations_open", "Cases open for staff", labels=["kind"])
    for kind, count in session.execute(select(Escalation.kind, func.count()).where(
            Escalation.status != "resolved").group_by(Escalation.kind)):
        gauge.add_metric([kind], count)
    yield gauge


def _seat_offers(session: Session) -> Iterator[GaugeMetricFamily]:
    count = session.scalar(select(func.count()).select_from(SeatOffer).where(SeatOffer.status == "open")) or 0
    yield GaugeMetricFamily("azukari_seat_offers_open", "Freed seats held for a waiting family", value=count)
