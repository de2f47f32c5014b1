"""Races on real threads: every job starts at the same instant (a barrier) on its own thread."""
from __future__ import annotations

import threading
from collections.abc import Callable


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
