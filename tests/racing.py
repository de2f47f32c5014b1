"""Races on real threads: jobs started at the same instant (a barrier), or a job held behind a transaction."""
from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import Session


def at_once(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs together; each result, or the exception it raised (the tests' assertions surface it)."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def behind(session: Session, job: Callable[[], object]) -> list[object]:
    """Run `job` on its own thread while `session`'s transaction holds what it took: check that the job waits
    for it, commit, and return what the job returned (or raised), in a list (empty if it never ended)."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(job())
        except Exception as error:  # surfaced by the test's assertions
            out.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive(), "the job did not wait for the transaction"
    session.commit()
    thread.join(timeout=60)
    return out
