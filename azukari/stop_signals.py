"""SIGTERM and SIGINT handed to a process's own way of stopping, for `serve` and `worker` alike."""
from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def stop_signals_to(handler: Callable[[int], None]) -> Iterator[None]:
    """Within the block, SIGTERM and SIGINT call `handler(signum)`; the previous handlers come back after.

    Signals reach only the main thread: run from another (a test's), this installs nothing and the
    caller stops the work itself.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _handler(signum: int, _frame: FrameType | None) -> None:
        handler(signum)

    previous = {sig: signal.signal(sig, _handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
