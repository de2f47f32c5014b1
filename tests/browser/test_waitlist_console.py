"""Waiting lists, held seats and attendance in a real browser: Chromium driven by Playwright against uvicorn."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from browser_support import log_in, serving, shot
from playwright.sync_api import BrowserContext, Page
from sqlalchemy import select
from staff_support import MONDAY, add_facilities, add_household, add_staff, clock

from azukari.booking import offers, service
from azukari.booking.models import BookingPolicy, Facility, Unit, WaitlistEntry
from azukari.db import Database

TUESDAY = (MONDAY + dt.timedelta(days=1)).date()
CLOCK = clock()  # the server's: each login moves it on 30 seconds, for a fresh TOTP code

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _seed(database: Database) -> None:
    """Facility 1's Tuesday morning: two families waiting, a freed seat held for the first; a roster for Monday."""
    now = CLOCK.now()
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
        # Three families, each child born on its own day (one child registered thrice would be one duplicate).
        homes = [add_household(session, now=sunday, phone=f"090-1234-{5600 + i}", birthdate=dt.date(2023, 5, 1 + i))
                 for i in range(3)]
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


@pytest.fixture(scope="session")  # outlives other files\' tests run between these (see test_parents_pages)
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory, "waiting.db", seed=_seed, clock=CLOCK) as (url, _database):
        yield url


@pytest.fixture
def page(new_context: Callable[..., BrowserContext], server: str) -> Page:
    tab = new_context(server).new_page()
    log_in(tab, "sato", clock=CLOCK)
    tab.wait_for_url("**/staff/escalations")
    return tab


def test_staff_see_the_waiting_list_and_the_held_seat_and_take_a_family_off(page: Page) -> None:
    page.click("nav >> text=キャンセル待ち")
    page.fill("input[name=day]", TUESDAY.isoformat())
    page.click("button:has-text('表示')")
    morning = page.locator("section.unit").first
    assert "確保中 1席" in morning.inner_text() and "待ち 2名" in morning.inner_text()  # the family never sees this
    assert "まで確保" in morning.locator("tbody tr").first.inner_text()
    shot(page, "waiting")
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
    shot(page, "roster-attendance")


def test_the_household_page_shows_its_waiting_entry(page: Page) -> None:
    page.goto(f"/staff/waiting?day={TUESDAY.isoformat()}")
    page.locator("section.unit").first.locator("tbody tr").first.locator("a").click()
    waiting = page.locator("table.waiting")
    assert TUESDAY.isoformat() in waiting.inner_text() and "まで確保" in waiting.inner_text()
    shot(page, "household-waiting")
