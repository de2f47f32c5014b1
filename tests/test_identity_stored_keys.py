"""Match keys worked out at registration: every writer stores them, verification reads them, and a missing or
outdated row makes verification slower, never different."""
from __future__ import annotations

import collections
import csv
import datetime as dt
from pathlib import Path

from identity_corpus import corpus
from identity_households import add_household
from sqlalchemy import delete, event, select, update
from sqlalchemy.orm import Session

from azukari.db import Database
from azukari.households.models import Household
from azukari.identity.address import address_keys, grade_address, grade_addresses, parse_address, parse_registered
from azukari.identity.keys import keys_version, name_keys, pack_address, pack_name
from azukari.identity.matching import grade_name, grade_names, prepare_name
from azukari.identity.models import MatchKeys
from azukari.identity.stored_keys import backfill
from azukari.identity.verification import AttemptContext, Refused, Verified, verify_by_knowledge
from azukari.registration.importer import COLUMNS, import_households
from azukari.registration.service import ChildEntry, add_child, register_household, update_contact

NOW = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)
BORN = dt.date(2024, 5, 1)
RIGHT = {"child_name": "高橋陽翔", "birthdate": BORN, "address": "練馬区光が丘2-3-1-204",
         "guardian_name": "たかはし みさき"}


def _verify(session: Session, n: int = 1, **changes: object) -> object:
    return verify_by_knowledge(session, context=AttemptContext("voice", f"+8190555503{n:02d}", f"CA{n}"), now=NOW,
                               **{**RIGHT, **changes})  # type: ignore[arg-type]


def _expected(household: Household) -> dict[int, tuple[str, str, str]]:
    return {c.id: (pack_name(name_keys(c.name, c.kana)),
                   pack_name(name_keys(household.guardian_name, household.guardian_kana)),
                   pack_address(address_keys(household.address))) for c in household.children}


def _stored(session: Session) -> dict[int, tuple[str, str, str]]:
    return {r.child_id: (r.name, r.guardian, r.address) for r in session.scalars(select(MatchKeys))}


def test_the_counter_stores_the_keys_of_each_child_and_refreshes_them_when_the_address_changes(
        database: Database) -> None:
    with database.unit_of_work() as session:
        household, _ = register_household(
            session, guardian_name="髙橋 美咲", guardian_kana="タカハシ ミサキ", phone="090-1234-5678",
            address="東京都練馬区光が丘二丁目3番1-204号", children=[ChildEntry("髙橋 陽翔", "タカハシ ハルト", BORN)],
            registered_on=dt.date(2026, 4, 1), dv_flag=False, now=NOW)
        add_child(session, household_pk=household.id, entry=ChildEntry("髙橋 結衣", "タカハシ ユイ", BORN), now=NOW)
        assert _stored(session) == _expected(household) and len(household.children) == 2
        update_contact(session, household_pk=household.id, guardian_name="髙橋 美咲", guardian_kana="タカハシ ミサキ",
                       phone="090-1234-5678", address="東京都練馬区豊玉北六丁目12番1号", now=NOW)
        assert _stored(session) == _expected(household)
        assert isinstance(_verify(session, address="練馬区豊玉北6-12-1"), Verified)
        assert isinstance(_verify(session, 2), Refused)  # the old address no longer verifies


def test_the_importer_stores_the_keys_of_the_households_it_writes(database: Database, tmp_path: Path) -> None:
    row = {"household_id": "10000001", "phone_pin": "4821", "guardian_name": "髙橋 美咲",
           "guardian_kana": "タカハシ ミサキ", "phone": "090-1234-5678", "address": "",
           "child_name": "髙橋 陽翔", "child_kana": "タカハシ ハルト", "child_birthdate": BORN.isoformat(),
           "child_sex": "M", "registered_on": "2026-04-01", "dv_flag": "0"}
    path = tmp_path / "households.csv"
    for address in ("東京都練馬区光が丘二丁目3番1-204号", "東京都練馬区豊玉北六丁目12番1号"):
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerow({**row, "address": address})
        with database.unit_of_work() as session:
            import_households(session, path, today=dt.date(2026, 5, 1))
            session.commit()
        with database.unit_of_work() as session:
            household = session.scalars(select(Household)).one()
            assert _stored(session) == _expected(household)


def test_a_child_written_without_keys_is_still_a_candidate(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session)  # straight through the ORM: no keys stored
        assert _stored(session) == {}
        outcome = _verify(session)
        assert outcome == Verified(household_pk=household.id, child_id=household.children[0].id, dv=False)


def test_keys_of_another_version_are_not_used(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session)
        backfill(session.connection())
        # Keys that would let anyone through, were they read: another family's, under an old version.
        session.execute(update(MatchKeys).values(
            version="0:old", name=pack_name(name_keys("佐藤 凛", "サトウ リン")),
            guardian=pack_name(name_keys("佐藤 愛", "サトウ アイ")),
            address=pack_address(address_keys("東京都練馬区豊玉北六丁目12番1号"))))
        assert isinstance(_verify(session, child_name="佐藤凛", guardian_name="佐藤愛", address="練馬区豊玉北6-12-1"),
                          Refused)
        outcome = _verify(session, 2)
        assert outcome == Verified(household_pk=household.id, child_id=household.children[0].id, dv=False)


def test_the_backfill_stores_the_keys_of_every_child_and_erasure_takes_them(database: Database) -> None:
    with database.unit_of_work() as session:
        household = add_household(session, children=(("髙橋 陽翔", "タカハシ ハルト", BORN),
                                                      ("髙橋 結衣", "タカハシ ユイ", dt.date(2025, 1, 2))))
        assert backfill(session.connection()) == 2
        assert _stored(session) == _expected(household)
        assert {r.version for r in session.scalars(select(MatchKeys))} == {keys_version()}
        session.execute(delete(Household))
        assert _stored(session) == {}


def test_a_refusal_runs_the_statements_a_success_runs(database: Database) -> None:
    statements: list[str] = []
    with database.unit_of_work() as session:
        add_household(session)
        _verify(session, 9)  # warm: the analyser, the caches

        def count(conn: object, cursor: object, statement: str, *rest: object) -> None:
            statements.append(statement.split()[0])

        event.listen(database.engine, "before_cursor_execute", count)
        try:
            counts = []
            for n, changes in enumerate(({}, {"address": "練馬区光が丘9-9-9"}, {"child_name": "存在しない子"}), 1):
                statements.clear()
                _verify(session, n, **changes)
                counts.append(collections.Counter(statements))
        finally:
            event.remove(database.engine, "before_cursor_execute", count)
        assert counts[0] == counts[1] == counts[2]


def test_bulk_grading_gives_every_candidate_the_grade_the_rule_gives_it_alone() -> None:
    registry, attempts = corpus(seed=3, genuine_count=300, impostors_each=60, households=300)
    by_birthdate = collections.defaultdict(list)
    for h in registry:
        for c in h.children:
            by_birthdate[c.birthdate].append((h, c))
    for a in attempts:
        candidates = by_birthdate[a.birthdate]
        said_name, said_guardian = (prepare_name(a.child_name, language=a.language),
                                    prepare_name(a.guardian_name, language=a.language))
        said_address = parse_address(a.address, language=a.language)
        assert grade_names(said_name, [pack_name(name_keys(c.name, c.kana)) for _, c in candidates]) == [
            grade_name(said_name, name=c.name, kana=c.kana) for _, c in candidates]
        assert grade_names(said_guardian, [pack_name(name_keys(h.guardian_name, h.guardian_kana))
                                           for h, _ in candidates]) == [
            grade_name(said_guardian, name=h.guardian_name, kana=h.guardian_kana) for h, _ in candidates]
        assert grade_addresses(said_address, [pack_address(address_keys(h.address)) for h, _ in candidates]) == [
            grade_address(said_address, parse_registered(h.address)) for h, _ in candidates]
