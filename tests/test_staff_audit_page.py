"""The audit page in words: Japanese event names, the 世帯ID, staff names, filters, and a CSV that Excel opens."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import event, select
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in
from test_staff_audited_actions import _audited_actions

from azukari.booking import service as booking
from azukari.booking.models import Facility, Unit
from azukari.db import Database
from azukari.messaging.models import OutboxMessage
from azukari.oversight import audit
from azukari.oversight.models import AuditEntry
from azukari.staff import audit_view
from azukari.staff.audit_view import CSV_HEADER
from azukari.staff.audit_words import EVENT_NAMES, Names


def _admin(database: Database) -> tuple[TestClient, str, int]:
    fixed = clock()
    earlier = fixed.now() - dt.timedelta(days=3)
    with database.unit_of_work() as session:
        add_staff(session, username="admin", role="admin", now=fixed.now())
        sato = add_staff(session, username="sato", role="centre", now=fixed.now())
        home = add_household(session, now=fixed.now())
        audit.record(session, actor=f"staff:{sato.id}", action="household.viewed", now=earlier, household_pk=home.id)
        audit.record(session, actor="voice", action="booking.created", now=fixed.now(), household_pk=home.id,
                     detail={"reservation_id": 4, "unit_id": 2})
        audit.record(session, actor="bot", action="verification", now=fixed.now(), household_pk=home.id,
                     detail={"channel": "voice", "method": "knowledge", "outcome": "refused", "reason": "address",
                             "fields": {"child_name": "match", "address": "fail"}})
        audit.record(session, actor=f"staff:{sato.id}", action="household.searched", now=fixed.now(),
                     detail={"results": 1, "page": 1})
        session.commit()
        household_id, home_pk = home.household_id, home.id
    client = client_for(database, fixed)
    log_in(client, "admin")
    return client, household_id, home_pk


def _table(page: str) -> str:
    found = re.search(r'<table class="audit">.*?</table>', page, re.S)
    assert found is not None
    return found.group()


def _filtered(client: TestClient, **form: str) -> str:
    return _table(client.post("/staff/audit", data={"csrf": csrf_of(client, "/staff/audit"), **form}).text)


def test_every_event_the_app_audits_has_a_japanese_name() -> None:
    missing = _audited_actions() - set(EVENT_NAMES)
    assert not missing, f"add these to EVENT_NAMES in azukari/staff/audit_words.py: {sorted(missing)}"
    assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", name) for name in EVENT_NAMES.values())


def test_the_page_shows_event_names_the_household_id_and_staff_names_never_codes_or_keys(database: Database) -> None:
    client, household_id, home_pk = _admin(database)
    table = _table(client.get("/staff/audit").text)
    assert "世帯の表示" in table and "予約" in table and "電話・SMSでの本人確認" in table and "世帯の検索" in table
    assert "sato 職員（sato）" in table and "電話（自動応答）" in table and "自動応答" in table
    assert f'class="household">{household_id}<' in table and f'class="household">{home_pk}<' not in table
    assert "照合: 子の名前 一致、住所 不一致" in table and "理由: 住所が一致しませんでした" in table
    assert "該当件数: 1" in table
    for internal in ("household.viewed", "booking.created", "staff:", '{"', "knowledge"):
        assert internal not in table, internal


def test_the_log_filters_by_event_staff_member_household_and_dates(database: Database) -> None:
    client, household_id, _pk = _admin(database)
    by_event = _filtered(client, action="verification")
    assert "電話・SMSでの本人確認" in by_event and "世帯の表示" not in by_event
    by_staff = _filtered(client, username="sato")
    assert "世帯の表示" in by_staff and "世帯の検索" in by_staff and "予約" not in by_staff
    by_household = _filtered(client, household_id=household_id)
    assert "世帯の検索" not in by_household and by_household.count(f'class="household">{household_id}<') == 3
    today = clock().now().date().isoformat()
    recent = _filtered(client, since=today, until=today, username="sato")
    assert "世帯の検索" in recent and "世帯の表示" not in recent  # the view was three days earlier
    assert "条件に合う記録はありません" in _filtered(client, household_id="99999999")


def test_the_export_is_utf8_with_a_bom_and_japanese_headers_and_is_itself_audited(database: Database) -> None:
    client, household_id, _pk = _admin(database)
    response = client.post("/staff/audit/export", data={"csrf": csrf_of(client, "/staff/audit"),
                                                        "household_id": household_id})
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel looks for
    assert "charset=utf-8" in response.headers["content-type"]
    text = response.content.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_HEADER and rows[0][:4] == ["番号", "日時", "操作した人", "操作"]
    body = rows[1:-1]
    assert [r[3] for r in body] == ["世帯の表示", "予約", "電話・SMSでの本人確認"]
    assert {r[5] for r in body} == {household_id} and body[0][2] == "sato 職員（sato）"
    assert rows[-1][0] == "記録の先頭"
    with database.unit_of_work() as session:
        exported = session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "audit.exported"))
    assert exported is not None and exported["household_id_filter"] is True


def test_the_export_filters_like_the_page_and_lists_its_own_entry(database: Database) -> None:
    client, _household_id, _pk = _admin(database)
    response = client.post("/staff/audit/export", data={"csrf": csrf_of(client, "/staff/audit"),
                                                        "action": "audit.exported"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:-1]
    assert [r[3] for r in rows] == ["監査ログの書き出し"] and rows[0][2].startswith("admin 職員")


def _booked(database: Database, bookings: int, *, first: int = 0) -> tuple[list[str], list[int], int]:
    """Bookings made the way callers make them, and a sent message's entry: (booking numbers, reservation ids,
    outbox id). The audit rows they leave name internal ids only."""
    now = clock().now()
    with database.unit_of_work() as session:
        if not first:
            add_facilities(session)
        unit_id = session.scalar(select(Unit.id).join(Facility).where(Facility.key == 1, Unit.key == 1))
        assert unit_id is not None
        numbers, ids = [], []
        for n in range(first, first + bookings):
            home = add_household(session, now=now, phone=f"090-2000-{n:04d}",
                                 birthdate=dt.date(2023, 5, 1) - dt.timedelta(days=40 * n))
            booked = booking.book(session, child_id=home.children[0].id, unit_id=unit_id,
                                  day=now.date() + dt.timedelta(days=1), channel="voice", language="ja", now=now)
            assert isinstance(booked, booking.Booked), booked
            numbers.append(booked.facts.booking_number)
            ids.append(booked.reservation_id)
        outbox_id = session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).first()
        assert outbox_id is not None
        audit.record(session, actor="system", action="retention.purged", now=now,
                     detail={"outbox_id": outbox_id, "kind": "confirmation"})
        session.commit()
    return numbers, ids, outbox_id


def test_a_bookings_row_reads_with_its_booking_number_date_and_facility_never_raw_ids(database: Database) -> None:
    client, _, _ = _admin(database)
    (number,), (reservation_id,), outbox_id = _booked(database, 1)
    with database.unit_of_work() as session:
        short, name, starts = session.execute(select(Facility.short_name, Facility.name, Unit.starts).join(Unit)
                                              .where(Facility.key == 1, Unit.key == 1)).one()
    table = _table(client.get("/staff/audit").text)
    row = next(line for line in table.split("</tr>") if number in line)
    assert f"予約番号 {number}（6月2日 {short or name} {starts}" in row
    assert f"時間帯: {short or name} {starts}" in row
    assert f"予約: {reservation_id}" not in table and "枠:" not in table
    assert "メッセージ: 予約確認" in table and f"メッセージ: {outbox_id}" not in table
    assert "outbox_id" not in table and "confirmation" not in table


def _names_read(database: Database) -> tuple[int, Names]:
    """How many statements naming a whole page of entries takes, and the names."""
    statements: list[str] = []

    def counted(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    with database.unit_of_work() as session:
        entries = list(session.scalars(select(AuditEntry)))
        event.listen(database.engine, "before_cursor_execute", counted)
        try:
            names = audit_view.names_for(session, entries)
        finally:
            event.remove(database.engine, "before_cursor_execute", counted)
    return len(statements), names


def test_the_page_reads_what_ids_stand_for_in_a_fixed_number_of_queries_not_one_per_row(database: Database) -> None:
    _booked(database, 1)
    one, _ = _names_read(database)
    numbers, _, _ = _booked(database, 5, first=1)
    six, names = _names_read(database)
    assert one == six == 3  # bookings, units, messages
    assert all(any(number in text for text in names.reservations.values()) for number in numbers)
