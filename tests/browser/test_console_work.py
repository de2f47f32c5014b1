"""A ward clerk's day in a real browser: search, escalation cards, the audit log and its export, the printed roster."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_support import SHOTS, enter_code, enter_password, serving, shot
from playwright.sync_api import BrowserContext, Page
from sqlalchemy import select
from staff_support import MONDAY, add_facilities, add_household, add_staff, clock

from azukari.booking import service as booking
from azukari.booking.models import Facility, Reservation, Unit
from azukari.db import Database
from azukari.identity.models import VerificationAttempt
from azukari.oversight.escalations import open_escalation
from azukari.registration.service import ChildEntry, register_household

TUESDAY = (MONDAY + dt.timedelta(days=1)).date()
CLOCK = clock()
CALL = "CA18ec0f3b2a4d5e6f708192a3b4c5d6e7"
TOWNS = ("光が丘", "旭町", "春日町", "豊玉北", "石神井町", "大泉学園町")
GUARDIANS = (("恵美", "エミ"), ("美穂", "ミホ"), ("由香", "ユカ"), ("里美", "サトミ"), ("真理", "マリ"),
             ("香織", "カオリ"), ("智子", "トモコ"), ("直美", "ナオミ"))
CHILDREN = (("蓮", "レン"), ("陽", "ハル"), ("葵", "アオイ"), ("湊", "ミナト"), ("結", "ユイ"))
FOUND: dict[str, str] = {}  # 世帯IDs the flows look for

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _seed(database: Database) -> None:
    now = CLOCK.now()
    a_month_ago = now - dt.timedelta(days=30)
    with database.unit_of_work() as session:
        add_facilities(session)
        add_staff(session, username="admin", role="admin", now=now)
        add_staff(session, username="sato", role="centre", now=now)
        hikarigaoka = session.scalars(select(Facility.id).where(Facility.key == 1)).one()
        add_staff(session, username="hoiku1", role="facility", now=now, facility_id=hikarigaoka)
        moved = add_staff(session, username="kimura", role="centre", now=a_month_ago)
        moved.ends_at = now - dt.timedelta(days=1)  # transferred yesterday: the review shows the account ended
        retired = add_staff(session, username="retired", role="centre", now=a_month_ago)
        retired.active, retired.deactivated_at = False, now - dt.timedelta(days=10)
        home = add_household(session, now=a_month_ago)
        FOUND["takahashi"] = home.household_id
        dv_home, _pin = register_household(
            session, guardian_name="山﨑 直子", guardian_kana="ヤマザキ ナオコ", phone="080-9876-5432",
            address="東京都練馬区豊玉北6丁目12番1号",
            children=[ChildEntry(name="山﨑 湊", kana="ヤマザキ ミナト", birthdate=dt.date(2022, 1, 20))],
            registered_on=dt.date(2026, 4, 1), dv_flag=True, now=now)
        FOUND["yamazaki"] = dv_home.household_id
        for n in range(24):  # a common name: two pages of タカハシ, told apart by children, ages and towns
            (guardian, guardian_kana), (child, child_kana) = GUARDIANS[n % 8], CHILDREN[n % 5]
            register_household(
                session, guardian_name=f"高橋 {guardian}", guardian_kana=f"タカハシ {guardian_kana}",
                phone=f"090-2222-{1000 + n:04d}",
                address=f"東京都練馬区{TOWNS[n % len(TOWNS)]}{n % 5 + 1}丁目{n + 1}番{n % 7 + 1}号",
                children=[ChildEntry(name=f"高橋 {child}", kana=f"タカハシ {child_kana}",
                                     birthdate=dt.date(2021 + n % 5, n % 12 + 1, 1 + n % 27))],
                registered_on=dt.date(2026, 4, 1), dv_flag=False, now=now)
        unit = session.scalars(select(Unit.id).join(Facility).where(Facility.key == 1, Unit.key == 1)).one()
        afternoon = session.scalars(select(Unit.id).join(Facility).where(Facility.key == 1, Unit.key == 2)).one()
        # A DV household books only through staff (the bot refuses it: invariant 5).
        for child, on, when, at, channel in ((home.children[0].id, TUESDAY, now, unit, "voice"),
                                             (dv_home.children[0].id, TUESDAY, now, afternoon, "staff"),
                                             (home.children[0].id, (a_month_ago + dt.timedelta(days=6)).date(),
                                              a_month_ago, unit, "voice")):
            booked = booking.book(session, child_id=child, unit_id=at, day=on, channel=channel, language="ja",
                                  now=when)
            assert isinstance(booked, booking.Booked)
        past = session.get(Reservation, booked.reservation_id)  # the last: a month ago, and the child came
        assert past is not None
        past.attendance = "present"
        for reason, fields in (("address", {"child_name": "match", "birthdate": "match", "address": "fail",
                                            "guardian_name": "near"}),
                               ("unknown_child", {"child_name": "fail"})):
            session.add(VerificationAttempt(at=now, channel="voice", method="knowledge", outcome="refused",
                                            reason=reason, fields=fields, calling_number="anonymous",
                                            conversation_key=CALL))
        open_escalation(session, kind="verification_failed", channel="voice", now=now, calling_number="anonymous",
                        details={"outcome": "callback", "channel_step": "guardian_name", "conversation": CALL})
        open_escalation(session, kind="callback", channel="voice", now=now, calling_number="+819011112222",
                        details={"reason": "line_busy"})
        open_escalation(session, kind="staff_requested", channel="voice", now=now, calling_number="anonymous",
                        details={"outcome": "callback", "channel_step": "menu", "conversation": "CA-other"})
        session.commit()


@pytest.fixture(scope="session")  # outlives other files\' tests run between these (see test_parents_pages)
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory, "work.db", seed=_seed, clock=CLOCK) as (url, _database):
        yield url


@pytest.fixture
def signed_in(new_context: Callable[..., BrowserContext], server: str) -> Callable[[str], Page]:
    def make(username: str) -> Page:
        """Both factors, as staff type them: the password, then the authenticator app's code."""
        page = new_context(server, accept_downloads=True).new_page()
        enter_password(page, username)
        if username == "admin":
            shot(page, "login-code")
        enter_code(page, CLOCK)
        page.wait_for_url("**/staff/escalations")
        return page

    return make


def _search(page: Page, query: str) -> list[str]:
    page.fill("#search-form input[name=query]", query)
    page.click("#search-form button:has-text('検索')")
    page.wait_for_load_state()
    return page.locator("table.results tbody tr").evaluate_all("rows => rows.map(r => r.dataset.householdId)")


def test_a_clerk_finds_a_household_by_any_spelling_and_pages_through_a_common_name(
        signed_in: Callable[[str], Page]) -> None:
    page = signed_in("sato")
    page.click("nav >> text=世帯")
    for query in ("髙橋 美咲", "たかはし みさき", "ﾀｶﾊｼﾐｻｷ", "090-1234-5678", "+81 90 1234 5678", "高橋陽翔",
                  FOUND["takahashi"]):
        assert _search(page, query) == [FOUND["takahashi"]], query
    assert _search(page, "佐藤") == [] and "該当する世帯はありません" in page.inner_text("main")
    assert _search(page, "山崎") == [FOUND["yamazaki"]] and page.locator("#dv-banner").is_visible()
    first = _search(page, "ﾀｶﾊｼ")
    assert len(first) == 20 and "25件（1 / 2ページ）" in page.inner_text("#search-count")
    row = page.locator(f"tr[data-household-id='{FOUND['takahashi']}']")
    assert "髙橋 陽翔（3歳）" in row.inner_text() and "光が丘" in row.inner_text() and "二丁目" not in row.inner_text()
    shot(page, "search")
    page.click("button:has-text('次のページ')")
    second = page.locator("table.results tbody tr").evaluate_all("rows => rows.map(r => r.dataset.householdId)")
    assert len(second) == 5 and not set(first) & set(second)
    page.click("button:has-text('前のページ')")
    assert "1 / 2ページ" in page.inner_text("#search-count")


def test_escalation_cards_read_as_plain_japanese_and_a_withheld_caller_can_be_linked(
        signed_in: Callable[[str], Page]) -> None:
    page = signed_in("sato")
    cards = page.locator("li.case")
    text = " ".join(cards.all_inner_texts())
    assert "子の名前 一致" in text and "住所 不一致" in text and "保護者の名前 ほぼ一致" in text
    assert "住所が一致しませんでした" in text and "回線が混み合っていたため" in text and "090-1111-2222" in text
    for internal in ("outcome=", "channel_step", "CA18ec", "attempt_id", "failures=", "anonymous"):
        assert internal not in text, internal
    shot(page, "escalation-cards")
    withheld = page.locator("li.case", has_text="職員との通話を希望")
    assert "番号非通知の連絡です" in withheld.inner_text()
    withheld.locator("input[name=household_id]").fill(FOUND["takahashi"])
    withheld.locator("button:has-text('この世帯の案件にする')").click()
    linked = page.locator("li.case", has_text="職員との通話を希望")
    assert "090-1234-5678" in linked.inner_text() and "番号非通知" not in linked.inner_text()
    failed = page.locator("li.case", has_text="本人確認ができず職員へ")
    failed.locator("button:has-text('連絡先が分からず完了')").click()
    assert page.locator("li.case", has_text="本人確認ができず職員へ").count() == 0
    assert "本人確認ができず職員へ" in page.locator("table").last.inner_text()


def test_an_admin_filters_the_audit_log_and_exports_it_for_excel(signed_in: Callable[[str], Page]) -> None:
    page = signed_in("admin")
    page.click("nav >> text=監査ログ")
    table = page.inner_text("table.audit")
    assert "世帯の検索" in table and "検索結果に表示" in table and "household." not in table
    page.select_option("#audit-filter select[name=action]", "household.searched")
    page.select_option("#audit-filter select[name=username]", "sato")
    page.fill("#audit-filter input[name=since]", MONDAY.date().isoformat())
    page.fill("#audit-filter input[name=until]", MONDAY.date().isoformat())
    page.click("#audit-filter button:has-text('絞り込む')")
    rows = page.locator("table.audit tbody tr").all_inner_texts()
    assert rows and all("世帯の検索" in r and "sato 職員（sato）" in r for r in rows)
    shot(page, "audit-filtered")
    page.select_option("#audit-filter select[name=action]", "")
    page.select_option("#audit-filter select[name=username]", "")
    page.fill("#audit-filter input[name=household_id]", FOUND["takahashi"])
    with page.expect_download() as info:
        page.click("#audit-export")
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and info.value.suggested_filename.endswith(".csv")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][:6] == ["番号", "日時", "操作した人", "操作", "操作コード", "世帯ID"]
    assert {line[5] for line in lines[1:-1]} == {FOUND["takahashi"]} and "検索結果に表示" in {line[3] for line in lines}
    page.click("nav >> text=監査ログ")
    page.select_option("#audit-filter select[name=action]", "audit.exported")
    page.click("#audit-filter button:has-text('絞り込む')")
    assert "監査ログの書き出し" in page.inner_text("table.audit")  # the export is in the trail itself
    page.goto("/staff/accounts/review")
    assert "sato" in page.inner_text("#account-review")
    shot(page, "accounts-review")


def test_the_roster_prints_one_a4_page_per_facility_and_day_with_an_attendance_column(
        signed_in: Callable[[str], Page]) -> None:
    page = signed_in("sato")
    page.click("nav >> text=名簿")
    page.fill("input[name=day]", TUESDAY.isoformat())
    page.click("button:has-text('表示')")
    page.click("#print-all")
    page.wait_for_url("**/staff/roster/print**")
    sheets = page.locator("section.sheet")
    assert sheets.count() == 5
    hikarigaoka = sheets.filter(has_text="光が丘子ども家庭支援センター")
    assert "髙橋 陽翔" in hikarigaoka.inner_text() and "□出席 □欠席" in hikarigaoka.inner_text()
    assert "出欠" in hikarigaoka.locator("th.attendance").first.inner_text()
    assert "DV" in hikarigaoka.locator("tr", has_text="山﨑 湊").inner_text()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 5  # one page per sheet
    boxes = {tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", pdf)}
    assert boxes == {(0, 0, 595, 842)}  # A4 portrait, in points
    SHOTS.mkdir(parents=True, exist_ok=True)
    hikarigaoka.screenshot(path=str(SHOTS / "roster-print.png"))  # on screen, each sheet is drawn as an A4 page


def test_the_household_page_shows_the_past_years_bookings(signed_in: Callable[[str], Page]) -> None:
    page = signed_in("sato")
    page.click("nav >> text=世帯")
    _search(page, FOUND["takahashi"])
    page.click("a:has-text('開く')")
    history = page.locator("table.history")
    assert history.locator("tbody tr").count() == 1 and "光が丘子ども家庭支援センター" in history.inner_text()
    assert "出席" in history.inner_text()
    page.locator("#history").scroll_into_view_if_needed()
    shot(page, "household-history")
