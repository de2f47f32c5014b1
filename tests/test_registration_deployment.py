"""docker-compose.yml stays consistent with the settings and the CLI (no YAML parser here: text checks)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from azukari.cli import build_parser
from azukari.settings import Settings

COMPOSE = (Path(__file__).parent.parent / "docker-compose.yml").read_text(encoding="utf-8")
# Settings that are tuning knobs, not contract §1 settings an operator must pass.
NOT_IN_CONTRACT = {"outbox_poll_seconds"}


def _shared_environment() -> set[str]:
    block = COMPOSE.split("environment: &settings\n", 1)[1].split("\n  depends_on:", 1)[0]
    return set(re.findall(r"^ {4}([A-Z_]+):", block, flags=re.MULTILINE))


def test_compose_passes_every_contract_setting_to_app_and_worker() -> None:
    expected = {name.upper() for name in Settings.model_fields} - {n.upper() for n in NOT_IN_CONTRACT}
    assert _shared_environment() == expected


def test_compose_points_the_app_at_postgresql_16_through_psycopg() -> None:
    assert "image: postgres:16" in COMPOSE
    assert "DATABASE_URL: postgresql+psycopg://azukari:" in COMPOSE


@pytest.mark.parametrize("command", sorted(set(re.findall(r"command: (\[.*\])", COMPOSE))))
def test_every_compose_command_is_a_real_azukari_command(command: str) -> None:
    program, *argv = json.loads(command)
    assert program == "azukari"
    build_parser().parse_args(argv)  # exits with status 2 on an unknown command or option
