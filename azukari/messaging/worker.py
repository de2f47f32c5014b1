"""`azukari worker`: the outbox sender as its own process, stopped cleanly by SIGTERM or SIGINT."""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from azukari.messaging.sender import run_until_stopped
from azukari.runtime import Runtime

_logger = logging.getLogger("azukari.outbox")


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
