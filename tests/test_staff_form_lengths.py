"""Console forms measure input against its column first: too long is a form error, never a DataError in the log."""
from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from staff_support import add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.db import Database
from azukari.households.models import Child, Household

LONG_NAME = "髙" * 150
ADDRESS = "東京都練馬区光が丘二丁目3番1-999号"


def _signed_in(database: Database) -> tuple[TestClient, int]:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        household_pk = add_household(session, now=fixed.now()).id
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client, household_pk


def _registration(client: TestClient, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "csrf": csrf_of(client, "/staff/households/new"), "guardian_name": "山田 花子",
        "guardian_kana": "ヤマダ ハナコ", "phone": "080-2345-6789", "address": ADDRESS, "registered_on": "2026-06-01",
        "dv_flag": "1",
        "child_name": ["山田 蓮"], "child_kana": ["ヤマダ レン"], "child_birthdate": ["2025-01-10"], "child_sex": ["M"]}
    return {**form, **changes}


def test_a_150_character_guardian_name_is_a_form_error_and_nothing_is_stored_or_logged(
        database: Database, caplog: pytest.LogCaptureFixture) -> None:
    client, _household_pk = _signed_in(database)
    with caplog.at_level(logging.DEBUG):
        response = client.post("/staff/households/new", data=_registration(client, guardian_name=LONG_NAME))
    assert response.status_code == 422 and "保護者氏名は100文字以内で入力してください" in response.text
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 1  # only the one from the setup
    assert ADDRESS not in caplog.text and "08023456789" not in caplog.text and "DataError" not in caplog.text


def test_a_child_name_too_long_for_its_column_is_a_form_error(database: Database) -> None:
    client, _household_pk = _signed_in(database)
    response = client.post("/staff/households/new", data=_registration(client, child_name=[LONG_NAME]))
    assert response.status_code == 422 and "子の氏名は100文字以内で入力してください" in response.text


def test_editing_a_household_with_an_overlong_address_is_a_form_error(database: Database) -> None:
    client, household_pk = _signed_in(database)
    response = client.post(f"/staff/households/{household_pk}/edit", data={
        "csrf": csrf_of(client, f"/staff/households/{household_pk}"), "guardian_name": "髙橋 美咲",
        "guardian_kana": "タカハシ ミサキ", "phone": "090-1234-5678", "address": "練" * 301})
    assert response.status_code == 422 and "住所は300文字以内で入力してください" in response.text


def test_adding_a_child_with_an_overlong_reading_is_a_form_error(database: Database) -> None:
    client, household_pk = _signed_in(database)
    response = client.post(f"/staff/households/{household_pk}/children", data={
        "csrf": csrf_of(client, f"/staff/households/{household_pk}"), "child_name": "髙橋 結菜",
        "child_kana": "タ" * 101, "child_birthdate": "2025-02-01", "child_sex": "F"})
    with database.unit_of_work() as session:
        children = session.scalar(select(func.count()).select_from(Child))
    assert response.status_code == 422 and "子のフリガナは100文字以内で入力してください" in response.text
    assert children == 1
