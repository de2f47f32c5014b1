"""Children registered twice, in two households (issue 27, item 1): found at import and at the counter,
named in the import report, and booked as one child until staff decide."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from facilities_files import facilities_toml, hikarigaoka, import_facilities_text, shakujii
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_registration_importer import DEMO, TODAY, write

from azukari.booking import service
from azukari.booking.models import Facility, Unit
from azukari.booking.rules import BookingRefusal
from azukari.clock import TOKYO
from azukari.db import Database
from azukari.households.models import Child, Household
from azukari.households.pairs import OPEN, SuspectedDuplicate
from azukari.identity.outcomes import AttemptContext, Verified
from azukari.identity.verification import verify_by_household_id, verify_by_knowledge
from azukari.registration import service as registration
from azukari.registration.duplicates import NameFacts, near_name, same_name
from azukari.registration.importer import ImportSummary, import_households

FAMILIES = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("田中", "タナカ"), ("伊藤", "イトウ"), ("山本", "ヤマモト"),
            ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
            ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("清水", "シミズ"),
            ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("石川", "イシカワ"), ("前田", "マエダ")]
GIVEN = [("陽翔", "ハルト"), ("蓮", "レン"), ("湊", "ミナト"), ("結菜", "ユイナ"), ("凛", "リン"), ("葵", "アオイ"),
         ("大和", "ヤマト"), ("芽依", "メイ"), ("陽葵", "ヒマリ"), ("樹", "イツキ"), ("悠真", "ユウマ"),
         ("紬", "ツムギ"), ("朝陽", "アサヒ"), ("澪", "ミオ"), ("蒼", "ソウ"), ("咲良", "サクラ"), ("律", "リツ"),
         ("心春", "コハル"), ("颯太", "ソウタ"), ("杏", "アン")]
GUARDIANS = [("美咲", "ミサキ"), ("健一", "ケンイチ"), ("愛", "アイ"), ("大輔", "ダイスケ"), ("由美", "ユミ")]
# The twelve planted: (name in household A, reading A, name in household B, reading B, what differs).
PLANTED = [
    ("髙橋 陽翔", "タカハシ ハルト", "高橋 陽翔", "タカハシ ハルト", "variant kanji"),
    ("齋藤 結衣", "サイトウ ユイ", "斎藤 結衣", "サイトウ ユイ", "variant kanji"),
    ("渡邉 蒼空", "ワタナベ ソラ", "渡辺 蒼空", "ワタナベ ソラ", "variant kanji"),
    ("濱田 柚希", "ハマダ ユズキ", "浜田 柚希", "ハマダ ユズキ", "variant kanji"),
    ("岡田 壮真", "オカダ ソウマ", "オカダ ソウマ", "オカダ ソウマ", "kana only"),
    ("村上 心結", "ムラカミ ミユ", "むらかみ みゆ", "むらかみ みゆ", "kana only, hiragana"),
    ("藤田 悠人", "フジタ ユウト", "フジタユート", "ﾌｼﾞﾀ ﾕｰﾄ", "kana only, no space, half width"),
    ("後藤 陽菜", "ゴトウ ヒナ", "ゴトウ　ヒナ", "ゴトウ　ヒナ", "kana only, full-width space"),
    ("近藤 湊斗", "コンドウ ミナト", "近藤 湊斗", "コンドウ ミナト", "another guardian"),
    ("坂本 琴音", "サカモト コトネ", "坂本 琴音", "サカモト コトネ", "another guardian"),
    ("遠藤 大翔", "エンドウ ヒロト", "遠藤 大翔", "エンドウ ヒロト", "another guardian"),
    ("青木 紗良", "アオキ サラ", "青木 紗良", "アオキ サラ", "another guardian"),
]


def _row(household_id: str, guardian: tuple[str, str], name: str, kana: str, born: dt.date, *, n: int,
         address: str | None = None) -> dict[str, str]:
    return {**DEMO, "household_id": household_id, "phone_pin": f"{4000 + n % 5000}",
            "guardian_name": guardian[0], "guardian_kana": guardian[1],
            "phone": f"090-{2000 + n // 100}-{5600 + n % 100}",
            "address": address or f"東京都練馬区光が丘{n % 7 + 1}丁目{n % 20 + 1}番{n % 9 + 1}号",
            "child_name": name, "child_kana": kana, "child_birthdate": born.isoformat(), "child_sex": ""}


def ward_file(rng: random.Random) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """300 invented households: 273 ordinary ones (many children share a birthdate and a family name with
    another family's child; twins), 3 lookalikes that are not the same child (the same name born another
    day, a reading one slip away under another guardian) and 12 planted pairs (24 households).
    Returns the rows and the planted pairs' household IDs."""
    rows: list[dict[str, str]] = []
    taken: set[tuple[dt.date, str, str]] = set()  # (birthdate, family reading, given reading)
    first_day = dt.date(2022, 4, 1)
    n = 0
    while len({r["household_id"] for r in rows}) < 273:
        n += 1
        household_id = f"{30000000 + n}"
        family = rng.choice(FAMILIES)
        guardian = (f"{family[0]} {GUARDIANS[n % 5][0]}", f"{family[1]} {GUARDIANS[n % 5][1]}")
        # Birthdates crowd into 120 days, so many children share one with another family's child.
        births = [first_day + dt.timedelta(days=rng.randrange(120))]
        if n % 9 == 0:
            births.append(births[0])  # twins: one household, one birthdate
        elif n % 4 == 0:
            births.append(births[0] + dt.timedelta(days=500 + rng.randrange(200)))
        givens = rng.sample(GIVEN, len(births))
        fresh = [(born, family[1], given[1]) for born, given in zip(births, givens, strict=True)]
        if any(key in taken for key in fresh):
            continue  # two different children cannot have one name and one birthdate in this ward
        taken.update(fresh)
        rows += [_row(household_id, guardian, f"{family[0]} {given[0]}", f"{family[1]} {given[1]}", born, n=n)
                 for born, given in zip(births, givens, strict=True)]
    # The same name and reading born on another day, in another household: two children.
    rows.append(_row("39000001", ("佐藤 花子", "サトウ ハナコ"), "髙橋 陽翔", "タカハシ ハルト", dt.date(2023, 1, 2),
                     n=9101))
    # A reading one slip away (ハルド), another guardian and another address: two children.
    rows.append(_row("39000002", ("高田 実", "タカダ ミノル"), "高橋 春人", "タカハシ ハルド", dt.date(2022, 6, 1),
                     n=9102))
    rows.append(_row("39000003", ("高橋 真司", "タカハシ シンジ"), "高橋 晴人", "タカハシ ハルト", dt.date(2022, 6, 1),
                     n=9103, address="東京都練馬区石神井町一丁目1番1号"))
    planted: list[tuple[str, str]] = []
    for i, (name_a, kana_a, name_b, kana_b, how) in enumerate(PLANTED):
        born = dt.date(2021, 1, 1) + dt.timedelta(days=37 * i)
        family_a = name_a.split()[0]
        a, b = f"{40000000 + i}", f"{50000000 + i}"
        guardian_a = (f"{family_a} 美咲", f"{kana_a.split()[0]} ミサキ")
        guardian_b = (f"{family_a} 健一", f"{kana_a.split()[0]} ケンイチ") if how == "another guardian" else guardian_a
        rows.append(_row(a, guardian_a, name_a, kana_a, born, n=7000 + i))
        rows.append(_row(b, guardian_b, name_b, kana_b, born, n=8000 + i,
                         address="東京都練馬区石神井町三丁目5番2号" if how == "another guardian" else None))
        planted.append((a, b))
    assert len({r["household_id"] for r in rows}) == 300
    rng.shuffle(rows)
    return rows, planted


def _import(database: Database, path: Path) -> ImportSummary:
    with database.unit_of_work() as session:
        summary = import_households(session, path, today=TODAY, workers=1)
        session.commit()
    return summary


def _pairs(database: Database) -> set[tuple[str, str]]:
    with database.unit_of_work() as session:
        homes = {pk: hid for pk, hid in session.execute(select(Household.id, Household.household_id))}
        return {tuple(sorted((homes[r.household_a], homes[r.household_b])))  # type: ignore[misc]
                for r in session.scalars(select(SuspectedDuplicate).where(SuspectedDuplicate.status == OPEN))}


def test_a_ward_file_of_300_households_reports_its_12_planted_duplicates_and_no_other_pair(
        database: Database, tmp_path: Path) -> None:
    rows, planted = ward_file(random.Random(27))
    summary = _import(database, write(tmp_path / "h.csv", rows))
    assert _pairs(database) == {tuple(sorted(pair)) for pair in planted}
    reported = {tuple(sorted((note.household_id, note.other_household_id))) for note in summary.duplicates}
    assert reported == {tuple(sorted(pair)) for pair in planted}
    assert str(summary).endswith("; 12 suspected duplicates (console: 重複の疑い)")


def test_the_report_names_the_line_and_household_of_each_child_of_a_pair(database: Database, tmp_path: Path) -> None:
    other = {**DEMO, "household_id": "20000002", "phone_pin": "1357", "guardian_name": "髙橋 健一",
             "guardian_kana": "タカハシ ケンイチ", "phone": "080-2345-6789", "child_name": "高橋 陽翔"}
    summary = _import(database, write(tmp_path / "h.csv", [DEMO, other]))
    assert [str(note) for note in summary.duplicates] == [
        "line 3, household 20000002: may be the same child as in household 10000001 (line 2) (same birthdate "
        "and name, the same address); booked as one child until staff merge or dismiss the pair"]


def test_a_child_imported_later_is_paired_with_the_one_already_registered(database: Database, tmp_path: Path) -> None:
    _import(database, write(tmp_path / "a.csv", [DEMO]))
    other = {**DEMO, "household_id": "20000002", "child_name": "タカハシ ハルト", "phone": "080-2345-6789"}
    summary = _import(database, write(tmp_path / "b.csv", [other]))
    assert [(n.line, n.household_id, n.other_household_id, n.other_line) for n in summary.duplicates] == [
        (2, "20000002", "10000001", 0)]


def test_importing_the_same_file_again_adds_no_second_pair(database: Database, tmp_path: Path) -> None:
    other = {**DEMO, "household_id": "20000002", "phone": "080-2345-6789"}
    path = write(tmp_path / "h.csv", [DEMO, other])
    _import(database, path)
    again = _import(database, path)
    assert len(again.duplicates) == 1
    with database.unit_of_work() as session:
        assert len(session.scalars(select(SuspectedDuplicate)).all()) == 1


def test_a_dismissed_pair_is_not_reopened_by_the_next_import(database: Database, tmp_path: Path) -> None:
    other = {**DEMO, "household_id": "20000002", "phone": "080-2345-6789"}
    path = write(tmp_path / "h.csv", [DEMO, other])
    _import(database, path)
    with database.unit_of_work() as session:
        row = session.scalars(select(SuspectedDuplicate)).one()
        row.status = "dismissed"
        session.commit()
    assert _import(database, path).duplicates == ()
    assert _pairs(database) == set()


def test_twins_of_one_household_are_never_a_suspected_pair(database: Database, tmp_path: Path) -> None:
    twin = {**DEMO, "child_name": "髙橋 陽葵", "child_kana": "タカハシ ヒマリ"}
    assert _import(database, write(tmp_path / "h.csv", [DEMO, twin])).duplicates == ()


def test_names_agree_by_folded_characters_or_by_reading_and_not_otherwise() -> None:
    def facts(chars: str, reading: str) -> NameFacts:
        from azukari.identity.keys import name_keys, pack_name
        return NameFacts.unpack(pack_name(name_keys(chars, reading)))

    assert same_name(facts("髙橋 陽翔", "タカハシ ハルト"), facts("高橋 陽翔", "たかはし はると"))
    assert same_name(facts("高橋 晴人", "タカハシ ハルト"), facts("タカハシハルト", "タカハシ ハルト"))
    assert not same_name(facts("高橋 陽翔", "タカハシ ハルト"), facts("高橋 陽向", "タカハシ ヒナタ"))
    assert near_name(facts("高橋 春人", "タカハシ ハルド"), facts("高橋 陽翔", "タカハシ ハルト"))
    assert not near_name(facts("高橋 陽翔", "タカハシ ユイト"), facts("高橋 陽翔", "タカハシ ユウト"))


# --- the pair is one child for the booking rules ---------------------------------------------------------

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO)  # Friday
DAY = dt.date(2026, 11, 27)


def _unit(session: Session, facility_key: int) -> int:
    found = session.scalar(select(Unit.id).join(Facility).where(Facility.key == facility_key, Unit.key == 1))
    assert found is not None
    return found


def _children(session: Session) -> tuple[int, int]:
    ids = list(session.scalars(select(Child.id).order_by(Child.id)))
    assert len(ids) == 2
    return ids[0], ids[1]


@pytest.fixture
def paired(database: Database, tmp_path: Path) -> Database:
    """The demo child imported a second time by another guardian, under its reading alone."""
    other = {**DEMO, "household_id": "20000002", "phone_pin": "1357", "guardian_name": "髙橋 健一",
             "guardian_kana": "タカハシ ケンイチ", "phone": "080-2345-6789",
             "address": "東京都練馬区石神井町一丁目1番1号", "child_name": "タカハシ ハルト"}
    assert len(_import(database, write(tmp_path / "h.csv", [{**DEMO, "registered_on": "2026-11-01"},
                                                            {**other, "registered_on": "2026-11-01"}])).duplicates) == 1
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, facilities_toml(
            hikarigaoka(capacity=3, infant_capacity=1), shakujii(capacity=3, infant_capacity=1),
            rules={"monthly_units_per_child": 2}))
        session.commit()
    return database


def _book(session: Session, child_id: int, facility_key: int, day: dt.date = DAY) -> object:
    return service.book(session, child_id=child_id, unit_id=_unit(session, facility_key), day=day, channel="voice",
                        language="ja", now=NOW)


def test_a_suspected_pair_cannot_be_booked_at_two_facilities_at_nine(paired: Database) -> None:
    with paired.unit_of_work() as session:
        first, second = _children(session)
        assert isinstance(_book(session, first, 1), service.Booked)
        session.commit()
    with paired.unit_of_work() as session:
        assert _book(session, second, 2) == BookingRefusal.OVERLAPPING


def test_a_suspected_pair_shares_one_months_limit(paired: Database) -> None:
    with paired.unit_of_work() as session:
        first, second = _children(session)
        assert isinstance(_book(session, first, 1, DAY), service.Booked)
        assert isinstance(_book(session, second, 2, DAY + dt.timedelta(days=1)), service.Booked)
        assert _book(session, first, 1, DAY + dt.timedelta(days=3)) == BookingRefusal.MONTHLY_LIMIT
        assert _book(session, second, 1, DAY + dt.timedelta(days=3)) == BookingRefusal.MONTHLY_LIMIT


def test_a_dismissed_pair_is_two_children_again(paired: Database) -> None:
    with paired.unit_of_work() as session:
        session.scalars(select(SuspectedDuplicate)).one().status = "dismissed"
        session.commit()
    with paired.unit_of_work() as session:
        first, second = _children(session)
        assert isinstance(_book(session, first, 1), service.Booked)
        assert isinstance(_book(session, second, 2), service.Booked)


def test_either_child_of_a_pair_still_verifies_by_household_id_and_pin(paired: Database) -> None:
    context = AttemptContext(calling_number="+819099990000", channel="voice", conversation_key="k")
    with paired.unit_of_work() as session:
        for household_id, pin in (("10000001", "4821"), ("20000002", "1357")):
            outcome = verify_by_household_id(session, household_id=household_id, pin=pin,
                                             birthdate=dt.date(2024, 5, 1), context=context, now=NOW)
            assert isinstance(outcome, Verified), household_id


def test_either_child_of_a_pair_still_verifies_by_its_guardian_and_address(paired: Database) -> None:
    context = AttemptContext(calling_number="+819099990000", channel="voice", conversation_key="k")
    with paired.unit_of_work() as session:
        first, second = _children(session)
        for guardian, address, expected in (("タカハシミサキ", "光が丘二丁目3番1-204号", first),
                                            ("タカハシケンイチ", "石神井町一丁目1番1号", second)):
            outcome = verify_by_knowledge(session, child_name="たかはしはると", birthdate=dt.date(2024, 5, 1),
                                          address=address, guardian_name=guardian, context=context, now=NOW)
            assert isinstance(outcome, Verified) and outcome.child_id == expected, guardian


def test_a_child_registered_at_the_counter_is_paired_at_once(database: Database, tmp_path: Path) -> None:
    _import(database, write(tmp_path / "a.csv", [DEMO]))
    with database.unit_of_work() as session:
        registration.register_household(
            session, guardian_name="高橋 健一", guardian_kana="タカハシ ケンイチ", phone="080-2345-6789",
            address="東京都練馬区石神井町一丁目1番1号", registered_on=TODAY, dv_flag=False, now=NOW,
            children=[registration.ChildEntry("高橋 陽翔", "タカハシ ハルト", dt.date(2024, 5, 1))])
        session.commit()
    assert len(_pairs(database)) == 1
