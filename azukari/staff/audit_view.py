"""Reading the audit trail: filters by household, staff member and date, and a CSV export."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from azukari.clock import in_tokyo, tokyo_at
from azukari.oversight.models import AuditEntry
from azukari.registration.models import Household
from azukari.staff.models import StaffAccount


@dataclass(frozen=True)
class AuditFilter:
    household_id: str = ""   # the 世帯ID as staff know it
    username: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive, Asia/Tokyo


def _start_of(day: dt.date) -> dt.datetime:
    return tokyo_at(day).astimezone(dt.UTC)


def query(session: Session, wanted: AuditFilter) -> Select[AuditEntry]:
    """Newest first. An unknown household or staff member matches nothing rather than everything."""
    stmt = select(AuditEntry)
    if wanted.household_id.strip():
        pk = session.scalar(select(Household.id).where(Household.household_id == wanted.household_id.strip()))
        stmt = stmt.where(AuditEntry.household_pk == (pk if pk is not None else -1))
    if wanted.username.strip():
        staff_id = session.scalar(select(StaffAccount.id).where(StaffAccount.username == wanted.username.strip()))
        stmt = stmt.where(AuditEntry.actor == f"staff:{staff_id if staff_id is not None else 'none'}")
    if wanted.since:
        stmt = stmt.where(AuditEntry.at >= _start_of(wanted.since))
    if wanted.until:
        stmt = stmt.where(AuditEntry.at < _start_of(wanted.until + dt.timedelta(days=1)))
    return stmt.order_by(AuditEntry.id.desc())


def entries(session: Session, wanted: AuditFilter, *, limit: int = 200) -> list[AuditEntry]:
    return list(session.scalars(query(session, wanted).limit(limit)))


def actor_names(session: Session) -> dict[str, str]:
    return {f"staff:{i}": f"{name} ({user})" for i, name, user in session.execute(
        select(StaffAccount.id, StaffAccount.display_name, StaffAccount.username))}


def csv_rows(session: Session, wanted: AuditFilter) -> Iterator[str]:
    """The filtered trail as CSV lines, oldest first, hashes included so a copy can be checked later."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "at", "actor", "action", "household_pk", "detail", "prev_hash", "hash"])
    yield buffer.getvalue()
    stmt = query(session, wanted).order_by(None).order_by(AuditEntry.id)
    for entry in session.scalars(stmt).yield_per(1000):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([entry.id, in_tokyo(entry.at).isoformat(), entry.actor, entry.action,
                         "" if entry.household_pk is None else entry.household_pk,
                         json.dumps(entry.detail, ensure_ascii=False, sort_keys=True), entry.prev_hash, entry.hash])
        yield buffer.getvalue()
