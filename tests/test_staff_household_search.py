"""Finding a household at the counter: by ID, by the number on file in any spelling, by any name or reading."""
from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from staff_support import add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari import migrate
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.erasure import retention
from azukari.households.models import Household, HouseholdSearchTerm
from azukari.oversight.models import AuditEntry
from azukari.registration import service as registration
from azukari.registration.importer import COLUMNS, import_households
from azukari.registration.search import find
from azukari.registration.service import ChildEntry


def _setup(database: Database) -> tuple[TestClient, Household]:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        home = add_household(session, now=fixed.now())  # 髙橋 美咲 / 髙橋 陽翔, 090-1234-5678, 光が丘
        registration.register_household(
            session, guardian_name="山﨑 直子", guardian_kana="ヤマザキ ナオコ", phone="03-3993-1111",
            address="東京都練馬区豊玉北6丁目12番1号",
            children=[ChildEntry(name="山﨑 湊", kana="ヤマザキ ミナト", birthdate=dt.date(2022, 1, 20))],
            registered_on=dt.date(2026, 4, 1), dv_flag=True, now=fixed.now())
        session.commit()
        session.refresh(home)
        session.expunge(home)
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client, home


def _search(client: TestClient, query: str, page: int = 1) -> str:
    response = client.post("/staff/households/find", data={"csrf": csrf_of(client, "/staff/households"),
                                                           "query": query, "page": str(page)})
    assert response.status_code == 200
    return response.text


def _found(page: str) -> list[str]:
    return re.findall(r'data-household-id="(\d+)"', page)


@pytest.mark.parametrize("query", [
    "髙橋", "高橋", "高橋美咲", "髙橋 美咲", "たかはし", "タカハシ", "タカハシミサキ", "タカハシ ミサキ", "ﾀｶﾊｼ",
    "ﾀｶﾊｼ ﾐｻｷ", "たかはし　みさき", "高橋陽翔", "たかはし はると", "ﾀｶﾊｼﾊﾙﾄ", "090-1234-5678", "09012345678",
    "０９０－１２３４－５６７８", "+81 90-1234-5678", "+819012345678", "(090) 1234 5678"])
def test_a_household_is_found_by_every_spelling_of_its_names_and_number(database: Database, query: str) -> None:
    client, home = _setup(database)
    assert _found(_search(client, query)) == [home.household_id]


def test_a_household_is_found_by_its_household_id(database: Database) -> None:
    client, home = _setup(database)
    assert _found(_search(client, home.household_id)) == [home.household_id]


def test_a_variant_kanji_in_the_register_is_found_by_the_standard_one(database: Database) -> None:
    client, _home = _setup(database)
    page = _search(client, "山崎")
    assert len(_found(page)) == 1 and "山﨑 直子" in page
    assert len(_found(_search(client, "03-3993-1111"))) == 1


@pytest.mark.parametrize("query", ["サトウ", "佐藤", "080-0000-0000", "99999999", "光が丘"])
def test_a_query_that_matches_no_one_finds_nothing(database: Database, query: str) -> None:
    client, _home = _setup(database)
    page = _search(client, query)
    assert _found(page) == [] and "該当する世帯はありません" in page


def test_results_show_the_children_with_their_ages_the_town_and_the_dv_mark(database: Database) -> None:
    client, _home = _setup(database)
    page = _search(client, "やまざき")
    row = re.search(r'<tr data-household-id="\d+">.*?</tr>', page, re.S)
    assert row is not None
    assert "山﨑 湊（4歳）" in row.group()  # born 2022-01-20, Tokyo today 2026-06-01
    assert "豊玉北" in row.group() and "12番" not in row.group() and "東京都" not in row.group()
    assert 'tag-dv">DV<' in row.group() and 'id="dv-banner"' in page
    takahashi = _search(client, "タカハシ")
    assert "髙橋 陽翔（3歳）" in takahashi and "光が丘" in takahashi and "二丁目" not in takahashi
    assert 'id="dv-banner"' not in takahashi


def test_many_households_of_one_name_come_twenty_to_a_page(database: Database) -> None:
    client, _home = _setup(database)
    now = clock().now()
    with database.unit_of_work() as session:
        for n in range(24):
            registration.register_household(
                session, guardian_name=f"高橋 {n:02d}", guardian_kana=f"タカハシ {chr(ord('ア') + n)}",
                phone=f"090-1111-{n:04d}", address="東京都練馬区旭町1-2",
                children=[ChildEntry(name="高橋 子", kana="タカハシ コ", birthdate=dt.date(2024, 1, 1))],
                registered_on=dt.date(2026, 4, 1), dv_flag=False, now=now)
        session.commit()
    first, second = _search(client, "たかはし"), _search(client, "たかはし", page=2)
    assert len(_found(first)) == 20 and len(_found(second)) == 5
    assert not set(_found(first)) & set(_found(second))
    assert "25件（1 / 2ページ）" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert _found(_search(client, "たかはし", page=9)) == _found(second)  # past the end: the last page


def test_a_search_and_each_household_it_showed_are_audited(database: Database) -> None:
    client, home = _setup(database)
    _search(client, "ﾀｶﾊｼ")
    with database.unit_of_work() as session:
        rows = session.execute(select(AuditEntry.action, AuditEntry.household_pk, AuditEntry.detail)
                               .where(AuditEntry.action.like("household.s%"))).all()
    assert [(a, pk) for a, pk, _d in rows] == [("household.searched", None), ("household.shown_in_search", home.id)]
    assert rows[0].detail == {"results": 1, "page": 1}  # how many, never what was typed


def test_changing_a_name_or_adding_a_child_changes_what_finds_the_household(database: Database) -> None:
    client, home = _setup(database)
    now = clock().now()
    with database.unit_of_work() as session:
        registration.update_contact(session, household_pk=home.id, guardian_name="渡邊 美咲",
                                    guardian_kana="ワタナベ ミサキ", phone="080-5555-1234",
                                    address="東京都練馬区光が丘二丁目3番1-204号", now=now)
        registration.add_child(session, household_pk=home.id, now=now,
                               entry=ChildEntry(name="渡邊 結衣", kana="ワタナベ ユイ", birthdate=dt.date(2025, 3, 3)))
        session.commit()
    assert _found(_search(client, "渡辺結衣")) == [home.household_id]
    assert _found(_search(client, "080-5555-1234")) == [home.household_id]
    assert _found(_search(client, "090-1234-5678")) == []
    assert _found(_search(client, "タカハシミサキ")) == []
    assert _found(_search(client, "タカハシ ハルト")) == [home.household_id]  # the first child keeps its name


def test_households_from_the_csv_importer_are_found_like_any_other(database: Database, tmp_path: Path) -> None:
    client, _home = _setup(database)
    path = tmp_path / "households.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerow({"household_id": "30000003", "phone_pin": "4821", "guardian_name": "齋藤 花",
                         "guardian_kana": "さいとう はな", "phone": "080-7777-8888", "address": "東京都練馬区春日町3-1",
                         "child_name": "齋藤 蒼", "child_kana": "サイトウ アオイ", "child_birthdate": "2024-05-01",
                         "child_sex": "", "registered_on": "2026-04-01", "dv_flag": "0"})
    with database.unit_of_work() as session:
        import_households(session, path, today=dt.date(2026, 6, 1))
        session.commit()
    for query in ("斎藤", "ｻｲﾄｳ ｱｵｲ", "08077778888"):
        assert _found(_search(client, query)) == ["30000003"]


def test_the_migration_gives_households_registered_before_it_their_search_terms(database: Database) -> None:
    now = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)
    with database.unit_of_work() as session:
        home = add_household(session, now=now)
        session.commit()
        expected = set(session.scalars(select(HouseholdSearchTerm.term)))
        home_pk = home.id
    config = migrate.alembic_config(database.engine)
    with database.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "console_1-1")
        connection.commit()
    try:
        with database.engine.connect() as connection:
            assert "household_search_terms" not in {row[0] for row in connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table'" if database.dialect == "sqlite"
                else "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))}
    finally:
        migrate.upgrade(database.engine)
    with database.unit_of_work() as session:
        rows = session.execute(select(HouseholdSearchTerm.household_pk, HouseholdSearchTerm.term)).all()
    assert {pk for pk, _t in rows} == {home_pk} and {t for _pk, t in rows} == expected
    assert {"タカハシミサキ", "高橋美咲", "タカハシハルト", "高橋陽翔", "+819012345678", "ミサキ", "美咲", "ハルト",
            "陽翔"} == expected


def test_the_retention_purge_takes_a_households_search_terms_with_it(database: Database) -> None:
    now = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)
    with database.unit_of_work() as session:
        kept = add_household(session, now=now).id
        add_household(session, now=now, phone="080-3333-4444", registered_on=dt.date(2020, 4, 1))
        session.commit()
    with database.unit_of_work() as session:
        assert retention.purge(session, now=now, dry_run=False).households == 1
        session.commit()
    with database.unit_of_work() as session:
        assert set(session.scalars(select(HouseholdSearchTerm.household_pk))) == {kept}
        assert "+818033334444" not in set(session.scalars(select(HouseholdSearchTerm.term)))


def test_an_expired_registration_is_marked_in_the_results(database: Database) -> None:
    client, _home = _setup(database)
    with database.unit_of_work() as session:
        add_household(session, now=clock().now(), phone="080-3333-4444", registered_on=dt.date(2025, 4, 1))
        session.commit()
    rows = re.findall(r'<tr data-household-id="\d+">.*?</tr>', _search(client, "タカハシ"), re.S)
    assert len(rows) == 2 and sum("期限切れ" in row for row in rows) == 1


def test_a_given_name_alone_finds_the_household(database: Database) -> None:
    now = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)
    with database.unit_of_work() as session:
        home = add_household(session, now=now)
        session.commit()
        for query in ("みさき", "ミサキ", "美咲", "はると"):
            assert [h.id for h in find(session, query=query, today=now.date()).hits] == [home.id], query


def _registered_at(database: Database) -> tuple[TestClient, dict[str, str]]:
    """Three families: two registered at facility 1 (interviewed in April and in May), one at facility 2."""
    fixed = clock()
    ids = {}
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        for name, kana, phone, facility, day in (
                ("髙橋 美咲", "タカハシ ミサキ", "090-1234-5678", 1, dt.date(2026, 4, 10)),
                ("佐藤 愛", "サトウ アイ", "080-2345-6789", 1, dt.date(2026, 5, 20)),
                ("高橋 由香", "タカハシ ユカ", "070-3456-7890", 2, dt.date(2026, 4, 11))):
            home, _pin = registration.register_household(
                session, guardian_name=name, guardian_kana=kana, phone=phone, address="東京都練馬区光が丘二丁目3番1号",
                children=[ChildEntry(name=f"{name[:2]} 蓮", kana=f"{kana.split()[0]} レン",
                                     birthdate=dt.date(2023, 1, facility + len(ids)))],
                registered_on=dt.date(2026, 4, 1), dv_flag=False, now=fixed.now(), registered_facility=facility,
                interviewed_on=day)
            ids[phone] = home.household_id
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client, ids


def _narrowed(client: TestClient, **form: str) -> set[str]:
    page = client.post("/staff/households/find", data={"csrf": csrf_of(client, "/staff/households"), **form}).text
    return set(re.findall(r'data-household-id="(\d+)"', page))


def test_the_console_finds_households_by_registered_facility_alone_or_with_a_name(database: Database) -> None:
    client, ids = _registered_at(database)
    assert _narrowed(client, query="", facility="1") == {ids["090-1234-5678"], ids["080-2345-6789"]}
    assert _narrowed(client, query="たかはし", facility="2") == {ids["070-3456-7890"]}
    assert _narrowed(client, query="たかはし") == {ids["090-1234-5678"], ids["070-3456-7890"]}


def test_the_console_finds_households_by_interview_dates(database: Database) -> None:
    client, ids = _registered_at(database)
    april = _narrowed(client, query="", interviewed_from="2026-04-01", interviewed_until="2026-04-30")
    assert april == {ids["090-1234-5678"], ids["070-3456-7890"]}
    assert _narrowed(client, query="", facility="1", interviewed_from="2026-05-20",
                     interviewed_until="2026-05-20") == {ids["080-2345-6789"]}
    assert _narrowed(client, query="") == set()  # nothing asked, nothing listed
