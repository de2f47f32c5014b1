"""Day-before reminders: the pure rule of when one is due, and queueing them once (never commits)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from azukari.booking import repository as repo
from azukari.booking.models import Facility, Reservation
from azukari.booking.service import cancel_until, facts_of
from azukari.clock import in_tokyo
from azukari.households.models import Household
from azukari.messaging import outbox, texts

# Texts go out the afternoon before, never at night: a server that was down all afternoon
# skips the evening's reminders rather than waking a parent (a reminder is a courtesy; the
# confirmation already went out when the booking was made).
REMIND_FROM = dt.time(12, 0)
REMIND_UNTIL = dt.time(20, 0)
# A booking made less than this before it starts just had its confirmation: no reminder.
MIN_NOTICE = dt.timedelta(hours=24)


def reminder_day(now: dt.datetime) -> dt.date | None:
    """The day whose bookings are reminded at `now` (tomorrow in Tokyo), or None outside the hours."""
    local = in_tokyo(now)
    if not REMIND_FROM <= local.time() < REMIND_UNTIL:
        return None
    return local.date() + dt.timedelta(days=1)


def reminder_due(reservation: Reservation, *, now: dt.datetime) -> bool:
    """A live booking of tomorrow, made at least a day ahead, not reminded yet, inside the hours."""
    return (reservation.status == repo.LIVE and reservation.reminder_queued_at is None
            and reservation.day == reminder_day(now)
            and reservation.starts_at - reservation.created_at >= MIN_NOTICE)


def reminders_due(reservations: Iterable[Reservation], *, now: dt.datetime) -> list[Reservation]:
    """The reservations among these whose reminder is due at `now`."""
    return [r for r in reservations if reminder_due(r, now=now)]


def _claim(session: Session, *, reservation_id: int, now: dt.datetime) -> bool:
    # Several instances run this at once: the conditional UPDATE is the arbiter. On PostgreSQL
    # a second claimer waits on the row lock, then finds reminder_queued_at set and matches
    # nothing; on SQLite the transactions are serialised by BEGIN IMMEDIATE anyway.
    result = session.execute(update(Reservation)
                             .where(Reservation.id == reservation_id, Reservation.reminder_queued_at.is_(None),
                                    Reservation.status == repo.LIVE)
                             .values(reminder_queued_at=now)
                             .execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount == 1


def queue_reminders(session: Session, *, now: dt.datetime, limit: int = 200) -> int:
    """Queue up to `limit` due reminders to each household's number on file; returns how many."""
    day = reminder_day(now)
    if day is None:
        return 0
    queued, after_id = 0, 0
    deadline = cancel_until(repo.policy(session), day)
    while queued < limit:
        # Keyset pages: bookings made too late for a reminder stay unclaimed, so a plain LIMIT
        # could return only those, run after run, and never reach the due ones behind them.
        page = session.execute(
            select(Reservation, Facility, Household)
            .join(Facility, Reservation.facility_id == Facility.id)
            .join(Household, Reservation.household_pk == Household.id)
            .where(Reservation.day == day, Reservation.status == repo.LIVE,
                   Reservation.reminder_queued_at.is_(None), Reservation.id > after_id)
            .order_by(Reservation.id).limit(limit)).all()
        if not page:
            break
        after_id = page[-1][0].id
        for reservation, facility, household in page:
            if queued >= limit or not reminder_due(reservation, now=now):
                continue
            if not _claim(session, reservation_id=reservation.id, now=now):
                continue
            outbox.enqueue(session, household=household, kind="reminder", now=now, reservation_id=reservation.id,
                           body=texts.reminder(dataclasses.replace(facts_of(reservation, facility),
                                                                     cancel_until=deadline), reservation.language))
            queued += 1
    return queued
