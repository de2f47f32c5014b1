"""CI cannot go green without PostgreSQL or Chromium; a developer's machine may skip them, saying why."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
PG_RACE = "test_booking_concurrency.py::test_processes_racing_on_postgresql_book_exactly_the_capacity"
BROWSER = "browser/test_console_flows.py"
NOWHERE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def _pytest(target: str, *, ci: bool, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")} | env
    environment.pop("CI", None)
    if ci:
        environment["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q",
                           str(TESTS / target)], cwd=TESTS.parent, env=environment, capture_output=True,
                          text=True, timeout=300, check=False)


pytestmark = pytest.mark.slow


def test_in_ci_an_unreachable_postgresql_fails_the_run() -> None:
    run = _pytest(PG_RACE, ci=True, AZUKARI_TEST_PG=NOWHERE_PG)
    assert run.returncode == 1, run.stdout
    assert "CI=true and PostgreSQL not reachable at " + NOWHERE_PG in run.stdout
    assert "1 error" in run.stdout and "skipped" not in run.stdout


def test_on_a_developers_machine_an_unreachable_postgresql_skips_and_says_why() -> None:
    run = _pytest(PG_RACE, ci=False, AZUKARI_TEST_PG=NOWHERE_PG)
    assert run.returncode == 0, run.stdout
    assert "SKIPPED" in run.stdout and "PostgreSQL not reachable at " + NOWHERE_PG in run.stdout


def test_in_ci_a_missing_chromium_fails_every_browser_test(tmp_path: Path) -> None:
    run = _pytest(BROWSER, ci=True, AZUKARI_TEST_CHROMIUM=str(tmp_path / "chromium"))
    assert run.returncode == 1, run.stdout
    assert f"CI=true and {tmp_path / 'chromium'} is absent" in run.stdout
    assert "passed" not in run.stdout and "skipped" not in run.stdout


def test_on_a_developers_machine_a_missing_chromium_skips_the_browser_tests_and_says_why(tmp_path: Path) -> None:
    run = _pytest(BROWSER, ci=False, AZUKARI_TEST_CHROMIUM=str(tmp_path / "chromium"))
    assert run.returncode == 0, run.stdout
    assert f"{tmp_path / 'chromium'} is absent" in run.stdout and "passed" not in run.stdout
