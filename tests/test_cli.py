"""The `azukari` command: success exits 0; a failure exits non-zero with one line naming the cause."""
from __future__ import annotations

from pathlib import Path

import pytest

from azukari.cli import main


def test_migrate_twice_succeeds_on_a_fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0


def test_a_bad_setting_is_named_in_one_line_and_nothing_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/never.db")
    monkeypatch.setenv("STAFF_HOURS", "weekdays")
    assert main(["migrate"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "STAFF_HOURS" in err and "mon-fri 08:30-17:15" in err
    assert not (tmp_path / "never.db").exists()


def test_a_missing_file_is_one_line_and_a_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    assert main(["import-facilities", str(tmp_path / "missing.toml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("azukari import-facilities: ") and err.count("\n") == 1
