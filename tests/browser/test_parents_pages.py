"""The parents' web pages in a real browser (contract §8): Chromium on a phone-sized screen, uvicorn on SQLite.

One server for the file, flows in order: sign-in with the letter's password and the forced change, a booking
(and the voice line no longer offering that seat), a cancel, the waiting list and an offer taken, each language,
and axe-core's accessibility check of every page (no serious or critical violation).
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_support import SHOTS, serving, shot
from ivr_support import ELSEWHERE, MONDAY, TUESDAY, Family, Phone, client_for, seed
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from azukari.booking import service
from azukari.booking.models import BookingPolicy, Facility, Reservation, Unit, UnitDay
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households import web_access
from azukari.households.models import Child

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CLOCK = FixedClock(MONDAY.astimezone(dt.UTC))
PHONE_SIZE = {"width": 390, "height": 844}
OWN_PASSWORD = "asobi ni iku hi no asa"
HERE = Path(__file__).resolve().parent
FAMILIES: dict[str, Family] = {}
LETTERS: dict[str, str] = {}


def _seed(database: Database) -> None:
    FAMILIES["a"] = seed(database)
    FAMILIES["b"] = seed(database, facilities=False, phone="090-1111-0002", birthdate=dt.date(2023, 6, 1))
    FAMILIES["c"] = seed(database, facilities=False, phone="090-1111-0003", birthdate=dt.date(2023, 7, 1))
    with database.unit_of_work() as session:
        session.execute(update(BookingPolicy).values(waitlist=True))
        for name, family in FAMILIES.items():
            LETTERS[name] = web_access.issue(session, household_pk=family.household_pk, now=CLOCK.now())
        # Family a has made its own password already, so the booking flows need not follow the first sign-in
        # (family c's, below) to run.
        access = web_access.of(session, household_pk=FAMILIES["a"].household_pk)
        assert access is not None
        web_access.change(access, password=OWN_PASSWORD, now=CLOCK.now())
        # Facility 1's afternoon on Tuesday has one seat left: the web takes it, and the phone must not offer it.
        unit, capacity = _unit(session, 2)
        session.add(UnitDay(unit_id=unit, day=TUESDAY, booked=capacity - 1, infants=0))
        session.commit()


def _unit(session: Session, key: int) -> tuple[int, int]:
    found = session.execute(select(Unit.id, Facility.capacity).join(Unit.facility)
                            .where(Facility.key == 1, Unit.key == key)).one()
    return found[0], found[1]


# Session-scoped, not module-scoped: pytest-xdist may run other files' tests on this worker between these,
# and pytest tears a module's fixtures down when it moves to another module — the flows below build on
# each other (the password the first one sets, the booking the second makes), so the server must outlive that.
@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    with serving(tmp_path_factory, "parents.db", seed=_seed, clock=CLOCK) as served:
        yield served


@pytest.fixture(scope="module")
def axe() -> Path:
    """axe-core from npm (tests/browser/package.json), installed here if scripts/test has not yet."""
    script = HERE / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE, check=True, timeout=300)
    return script


@pytest.fixture
def phone_page(server: tuple[str, Database], browser: Browser) -> Iterator[Callable[[], Page]]:
    """A fresh phone-sized context per call (closed after the test); CSP bypassed only to load axe-core."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(viewport=PHONE_SIZE, is_mobile=True, has_touch=True, locale="ja-JP",
                                      base_url=server[0], bypass_csp=True)
        contexts.append(context)
        return context.new_page()
    yield make
    for context in contexts:
        context.close()


def _sign_in(page: Page, name: str, password: str) -> None:
    page.goto("/signin")
    page.get_by_label("世帯ID").fill(FAMILIES[name].household_id)
    page.get_by_label("ウェブ用パスワード").fill(password)
    page.get_by_role("button", name="ログインする").click()


def _check_accessible(page: Page, axe: Path, name: str) -> None:
    page.add_script_tag(path=str(axe))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}));
    }""")
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name}: {json.dumps(serious)}"


def test_the_first_sign_in_asks_for_a_new_password_and_then_opens_booking(
        phone_page: Callable[..., Page], axe: Path) -> None:
    page = phone_page()
    _sign_in(page, "c", LETTERS["c"])
    page.wait_for_url("**/password")
    page.get_by_label("新しいパスワード（10文字以上）").fill("short")
    page.get_by_label("新しいパスワード（もう一度）").fill("short")
    page.evaluate("document.querySelectorAll('input[minlength]').forEach(e => e.removeAttribute('minlength'))")
    page.get_by_role("button", name="変更する").click()
    assert page.locator("#new-error").is_visible()
    shot(page, "web-password")
    _check_accessible(page, axe, "password change")
    page.get_by_label("新しいパスワード（10文字以上）").fill(OWN_PASSWORD)
    page.get_by_label("新しいパスワード（もう一度）").fill(OWN_PASSWORD)
    page.get_by_role("button", name="変更する").click()
    page.wait_for_url("**/book")
    page.wait_for_load_state("networkidle")  # nothing in flight when the context closes


def test_a_booking_on_a_phone_sized_screen_and_the_voice_line_then_lacks_that_seat(
        server: tuple[str, Database], phone_page: Callable[..., Page], axe: Path) -> None:
    database = server[1]
    page = phone_page()
    _sign_in(page, "a", OWN_PASSWORD)
    page.wait_for_url("**/book")
    page.get_by_label("利用日").fill(TUESDAY.isoformat())
    page.get_by_role("button", name="空いている時間を見る").click()
    shot(page, "web-book")
    _check_accessible(page, axe, "book")
    page.get_by_label("光が丘子ども家庭支援センター 13:00–16:00").check()
    page.get_by_role("button", name="確認へ進む").click()
    assert page.locator("#fee").inner_text() == "1,500円"
    shot(page, "web-confirm")
    _check_accessible(page, axe, "confirm")
    page.get_by_role("button", name="予約する").click()
    assert "予約番号は" in page.locator("#message").inner_text()
    shot(page, "web-booked")
    # The voice line, over HTTP on the same ledger: Tuesday's afternoon at facility 1 is no longer offered.
    line = Phone(client_for(database, CLOCK), caller=ELSEWHERE)
    line.start()
    line.answer("language", digits="1")
    line.verify_by_knowledge(FAMILIES["b"])
    line.answer("menu", digits="1")
    line.answer("date", digits=TUESDAY.strftime("%Y%m%d"))
    line.answer("facility", digits="1")
    heard = " ".join(line.says)
    assert "午前9時から12時は1" in heard and "午後1時から4時" not in heard


def test_the_household_cancels_on_its_bookings_page(
        server: tuple[str, Database], phone_page: Callable[..., Page], axe: Path) -> None:
    page = phone_page()
    _sign_in(page, "a", OWN_PASSWORD)
    page.goto("/bookings")
    shot(page, "web-bookings")
    _check_accessible(page, axe, "bookings")
    page.get_by_role("button", name="取り消す").first.click()
    assert "取り消しました" in page.locator("#message").inner_text()
    with server[1].unit_of_work() as session:
        assert session.scalars(select(Reservation.status)).all() == ["cancelled"]


def test_the_waiting_list_and_an_offer_taken_on_the_web(
        server: tuple[str, Database], phone_page: Callable[..., Page], axe: Path) -> None:
    database = server[1]
    with database.unit_of_work() as session:  # family b takes the last seat again, on the phone's booking core
        unit, _ = _unit(session, 2)
        b_child = session.scalar(select(Child.id).where(Child.household_pk == FAMILIES["b"].household_pk))
        assert b_child is not None
        booked = service.book(session, child_id=b_child, unit_id=unit, day=TUESDAY, channel="voice", language="ja",
                              now=CLOCK.now())
        assert isinstance(booked, service.Booked)
        session.commit()
    page = phone_page()
    _sign_in(page, "a", OWN_PASSWORD)
    page.goto(f"/book?day={TUESDAY.isoformat()}")
    page.get_by_label("光が丘子ども家庭支援センター 13:00–16:00").check()
    page.get_by_role("button", name="キャンセル待ちに申し込む").click()
    assert "キャンセル待ちに申し込みました" in page.locator("#message").inner_text()
    with database.unit_of_work() as session:
        cancelled = service.cancel(session, household_pk=FAMILIES["b"].household_pk,
                                   booking_number=booked.booking_number, channel="voice", language="ja",
                                   now=CLOCK.now())
        assert isinstance(cancelled, service.Cancelled)
        session.commit()
    page.goto("/bookings")
    shot(page, "web-offer")
    _check_accessible(page, axe, "offer")
    page.get_by_role("button", name="この予約をする").click()
    assert "予約番号は" in page.locator("#message").inner_text()
    with database.unit_of_work() as session:
        mine = session.execute(select(Reservation.status, Reservation.channel).where(
            Reservation.household_pk == FAMILIES["a"].household_pk, Reservation.status == "booked")).all()
    assert [tuple(row) for row in mine] == [("booked", "web")]


@pytest.mark.parametrize("lang", ["ja", "en", "zh", "ko"])
def test_each_languages_pages_render_and_pass_the_accessibility_check(
        phone_page: Callable[..., Page], axe: Path, lang: str) -> None:
    page = phone_page()
    for path in ("/", "/signin", "/help"):
        page.goto(f"{path}?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        name = path.strip("/") or "availability"
        if path == "/":  # two months of five facilities: the first screen is what a parent sees
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"web-{name}-{lang}.png"))
        else:
            shot(page, f"web-{name}-{lang}")
        _check_accessible(page, axe, f"{path} in {lang}")
