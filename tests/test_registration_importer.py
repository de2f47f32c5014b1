"""households.csv import (docs/formats.md): validated whole, written whole, updated by household_id."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from azukari.cli import main
from azukari.db import Database
from azukari.households.models import Child, Household
from azukari.households.pins import verify_pin
from azukari.registration.importer import COLUMNS, HouseholdImportError, import_households

TODAY = dt.date(2026, 4, 10)
DEMO = {"household_id": "10000001", "phone_pin": "4821", "guardian_name": "髙橋 美咲",
        "guardian_kana": "タカハシ ミサキ", "phone": "090-1234-5678", "address": "東京都練馬区光が丘二丁目3番1-204号",
        "child_name": "髙橋 陽翔", "child_kana": "タカハシ ハルト", "child_birthdate": "2024-05-01",
        "child_sex": "M", "registered_on": "2026-04-01", "dv_flag": "0"}
OTHER = {**DEMO, "household_id": "20000002", "phone_pin": "1357", "guardian_name": "佐藤 愛",
         "guardian_kana": "サトウ アイ", "phone": "080-2345-6789", "child_name": "佐藤 凛",
         "child_kana": "サトウ リン", "child_birthdate": "2023-01-15", "child_sex": "F"}


def write(path: Path, rows: list[dict[str, str]], *, columns: tuple[str, ...] = COLUMNS,
          encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(database: Database, path: Path) -> str:
    with database.unit_of_work() as session:
        summary = str(import_households(session, path, today=TODAY))
        session.commit()
    return summary


def household(database: Database, household_id: str) -> Household:
    with database.unit_of_work() as session:
        query = select(Household).where(Household.household_id == household_id).options(
            selectinload(Household.children))
        found = session.scalars(query).one()
        session.expunge(found)  # keeps its loaded state past the unit of work's rollback
        return found


def counts(database: Database) -> tuple[int, int]:
    with database.unit_of_work() as session:
        return (session.scalar(select(func.count()).select_from(Household)) or 0,
                session.scalar(select(func.count()).select_from(Child)) or 0)


def test_a_valid_file_creates_each_household_with_its_children(database: Database, tmp_path: Path) -> None:
    sibling = {**DEMO, "child_name": "髙橋 結菜", "child_kana": "タカハシ ユイナ", "child_birthdate": "2025-09-09"}
    summary = run_import(database, write(tmp_path / "h.csv", [DEMO, OTHER, sibling]))
    assert summary == "2 households, 3 children: 2 created, 0 updated, 0 unchanged"
    assert [c.kana for c in household(database, "10000001").children] == ["タカハシ ハルト", "タカハシ ユイナ"]


def test_names_are_kept_as_written_beside_their_kana(database: Database, tmp_path: Path) -> None:
    run_import(database, write(tmp_path / "h.csv", [DEMO]))
    stored = household(database, "10000001")
    assert (stored.guardian_name, stored.guardian_kana) == ("髙橋 美咲", "タカハシ ミサキ")
    assert (stored.children[0].name, stored.children[0].birthdate) == ("髙橋 陽翔", dt.date(2024, 5, 1))


def test_the_phone_number_is_stored_as_e164(database: Database, tmp_path: Path) -> None:
    run_import(database, write(tmp_path / "h.csv", [{**DEMO, "phone": "０９０１２３４５６７８"}]))
    assert household(database, "10000001").phone == "+819012345678"


def test_the_pin_is_stored_only_as_a_hash_that_verifies(database: Database, tmp_path: Path) -> None:
    run_import(database, write(tmp_path / "h.csv", [DEMO]))
    stored = household(database, "10000001")
    assert "4821" not in stored.pin_hash
    assert verify_pin(stored.pin_hash, "4821") and not verify_pin(stored.pin_hash, "4822")


def test_a_byte_order_mark_and_any_column_order_are_accepted(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", [DEMO], columns=tuple(reversed(COLUMNS)), encoding="utf-8-sig")
    assert run_import(database, path).startswith("1 households, 1 children")


@pytest.mark.parametrize("position", [0, 1, 2])
def test_a_malformed_row_anywhere_changes_nothing_and_names_its_line_and_column(
        database: Database, tmp_path: Path, position: int) -> None:
    run_import(database, write(tmp_path / "first.csv", [DEMO]))
    rows = [{**DEMO, "address": "東京都練馬区関町北一丁目1番1号"}, OTHER,
            {**OTHER, "household_id": "30000003", "child_name": "山田 蓮"}]
    rows[position] = {**rows[position], "child_birthdate": "2024-13-01"}
    with pytest.raises(HouseholdImportError) as raised:
        run_import(database, write(tmp_path / "second.csv", rows))
    assert raised.value.errors == [f"line {position + 2}, column child_birthdate: no such date (2024-13-01)"]
    assert counts(database) == (1, 1)
    assert household(database, "10000001").address == DEMO["address"]


def test_every_problem_in_the_file_is_reported_at_once(tmp_path: Path, database: Database) -> None:
    bad = {**DEMO, "household_id": "12AB", "phone_pin": "12", "phone": "12345", "child_kana": "Takahashi",
           "child_sex": "X", "registered_on": "2026.04.01", "dv_flag": "yes", "child_name": " "}
    with pytest.raises(HouseholdImportError) as raised:
        run_import(database, write(tmp_path / "h.csv", [DEMO, bad]))
    columns = {error.split("column ")[1].split(":")[0] for error in raised.value.errors}
    assert columns == {"household_id", "phone_pin", "phone", "child_kana", "child_sex", "registered_on", "dv_flag",
                       "child_name"}
    assert all(error.startswith("line 3, ") for error in raised.value.errors)


def test_a_birthdate_in_the_future_is_refused(database: Database, tmp_path: Path) -> None:
    with pytest.raises(HouseholdImportError) as raised:
        run_import(database, write(tmp_path / "h.csv", [{**DEMO, "child_birthdate": "2026-04-11"}]))
    assert raised.value.errors == ["line 2, column child_birthdate: in the future (2026-04-11)"]


def test_rows_of_one_household_that_disagree_are_refused(database: Database, tmp_path: Path) -> None:
    sibling = {**DEMO, "child_name": "髙橋 結菜", "child_kana": "タカハシ ユイナ", "phone": "080-9999-1111"}
    with pytest.raises(HouseholdImportError) as raised:
        run_import(database, write(tmp_path / "h.csv", [DEMO, OTHER, sibling]))
    assert raised.value.errors == ["line 4, column phone: differs from line 2, the same household 10000001"]
    assert counts(database) == (0, 0)


@pytest.mark.parametrize(("columns", "expected"), [
    (tuple(c for c in COLUMNS if c != "dv_flag"), "line 1, column dv_flag: missing from the header"),
    ((*COLUMNS, "allergy"), "line 1, column allergy: not a column of households.csv"),
])
def test_a_header_without_exactly_the_documented_columns_is_refused(
        database: Database, tmp_path: Path, columns: tuple[str, ...], expected: str) -> None:
    with pytest.raises(HouseholdImportError) as raised:
        run_import(database, write(tmp_path / "h.csv", [DEMO], columns=columns))
    assert raised.value.errors == [expected]


def test_a_file_in_neither_utf8_nor_cp932_is_refused_in_plain_words(database: Database, tmp_path: Path) -> None:
    with pytest.raises(HouseholdImportError) as raised:
        run_import(database, write(tmp_path / "h.csv", [DEMO], encoding="utf-16"))
    assert raised.value.errors[0].startswith("line 1: the file is neither UTF-8 nor Shift_JIS (CP932) text")


def test_importing_again_updates_the_household_by_its_id(database: Database, tmp_path: Path) -> None:
    run_import(database, write(tmp_path / "a.csv", [DEMO, OTHER]))
    moved = {**DEMO, "address": "東京都練馬区大泉町二丁目5番3号", "dv_flag": "1", "registered_on": "2026-04-09"}
    summary = run_import(database, write(tmp_path / "b.csv", [moved]))
    assert summary == "1 households, 1 children: 0 created, 1 updated, 0 unchanged"
    stored = household(database, "10000001")
    assert (stored.address, stored.dv_flag, stored.registered_on) == (moved["address"], True, dt.date(2026, 4, 9))
    assert counts(database) == (2, 2)


def test_a_child_matched_by_kana_and_birthdate_is_updated_not_added(database: Database, tmp_path: Path) -> None:
    run_import(database, write(tmp_path / "a.csv", [DEMO]))
    renamed = {**DEMO, "child_name": "高橋 陽翔", "child_kana": "たかはし はると"}
    run_import(database, write(tmp_path / "b.csv", [renamed]))
    children = household(database, "10000001").children
    assert [(c.name, c.kana) for c in children] == [("高橋 陽翔", "たかはし はると")]


def test_a_child_missing_from_a_later_file_is_kept(database: Database, tmp_path: Path) -> None:
    sibling = {**DEMO, "child_name": "髙橋 結菜", "child_kana": "タカハシ ユイナ", "child_birthdate": "2025-09-09"}
    run_import(database, write(tmp_path / "a.csv", [DEMO, sibling]))
    run_import(database, write(tmp_path / "b.csv", [sibling]))
    assert len(household(database, "10000001").children) == 2


def test_an_unchanged_pin_keeps_its_hash_and_a_changed_pin_is_rehashed(database: Database, tmp_path: Path) -> None:
    run_import(database, write(tmp_path / "a.csv", [DEMO]))
    first = household(database, "10000001").pin_hash
    run_import(database, write(tmp_path / "b.csv", [DEMO]))
    assert household(database, "10000001").pin_hash == first
    run_import(database, write(tmp_path / "c.csv", [{**DEMO, "phone_pin": "90817"}]))
    changed = household(database, "10000001").pin_hash
    assert verify_pin(changed, "90817") and not verify_pin(changed, "4821")


def test_the_cli_imports_a_file_and_exits_zero(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert main(["import-households", str(write(tmp_path / "h.csv", [DEMO, OTHER]))]) == 0
    assert capsys.readouterr().out.startswith("2 households, 2 children: 2 created")


def test_the_cli_lists_each_problem_on_its_own_line_and_gives_one_line_of_reason(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert main(["import-households", str(write(tmp_path / "h.csv", [DEMO, {**OTHER, "dv_flag": "2"}]))]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == ["line 3, column dv_flag: not 0 or 1 (2)"]
    assert err == "azukari import-households: 1 problem in the file, nothing imported (listed above)\n"
    assert counts(database) == (0, 0)


@pytest.mark.parametrize(("column", "value", "message"), [
    ("guardian_name", "髙" * 150, "longer than 100 characters"),
    ("address", "練" * 301, "longer than 300 characters"),
    ("child_kana", "タ" * 101, "longer than 100 characters"),
    ("phone", "0" * 41, "longer than 40 characters"),
    ("address", "東京都\x00練馬区", "contains a NUL byte"),
])
def test_an_over_long_or_nul_cell_is_refused_by_line_and_column_before_the_database(
        tmp_path: Path, database: Database, column: str, value: str, message: str) -> None:
    with pytest.raises(HouseholdImportError) as raised:
        run_import(database, write(tmp_path / "h.csv", [DEMO, {**OTHER, column: value}]))
    assert raised.value.errors == [f"line 3, column {column}: {message}"]
    assert counts(database) == (0, 0)


def cli_import(database: Database, path: Path, monkeypatch: pytest.MonkeyPatch,
               capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", database.url)
    status = main(["import-households", str(path)])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_cp932_file_as_excel_writes_it_in_japan_is_imported(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "h.csv", [DEMO, OTHER], encoding="cp932")
    assert path.read_bytes().count("髙橋".encode("cp932")) == 2  # not UTF-8: 髙 is an IBM extension in CP932
    status, out, _ = cli_import(database, path, monkeypatch, capsys)
    assert (status, out) == (0, "2 households, 2 children: 2 created, 0 updated, 0 unchanged\n")
    stored = household(database, "10000001")
    assert (stored.guardian_name, stored.children[0].name) == ("髙橋 美咲", "髙橋 陽翔")


def test_a_utf8_file_with_a_byte_order_mark_is_imported_by_the_cli(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "h.csv", [DEMO], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    status, out, _ = cli_import(database, path, monkeypatch, capsys)
    assert (status, out) == (0, "1 households, 1 children: 1 created, 0 updated, 0 unchanged\n")


def test_a_missing_column_is_reported_together_with_every_row_problem(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    columns = tuple(c for c in COLUMNS if c != "child_sex")
    rows = [DEMO, {**OTHER, "child_birthdate": "2025-02-30"}, {**OTHER, "household_id": "30000003", "phone": "12"}]
    status, out, err = cli_import(database, write(tmp_path / "h.csv", rows, columns=columns), monkeypatch, capsys)
    assert status == 1
    assert out.splitlines() == ["line 1, column child_sex: missing from the header",
                                "line 3, column child_birthdate: no such date (2025-02-30)",
                                "line 4, column phone: not a Japanese phone number (12)"]
    assert err == "azukari import-households: 3 problems in the file, nothing imported (listed above)\n"
    assert counts(database) == (0, 0)


@pytest.mark.parametrize("written", ["2024/06/01", "2024/6/1", "2024-6-1", "２０２４／６／１", "2024年6月1日"])
def test_a_date_with_slashes_with_or_without_zeros_is_read(database: Database, tmp_path: Path, written: str) -> None:
    run_import(database, write(tmp_path / "h.csv", [{**DEMO, "child_birthdate": written, "registered_on": written}]))
    stored = household(database, "10000001")
    assert (stored.children[0].birthdate, stored.registered_on) == (dt.date(2024, 6, 1), dt.date(2024, 6, 1))


def test_the_same_file_imported_again_leaves_every_household_unchanged(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    sibling = {**DEMO, "child_name": "髙橋 結菜", "child_kana": "タカハシ ユイナ", "child_birthdate": "2025-09-09"}
    path = write(tmp_path / "h.csv", [DEMO, OTHER, sibling])
    assert cli_import(database, path, monkeypatch, capsys)[1].endswith("2 created, 0 updated, 0 unchanged\n")
    before = household(database, "10000001")
    assert cli_import(database, path, monkeypatch, capsys)[1] == (
        "2 households, 3 children: 0 created, 0 updated, 2 unchanged\n")
    after = household(database, "10000001")
    assert (after.pin_hash, after.updated_at) == (before.pin_hash, before.updated_at)


@pytest.mark.parametrize("change", [{"phone_pin": "9753"}, {"child_sex": "F"}, {"dv_flag": "1"},
                                    {"child_name": "髙橋 陽太", "child_kana": "タカハシ ヨウタ"}])
def test_a_household_with_one_change_counts_as_updated(database: Database, tmp_path: Path,
                                                      change: dict[str, str]) -> None:
    run_import(database, write(tmp_path / "a.csv", [DEMO, OTHER]))
    summary = run_import(database, write(tmp_path / "b.csv", [{**DEMO, **change}, OTHER]))
    assert summary.endswith(": 0 created, 1 updated, 1 unchanged")


def test_hashing_on_one_thread_or_on_every_core_stores_the_same_households(database: Database,
                                                                          tmp_path: Path) -> None:
    rows = [{**OTHER, "household_id": f"{40000000 + i}", "phone_pin": f"{1000 + i}",
             "child_birthdate": f"2023-01-{i + 1:02d}"} for i in range(6)]  # six children, not one six times
    path = write(tmp_path / "h.csv", rows)
    with database.unit_of_work() as session:
        summary = import_households(session, path, today=TODAY, workers=1)
        assert str(summary).endswith("6 created, 0 updated, 0 unchanged")
        session.commit()
    with database.unit_of_work() as session:
        assert str(import_households(session, path, today=TODAY, workers=4)).endswith("0 updated, 6 unchanged")
    for i in (0, 5):
        assert verify_pin(household(database, f"{40000000 + i}").pin_hash, f"{1000 + i}")


def test_a_long_file_shows_a_line_per_tenth_when_not_on_a_terminal(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{**OTHER, "household_id": f"{50000000 + i}",
             "child_birthdate": (dt.date(2023, 1, 1) + dt.timedelta(days=i)).isoformat()} for i in range(50)]
    status, out, _ = cli_import(database, write(tmp_path / "h.csv", rows), monkeypatch, capsys)
    assert status == 0
    assert out.splitlines() == [f"households: {p}% ({p // 2} of 50)" for p in range(10, 101, 10)] + [
        "50 households, 50 children: 50 created, 0 updated, 0 unchanged"]


def test_a_short_file_shows_no_progress(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_import(database, write(tmp_path / "h.csv", [DEMO, OTHER]), monkeypatch, capsys)[1].count("\n") == 1


def test_a_bad_row_at_the_end_of_a_long_file_imports_nothing(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{**OTHER, "household_id": f"{50000000 + i}"} for i in range(60)] + [{**DEMO, "phone_pin": "12"}]
    status, out, _ = cli_import(database, write(tmp_path / "h.csv", rows), monkeypatch, capsys)
    assert (status, out) == (1, "line 62, column phone_pin: not 4 to 8 digits\n")
    assert counts(database) == (0, 0)


def test_empty_nameless_columns_a_spreadsheet_adds_at_the_right_are_ignored(database: Database,
                                                                             tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(",".join(COLUMNS) + ",,\n" + ",".join(DEMO[c] for c in COLUMNS) + ",,\n", encoding="utf-8")
    assert run_import(database, path).startswith("1 households")
    path.write_text(",".join(COLUMNS) + ",,\n" + ",".join(DEMO[c] for c in COLUMNS) + ",,アレルギー\n",
                    encoding="utf-8")
    with pytest.raises(HouseholdImportError) as raised:
        run_import(database, path)
    assert raised.value.errors == ["line 2: a value in column 14, which has no name in the header"]


def test_a_row_with_a_line_break_inside_a_quoted_cell_is_named_by_the_line_it_starts_on(
        database: Database, tmp_path: Path) -> None:
    rows = [{**DEMO, "address": "東京都練馬区\n光が丘二丁目3番1-204号"}, {**OTHER, "dv_flag": "x"}]
    with pytest.raises(HouseholdImportError) as raised:
        run_import(database, write(tmp_path / "h.csv", rows))
    assert raised.value.errors == ["line 4, column dv_flag: not 0 or 1 (x)"]
