"""The daily erasure run: the retention purge and calling numbers pseudonymised, once a day across instances."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from azukari.clock import Clock, in_tokyo
from azukari.db import Database
from azukari.erasure.models import DailyRun
from azukari.erasure.pseudonyms import delete_old_unlinked, pseudonymise_calling_numbers
from azukari.erasure.retention import purge

log = logging.getLogger("azukari.erasure")

JOB = "erasure"
# Early morning, when nobody books: a run that finds the server down then happens when it is up again that day.
RUNS_FROM = dt.time(3, 0)


def due_day(now: dt.datetime) -> dt.date | None:
    """The Tokyo day whose run is due at `now`, or None before 03:00."""
    local = in_tokyo(now)
    return local.date() if local.time() >= RUNS_FROM else None


def run(session: Session, *, now: dt.datetime, secret_key: str) -> dict[str, int] | None:
    """Claim today's run and do it; None if it is not yet time or another instance has it. Never commits."""
    day = due_day(now)
    if day is None or session.scalar(select(DailyRun.id).where(DailyRun.job == JOB, DailyRun.day == day)):
        return None
    claim = DailyRun(job=JOB, day=day, at=now, summary={})
    try:
        with session.begin_nested():
            session.add(claim)
            session.flush()
    except IntegrityError:
        return None  # another instance inserted today's row first: the unique key is the arbiter
    report = purge(session, now=now, dry_run=False, actor="system")
    summary = {"households": report.households, **{k: v for k, v in sorted(report.totals.items())},
               "calling_numbers_pseudonymised": pseudonymise_calling_numbers(session, now=now, secret_key=secret_key),
               "unlinked_records_deleted": delete_old_unlinked(session, now=now)}
    claim.summary = summary
    session.flush()
    return summary


def run_if_due(database: Database, clock: Clock, *, secret_key: str) -> dict[str, int] | None:
    """One unit of work for the daily run; what serve and worker call beside their other jobs."""
    with database.unit_of_work() as session:
        summary = run(session, now=clock.now(), secret_key=secret_key)
        session.commit()
    if summary is not None:
        log.info("daily erasure: %s", ", ".join(f"{k} {v}" for k, v in summary.items()))  # counts only
    return summary


def recent_runs(session: Session, *, limit: int = 30) -> list[DailyRun]:
    return list(session.scalars(select(DailyRun).where(DailyRun.job == JOB).order_by(DailyRun.day.desc())
                                .limit(limit)))
