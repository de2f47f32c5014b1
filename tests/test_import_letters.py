"""`azukari import-households --letters DIR` (contract §8): each new household's first web password, stored
hashed, printed once on a letter file only its owner can read; re-importing never changes it."""
from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from ivr_support import client_for
from sqlalchemy import select
from test_registration_importer import DEMO, OTHER, write
from web_support import sign_in

from azukari import cli
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Household, WebAccess
from azukari.oversight.models import AuditEntry


@pytest.fixture
def env(database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("DATABASE_URL", database.url)
    return database


def _letter_password(letters: Path, household_id: str) -> str:
    found = re.search(r'id="web-password">([^<]+)<', (letters / f"{household_id}.html").read_text(encoding="utf-8"))
    assert found is not None
    return found.group(1)


def _hash_of(database: Database, household_id: str) -> str | None:
    with database.unit_of_work() as session:
        return session.scalar(select(WebAccess.password_hash).join(Household, Household.id == WebAccess.household_pk)
                              .where(Household.household_id == household_id))


def test_a_new_households_letter_password_signs_in_on_the_web(env: Database, clock: FixedClock,
                                                               tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", [DEMO])
    assert cli.main(["import-households", str(path), "--letters", str(tmp_path / "letters")]) == 0
    password = _letter_password(tmp_path / "letters", DEMO["household_id"])
    response = sign_in(client_for(env, clock), DEMO["household_id"], password)
    assert response.status_code == 303 and response.headers["location"] == "/book"


def test_a_wrong_password_does_not_sign_in_an_imported_household(env: Database, clock: FixedClock,
                                                                  tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", [DEMO])
    assert cli.main(["import-households", str(path), "--letters", str(tmp_path / "letters")]) == 0
    wrong = _letter_password(tmp_path / "letters", DEMO["household_id"])[::-1]
    assert sign_in(client_for(env, clock), DEMO["household_id"], wrong).status_code == 401


def test_the_letter_holds_the_id_the_number_on_file_the_address_as_typed_and_the_password(
        env: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", [DEMO])
    assert cli.main(["import-households", str(path), "--letters", str(tmp_path / "letters")]) == 0
    letter = (tmp_path / "letters" / f"{DEMO['household_id']}.html").read_text(encoding="utf-8")
    assert f'id="household-id">{DEMO["household_id"]}<' in letter
    assert 'id="phone-on-file">090-1234-5678<' in letter
    assert f'id="address-on-file">{DEMO["address"]}<' in letter
    assert re.search(r'id="web-password">[A-Za-z2-9]{12}<', letter)
    assert "/staff/static" not in letter  # self-contained: prints without the console


def test_the_password_is_stored_only_as_a_hash_and_never_in_the_audit_trail(
        env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "h.csv", [DEMO])
    assert cli.main(["import-households", str(path), "--letters", str(tmp_path / "letters")]) == 0
    password = _letter_password(tmp_path / "letters", DEMO["household_id"])
    stored = _hash_of(env, DEMO["household_id"])
    assert stored is not None and stored.startswith("$argon2") and password not in stored
    with env.unit_of_work() as session:
        details = [str(entry.detail) for entry in session.scalars(select(AuditEntry))]
    assert details and not [d for d in details if password in d]
    assert password not in capsys.readouterr().out


def test_letters_are_mode_0600_in_a_folder_of_mode_0700(env: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", [DEMO, OTHER])
    assert cli.main(["import-households", str(path), "--letters", str(tmp_path / "letters")]) == 0
    assert stat.S_IMODE((tmp_path / "letters").stat().st_mode) == 0o700
    files = sorted((tmp_path / "letters").iterdir())
    assert [f.name for f in files] == [f"{DEMO['household_id']}.html", f"{OTHER['household_id']}.html"]
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}


def test_importing_again_keeps_the_web_password_and_writes_no_letter(env: Database, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "h.csv", [DEMO])
    assert cli.main(["import-households", str(path), "--letters", str(tmp_path / "first")]) == 0
    before = _hash_of(env, DEMO["household_id"])
    changed = write(tmp_path / "h2.csv", [{**DEMO, "address": "東京都練馬区光が丘二丁目3番1-205号"}, OTHER])
    assert cli.main(["import-households", str(changed), "--letters", str(tmp_path / "again")]) == 0
    assert _hash_of(env, DEMO["household_id"]) == before
    assert [f.name for f in (tmp_path / "again").iterdir()] == [f"{OTHER['household_id']}.html"]
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "web passwords: 1 first passwords issued, a letter each written",
        "2 households, 2 children: 1 created, 1 updated, 0 unchanged"]


def test_without_letters_no_web_password_is_made_and_the_report_counts_the_households(
        env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "h.csv", [DEMO, OTHER])
    assert cli.main(["import-households", str(path)]) == 0
    assert _hash_of(env, DEMO["household_id"]) is None
    assert "2 households have no web password letter yet" in capsys.readouterr().out


def test_a_household_imported_without_letters_gets_one_on_a_later_import_with_letters(
        env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "h.csv", [DEMO])
    assert cli.main(["import-households", str(path)]) == 0
    assert cli.main(["import-households", str(path), "--letters", str(tmp_path / "letters")]) == 0
    assert _hash_of(env, DEMO["household_id"]) is not None
    assert (tmp_path / "letters" / f"{DEMO['household_id']}.html").is_file()
    assert "web passwords: 1 first passwords issued, a letter each written" in capsys.readouterr().out


def test_a_folder_other_users_can_open_is_refused_and_nothing_is_imported(
        env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_folder = tmp_path / "shared"
    open_folder.mkdir()
    open_folder.chmod(0o755)
    assert cli.main(["import-households", str(write(tmp_path / "h.csv", [DEMO])), "--letters", str(open_folder)]) == 1
    assert "chmod 700" in capsys.readouterr().err
    assert list(open_folder.iterdir()) == []
    with env.unit_of_work() as session:
        assert session.scalars(select(Household)).all() == []


def test_a_file_refused_after_the_letters_were_written_leaves_none_behind(
        env: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cli, "_audited", refuse)  # fails after the letters, before the commit
    path = write(tmp_path / "h.csv", [DEMO])
    assert cli.main(["import-households", str(path), "--letters", str(tmp_path / "letters")]) == 1
    assert list((tmp_path / "letters").iterdir()) == []
    assert _hash_of(env, DEMO["household_id"]) is None
