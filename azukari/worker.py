"""`azukari worker`: the outbox sender as its own process, stopped cleanly by SIGTERM or SIGINT.

Also the one place the periodic work is put together (stale state, reminders, expiry notices, offers,
the daily erasure and deletions at Twilio), for `worker` and for `serve` alike: the jobs and the
erasure sit on the same floor, so neither may gather the other.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

from azukari import jobs
from azukari.erasure.tasks import erasure_tasks
from azukari.messaging.sender import run_until_stopped
from azukari.runtime import Runtime
from azukari.stop_signals import stop_signals_to

_logger = logging.getLogger("azukari.outbox")


def _tasks(runtime: Runtime) -> list[tuple[str, Callable[[], object]]]:
    return erasure_tasks(database=runtime.database, clock=runtime.clock, settings=runtime.settings,
                         client=runtime.twilio_client())


def start_periodic(runtime: Runtime) -> threading.Event:
    """Every periodic job, on a daemon thread, until the returned event is set (safe on several instances)."""
    return jobs.start(runtime, tasks=_tasks(runtime))


def run_periodic_once(runtime: Runtime) -> None:
    """Every periodic job once, now: the jobs first, so the reminders they queue can go out straight after."""
    jobs.run_once(runtime)
    jobs.run_tasks(runtime, _tasks(runtime))


def run_worker(runtime: Runtime, *, once: bool = False) -> None:
    """Send due messages until stopped; with `once`, send everything due now and return."""
    sender = runtime.outbox_sender()
    if once:
        while sender.send_due() > 0:
            pass  # a message that failed waits for its retry time, so this ends
        return
    with _stop_on_signals(sender.stopping):
        poll = runtime.settings.outbox_poll_seconds
        _logger.info("outbox worker started (poll every %.1f s)", poll)
        run_until_stopped(sender, poll)
        _logger.info("outbox worker stopped")


def _stop_on_signals(stopping: threading.Event) -> AbstractContextManager[None]:
    # A signal only sets the flag: the message being sent is finished and recorded first and
    # the rest of the batch handed back, so stopping never leaves a row 'sending' for a lease.
    # From another thread nothing is installed: the caller stops us through the event.
    return stop_signals_to(lambda _signum: stopping.set())
