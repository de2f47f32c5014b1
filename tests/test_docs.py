"""The operator docs in docs/ keep up with the code: every setting, command, column and example file."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from azukari.cli import build_parser, main
from azukari.db import Database
from azukari.registration.households_csv import COLUMNS
from azukari.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_setting_has_its_row_in_the_settings_doc() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", (DOCS / "settings.md").read_text(encoding="utf-8"), re.M))
    assert {name.upper() for name in Settings.model_fields} - documented == set()


def test_every_command_and_option_is_in_the_commands_doc() -> None:
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing = []
    for name, parser in commands.choices.items():
        missing += [] if f"azukari {name}" in text or f"`{name}`" in text else [name]
        options = [o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"]
        missing += [f"{name} {o}" for o in options if o not in text]
    assert missing == []


def test_every_households_column_is_described_in_the_formats_doc() -> None:
    described = set(re.findall(r"^\| `(\w+)` \|", (DOCS / "formats.md").read_text(encoding="utf-8"), re.M))
    assert set(COLUMNS) <= described


def test_the_example_files_import_as_they_are(database: Database, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert main(["import-facilities", str(DOCS / "examples" / "facilities.toml")]) == 0
    assert main(["import-households", str(DOCS / "examples" / "households.csv")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "2 households, 3 children: 2 created, 0 updated, 0 unchanged")


def test_the_example_in_the_formats_doc_is_the_example_file() -> None:
    block = (DOCS / "formats.md").read_text(encoding="utf-8").split("```csv\n", 1)[1].split("```", 1)[0]
    assert block == (DOCS / "examples" / "households.csv").read_text(encoding="utf-8")
