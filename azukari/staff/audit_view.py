"""Reading the audit trail: filters (dates, event, staff member, 世帯ID), rows in words, and a CSV Excel opens."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from azukari import spreadsheet
from azukari.booking.models import Facility, Reservation, Unit
from azukari.clock import in_tokyo, tokyo_at
from azukari.households.models import Household
from azukari.messaging.models import OutboxMessage
from azukari.oversight.audit import Head
from azukari.oversight.models import AuditChange, AuditEntry
from azukari.staff.audit_words import Names, actor_name, change_words, describe, event_name
from azukari.staff.models import StaffAccount
from azukari.staff.queue import MESSAGE_WORDS

CSV_HEADER = ["番号", "日時", "操作した人", "操作", "操作コード", "世帯ID", "内容", "詳細（記録のまま）",
              "前の記録のハッシュ", "ハッシュ"]


@dataclass(frozen=True)
class AuditFilter:
    household_id: str = ""   # the 世帯ID as staff know it
    username: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive, Asia/Tokyo
    action: str = ""  # an event code


@dataclass(frozen=True)
class AuditRow:
    """One entry as the page and the export show it: names and words, the 世帯ID, never the internal key."""

    id: int
    at: dt.datetime
    actor: str
    event: str
    action: str
    household_id: str  # "" when the entry concerns no household; "（消去済み）" after the retention purge
    dv_flag: bool
    summary: str
    detail: dict[str, object]
    prev_hash: str
    hash: str


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
    if wanted.action.strip():
        stmt = stmt.where(AuditEntry.action == wanted.action.strip())
    if wanted.since:
        stmt = stmt.where(AuditEntry.at >= _start_of(wanted.since))
    if wanted.until:
        stmt = stmt.where(AuditEntry.at < _start_of(wanted.until + dt.timedelta(days=1)))
    return stmt.order_by(AuditEntry.id.desc())


def staff_names(session: Session) -> dict[int, str]:
    return {i: f"{name}（{user}）" for i, name, user in session.execute(
        select(StaffAccount.id, StaffAccount.display_name, StaffAccount.username))}


def staff_choices(session: Session) -> list[tuple[str, str]]:
    """(username, display name) of every account, for the filter."""
    return [(user, f"{name}（{user}）") for user, name in session.execute(
        select(StaffAccount.username, StaffAccount.display_name).order_by(StaffAccount.display_name))]


def _ids(entries: list[AuditEntry], key: str) -> list[int]:
    return sorted({value for e in entries for k, value in (e.detail or {}).items()
                   if k == key and isinstance(value, int) and not isinstance(value, bool)})


def _place(short_name: str | None, name: str, starts: str, ends: str) -> str:
    return f"{short_name or name} {starts}–{ends}"


def names_for(session: Session, entries: list[AuditEntry]) -> Names:
    """The bookings, units, messages and facilities a page of entries names: one query each, never one per row."""
    reservations, units, messages, facilities = (_ids(entries, key) for key in
                                                 ("reservation_id", "unit_id", "outbox_id", "facility_id"))
    names = Names()
    if reservations:
        names.reservations.update(
            (pk, f"予約番号 {number}（{day.month}月{day.day}日 {_place(short, name, starts, ends)}）")
            for pk, number, day, short, name, starts, ends in session.execute(
                select(Reservation.id, Reservation.booking_number, Reservation.day, Facility.short_name,
                       Facility.name, Unit.starts, Unit.ends)
                .join(Facility, Facility.id == Reservation.facility_id).join(Unit, Unit.id == Reservation.unit_id)
                .where(Reservation.id.in_(reservations))))
    if units:
        names.units.update((pk, _place(short, name, starts, ends)) for pk, short, name, starts, ends in session.execute(
            select(Unit.id, Facility.short_name, Facility.name, Unit.starts, Unit.ends)
            .join(Facility, Facility.id == Unit.facility_id).where(Unit.id.in_(units))))
    if messages:
        names.messages.update((pk, MESSAGE_WORDS.get(kind, kind)) for pk, kind in session.execute(
            select(OutboxMessage.id, OutboxMessage.kind).where(OutboxMessage.id.in_(messages))))
    if facilities:
        names.facilities.update((pk, short or name) for pk, short, name in session.execute(
            select(Facility.id, Facility.short_name, Facility.name).where(Facility.id.in_(facilities))))
    return names


def _rows(session: Session, entries: list[AuditEntry], staff: dict[int, str]) -> list[AuditRow]:
    names = names_for(session, entries)
    wanted = sorted({e.household_pk for e in entries if e.household_pk is not None})
    homes = {pk: (household_id, dv) for pk, household_id, dv in session.execute(
        select(Household.id, Household.household_id, Household.dv_flag).where(Household.id.in_(wanted)))} \
        if wanted else {}
    changes = _changes(session, entries)
    rows = []
    for e in entries:
        household_id, dv = homes.get(e.household_pk, ("（消去済み）", False)) if e.household_pk is not None \
            else ("", False)
        summary = "／".join([describe(e.detail or {}, names), *changes.get(e.id, [])])
        rows.append(AuditRow(e.id, e.at, actor_name(e.actor, staff), event_name(e.action), e.action, household_id,
                             dv, summary, e.detail or {}, e.prev_hash, e.hash))
    return rows


def _changes(session: Session, entries: list[AuditEntry]) -> dict[int, list[str]]:
    """The before → after of the corrections on a page, in one query (none once the household is erased)."""
    ids = [e.id for e in entries if "changed" in (e.detail or {})]
    found: dict[int, list[str]] = {}
    if ids:
        for change in session.scalars(select(AuditChange).where(AuditChange.entry_id.in_(ids))
                                      .order_by(AuditChange.id)):
            found.setdefault(change.entry_id, []).append(change_words(change.field, change.before, change.after))
    return found


def entries(session: Session, wanted: AuditFilter, *, limit: int = 200) -> list[AuditRow]:
    return _rows(session, list(session.scalars(query(session, wanted).limit(limit))), staff_names(session))


def csv_rows(session: Session, wanted: AuditFilter) -> Iterator[str]:
    """The filtered trail as CSV text, oldest first, in words and as recorded (hashes included, so a copy can
    be checked later); CRLF line ends. The caller puts the BOM in front, for Excel."""
    yield _csv([CSV_HEADER])
    staff = staff_names(session)
    stmt = query(session, wanted).order_by(None).order_by(AuditEntry.id)
    last = 0
    while True:  # in pages by id: each page's households are read once, and no cursor stays open meanwhile
        page = list(session.scalars(stmt.where(AuditEntry.id > last).limit(1000)))
        if not page:
            return
        yield _csv([[row.id, in_tokyo(row.at).strftime("%Y-%m-%d %H:%M:%S"), row.actor, row.event, row.action,
                     row.household_id, row.summary, json.dumps(row.detail, ensure_ascii=False, sort_keys=True),
                     row.prev_hash, row.hash] for row in _rows(session, page, staff)])
        last = page[-1].id


def _csv(rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(spreadsheet.row(list(r)) for r in rows)
    return buffer.getvalue()


def head_line(head: Head, now: dt.datetime) -> str:
    """The last line: the chain's head when exported, so a later truncation of the trail shows against it."""
    return _csv([["記録の先頭", in_tokyo(now).strftime("%Y-%m-%d %H:%M:%S"), "", "", "chain_head", "", "",
                  "", head.count, head.hash]])
