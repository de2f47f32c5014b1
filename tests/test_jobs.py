"""The periodic jobs of `serve` and `worker`: each commits on its own, and the loop keeps running them."""
from __future__ import annotations

import time
from pathlib import Path

from test_booking_reminders import DAY_BEFORE_NOON, book_ahead, queued_reminders

from azukari import jobs
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.runtime import build
from azukari.settings import Settings


def test_one_round_of_jobs_commits_the_due_reminders(database: Database, tmp_path: Path) -> None:
    reservation_id = book_ahead(database, tmp_path)

    runtime = build(Settings(database_url=database.url), database=database, clock=FixedClock(DAY_BEFORE_NOON))

    counts = jobs.run_once(runtime)

    assert counts["day-before reminders queued"] == 1
    assert [m[0] for m in queued_reminders(database)] == [reservation_id]


def test_the_jobs_thread_runs_the_jobs_until_stopped(sqlite_database: Database, tmp_path: Path) -> None:
    reservation_id = book_ahead(sqlite_database, tmp_path)
    runtime = build(Settings(database_url=sqlite_database.url), database=sqlite_database,
                    clock=FixedClock(DAY_BEFORE_NOON))

    stop = jobs.start(runtime, interval=0.05)
    try:
        deadline = time.monotonic() + 5
        while not queued_reminders(sqlite_database) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()

    assert [m[0] for m in queued_reminders(sqlite_database)] == [reservation_id]
