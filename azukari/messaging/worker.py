"""`azukari worker`: the outbox sender as its own process, stopped cleanly by SIGTERM or SIGINT."""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from azukari.clock import SystemClock
from azukari.db import Database
from azukari.messaging.sender import OutboxSender, run_until_stopped
from azukari.messaging.twilio_http import HttpxTwilioClient, make_twilio_client
from azukari.settings import Settings

_logger = logging.getLogger("azukari.outbox")


def run_worker(settings: Settings, *, once: bool = False) -> None:
    """Send due messages until stopped; with `once`, send everything due now and return."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    database = Database(settings.database_url, secret_key=settings.azukari_secret_key)
    http = HttpxTwilioClient(base_url=settings.twilio_api_base_url)
    sender = OutboxSender(database=database, settings=settings, clock=SystemClock(),
                          client=make_twilio_client(settings, http))
    try:
        if once:
            while sender.send_due() > 0:
                pass  # a message that failed waits for its retry time, so this ends
            return
        with _stop_on_signals(sender.stopping):
            _logger.info("outbox worker started (poll every %.1f s)", settings.outbox_poll_seconds)
            run_until_stopped(sender, settings.outbox_poll_seconds)
            _logger.info("outbox worker stopped")
    finally:
        http.close()
        database.dispose()


@contextmanager
def _stop_on_signals(stopping: threading.Event) -> Iterator[None]:
    # A signal only sets the flag: the message being sent is finished and recorded first and
    # the rest of the batch handed back, so stopping never leaves a row 'sending' for a lease.
    def _handler(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread; the caller stops us through the event
        return
    previous = {sig: signal.signal(sig, _handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
