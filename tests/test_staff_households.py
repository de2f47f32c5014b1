"""Households at the counter: registration letter, audited views, DV flag, staff bookings and rosters."""
from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.booking.models import Facility, Reservation, Unit
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.messaging.models import OutboxMessage
from azukari.oversight.models import AuditEntry

TUESDAY = "2026-06-02"


def _setup(database: Database, *, dv: bool = False) -> tuple[TestClient, int, FixedClock]:
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        add_staff(session, username="sato", role="centre", now=fixed.now())
        household_pk = add_household(session, now=fixed.now(), dv=dv).id
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client, household_pk, fixed


def _actions(database: Database) -> list[str]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_entering_a_paper_registration_shows_the_household_id_and_pin_once(database: Database) -> None:
    client, _pk, _clock = _setup(database)
    response = client.post("/staff/households/new", data={
        "csrf": csrf_of(client, "/staff/households/new"), "guardian_name": "山田 花子",
        "guardian_kana": "ヤマダ ハナコ",
        "phone": "080-2345-6789", "address": "東京都練馬区豊玉北6丁目12番1号", "registered_on": "2026-06-01",
        "child_name": ["山田 蓮", ""], "child_kana": ["ヤマダ レン", ""], "child_birthdate": ["2025-01-10", ""],
        "child_sex": ["M", ""]})
    household_id = re.search(r'id="household-id">(\d+)<', response.text)
    pin = re.search(r'id="pin">(\d+)<', response.text)
    assert response.status_code == 200 and household_id and pin
    with database.unit_of_work() as session:
        stored = session.scalar(select(Household).where(Household.household_id == household_id.group(1)))
        assert stored is not None and stored.phone == "+818023456789" and pin.group(1) not in stored.pin_hash
        stored_pk = stored.id
    page = client.get(f"/staff/households/{stored_pk}").text
    assert pin.group(1) not in re.sub(r"\d{5,}", "", page)  # the PIN is on the letter only, never again


def test_a_registration_without_a_child_is_refused_with_a_reason(database: Database) -> None:
    client, _pk, _clock = _setup(database)
    response = client.post("/staff/households/new", data={
        "csrf": csrf_of(client, "/staff/households/new"), "guardian_name": "山田 花子",
        "guardian_kana": "ヤマダ ハナコ",
        "phone": "080-2345-6789", "address": "東京都練馬区", "registered_on": "2026-06-01"})
    assert response.status_code == 422 and "子を一人以上入力してください" in response.text


def test_every_view_of_a_household_page_is_audited(database: Database) -> None:
    client, household_pk, _clock = _setup(database)
    client.get(f"/staff/households/{household_pk}")
    client.get(f"/staff/households/{household_pk}")
    assert _actions(database).count("household.viewed") == 2


def test_setting_the_dv_flag_needs_a_reason(database: Database) -> None:
    client, household_pk, _clock = _setup(database)
    response = client.post(f"/staff/households/{household_pk}/dv", data={
        "csrf": csrf_of(client), "flag": "1", "reason": ""})
    with database.unit_of_work() as session:
        flagged = session.scalar(select(Household.dv_flag).where(Household.id == household_pk))
    assert response.status_code == 422 and flagged is False


def test_setting_the_dv_flag_is_audited_and_every_page_showing_the_household_says_so(database: Database) -> None:
    client, household_pk, _clock = _setup(database)
    assert 'id="dv-banner"' not in client.get(f"/staff/households/{household_pk}").text
    client.post(f"/staff/households/{household_pk}/dv", data={
        "csrf": csrf_of(client), "flag": "1", "reason": "agency_request"})
    assert 'id="dv-banner"' in client.get(f"/staff/households/{household_pk}").text
    assert "household.dv_set" in _actions(database)


def test_editing_a_household_records_which_fields_changed_but_not_their_values(database: Database) -> None:
    client, household_pk, _clock = _setup(database)
    client.post(f"/staff/households/{household_pk}/edit", data={
        "csrf": csrf_of(client), "guardian_name": "髙橋 美咲", "guardian_kana": "タカハシ ミサキ",
        "phone": "070-1111-2222", "address": "東京都練馬区光が丘二丁目3番1-204号"})
    with database.unit_of_work() as session:
        detail = session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "household.edited"))
        phone = session.scalar(select(Household.phone).where(Household.id == household_pk))
    assert detail == {"changed": ["phone"]} and phone == "+817011112222"


def test_an_edited_number_shows_on_the_audit_page_as_its_last_four_digits_before_and_after(
        database: Database) -> None:
    client, household_pk, _clock = _setup(database)
    with database.unit_of_work() as session:
        before = session.scalar(select(Household.phone).where(Household.id == household_pk))
        add_staff(session, username="admin1", role="admin", now=_clock.now())
        session.commit()
    client.post(f"/staff/households/{household_pk}/edit", data={
        "csrf": csrf_of(client), "guardian_name": "髙橋 美咲", "guardian_kana": "タカハシ ミサキ",
        "phone": "070-1111-2222", "address": "東京都練馬区光が丘二丁目3番1-204号"})
    admin = client_for(database, _clock)
    log_in(admin, "admin1")
    page = admin.get("/staff/audit?action=household.edited").text
    assert f"電話番号 ＊＊＊{before[-4:]} → ＊＊＊2222" in page
    assert "070-1111-2222" not in page and "+817011112222" not in page


def test_renewing_makes_the_registration_valid_for_a_year_from_today(database: Database) -> None:
    client, household_pk, _clock = _setup(database)
    with database.unit_of_work() as session:
        session.execute(update(Household).values(registered_on=dt.date(2025, 6, 15)))
        session.commit()
    client.post(f"/staff/households/{household_pk}/renew", data={"csrf": csrf_of(client)})
    with database.unit_of_work() as session:
        registered_on = session.scalar(select(Household.registered_on).where(Household.id == household_pk))
    assert registered_on == dt.date(2026, 6, 1)


def test_booking_for_a_parent_queues_the_confirmation_to_the_number_on_file_and_fills_the_roster(
        database: Database) -> None:
    client, household_pk, _clock = _setup(database)
    with database.unit_of_work() as session:
        household = session.get(Household, household_pk)
        assert household is not None
        child_id = household.children[0].id
        facility = session.scalar(select(Facility).where(Facility.key == 1))
        assert facility is not None
        facility_id = facility.id
        unit_id = session.scalar(select(Unit.id).where(Unit.facility_id == facility.id, Unit.key == 1))
    csrf = csrf_of(client)
    options = client.post(f"/staff/households/{household_pk}/options",
                          data={"csrf": csrf, "child_id": child_id, "day": TUESDAY})
    assert "光が丘子ども家庭支援センター" in options.text and "1,500円" in options.text
    booked = client.post(f"/staff/households/{household_pk}/book",
                         data={"csrf": csrf, "child_id": child_id, "unit_id": unit_id, "day": TUESDAY})
    assert booked.status_code == 303
    with database.unit_of_work() as session:
        channel = session.scalar(select(Reservation.channel))
        message = session.execute(select(OutboxMessage.to_number, OutboxMessage.kind)).one()
    assert channel == "staff" and tuple(message) == ("+819012345678", "confirmation")
    roster = client.get(f"/staff/roster?facility={facility_id}&day={TUESDAY}").text
    assert "髙橋 陽翔" in roster and "3歳" in roster and "1,500円" in roster


def test_cancelling_for_a_parent_frees_the_booking_through_the_booking_service(database: Database) -> None:
    client, household_pk, _clock = _setup(database)
    with database.unit_of_work() as session:
        household = session.get(Household, household_pk)
        assert household is not None
        child_id = household.children[0].id
        unit_id = session.scalar(select(Unit.id).join(Facility).where(Facility.key == 1, Unit.key == 1))
    csrf = csrf_of(client)
    client.post(f"/staff/households/{household_pk}/book",
                data={"csrf": csrf, "child_id": child_id, "unit_id": unit_id, "day": TUESDAY})
    with database.unit_of_work() as session:
        reservation_id = session.scalar(select(Reservation.id))
    client.post(f"/staff/households/{household_pk}/cancel", data={"csrf": csrf, "reservation_id": reservation_id,
                                                                        "reason": "parent_called"})
    with database.unit_of_work() as session:
        status = session.scalar(select(Reservation.status))
        kinds = sorted(session.scalars(select(OutboxMessage.kind)))
    assert status == "cancelled" and kinds == ["cancellation", "confirmation"]


def test_an_unknown_household_is_a_not_found_page_not_an_error(database: Database) -> None:
    client, household_pk, _ = _setup(database)
    response = client.get(f"/staff/households/{household_pk + 999}")
    assert response.status_code == 404 and "見つかりません" in response.text
    refused = client.post(f"/staff/households/{household_pk + 999}/renew", data={"csrf": csrf_of(client)})
    assert refused.status_code in (403, 404)


def test_the_counter_is_told_at_registration_that_a_landline_hears_its_messages_by_call(database: Database) -> None:
    client, _pk, _clock = _setup(database)
    response = client.post("/staff/households/new", data={
        "csrf": csrf_of(client, "/staff/households/new"), "guardian_name": "村田 和子",
        "guardian_kana": "ムラタ カズコ", "phone": "03-5984-1234", "address": "東京都練馬区北町六丁目2番3号",
        "registered_on": "2026-06-01", "child_name": ["村田 杏", ""], "child_kana": ["ムラタ アン", ""],
        "child_birthdate": ["2024-01-10", ""], "child_sex": ["F", ""]})
    assert 'id="no-sms"' in response.text and "自動音声の電話" in response.text


def test_a_household_on_a_landline_is_marked_as_unable_to_take_sms(database: Database) -> None:
    client, household_pk, _clock = _setup(database)
    assert 'id="no-sms"' not in client.get(f"/staff/households/{household_pk}").text
    with database.unit_of_work() as session:
        session.execute(update(Household).values(phone="+81359841234"))
        session.commit()
    assert "SMS不可・電話でお知らせ" in client.get(f"/staff/households/{household_pk}").text


def test_the_household_page_shows_each_upcoming_bookings_number(database: Database) -> None:
    client, household_pk, fixed = _setup(database)
    with database.unit_of_work() as session:
        household = session.get(Household, household_pk)
        assert household is not None
        unit = session.scalar(select(Unit.id).join(Facility).where(Facility.key == 1, Unit.key == 1))
        assert unit is not None
        from azukari.booking import service
        booked = service.book(session, child_id=household.children[0].id, unit_id=unit,
                              day=dt.date.fromisoformat(TUESDAY), channel="voice", language="ja", now=fixed.now())
        assert isinstance(booked, service.Booked)
        session.commit()
    page = client.get(f"/staff/households/{household_pk}").text
    assert f'<td class="booking-number">{booked.booking_number}</td>' in page
