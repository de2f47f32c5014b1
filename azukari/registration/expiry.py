"""Notices before a registration ends: 30 and 7 days ahead, to the number on file, once each (never commits).

The notice only says to renew at the counter: a registration is renewed on paper, never by phone.
A DV-flagged household gets no automated notice: staff renew with it in person.
A caller whose registration has ended still hears the uniform refusal (identity/), not why.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from azukari.booking.models import Reservation
from azukari.clock import TOKYO
from azukari.households.models import ExpiryNotice, Household
from azukari.messaging import outbox, texts

NOTICE_DAYS = (30, 7)
# Notices are courtesies: sent in the daytime, like reminders; a landline is never called at night anyway.
SEND_FROM, SEND_UNTIL = dt.time(10, 0), dt.time(20, 0)


def notice_due(valid_until: dt.date, today: dt.date) -> int | None:
    """Which notice is due on `today`: 30 from 30 days ahead, 7 from 7 days ahead (the later one wins)."""
    days_left = (valid_until - today).days
    if days_left < 0:
        return None
    due = [days for days in NOTICE_DAYS if days_left <= days]
    return min(due) if due else None


def _language(session: Session, household: Household) -> str:
    # The language the family last booked in; Japanese for a family that never booked.
    last = session.scalar(select(Reservation.language).where(Reservation.household_pk == household.id)
                          .order_by(Reservation.id.desc()).limit(1))
    return last or "ja"


def queue_expiry_notices(session: Session, *, now: dt.datetime, limit: int = 500) -> int:
    """Queue the notices due now to each household's number on file; returns how many."""
    local = now.astimezone(TOKYO)
    if not SEND_FROM <= local.time() < SEND_UNTIL:
        return 0
    today = local.date()
    # valid_until = registered_on + 1 year - 1 day, so these registrations end within 30 days.
    first = _year_before(today) + dt.timedelta(days=1)
    last = _year_before(today + dt.timedelta(days=max(NOTICE_DAYS))) + dt.timedelta(days=1)
    households = session.scalars(select(Household).where(Household.registered_on.between(first, last),
                                                          Household.dv_flag.is_(False))
                                 .order_by(Household.id))
    queued = 0
    for household in households:
        valid_until = household.valid_until()
        days = notice_due(valid_until, today)
        if days is None or queued >= limit:
            continue
        if session.scalar(select(ExpiryNotice.id).where(ExpiryNotice.household_pk == household.id,
                                                        ExpiryNotice.valid_until == valid_until,
                                                        ExpiryNotice.days_before <= days)):
            continue  # this notice (or, after downtime, a later one) already went
        try:
            with session.begin_nested():  # the unique key is the claim across instances
                session.add(ExpiryNotice(household_pk=household.id, valid_until=valid_until, days_before=days,
                                         queued_at=now))
                session.flush()
        except IntegrityError:
            continue
        outbox.enqueue(session, household=household, kind="expiry_notice", now=now,
                       body=texts.expiry_notice(valid_until, _language(session, household)))
        queued += 1
    return queued


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
