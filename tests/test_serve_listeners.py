"""`azukari serve --console-port`: real processes, one app on two listeners, each serving only its side."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from azukari.cli import main

NOT_FOUND = {"detail": "Not Found"}
TOKEN = "scrape-me"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


Start = Callable[..., tuple[str, str]]


@pytest.fixture
def start_serve(tmp_path: Path) -> Iterator[Start]:
    """Starts `azukari serve --port P --console-port C` with extra settings; stops it by SIGTERM afterwards."""
    started: list[tuple[subprocess.Popen[bytes], int, int]] = []

    def start(**settings: str) -> tuple[str, str]:
        port, console = _free_port(), _free_port()
        environment = {k: v for k, v in os.environ.items() if k not in ("CONSOLE_ALLOW", "TRUSTED_PROXIES")}
        environment.update(DATABASE_URL=f"sqlite:///{tmp_path / f'serve{len(started)}.db'}",
                           PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", METRICS_TOKEN=TOKEN,
                           TWILIO_API_BASE_URL="http://127.0.0.1:9", **settings)
        process = subprocess.Popen([sys.executable, "-m", "azukari.cli", "serve", "--port", str(port),
                                    "--console-port", str(console)], env=environment, cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append((process, port, console))
        public, inside = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{console}"
        deadline = time.monotonic() + 60
        while not (_up(f"{public}/healthz") and _up(f"{inside}/healthz")):
            assert process.poll() is None, (process.stderr.read() if process.stderr else b"").decode()[-2000:]
            assert time.monotonic() < deadline, "serve did not come up on both ports"
            time.sleep(0.2)
        return public, inside

    yield start
    for process, port, console in started:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0  # both listeners stopped, the process ended cleanly
        assert not _up(f"http://127.0.0.1:{port}/healthz") and not _up(f"http://127.0.0.1:{console}/healthz")


def test_with_a_console_port_the_console_answers_only_there_and_the_webhooks_only_on_the_public_port(
        start_serve: Start) -> None:
    public, inside = start_serve()
    assert httpx.get(f"{public}/staff/login").json() == NOT_FOUND
    assert httpx.get(f"{public}/staff/static/console.css").status_code == 404
    assert 'href="/signin"' in httpx.get(f"{public}/").text  # the parents' availability (contract §8)
    assert httpx.get(f"{inside}/staff/login").status_code == 200
    assert httpx.get(f"{inside}/").headers["location"] == "/staff/login"
    assert httpx.get(f"{inside}/signin").json() == NOT_FOUND  # the parents' pages stay on the public port
    for path in ("/twilio/voice", "/twilio/sms", "/twilio/voice/menu", "/twilio/sms/status"):
        assert httpx.post(f"{inside}{path}", data={"CallSid": "CA" + "1" * 32}).json() == NOT_FOUND
        assert httpx.post(f"{public}{path}", data={"CallSid": "CA" + "1" * 32}).status_code == 403  # unsigned
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    for base in (public, inside):
        assert httpx.get(f"{base}/metrics", headers=bearer).status_code == 200
        assert httpx.get(f"{base}/metrics").status_code == 401


def test_the_console_listener_keeps_to_console_allow_and_believes_forwarded_addresses_only_from_trusted_proxies(
        start_serve: Start) -> None:
    _public, inside = start_serve(CONSOLE_ALLOW="10.1.2.3/32", TRUSTED_PROXIES="127.0.0.1/32")
    assert httpx.get(f"{inside}/staff/login").json() == NOT_FOUND  # loopback itself is not allowed now
    assert httpx.get(f"{inside}/staff/login", headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 200
    assert httpx.get(f"{inside}/staff/login", headers={"X-Forwarded-For": "10.9.9.9"}).json() == NOT_FOUND
    _public, untrusting = start_serve(CONSOLE_ALLOW="10.1.2.3/32")
    forged = httpx.get(f"{untrusting}/staff/login", headers={"X-Forwarded-For": "10.1.2.3"})
    assert forged.json() == NOT_FOUND  # the peer is no trusted proxy: its header is not believed


def test_serve_refuses_a_console_port_that_is_its_own_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "8123", "--console-port", "8123"]) == 1
    assert "--console-port must differ from --port" in capsys.readouterr().err


def test_serve_stops_whole_when_its_console_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port, console = _free_port(), taken.getsockname()[1]
        environment = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'taken.db'}",
                           PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", TWILIO_API_BASE_URL="http://127.0.0.1:9")
        done = subprocess.run([sys.executable, "-m", "azukari.cli", "serve", "--port", str(port),
                               "--console-port", str(console)], env=environment, cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "address already in use" in done.stderr.lower()
    assert not _up(f"http://127.0.0.1:{port}/healthz")  # the public listener did not stay up alone
