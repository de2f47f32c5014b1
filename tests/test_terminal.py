"""`azukari call` and `azukari sms` in-process: a scripted person books a registered household."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from facilities_files import facilities_toml, hikarigaoka, import_facilities_text
from machine import PG_ADMIN_URL
from sqlalchemy import func, select

from azukari.booking.models import Reservation
from azukari.clock import TOKYO
from azukari.command_error import CommandError
from azukari.db import Database, drop_postgres_database, recreate_postgres_database
from azukari.households.models import DemoMark, Household
from azukari.phone.terminal import NOT_A_DEMO, in_process_settings, in_project, run_call, run_sms
from azukari.registration.service import ChildEntry, register_household
from azukari.schema import metadata
from azukari.settings import Settings

FACILITIES = facilities_toml(
    hikarigaoka(capacity=6, infant_capacity=2, reading="ひかりがおかこどもかていしえんせんたー", closed_weekdays=[]),
    closed_on_public_holidays=False)
CHILD, BORN = "髙橋 陽翔", dt.date(2024, 5, 1)
GUARDIAN, ADDRESS = "髙橋 美咲", "東京都練馬区光が丘二丁目3番1-204号"
BOOKING_NUMBER = re.compile(r"(?:予約番号|Booking number)\s*([0-9]{6,8})")


@pytest.fixture
def settings(database: Database) -> Settings:
    # The Twilio API base is a closed loopback port: nothing in these tests may reach Twilio.
    return Settings(database_url=database.url, public_base_url="http://127.0.0.1:8000",
                    twilio_api_base_url="http://127.0.0.1:9", twilio_from="+815012345678")


@pytest.fixture
def registered(database: Database, tmp_path: Path) -> Household:
    now = dt.datetime.now(dt.UTC)
    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, FACILITIES)
        household, _pin = register_household(
            session, guardian_name=GUARDIAN, guardian_kana="タカハシ ミサキ", phone="090-1234-5678",
            address=ADDRESS, children=[ChildEntry(CHILD, "タカハシ ハルト", BORN, "M")],
            registered_on=now.astimezone(TOKYO).date() - dt.timedelta(days=30), dv_flag=False, now=now)
        session.add(DemoMark())  # a demo a person added a household to: the terminal may use it
        session.commit()
    return household


def typing(monkeypatch: pytest.MonkeyPatch, *lines: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))


def a_day_to_book() -> str:
    return (dt.datetime.now(TOKYO).date() + dt.timedelta(days=3)).strftime("%Y%m%d")


def reservations(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Reservation)) or 0


def test_a_caller_in_the_terminal_books_and_sees_only_the_text_to_the_number_on_file_carry_the_number(
        database: Database, settings: Settings, registered: Household, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    typing(monkeypatch, "1", "2", CHILD, BORN.strftime("%Y%m%d"), ADDRESS, GUARDIAN,
           "1", a_day_to_book(), "1", "1", "1", "9")
    run_call(settings, caller="+815099990000", url=None)
    out = capsys.readouterr().out
    assert reservations(database) == 1
    texts = [line for line in out.splitlines() if line.startswith("(SMS to the number on file:")]
    spoken = [line for line in out.splitlines() if line.startswith("🔊")]
    numbers = [match.group(1) for line in texts if (match := BOOKING_NUMBER.search(line))]
    assert len(numbers) == 1
    assert not any(numbers[0] in line for line in spoken)
    assert out.rstrip().endswith("(call ended)")


def test_a_texter_in_the_terminal_books_with_the_same_conversation(
        database: Database, settings: Settings, registered: Household, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    day = dt.datetime.now(TOKYO).date() + dt.timedelta(days=3)
    typing(monkeypatch, "予約", CHILD, "2024/5/1", ADDRESS, GUARDIAN, "1", f"{day.month}/{day.day}")
    run_sms(settings, sender="+815099990000", url=None)
    options = capsys.readouterr().out
    option = re.search(r"^(?:bot>)?\s*([0-9]+) .*13:00", options, re.MULTILINE)
    assert option, options
    typing(monkeypatch, option.group(1), "はい")
    run_sms(settings, sender="+815099990000", url=None)
    out = capsys.readouterr().out
    assert reservations(database) == 1
    assert "(SMS to the number on file:" in out
    replies = [line for line in out.splitlines() if not line.startswith("(SMS to the number on file:")]
    assert not any(BOOKING_NUMBER.search(line) for line in replies)


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    """A database nothing has touched: no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'new.db'}"
        return
    request.getfixturevalue("pg_url")  # skips (or fails in CI) without PostgreSQL
    name = f"azukari_new_{os.getpid()}"
    yield recreate_postgres_database(PG_ADMIN_URL, name)
    drop_postgres_database(PG_ADMIN_URL, name)


def test_the_terminal_makes_a_new_database_a_demo_and_hangs_up_at_end_of_input(
        new_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(database_url=new_database_url, twilio_api_base_url="http://127.0.0.1:9")
    typing(monkeypatch)
    run_call(settings, caller=None, url=None)
    out = capsys.readouterr().out
    assert "(you hung up)" in out and "(call ended)" in out
    database = Database(new_database_url)
    try:
        with database.unit_of_work() as session:
            assert (session.scalar(select(func.count()).select_from(Household)) or 0) > 100
            assert session.scalar(select(func.count()).select_from(DemoMark)) == 1
    finally:
        database.dispose()
    typing(monkeypatch)
    run_call(settings, caller=None, url=None)  # a demo it made itself it uses again
    assert "(call ended)" in capsys.readouterr().out


def _rows(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in metadata.sorted_tables}


@pytest.mark.parametrize("registered_household", [False, True])
def test_the_terminal_refuses_a_database_not_made_as_a_demo_and_leaves_it_unchanged(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registered_household: bool) -> None:
    # An empty migrated database is a ward's before its import: no made-up household may go in either.
    if registered_household:
        with database.unit_of_work() as session:
            import_facilities_text(session, tmp_path, FACILITIES)
            register_household(session, guardian_name=GUARDIAN, guardian_kana="タカハシ ミサキ",
                               phone="090-1234-5678", address=ADDRESS,
                               children=[ChildEntry(CHILD, "タカハシ ハルト", BORN, "M")],
                               registered_on=dt.date(2026, 4, 1), dv_flag=False, now=dt.datetime.now(dt.UTC))
            session.commit()
    before = _rows(database)
    settings = Settings(database_url=database.url, twilio_api_base_url="http://127.0.0.1:9")
    typing(monkeypatch, "1", "2")
    with pytest.raises(CommandError) as refused:
        run_call(settings, caller=None, url=None)
    assert str(refused.value) == NOT_A_DEMO and "DATABASE_URL" in NOT_A_DEMO and "--url" in NOT_A_DEMO
    assert _rows(database) == before
    with pytest.raises(CommandError):
        run_sms(settings, sender=None, url=None)
    assert _rows(database) == before


def test_the_terminal_run_from_another_directory_leaves_no_var_there(tmp_path: Path) -> None:
    elsewhere, cache = tmp_path / "elsewhere", tmp_path / "cache"
    elsewhere.mkdir()
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(XDG_CACHE_HOME=str(cache), HOME=str(tmp_path / "home"),
                       TWILIO_API_BASE_URL="http://127.0.0.1:9")
    done = subprocess.run([sys.executable, "-m", "azukari.cli", "call"], cwd=elsewhere, env=environment,
                          input="", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "(call ended)" in done.stdout
    assert list(elsewhere.iterdir()) == []
    assert (cache / "azukari" / "demo.db").is_file()


def test_the_terminal_in_the_project_keeps_the_demo_under_var_as_serve_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Path(__file__).resolve().parents[1]
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(project)
    assert in_project(project) and not in_project(tmp_path)
    assert in_process_settings(Settings()).database_url == f"sqlite:///{project / 'var' / 'azukari.db'}"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert in_process_settings(Settings()).database_url == f"sqlite:///{tmp_path / 'cache' / 'azukari' / 'demo.db'}"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'mine.db'}")
    assert in_process_settings(Settings()).database_url == f"sqlite:///{tmp_path / 'mine.db'}"


def test_the_call_command_on_a_ward_database_exits_with_one_line_naming_what_to_do(
        database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from azukari.cli import main

    before = _rows(database)
    monkeypatch.setenv("DATABASE_URL", database.url)
    typing(monkeypatch, "1")
    assert main(["sms"]) == 1
    err = capsys.readouterr().err
    assert err == f"azukari sms: {NOT_A_DEMO}\n"
    assert _rows(database) == before
