"""The letter and the record (issue 27, item 6): the number on file and the address on the letter; the
registering facility (登録施設) and the interview date (面談) imported, stored and shown."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from staff_support import add_facilities, add_staff, client_for, clock, csrf_of, log_in
from test_registration_importer import COLUMNS, DEMO, TODAY, write

from azukari.db import Database
from azukari.households.models import Household
from azukari.registration.importer import HouseholdImportError, import_households

WITH_RECORD = (*COLUMNS, "registered_facility", "interviewed_on")


def _import(database: Database, path: Path) -> None:
    with database.unit_of_work() as session:
        import_households(session, path, today=TODAY, workers=1)
        session.commit()


def _stored(database: Database) -> tuple[int | None, dt.date | None]:
    with database.unit_of_work() as session:
        household = session.scalars(select(Household)).one()
        return household.registered_facility, household.interviewed_on


def test_the_registering_facility_and_interview_date_are_imported(database: Database, tmp_path: Path) -> None:
    row = {**DEMO, "registered_facility": "2", "interviewed_on": "2026/3/20"}
    _import(database, write(tmp_path / "h.csv", [row], columns=WITH_RECORD))
    assert _stored(database) == (2, dt.date(2026, 3, 20))


def test_a_file_without_the_optional_columns_keeps_what_is_stored(database: Database, tmp_path: Path) -> None:
    _import(database, write(tmp_path / "a.csv", [{**DEMO, "registered_facility": "2", "interviewed_on": "2026-03-20"}],
                            columns=WITH_RECORD))
    _import(database, write(tmp_path / "b.csv", [DEMO]))
    assert _stored(database) == (2, dt.date(2026, 3, 20))


def test_a_bad_interview_date_is_named_by_line_and_column(tmp_path: Path, database: Database) -> None:
    row = {**DEMO, "registered_facility": "x", "interviewed_on": "3月"}
    try:
        _import(database, write(tmp_path / "h.csv", [row], columns=WITH_RECORD))
    except HouseholdImportError as error:
        assert [e.split(":")[0] for e in error.errors] == ["line 2, column registered_facility",
                                                          "line 2, column interviewed_on"]
    else:
        raise AssertionError("the file was imported")


def test_the_letter_shows_the_number_on_file_and_the_address_as_typed_and_the_page_the_record(
        database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        add_staff(session, username="sato", role="centre", now=fixed.now())
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    letter = client.post("/staff/households/new", data={
        "guardian_name": "髙橋 美咲", "guardian_kana": "タカハシ ミサキ", "phone": "09012345678",
        "address": "東京都練馬区光が丘二丁目3番1-204号", "registered_on": "2026-06-01", "registered_facility": "1",
        "interviewed_on": "2026-05-20", "child_name": "髙橋 陽翔", "child_kana": "タカハシ ハルト",
        "child_birthdate": "2024-05-01", "child_sex": "M", "csrf": csrf_of(client, "/staff/households/new")}).text
    assert 'id="phone-on-file">090-1234-5678<' in letter
    assert 'id="address-on-file">東京都練馬区光が丘二丁目3番1-204号<' in letter
    with database.unit_of_work() as session:
        household_pk = session.scalars(select(Household.id)).one()
    page = client.get(f"/staff/households/{household_pk}").text
    assert "面談日 2026-05-20" in page and "登録施設 光が丘" in page
