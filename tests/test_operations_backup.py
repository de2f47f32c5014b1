"""`azukari backup FILE` while bookings are being made, and the restore drill that proves the copy."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ivr_support import ELSEWHERE, MONDAY, TUESDAY, Family, Phone, client_for, seed
from machine import PG_ADMIN_URL
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from azukari.booking import service as booking
from azukari.booking.models import Reservation, Unit
from azukari.cli import main
from azukari.clock import FixedClock
from azukari.db import Database, drop_postgres_database, recreate_postgres_database
from azukari.households.models import Child
from azukari.operations.backup import BackupError, backup
from azukari.operations.check import problems
from azukari.registration.service import ChildEntry, register_household
from azukari.settings import DEMO_SECRET_KEY

NOW = MONDAY.astimezone(dt.UTC)
_KANA = "アイウエオカキクケコ"


def _children(database: Database, count: int) -> list[int]:
    with database.unit_of_work() as session:
        for n in range(count):
            given = _KANA[n % 10] + _KANA[n // 10]
            register_household(session, guardian_name=f"利用 {given}コ", guardian_kana=f"リヨウ {given}コ",
                               phone=f"090-2222-{n:04d}", address="東京都練馬区光が丘一丁目1番1号",
                               children=[ChildEntry(name=f"利用 {given}", kana=f"リヨウ {given}",
                                                    birthdate=dt.date(2022, 1, 1), sex="F")],
                               registered_on=MONDAY.date() - dt.timedelta(days=30), dv_flag=False, now=NOW)
        session.commit()
        return list(session.scalars(select(Child.id).order_by(Child.id)))[-count:]


def _keep_booking(database: Database, children: list[int], stop: threading.Event) -> None:
    """Book day after day for these children until stopped (full days and overlaps are refused and go on)."""
    with database.unit_of_work() as session:
        units = list(session.scalars(select(Unit.id)))
    for offset in range(28):
        for n, child in enumerate(children):
            if stop.is_set():
                return
            with database.unit_of_work() as session:
                booking.book(session, child_id=child, unit_id=units[(n + offset) % len(units)],
                             day=TUESDAY + dt.timedelta(days=offset), channel="sms", language="ja", now=NOW)
                session.commit()


@pytest.fixture
def restored(database: Database, tmp_path: Path) -> Iterator[Database]:
    """An empty database the backup is restored into, by the commands docs/operations.md gives."""
    yield from _restore_target(database, tmp_path)


def _restore_target(database: Database, tmp_path: Path) -> Iterator[Database]:
    if database.dialect == "sqlite":
        target = Database(f"sqlite:///{tmp_path / 'restored.db'}", secret_key=DEMO_SECRET_KEY)
        yield target
        target.dispose()
        return
    name = f"restored_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    target = Database(recreate_postgres_database(PG_ADMIN_URL, name), secret_key=DEMO_SECRET_KEY)
    yield target
    target.dispose()
    drop_postgres_database(PG_ADMIN_URL, name)


def _restore(copy: Path, into: Database) -> None:
    if into.dialect == "sqlite":
        shutil.copyfile(copy, make_url(into.url).database or "")  # with the service stopped
        return
    libpq = make_url(into.url).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq}", str(copy)], check=True, capture_output=True)


def _count(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Reservation)) or 0


def test_a_backup_taken_while_booking_restores_into_a_service_that_books_and_verifies(
        database: Database, restored: Database, tmp_path: Path) -> None:
    family: Family = seed(database)
    children = _children(database, 60)
    stop = threading.Event()
    bookers = [threading.Thread(target=_keep_booking, args=(database, children[i::3], stop)) for i in range(3)]
    for thread in bookers:
        thread.start()
    try:
        while _count(database) < 5:
            time.sleep(0.01)
        copy = tmp_path / "azukari.backup"
        backup(database, copy)
        when_copied = _count(database)
        while _count(database) <= when_copied:
            time.sleep(0.01)  # the bookers were still at work when the copy was done
    finally:
        stop.set()
        for thread in bookers:
            thread.join()

    _restore(copy, restored)

    assert 5 <= _count(restored) <= when_copied
    assert problems(restored, secret_key=DEMO_SECRET_KEY, now=NOW) == []  # one moment: counters agree
    phone = Phone(client_for(restored, FixedClock(NOW)), caller=ELSEWHERE)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    assert phone.step == "menu"
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    assert phone.step == "next"


def test_a_backup_is_never_written_over_a_directory(database: Database, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="is a directory"):
        backup(database, tmp_path)


def test_without_pg_dump_the_backup_says_what_to_install(pg_database: Database, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(BackupError, match="pg_dump was not found on PATH: install the PostgreSQL client tools"):
        backup(pg_database, tmp_path / "copy")
    assert not (tmp_path / "copy").exists()


def test_the_backup_command_writes_the_file_and_says_so(database: Database, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    seed(database)
    monkeypatch.setenv("DATABASE_URL", database.url)

    assert main(["backup", str(tmp_path / "nightly" / "azukari.backup")]) == 0

    assert capsys.readouterr().out.startswith(f"backed up to {tmp_path / 'nightly' / 'azukari.backup'} (")
    assert (tmp_path / "nightly" / "azukari.backup").stat().st_size > 10_000


def test_a_backup_and_the_folder_it_makes_are_readable_by_the_service_user_alone(
        database: Database, tmp_path: Path) -> None:
    seed(database)
    old = os.umask(0o022)
    try:
        copy = tmp_path / "made" / "azukari.backup"
        backup(database, copy)
        again = tmp_path / "again.backup"
        again.write_bytes(b"an older copy, world-readable")
        backup(database, again)
    finally:
        os.umask(old)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(again.stat().st_mode) == 0o600 and again.stat().st_size > 100
