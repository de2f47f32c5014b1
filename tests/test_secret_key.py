"""AZUKARI_SECRET_KEY is the service's own secret, and no service reachable from elsewhere runs on demo secrets."""
from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from ivr_support import MONDAY, PUBLIC, Family, Phone, client_for, seed, sign

from azukari.cli import main
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.settings import Settings

REAL = {"TWILIO_AUTH_TOKEN": "a-real-token", "TWILIO_ACCOUNT_SID": "AC" + "9" * 32,
        "AZUKARI_SECRET_KEY": "a-real-secret-key"}


def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *, demo: str, base_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/never.db")
    monkeypatch.setenv("PUBLIC_BASE_URL", base_url)
    for name, value in REAL.items():
        if name == demo:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"]])
@pytest.mark.parametrize("variable", sorted(REAL))
def test_serve_and_worker_refuse_to_start_on_a_public_url_while_a_secret_is_its_demo_value(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str],
        variable: str) -> None:
    _environment(monkeypatch, tmp_path, demo=variable, base_url="https://booking.example.jp")
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and variable in err
    assert not (tmp_path / "never.db").exists()


def test_the_worker_runs_on_demo_secrets_when_the_public_url_is_this_machine(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _environment(monkeypatch, tmp_path, demo="AZUKARI_SECRET_KEY", base_url="http://127.0.0.1:8000")
    assert main(["migrate"]) == 0
    assert main(["worker", "--once"]) == 0


@pytest.mark.parametrize(("url", "loopback"), [("http://127.0.0.1:8000", True), ("http://localhost:8000", True),
                                               ("http://[::1]:8000", True), ("https://booking.example.jp", False),
                                               ("http://10.0.0.5:8000", False)])
def test_only_a_url_naming_this_machine_counts_as_loopback(url: str, loopback: bool) -> None:
    assert Settings(public_base_url=url).public_url_is_loopback is loopback


@dataclass
class RotatedPhone(Phone):
    """A phone whose requests Twilio signs with a new auth token from some point of the call on."""

    token: str = "ivr-test-auth-token"

    def post(self, url: str, params: dict[str, str], *, signature: str | None = None) -> httpx.Response:
        url = urllib.parse.urljoin(PUBLIC + "/", url)
        return self.client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params, self.token)})


def test_rotating_the_twilio_token_mid_call_keeps_the_calls_sealed_answers_readable(database: Database) -> None:
    family: Family = seed(database)
    clock = FixedClock(MONDAY.astimezone(dt.UTC))
    phone = RotatedPhone(client_for(database, clock))
    phone.start()
    phone.answer("language", digits="1")
    phone.answer("id_choice", digits="2")
    phone.answer("child_name", speech=family.child)  # sealed in the call's state until it is graded
    phone.client, phone.token = client_for(database, clock, twilio_auth_token="rotated-token"), "rotated-token"
    phone.answer("birthdate", digits=family.birthdate.strftime("%Y%m%d"))
    phone.answer("address", speech=family.address)
    phone.answer("guardian_name", speech=family.guardian)
    assert phone.step == "menu"
