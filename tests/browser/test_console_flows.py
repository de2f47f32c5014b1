"""The staff console in a real browser: Chromium driven by Playwright against uvicorn on SQLite."""
from __future__ import annotations

import datetime as dt
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select
from staff_support import MONDAY, PASSWORD, add_facilities, add_household, add_staff, clock

from azukari import migrate
from azukari.app import create_app
from azukari.db import Database
from azukari.oversight.escalations import open_escalation
from azukari.settings import DEMO_SECRET_KEY, Settings
from azukari.staff.models import StaffAccount

# Screenshots land in the repo only when asked (AZUKARI_SCREENSHOTS=docs/screenshots), so a test run
# never dirties the checkout; otherwise they go to a temporary folder.
SHOTS = Path(os.environ.get("AZUKARI_SCREENSHOTS") or tempfile.mkdtemp(prefix="azukari-shots-"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TUESDAY = (MONDAY + dt.timedelta(days=1)).date().isoformat()

# tests/conftest.py skips (or, in CI, fails) these when Chromium is absent. One worker runs them all, in
# order, against one server: later flows use what earlier ones entered (scripts/test: --dist loadgroup).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _seed(database: Database) -> None:
    now = clock().now()
    with database.unit_of_work() as session:
        add_facilities(session)
        add_staff(session, username="admin", role="admin", now=now)
        add_staff(session, username="sato", role="centre", now=now)
        add_staff(session, username="suzuki", role="centre", now=now)
        known = add_household(session, now=now)
        dv_home = add_household(session, now=now, dv=True, phone="080-9876-5432")
        open_escalation(session, kind="dv_caller", channel="voice", now=now, household_pk=dv_home.id, dv=True)
        open_escalation(session, kind="household_locked", channel="voice", now=now, household_pk=known.id,
                        details={"fields": {"household_id": "match", "pin": "fail"}, "attempts": 5})
        open_escalation(session, kind="verification_failed", channel="sms", now=now,
                        details={"fields": {"child_name": "near", "birthdate": "match", "address": "fail",
                                            "guardian_name": "match"}})
        open_escalation(session, kind="callback", channel="voice", now=now, household_pk=known.id)
        session.commit()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'console.db'}"
    database = Database(url, secret_key=DEMO_SECRET_KEY)
    migrate.upgrade(database.engine)
    _seed(database)
    port = _free_port()
    app = create_app(Settings(database_url=url, public_base_url=f"http://127.0.0.1:{port}"), database=database,
                     clock=clock())
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


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(chromium_path), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, server: tuple[str, Database]) -> Iterator[Callable[[], Page]]:
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="ja-JP",
                                      base_url=server[0])
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _log_in(page: Page, username: str) -> None:
    page.goto("/staff/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_staff_log_in_claim_and_resolve_an_escalation(new_page: Callable[[], Page]) -> None:
    page = new_page()
    page.goto("/staff/login")
    _shot(page, "login")
    _log_in(page, "sato")
    page.wait_for_url("**/staff/escalations")
    first = page.locator("li.case").first
    assert "DV" in first.inner_text()  # DV first, marked
    assert page.locator("li.case.alert").count() >= 1  # security alerts stand out
    _shot(page, "escalations")
    callback = page.locator("li.case", has_text="折り返し電話の依頼")
    callback.locator("button:has-text('担当する')").click()
    callback = page.locator("li.case", has_text="折り返し電話の依頼")
    assert "対応中" in callback.inner_text()
    callback.locator("input[name=text]").fill("登録番号に折り返し済み")
    callback.locator("button:has-text('メモを追加')").click()
    page.locator("li.case", has_text="折り返し電話の依頼").locator("button:has-text('完了にする')").click()
    assert page.locator("li.case", has_text="折り返し電話の依頼").count() == 0
    assert "折り返し電話の依頼" in page.locator("table").last.inner_text()


def test_staff_enter_a_paper_registration_and_get_the_letter(new_page: Callable[[], Page]) -> None:
    page = new_page()
    _log_in(page, "sato")
    page.click("nav >> text=新規登録")
    page.fill("input[name=guardian_name]", "山田 花子")
    page.fill("input[name=guardian_kana]", "ヤマダ ハナコ")
    page.fill("input[name=phone]", "080-2345-6789")
    page.fill("input[name=address]", "東京都練馬区豊玉北6丁目12番1号")
    page.locator("input[name=child_name]").first.fill("山田 蓮")
    page.locator("input[name=child_kana]").first.fill("ヤマダ レン")
    page.locator("input[name=child_birthdate]").first.fill("2025-01-10")
    page.click("button:has-text('登録して世帯IDを発行')")
    assert re.fullmatch(r"\d{8}", page.inner_text("#household-id"))
    assert re.fullmatch(r"\d{4}", page.inner_text("#pin"))
    # The parent later loses the letter: a new PIN, confirmed first, on the same letter shown once.
    page.click("a:has-text('世帯の画面へ')")
    page.click("#pin-reissue")
    page.click("#pin-reissue-form button")
    assert "再発行" in page.inner_text("h1") and re.fullmatch(r"\d{4}", page.inner_text("#pin"))


def test_setting_a_dv_flag_shows_the_banner_on_the_household_page(new_page: Callable[[], Page],
                                                                  server: tuple[str, Database]) -> None:
    page = new_page()
    _log_in(page, "sato")
    page.click("nav >> text=世帯")
    page.fill("input[name=query]", "タカハシ")
    page.click("button:has-text('検索')")
    page.locator("tr", has_text="タカハシ ミサキ").filter(has_not=page.locator(".tag-dv")).first \
        .locator("a:has-text('開く')").click()
    assert page.locator("#dv-banner").count() == 0
    page.select_option("#dv-form select[name=reason]", "agency_request")
    page.click("#dv-form button")
    assert page.locator("#dv-banner").is_visible()
    _shot(page, "household")


def test_staff_book_for_a_parent_and_see_the_child_on_the_roster(new_page: Callable[[], Page]) -> None:
    page = new_page()
    _log_in(page, "sato")
    page.click("nav >> text=世帯")
    page.fill("input[name=query]", "ヤマダ")
    page.click("button:has-text('検索')")
    page.click("a:has-text('開く')")
    page.fill("input[name=day]", TUESDAY)
    page.click("button:has-text('空きを見る')")
    page.locator("tr", has_text="光が丘子ども家庭支援センター").filter(has_text="09:00") \
        .locator("button:has-text('この枠で予約する')").click()
    assert "確認SMSを登録番号に送ります" in page.inner_text("main")
    page.click("nav >> text=名簿")
    page.fill("input[name=day]", TUESDAY)
    page.click("button:has-text('表示')")
    assert "山田 蓮" in page.inner_text("main") and "1,500円" in page.inner_text("main")
    _shot(page, "roster")


def test_a_deactivated_accounts_open_session_ends_on_its_next_request(new_page: Callable[[], Page],
                                                                     server: tuple[str, Database]) -> None:
    staff, admin = new_page(), new_page()
    _log_in(staff, "suzuki")
    staff.wait_for_url("**/staff/escalations")
    _log_in(admin, "admin")
    admin.click("nav >> text=職員アカウント")
    admin.locator("button[data-username=suzuki]").click()
    assert "無効" in admin.locator("tr", has_text="suzuki").inner_text()
    staff.click("nav >> text=世帯")
    staff.wait_for_url("**/staff/login")
    with server[1].unit_of_work() as session:
        active = session.scalar(select(StaffAccount.active).where(StaffAccount.username == "suzuki"))
    assert active is False


def test_an_admin_sees_the_audit_trail_with_its_chain_intact(new_page: Callable[[], Page]) -> None:
    page = new_page()
    _log_in(page, "admin")
    page.click("nav >> text=監査ログ")
    assert "記録の連鎖は完全です" in page.inner_text("#chain-status")
    assert "household.viewed" in page.inner_text("table.audit")
    _shot(page, "audit")
