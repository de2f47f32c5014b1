"""The staff console in a real browser: Chromium driven by Playwright against uvicorn on SQLite."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

import pyotp
import pytest
from browser_support import enter_password, log_in, serving, shot
from playwright.sync_api import BrowserContext, Page
from sqlalchemy import select
from staff_support import MONDAY, PASSWORD, TOTP_SECRET, add_facilities, add_household, add_staff, clock

from azukari.db import Database
from azukari.oversight.escalations import open_escalation
from azukari.settings import DEMO_SECRET_KEY
from azukari.staff.models import StaffAccount
from azukari.staff.signin import second_factor

TUESDAY = (MONDAY + dt.timedelta(days=1)).date().isoformat()
# The server's clock: each login moves it on 30 seconds, so every login has a fresh TOTP code.
CLOCK = clock()
RECOVERY: list[str] = []  # kato's recovery codes, as the enrolment page showed them

# tests/conftest.py skips (or, in CI, fails) these when Chromium is absent. One worker runs them all, in
# order, against one server: later flows use what earlier ones entered (scripts/test: --dist loadgroup).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _seed(database: Database) -> None:
    now = clock().now()
    with database.unit_of_work() as session:
        add_facilities(session)
        add_staff(session, username="admin", role="admin", now=now)
        add_staff(session, username="sato", role="centre", now=now)
        add_staff(session, username="suzuki", role="centre", now=now)
        for username in ("ito", "yamada"):
            add_staff(session, username=username, role="centre", now=now)
        kato = add_staff(session, username="kato", role="centre", now=now)
        RECOVERY.extend(second_factor.enrol(session, kato, TOTP_SECRET, secret_key=DEMO_SECRET_KEY, now=now))
        known = add_household(session, now=now)
        dv_home = add_household(session, now=now, dv=True, phone="080-9876-5432")
        open_escalation(session, kind="dv_caller", channel="voice", now=now, household_pk=dv_home.id, dv=True)
        open_escalation(session, kind="household_locked", channel="voice", now=now, household_pk=known.id,
                        details={"fields": {"household_id": "match", "pin": "fail"}, "failures": 5})
        open_escalation(session, kind="verification_failed", channel="sms", now=now,
                        details={"fields": {"child_name": "near", "birthdate": "match", "address": "fail",
                                            "guardian_name": "match"}})
        open_escalation(session, kind="callback", channel="voice", now=now, household_pk=known.id)
        session.commit()


@pytest.fixture(scope="session")  # outlives other files\' tests run between these (see test_parents_pages)
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    with serving(tmp_path_factory, "console.db", seed=_seed, clock=CLOCK) as served:
        yield served


@pytest.fixture
def new_page(new_context: Callable[..., BrowserContext], server: tuple[str, Database]) -> Callable[[], Page]:
    return lambda: new_context(server[0]).new_page()


def test_staff_log_in_claim_and_resolve_an_escalation(new_page: Callable[[], Page]) -> None:
    page = new_page()
    page.goto("/staff/login")
    shot(page, "login")
    log_in(page, "sato", clock=CLOCK)
    page.wait_for_url("**/staff/escalations")
    first = page.locator("li.case").first
    assert "DV" in first.inner_text()  # DV first, marked
    assert page.locator("li.case.alert").count() >= 1  # security alerts stand out
    shot(page, "escalations")
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
    log_in(page, "sato", clock=CLOCK)
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
    log_in(page, "sato", clock=CLOCK)
    page.click("nav >> text=世帯")
    page.fill("input[name=query]", "タカハシ")
    page.click("button:has-text('検索')")
    page.locator("tr", has_text="タカハシ ミサキ").filter(has_not=page.locator(".tag-dv")).first \
        .locator("a:has-text('開く')").click()
    assert page.locator("#dv-banner").count() == 0
    page.select_option("#dv-form select[name=reason]", "agency_request")
    page.click("#dv-form button")
    assert page.locator("#dv-banner").is_visible()
    shot(page, "household")


def test_staff_book_for_a_parent_and_see_the_child_on_the_roster(new_page: Callable[[], Page]) -> None:
    page = new_page()
    log_in(page, "sato", clock=CLOCK)
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
    shot(page, "roster")


def test_a_deactivated_accounts_open_session_ends_on_its_next_request(new_page: Callable[[], Page],
                                                                     server: tuple[str, Database]) -> None:
    staff, admin = new_page(), new_page()
    log_in(staff, "suzuki", clock=CLOCK)
    staff.wait_for_url("**/staff/escalations")
    log_in(admin, "admin", clock=CLOCK)
    admin.click("nav >> text=職員アカウント")
    admin.locator("tr[data-username=suzuki] summary").click()
    admin.locator("button[data-username=suzuki]").click()
    assert "無効" in admin.locator("tr", has_text="suzuki").inner_text()
    staff.click("nav >> text=世帯")
    staff.wait_for_url("**/staff/login")
    with server[1].unit_of_work() as session:
        active = session.scalar(select(StaffAccount.active).where(StaffAccount.username == "suzuki"))
    assert active is False


def test_an_admin_sees_the_audit_trail_with_its_chain_intact(new_page: Callable[[], Page]) -> None:
    page = new_page()
    log_in(page, "admin", clock=CLOCK)
    page.click("nav >> text=監査ログ")
    assert "記録の連鎖は完全です" in page.inner_text("#chain-status")
    assert "世帯の表示" in page.inner_text("table.audit")
    shot(page, "audit")


def test_a_new_member_enrols_by_qr_code_keeps_recovery_codes_and_replaces_the_admins_password(
        new_page: Callable[[], Page]) -> None:
    admin = new_page()
    log_in(admin, "admin", clock=CLOCK)
    admin.click("nav >> text=職員アカウント")
    admin.fill("input[name=username]", "tanaka")
    admin.fill("input[name=display_name]", "田中 一郎")
    admin.fill("input[name=password]", "given out on paper at the desk")
    admin.click("button:has-text('追加')")
    assert "未登録" in admin.locator("tr[data-username=tanaka]").inner_text()
    member = new_page()
    member.goto("/staff/login")
    member.fill("input[name=username]", "tanaka")
    member.fill("input[name=password]", "given out on paper at the desk")
    member.click("button:has-text('ログイン')")
    member.wait_for_url("**/staff/login/enrol")
    assert member.locator("#enrol-qr svg").count() == 1
    shot(member, "enrol")
    secret = member.inner_text("#enrol-secret").replace(" ", "")
    CLOCK.advance(seconds=30)
    member.fill("input[name=code]", pyotp.TOTP(secret).at(CLOCK.now()))
    member.click("button:has-text('登録する')")
    assert member.locator("#recovery-codes li").count() == 10
    shot(member, "recovery-codes")
    member.click("#continue")
    member.wait_for_url("**/staff/login/password")
    member.fill("input[name=new_password]", "my own long passphrase for the console")
    member.fill("input[name=confirm]", "my own long passphrase for the console")
    member.click("button:has-text('変更する')")
    member.wait_for_url("**/staff/escalations")
    assert "田中 一郎" in member.inner_text("header")


def test_a_recovery_code_stands_in_for_the_authenticator_once(new_page: Callable[[], Page]) -> None:
    def with_recovery_code() -> Page:
        page = new_page()
        enter_password(page, "kato")
        page.click("summary:has-text('認証アプリが使えないとき')")
        page.fill("input[name=recovery]", RECOVERY[0])
        page.click("button:has-text('確認')")
        return page

    first = with_recovery_code()
    first.wait_for_url("**/staff/escalations")
    again = with_recovery_code()
    assert "コードが違います" in again.inner_text("[role=alert]") and again.url.endswith("/staff/login/code")


def test_staff_change_their_own_password_with_the_current_one(new_page: Callable[[], Page]) -> None:
    page = new_page()
    log_in(page, "ito", clock=CLOCK)
    page.click("header >> text=パスワード変更")
    shot(page, "password")
    for current in ("not my password at all", PASSWORD):
        page.fill("input[name=current]", current)
        page.fill("input[name=new_password]", "a brand new passphrase, second edition")
        page.fill("input[name=confirm]", "a brand new passphrase, second edition")
        page.click("button:has-text('変更する')")
    assert "パスワードを変更しました" in page.inner_text("#password-changed")
    page.click("button:has-text('ログアウト')")
    fresh = new_page()
    log_in(fresh, "ito", "a brand new passphrase, second edition", clock=CLOCK)
    fresh.wait_for_url("**/staff/escalations")


def test_an_account_past_its_last_day_is_refused_mid_session(new_page: Callable[[], Page]) -> None:
    # Last in the file: it moves the server's clock into the next day.
    member, admin = new_page(), new_page()
    log_in(member, "yamada", clock=CLOCK)
    member.wait_for_url("**/staff/escalations")
    log_in(admin, "admin", clock=CLOCK)
    admin.click("nav >> text=職員アカウント")
    admin.locator("tr[data-username=yamada] summary").click()
    admin.locator("tr[data-username=yamada] input[name=last_day]").fill(MONDAY.date().isoformat())
    admin.locator("tr[data-username=yamada] button:has-text('最終日を設定')").click()
    member.click("nav >> text=世帯")
    member.wait_for_url("**/staff/households")  # still the last day
    CLOCK.advance(hours=15)  # past midnight, Asia/Tokyo
    member.click("nav >> text=対応案件")
    member.wait_for_url("**/staff/login")
    member.fill("input[name=username]", "yamada")
    member.fill("input[name=password]", PASSWORD)
    member.click("button:has-text('ログイン')")
    assert "ユーザー名またはパスワードが違います" in member.inner_text("[role=alert]")
