"""Every command that reads or writes the registry in bulk leaves an audit entry (issue 27, item 5):
who ran it, the file's digest, how many rows."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from facilities_files import DEMO_FACILITIES
from sqlalchemy import select
from test_registration_importer import DEMO, write

from azukari import cli
from azukari.db import Database
from azukari.oversight.models import AuditEntry
from azukari.staff.audit_words import EVENT_NAMES


def _entries(database: Database, action: str) -> list[AuditEntry]:
    with database.unit_of_work() as session:
        found = list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        for entry in found:
            session.expunge(entry)
        return found


@pytest.fixture
def env(database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("DATABASE_URL", database.url)
    return database


def test_import_households_audits_who_the_files_digest_and_the_counts(env: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", [DEMO])
    assert cli.main(["import-households", str(path)]) == 0
    [entry] = _entries(env, "households.imported")
    assert entry.actor == "cli" and entry.detail["by"]
    assert entry.detail["digest"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (entry.detail["households"], entry.detail["children"], entry.detail["created"]) == (1, 1, 1)


def test_a_refused_import_writes_no_audit_entry(env: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", [{**DEMO, "phone": "12"}])
    assert cli.main(["import-households", str(path)]) == 1
    assert _entries(env, "households.imported") == []


def test_import_facilities_audits_the_files_digest(env: Database) -> None:
    assert cli.main(["import-facilities", str(DEMO_FACILITIES)]) == 0
    [entry] = _entries(env, "facilities.imported")
    assert entry.detail["digest"] == hashlib.sha256(DEMO_FACILITIES.read_bytes()).hexdigest()


def test_export_audits_the_manifests_digest_and_the_rows(env: Database, tmp_path: Path) -> None:
    assert cli.main(["export", str(tmp_path / "out")]) == 0
    [entry] = _entries(env, "data.exported")
    manifest = (tmp_path / "out" / "manifest.json").read_bytes()
    assert entry.detail["digest"] == hashlib.sha256(manifest).hexdigest() and entry.detail["tables"]


def test_backup_audits_the_copys_digest(env: Database, tmp_path: Path) -> None:
    if env.dialect != "sqlite":
        pytest.skip("pg_dump is exercised by tests/test_operations_backup.py")
    assert cli.main(["backup", str(tmp_path / "copy.db")]) == 0
    [entry] = _entries(env, "data.backed_up")
    assert len(str(entry.detail["digest"])) == 64


def test_every_command_event_has_a_japanese_name() -> None:
    for action in ("households.imported", "facilities.imported", "data.exported", "data.backed_up",
                   "data.erased_all", "household.erased"):
        assert action in EVENT_NAMES
