"""`azukari check`: does the database still agree with itself? One line per problem, in plain words.

Read in one snapshot (SQLite: a deferred read transaction, so writers carry on; PostgreSQL:
REPEATABLE READ, read only), so a booking made while the check runs cannot look like damage.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, and_, case, create_engine, event, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from azukari.booking import consistency
from azukari.booking.models import Facility, Reservation, Unit, UnitDay, WaitlistEntry
from azukari.db import Database
from azukari.households.models import Child
from azukari.messaging.models import OutboxMessage
from azukari.migrate import alembic_config
from azukari.oversight import audit

LIVE = "booked"
UNSENT_FOR = dt.timedelta(hours=1)


def problems(database: Database, *, secret_key: str, now: dt.datetime, anchor: str | None = None) -> list[str]:
    """Everything wrong, one sentence each; an empty list when the database is sound."""
    with _snapshot(database) as session:
        found = _schema(session.connection())
        if found:
            return found  # the other checks read tables a missing migration may not have made yet
        found += _counters(session)
        found += _overlaps(session)
        found += _removed_children(session)
        found += consistency.month_counter_problems(session) + consistency.held_seat_problems(session)
        found += consistency.closed_seat_problems(session)
        found += [f"the audit log: {line}" for line in audit.verify_chain(session, secret_key, anchor)]
        found += _outbox(session, now)
    return found


def audit_head(database: Database) -> str:
    """The audit chain's head now (count:hash), to keep apart and pass as `--anchor` later."""
    with _snapshot(database) as session:
        return str(audit.head(session))


@contextmanager
def _snapshot(database: Database) -> Iterator[Session]:
    if database.dialect == "sqlite":
        # Not the service's engine: that one opens every transaction with BEGIN IMMEDIATE and would
        # hold the write lock, stopping every booking, for as long as the check reads.
        engine = create_engine(database.url, poolclass=NullPool)

        @event.listens_for(engine, "connect")
        def _deferred(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        with engine.connect() as connection:
            connection.exec_driver_sql("BEGIN")  # deferred: a read snapshot from the first SELECT on
            try:
                yield Session(bind=connection)
            finally:
                connection.exec_driver_sql("ROLLBACK")
        engine.dispose()
        return
    with database.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            yield Session(bind=connection)


def _schema(connection: Connection) -> list[str]:
    current = set(MigrationContext.configure(connection).get_current_heads())
    wanted = set(ScriptDirectory.from_config(alembic_config(connection.engine)).get_heads())
    if current == wanted:
        return []
    have = ", ".join(sorted(current)) or "no schema at all"
    return [f"the schema is at {have}, not at the latest ({', '.join(sorted(wanted))}): run `azukari migrate`"]


def _unit(facility: str, starts: str, ends: str, day: dt.date) -> str:
    return f"{facility} {starts}-{ends} on {day.isoformat()}"


def _counters(session: Session) -> list[str]:
    live = (select(Reservation.unit_id, Reservation.day, func.count().label("seats"),
                   func.sum(case((Reservation.infant, 1), else_=0)).label("infants"))
            .where(Reservation.status == LIVE).group_by(Reservation.unit_id, Reservation.day).subquery())
    counted = func.coalesce(live.c.seats, 0)
    infants = func.coalesce(live.c.infants, 0)
    rows = session.execute(
        select(Facility.name, Unit.starts, Unit.ends, UnitDay.day, UnitDay.booked, UnitDay.infants, counted, infants)
        .join(Unit, Unit.id == UnitDay.unit_id).join(Facility, Facility.id == Unit.facility_id)
        .outerjoin(live, and_(live.c.unit_id == UnitDay.unit_id, live.c.day == UnitDay.day))
        .where((UnitDay.booked != counted) | (UnitDay.infants != infants))
        .order_by(UnitDay.day, Facility.key, Unit.key))
    found = [f"{_unit(name, starts, ends, day)}: the counter says {booked} seats ({baby} infants) are taken, "
             f"but {seats} live bookings ({babies} infants) hold them"
             for name, starts, ends, day, booked, baby, seats, babies in rows]
    orphans = session.execute(
        select(Facility.name, Unit.starts, Unit.ends, live.c.day, live.c.seats)
        .select_from(live).join(Unit, Unit.id == live.c.unit_id).join(Facility, Facility.id == Unit.facility_id)
        .outerjoin(UnitDay, and_(UnitDay.unit_id == live.c.unit_id, UnitDay.day == live.c.day))
        .where(UnitDay.id.is_(None)))
    found += [f"{_unit(name, starts, ends, day)}: {seats} live bookings hold seats no counter has counted"
              for name, starts, ends, day, seats in orphans]
    return found


def _overlaps(session: Session) -> list[str]:
    # One sort per child and day instead of a self-join: a booking that starts before the latest
    # end among the child's earlier bookings that day overlaps one of them.
    earlier_end = func.max(Reservation.ends_at).over(
        partition_by=(Reservation.child_id, Reservation.day), order_by=(Reservation.starts_at, Reservation.id),
        rows=(None, -1))
    ordered = (select(Reservation.id, Reservation.child_id, Reservation.day, Reservation.starts_at,
                      earlier_end.label("earlier_end"))
               .where(Reservation.status == LIVE).subquery())
    rows = session.execute(select(ordered.c.child_id, ordered.c.day, ordered.c.id)
                           .where(ordered.c.earlier_end > ordered.c.starts_at)
                           .order_by(ordered.c.day, ordered.c.id))
    # Internal keys only: the operator looks the child up in the console, the output holds no name.
    return [f"child #{child} is booked in two places at once on {day.isoformat()} "
            f"(booking #{booking} overlaps an earlier one that day)" for child, day, booking in rows]


def _removed_children(session: Session) -> list[str]:
    # A removal cancels the child's bookings still to come and takes it off the waiting list in the same
    # transaction (`registration.service.remove_child`); what is left live after it was not done by the service.
    bookings = session.execute(select(Child.id, func.count()).join(Reservation, Reservation.child_id == Child.id)
                               .where(Child.removed_at.is_not(None), Reservation.status == LIVE,
                                      Reservation.starts_at > Child.removed_at)
                               .group_by(Child.id).order_by(Child.id))
    found = [f"child #{child} was removed from its registration but still holds {count} live bookings after it"
             for child, count in bookings]
    waiting = session.execute(select(Child.id, func.count()).join(WaitlistEntry, WaitlistEntry.child_id == Child.id)
                              .where(Child.removed_at.is_not(None), WaitlistEntry.status.in_(("waiting", "offered")))
                              .group_by(Child.id).order_by(Child.id))
    found += [f"child #{child} was removed from its registration but still holds {count} places on a waiting list"
              for child, count in waiting]
    return found


def _outbox(session: Session, now: dt.datetime) -> list[str]:
    count, oldest = session.execute(select(func.count(), func.min(OutboxMessage.created_at)).where(
        OutboxMessage.status.in_(("pending", "sending")), OutboxMessage.created_at < now - UNSENT_FOR)).one()
    if not count:
        return []
    waited = now - oldest
    hours = waited.total_seconds() / 3600
    return [f"{count} texts have waited over an hour to be sent (the oldest for {hours:.1f} hours): "
            "is `azukari worker` or `serve` running, and can it reach Twilio?"]
