"""Waiting lists, held seats and attendance in a real browser: Chromium driven by Playwright against uvicorn."""
from __future__ import annotations

import datetime as dt
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import select
from staff_support import MONDAY, PASSWORD, add_facilities, add_household, add_staff, clock

from azukari import migrate
from azukari.app import create_app
from azukari.booking import offers, service
from azukari.booking.models import BookingPolicy, Facility, Unit, WaitlistEntry
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.settings import DEMO_SECRET_KEY, Settings

SHOTS = Path(os.environ.get("AZUKARI_SCREENSHOTS") or tempfile.mkdtemp(prefix="azukari-shots-"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TUESDAY = (MONDAY + dt.timedelta(days=1)).date()

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _seed(database: Database, fixed: FixedClock) -> None:
    """Facility 1's Tuesday morning: two families waiting, a freed seat held for the first; a roster for Monday."""
    now = fixed.now()
    sunday = now - dt.timedelta(days=1)
    with database.unit_of_work() as session:
        add_facilities(session)
        policy = session.get(BookingPolicy, 1)
        assert policy is not None
        policy.waitlist, policy.offer_hours = True, 12
        add_staff(session, username="sato", role="centre", now=now)
        hikarigaoka = session.scalars(select(Facility).where(Facility.key == 1)).one()
        hikarigaoka.capacity = 1  # one seat: freed below, it is held for the first family waiting
        unit = session.scalars(select(Unit.id).join(Facility).where(Facility.key == 1, Unit.key == 1)).one()
        sekimachi = session.scalars(select(Unit.id).join(Facility).where(Facility.key == 2, Unit.key == 1)).one()
        homes = [add_household(session, now=sunday, phone=f"090-1234-{5600 + i}") for i in range(3)]
        for home in homes[:2]:
            session.add(WaitlistEntry(household_pk=home.id, child_id=home.children[0].id, unit_id=unit, day=TUESDAY,
                                      status="waiting", channel="voice", language="ja", created_at=now))
        session.flush()
        offers.fill(session, unit_id=unit, day=TUESDAY, now=now)  # a seat is free: held for the first
        for home in homes:  # booked on Sunday for Monday: today's roster, ready to be marked
            booked = service.book(session, child_id=home.children[0].id, unit_id=sekimachi, day=MONDAY.date(),
                                  channel="voice", language="ja", now=sunday)
            assert isinstance(booked, service.Booked)
        session.commit()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'waiting.db'}"
    database = Database(url, secret_key=DEMO_SECRET_KEY)
    migrate.upgrade(database.engine)
    fixed = clock()
    _seed(database, fixed)
    port = _free_port()
    app = create_app(Settings(database_url=url, public_base_url=f"http://127.0.0.1:{port}"), database=database,
                     clock=fixed)
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    database.dispose()


@pytest.fixture
def page(chromium_path: Path, server: str) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(executable_path=str(chromium_path), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="ja-JP", base_url=server)
        tab = context.new_page()
        tab.goto("/staff/login")
        tab.fill("input[name=username]", "sato")
        tab.fill("input[name=password]", PASSWORD)
        tab.click("button:has-text('ログイン')")
        tab.wait_for_url("**/staff/escalations")
        yield tab
        context.close()
        browser.close()


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_staff_see_the_waiting_list_and_the_held_seat_and_take_a_family_off(page: Page) -> None:
    page.click("nav >> text=キャンセル待ち")
    page.fill("input[name=day]", TUESDAY.isoformat())
    page.click("button:has-text('表示')")
    morning = page.locator("section.unit").first
    assert "確保中 1席" in morning.inner_text() and "待ち 2名" in morning.inner_text()  # the family never sees this
    assert "まで確保" in morning.locator("tbody tr").first.inner_text()
    _shot(page, "waiting")
    morning.locator("tbody tr").nth(1).locator("button:has-text('外す')").click()
    assert "キャンセル待ちから外しました" in page.locator("[role=status]").inner_text()
    assert "待ち 1名" in page.locator("section.unit").first.inner_text()


def test_staff_mark_attendance_on_todays_roster(page: Page) -> None:
    page.goto(f"/staff/roster?facility=2&day={MONDAY.date().isoformat()}")
    rows = page.locator("section.unit").first.locator("tbody tr")
    rows.nth(0).locator("button:has-text('出席')").click()
    rows = page.locator("section.unit").first.locator("tbody tr")
    rows.nth(1).locator("button:has-text('無断キャンセル')").click()
    rows = page.locator("section.unit").first.locator("tbody tr")
    assert "出席" in rows.nth(0).locator("td.attendance strong").inner_text()
    assert "無断キャンセル" in rows.nth(1).locator("td.attendance strong").inner_text()
    _shot(page, "roster-attendance")


def test_the_household_page_shows_its_waiting_entry(page: Page) -> None:
    page.goto(f"/staff/waiting?day={TUESDAY.isoformat()}")
    page.locator("section.unit").first.locator("tbody tr").first.locator("a").click()
    waiting = page.locator("table.waiting")
    assert TUESDAY.isoformat() in waiting.inner_text() and "まで確保" in waiting.inner_text()
    _shot(page, "household-waiting")
