"""Helpers for the browser tests: a seeded database served by uvicorn, logging in with both factors, screenshots."""
from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyotp
import pytest
import uvicorn
from playwright.sync_api import Page
from staff_support import PASSWORD, TOTP_SECRET

from azukari import migrate
from azukari.app import create_app
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.settings import DEMO_SECRET_KEY, Settings

# Screenshots land in the repo only when asked (AZUKARI_SCREENSHOTS=docs/screenshots), so a test run
# never dirties the checkout; otherwise they go to a temporary folder.
SHOTS = Path(os.environ.get("AZUKARI_SCREENSHOTS") or tempfile.mkdtemp(prefix="azukari-shots-"))


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(tmp_path_factory: pytest.TempPathFactory, name: str, *, seed: Callable[[Database], None],
            clock: FixedClock) -> Iterator[tuple[str, Database]]:
    """A new SQLite database `name`, migrated and seeded, served by uvicorn on a free port with `clock`.

    Yields the server's base URL and the database; stops the server and closes the database after.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / name}"
    database = Database(url, secret_key=DEMO_SECRET_KEY)
    migrate.upgrade(database.engine)
    seed(database)
    port = _free_port()
    app = create_app(Settings(database_url=url, public_base_url=f"http://127.0.0.1:{port}"), database=database,
                     clock=clock)
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", database
    uv.should_exit = True
    thread.join(timeout=10)
    database.dispose()


def enter_password(page: Page, username: str, password: str = PASSWORD) -> None:
    """The first factor: from the login page to the page that asks for the code."""
    page.goto("/staff/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button:has-text('ログイン')")
    page.wait_for_url("**/staff/login/code")


def enter_code(page: Page, clock: FixedClock) -> None:
    """The second factor: moves the server's clock on 30 seconds first, since a TOTP code works once."""
    clock.advance(seconds=30)
    page.fill("input[name=code]", pyotp.TOTP(TOTP_SECRET).at(clock.now()))
    page.click("button:has-text('確認')")


def log_in(page: Page, username: str, password: str = PASSWORD, *, clock: FixedClock) -> None:
    """Both factors, as staff type them: the password, then the authenticator app's code."""
    enter_password(page, username, password)
    enter_code(page, clock)
