"""scripts/chromium, run by the README's test command: Chromium for the browser tests on a fresh machine."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "chromium"
PACKAGES = "chromium chromium-driver fonts-ipafont-gothic fonts-noto-cjk"


def _tool(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def _run(folder: Path, chromium: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(folder), "AZUKARI_TEST_CHROMIUM": chromium, "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(["/bin/bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60,
                          check=False)


def test_without_root_and_apt_it_says_in_one_line_how_to_install_chromium(tmp_path: Path) -> None:
    _tool(tmp_path, "id", "echo 1000")
    run = _run(tmp_path, str(tmp_path / "no-chromium"))
    assert run.returncode == 0 and run.stdout == ""
    assert run.stderr == (f"no Chromium at {tmp_path / 'no-chromium'}, so the browser tests will skip; "
                          f"to run them: sudo apt-get install -y {PACKAGES}\n")


def test_as_root_with_apt_it_installs_chromium_the_way_ci_does(tmp_path: Path) -> None:
    _tool(tmp_path, "id", "echo 0")
    _tool(tmp_path, "apt-get", f'echo "$@" >> {tmp_path / "apt.log"}')
    run = _run(tmp_path, str(tmp_path / "no-chromium"))
    assert run.returncode == 0
    assert (tmp_path / "apt.log").read_text(encoding="utf-8").splitlines() == [
        "update -qq", f"install -y -qq {PACKAGES}"]


def test_with_chromium_present_it_does_nothing(tmp_path: Path) -> None:
    _tool(tmp_path, "chromium", "exit 0")
    _tool(tmp_path, "apt-get", f'echo "$@" >> {tmp_path / "apt.log"}')
    run = _run(tmp_path, str(tmp_path / "chromium"))
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    assert not (tmp_path / "apt.log").exists()


def test_the_readme_test_command_runs_it() -> None:
    assert "bash scripts/chromium" in (SCRIPT.parent / "test").read_text(encoding="utf-8")
