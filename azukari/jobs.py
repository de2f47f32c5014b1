"""Periodic jobs that `serve` and `worker` run beside their main work: stale state, reminders."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from azukari.booking import offers
from azukari.booking.reminders import queue_reminders
from azukari.clock import Clock
from azukari.conversations.store import forget_stale
from azukari.registration.expiry import queue_expiry_notices
from azukari.runtime import Runtime

log = logging.getLogger("azukari.jobs")

INTERVAL_SECONDS = 300.0


def _forget_stale(session: Session, clock: Clock) -> int:
    return forget_stale(session, now=clock.now())


def _queue_reminders(session: Session, clock: Clock) -> int:
    return queue_reminders(session, now=clock.now())


def _queue_expiry_notices(session: Session, clock: Clock) -> int:
    return queue_expiry_notices(session, now=clock.now())


def _pass_on_offers(session: Session, clock: Clock) -> int:
    return offers.pass_on_lapsed(session, now=clock.now())


# (what is logged, the job): each runs in its own unit of work, so one failing leaves the others be.
JOBS: tuple[tuple[str, Callable[[Session, Clock], int]], ...] = (
    ("stale conversation rows removed", _forget_stale),
    ("day-before reminders queued", _queue_reminders),
    ("registration expiry notices queued", _queue_expiry_notices),
    ("lapsed seat offers passed on", _pass_on_offers),
)


def run_once(runtime: Runtime) -> dict[str, int]:
    """Every job once, each committed on its own; counts by job (a failed job is logged and left out)."""
    counts: dict[str, int] = {}
    for what, job in JOBS:
        try:
            with runtime.database.unit_of_work() as session:
                count = job(session, runtime.clock)
                session.commit()
        except Exception:
            log.exception("periodic job failed: %s", what)
            runtime.metrics.job_runs.labels(what, "failed").inc()
            continue
        runtime.metrics.job_runs.labels(what, "ok").inc()
        counts[what] = count
        if count:
            log.info("%d %s", count, what)  # counts only: never who or what was texted
    return counts


def run_tasks(runtime: Runtime, tasks: Sequence[tuple[str, Callable[[], object]]]) -> None:
    """Jobs that open their own units of work or reach Twilio (the daily erasure, deletions at Twilio)."""
    for what, task in tasks:
        try:
            task()
        except Exception:
            log.exception("periodic job failed: %s", what)
            runtime.metrics.job_runs.labels(what, "failed").inc()
            continue
        runtime.metrics.job_runs.labels(what, "ok").inc()


def start(runtime: Runtime, *, interval: float = INTERVAL_SECONDS,
          tasks: Sequence[tuple[str, Callable[[], object]]] = ()) -> threading.Event:
    """Run the jobs (and `tasks`) every `interval` seconds on a daemon thread until the returned event is set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            run_once(runtime)
            run_tasks(runtime, tasks)

    threading.Thread(target=loop, name="periodic-jobs", daemon=True).start()
    return stop
