"""`[rules] no_show_limit` for one child: reached or not (staff's last lift applied), and staff's lift.

Its own module so that booking (`service`) and the seat offers (`offers`, which `service` imports) ask
the one rule; the counting itself is pure (`rules.no_show_limit_reached`)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from azukari.booking import repository as repo
from azukari.booking import rules
from azukari.booking.models import BookingPolicy, NoShowLift
from azukari.clock import tokyo_date
from azukari.oversight import audit


def limit_reached(session: Session, *, policy: BookingPolicy, child_id: int, now: dt.datetime) -> bool:
    """`[rules] no_show_limit` (rules.no_show_limit_reached) for this child at `now`, staff's last lift applied."""
    if policy.no_show_count is None or policy.no_show_months is None:
        return False
    today = tokyo_date(now)
    lifted = repo.last_no_show_lift(session, child_id=child_id)
    days = repo.no_show_days(session, child_id=child_id, since=rules.months_before(today, policy.no_show_months))
    return rules.no_show_limit_reached(days, today=today, count=policy.no_show_count, months=policy.no_show_months,
                                       lifted_on=tokyo_date(lifted) if lifted is not None else None)


def lift(session: Session, *, child_id: int, actor: str, now: dt.datetime) -> bool:
    """Staff lift a child's no-show limit: its no-shows so far no longer count (audited); False: no such child."""
    child = repo.child_with_household(session, child_id)
    if child is None:
        return False
    session.add(NoShowLift(child_id=child_id, lifted_at=now, actor=actor[:40]))
    session.flush()
    audit.record(session, actor=actor, action="no_shows.lifted", now=now, household_pk=child.household_pk,
                 detail={"child_id": child_id})
    return True
